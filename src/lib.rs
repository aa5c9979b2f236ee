//! Sarcoma centre directory: a JSON API that helps sarcoma patients find
//! real sarcoma expertise, with the evidence behind every listing.
//!
//! `main.rs` is a thin CLI over this library; `startup` wires the HTTP
//! server; each domain (directory, ...) owns its model, storage and routes.

pub mod config;
pub mod criteria;
pub mod curation;
pub mod directory;
pub mod documents;
pub mod error;
pub mod fhir;
pub mod http;
pub mod interop;
pub mod openapi;
pub mod startup;
pub mod store;
