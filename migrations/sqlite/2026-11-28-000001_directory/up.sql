-- The directory: centres, clinicians, their affiliations and the dated,
-- sourced facts the criteria read. Portable shape shared with PostgreSQL:
-- text ids, ISO-8601 text dates, lists and sources as JSON text.
CREATE TABLE centres (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    institution TEXT,
    street TEXT,
    postal_code TEXT,
    city TEXT,
    subdivision TEXT,
    country TEXT NOT NULL,
    latitude DOUBLE,
    longitude DOUBLE,
    coordinate_precision TEXT,
    coordinate_source TEXT,
    website TEXT,
    phone TEXT,
    referral_phone TEXT,
    referral_email TEXT,
    referral_web_form TEXT,
    programmes TEXT NOT NULL DEFAULT '[]',
    services TEXT NOT NULL DEFAULT '[]',
    languages TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL,
    verification_status TEXT NOT NULL,
    last_verified TEXT,
    verification_method TEXT,
    next_review_due TEXT,
    sources TEXT NOT NULL,
    notes TEXT,
    revision BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX centres_status_country ON centres (status, country, subdivision);

CREATE TABLE clinicians (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    discipline TEXT NOT NULL,
    subtypes TEXT NOT NULL DEFAULT '[]',
    languages TEXT NOT NULL DEFAULT '[]',
    takes_phone_consultations BOOLEAN,
    status TEXT NOT NULL,
    verification_status TEXT NOT NULL,
    last_verified TEXT,
    verification_method TEXT,
    next_review_due TEXT,
    sources TEXT NOT NULL,
    notes TEXT,
    revision BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX clinicians_status ON clinicians (status, discipline);

CREATE TABLE affiliations (
    clinician_id TEXT NOT NULL REFERENCES clinicians (id) ON DELETE CASCADE,
    centre_id TEXT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    sources TEXT NOT NULL,
    PRIMARY KEY (clinician_id, centre_id)
);
CREATE INDEX affiliations_centre ON affiliations (centre_id);

CREATE TABLE facts (
    id TEXT PRIMARY KEY NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    metric TEXT NOT NULL,
    value_number DOUBLE,
    value_bool BOOLEAN,
    as_of TEXT NOT NULL,
    source_url TEXT,
    source_citation TEXT,
    attestation TEXT NOT NULL,
    note TEXT,
    recorded_at TEXT NOT NULL,
    CHECK (value_number IS NOT NULL OR value_bool IS NOT NULL),
    CHECK (source_url IS NOT NULL OR source_citation IS NOT NULL)
);
CREATE INDEX facts_subject ON facts (subject_kind, subject_id, metric);

-- One row: bumped by every write that changes what public reads show, so
-- every API node can tell cheaply that its in-memory read model is stale.
CREATE TABLE directory_state (
    id INTEGER PRIMARY KEY NOT NULL,
    data_version BIGINT NOT NULL
);
INSERT INTO directory_state (id, data_version) VALUES (1, 0);
