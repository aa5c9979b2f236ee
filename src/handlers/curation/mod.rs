//! Curation endpoints (bearer token; see `curation::accounts::Caller`),
//! plus the public history and problem reports of listings.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod bulk;
pub mod listings;
pub mod proposals;
pub mod queue;
pub mod reports;
pub mod search;

/// Largest accepted curation request body (a clinician with many
/// affiliations and sources fits easily).
pub const MAX_BODY_BYTES: usize = 256 * 1024;
