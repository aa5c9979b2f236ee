//! Sarcoma centre directory: a JSON API that helps sarcoma patients find
//! real sarcoma expertise, with the evidence behind every listing.
//!
//! Modules are layered; a module imports only from its own layer or below,
//! and `tests/architecture.rs` fails the build's tests when one does not
//! (see ARCHITECTURE.md):
//!
//! 1. `store`, `error`, `config`: storage, the one error type, settings.
//! 2. `http`: plumbing with no domain types.
//! 3. `directory`, then 4. `criteria`, then 5. `curation` and `documents`:
//!    domain models, rules and storage rows.
//! 6. `readmodel`: the in-memory directory every public read answers from.
//! 7. `state`: what handlers share.
//! 8. `handlers`: one folder per domain.
//! 9. `routes` (the one route table) and `openapi` (built from it).
//! 10. `startup`; `main.rs` is the CLI over this library.

pub mod config;
pub mod criteria;
pub mod curation;
pub mod directory;
pub mod documents;
pub mod error;
pub mod handlers;
pub mod http;
pub mod openapi;
pub mod readmodel;
pub mod routes;
pub mod startup;
pub mod state;
pub mod store;
pub mod web;
