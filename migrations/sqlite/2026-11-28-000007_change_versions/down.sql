ALTER TABLE changes DROP COLUMN data_version;
