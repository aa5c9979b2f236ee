ALTER TABLE facts DROP COLUMN source_retrieved;
