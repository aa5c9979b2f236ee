-- Criteria profiles are data: the whole versioned profile as JSON text,
-- loaded from seed/criteria.json when missing, editable without code.
CREATE TABLE criteria_profiles (
    id TEXT PRIMARY KEY NOT NULL,
    version TEXT NOT NULL,
    document TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
