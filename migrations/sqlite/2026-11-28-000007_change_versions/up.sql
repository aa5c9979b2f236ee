-- The data version each change produced, so a node holding the directory
-- at version V can bring it to version W by re-reading only the listings
-- the feed names after its position, and knows it must reload everything
-- when some version in between has no feed row (a criteria profile
-- change) or predates this column (null).
ALTER TABLE changes ADD COLUMN data_version BIGINT;
