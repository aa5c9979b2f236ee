-- When a fact's source was read (ISO-8601 date). Null: not recorded (facts
-- stored before the date was kept). Listing sources are JSON text and
-- carry the same `retrieved` key without a schema change.
ALTER TABLE facts ADD COLUMN source_retrieved TEXT;
