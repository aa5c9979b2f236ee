-- Volunteer curation: accounts and their API tokens (stored only as
-- SHA-256 hashes), proposals and their review, the audit trail of every
-- applied change, verifications, and public problem reports.
CREATE TABLE accounts (
    id TEXT PRIMARY KEY NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

-- payload: the entity as it will be once applied (JSON), null to archive.
-- base_revision: the entity's revision the proposal was made against.
CREATE TABLE proposals (
    id BIGSERIAL PRIMARY KEY,
    entity_kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    payload TEXT,
    base_revision BIGINT,
    changed_fields TEXT NOT NULL,
    reason TEXT NOT NULL,
    sources TEXT NOT NULL,
    status TEXT NOT NULL,
    proposed_by TEXT NOT NULL REFERENCES accounts (id),
    proposed_at TEXT NOT NULL,
    decided_by TEXT REFERENCES accounts (id),
    decided_at TEXT,
    decision_reason TEXT,
    revision BIGINT NOT NULL
);
CREATE INDEX proposals_status ON proposals (status, id);
CREATE INDEX proposals_proposed_by ON proposals (proposed_by, id);

-- One row per applied change; proposed_by/approved_by are null for seed
-- imports. before_json/after_json are the entity's JSON (null when absent).
CREATE TABLE audit_log (
    seq BIGSERIAL PRIMARY KEY,
    entity_kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_revision BIGINT NOT NULL,
    proposal_id BIGINT REFERENCES proposals (id),
    proposed_by TEXT REFERENCES accounts (id),
    approved_by TEXT REFERENCES accounts (id),
    at TEXT NOT NULL,
    fields TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity_kind, entity_id, seq);
CREATE INDEX audit_log_proposed_by ON audit_log (proposed_by, seq);
CREATE INDEX audit_log_approved_by ON audit_log (approved_by, seq);

CREATE TABLE verifications (
    id BIGSERIAL PRIMARY KEY,
    entity_kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    method TEXT NOT NULL,
    verified_on TEXT NOT NULL,
    next_review_due TEXT NOT NULL,
    source TEXT NOT NULL,
    note TEXT,
    recorded_by TEXT NOT NULL REFERENCES accounts (id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX verifications_entity ON verifications (entity_kind, entity_id, id);

-- Public problem reports: no account, no personal data asked for, and the
-- sender's address is never stored (rate limiting keeps it in memory).
CREATE TABLE reports (
    id BIGSERIAL PRIMARY KEY,
    entity_kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    category TEXT NOT NULL,
    details TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    resolved_by TEXT REFERENCES accounts (id),
    resolved_at TEXT,
    resolution TEXT
);
CREATE INDEX reports_status ON reports (status, id);

-- Facts get a revision so a proposal can be made against a known version.
ALTER TABLE facts ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;
