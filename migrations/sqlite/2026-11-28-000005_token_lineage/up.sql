-- The token a token was issued with (null: issued on the server with
-- `create-account`), so approvals can refuse tokens that descend from one
-- the proposal's author held.
ALTER TABLE api_tokens ADD COLUMN issued_with TEXT REFERENCES api_tokens (id);
