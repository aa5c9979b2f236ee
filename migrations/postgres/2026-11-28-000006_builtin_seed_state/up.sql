-- Which built-in seed (`seed/centres.json`, by SHA-256 of its text) the
-- database last loaded: start-up loads the built-in seed again, adding
-- only the listings missing, when the service ships a different one.
CREATE TABLE seed_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    builtin_sha256 TEXT NOT NULL,
    loaded_at TEXT NOT NULL
);
