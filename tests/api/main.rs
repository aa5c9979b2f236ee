//! Integration tests: each starts the real server on port 0 with its own
//! fresh database and talks HTTP to it. Every test runs twice, on SQLite
//! (a temporary file) and on PostgreSQL (a new database on the server named
//! by `TEST_POSTGRES_URL`).

mod helpers;

mod backup;
mod centres;
mod client;
mod clinicians;
mod criteria;
mod curation;
mod curation_security;
mod documents;
mod errors;
mod fhir;
mod geo;
mod interop;
mod openapi;
mod operations;
mod pagination;
mod readme;
mod seed;
