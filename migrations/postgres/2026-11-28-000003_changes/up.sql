-- The change feed: one row each time a listing's public representation
-- changes, in order. Rows before directory_state.changes_purged_before
-- have been purged; cursors older than that get 410.
CREATE TABLE changes (
    seq BIGSERIAL PRIMARY KEY,
    entity_kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    revision BIGINT NOT NULL,
    changed_at TEXT NOT NULL
);
ALTER TABLE directory_state ADD COLUMN changes_purged_before BIGINT NOT NULL DEFAULT 0;
-- Listings published before the feed existed appear as created.
INSERT INTO changes (entity_kind, entity_id, action, revision, changed_at)
    SELECT 'centre', id, 'created', revision, created_at FROM centres WHERE status = 'published' ORDER BY id;
INSERT INTO changes (entity_kind, entity_id, action, revision, changed_at)
    SELECT 'clinician', id, 'created', revision, created_at FROM clinicians WHERE status = 'published' ORDER BY id;
