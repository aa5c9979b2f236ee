//! Request handlers, one module per domain. Handlers parse and check the
//! request, call the domain or read the read model, and shape the answer;
//! rules and storage live below them.

pub mod criteria;
pub mod curation;
pub mod directory;
pub mod documents;
pub mod facets;
pub mod fhir;
pub mod filters;
pub mod geojson;
pub mod hsds;
pub mod interop;
pub mod ops;
pub mod suggest;
