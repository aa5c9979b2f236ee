ALTER TABLE facts DROP COLUMN revision;
DROP TABLE reports;
DROP TABLE verifications;
DROP TABLE audit_log;
DROP TABLE proposals;
DROP TABLE api_tokens;
DROP TABLE accounts;
