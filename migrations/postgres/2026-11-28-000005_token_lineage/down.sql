ALTER TABLE api_tokens DROP COLUMN issued_with;
