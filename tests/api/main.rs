//! Integration tests: each starts the real server on port 0 with its own
//! fresh database and talks HTTP to it (or runs the real binary). The
//! files mirror the features: directory reads, criteria, documents,
//! curation (one file per feature), interop, FHIR, HTTP plumbing, the CLI,
//! settings, and faults (a killed server, a database that is cut off or
//! refuses writes). Tests that touch the database run twice, on SQLite (a
//! temporary file) and on PostgreSQL (a new database on the server named
//! by `TEST_POSTGRES_URL`); the rest run once, in `once` modules
//! (`faults::outage::pg_only` runs on PostgreSQL only).

mod helpers;

mod backup;
mod centres;
mod cli;
mod client;
mod clinicians;
mod console;
mod criteria;
mod curation;
mod discovery;
mod documents;
mod errors;
mod faults;
mod fhir;
mod geo;
mod geojson;
mod hsds;
mod http;
mod interop;
mod openapi;
mod operations;
mod readme;
mod readmodel;
mod seed;
mod settings;
mod site;
mod typescript;
