DROP TABLE changes;
ALTER TABLE directory_state DROP COLUMN changes_purged_before;
