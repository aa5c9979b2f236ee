//! Volunteer curation: accounts and tokens, proposals and their review,
//! the audit trail and public history, verifications, the review queue,
//! public problem reports, and backup.
//!
//! Every write runs in one transaction that first takes the write lock
//! ([`crate::store::lock_writes`]); a change that alters public reads also
//! appends to the change feed and bumps the data version, which every API
//! node polls to rebuild its read model.

pub mod accounts;
pub mod apply;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod entities;
pub mod etag;
pub mod listings;
pub mod model;
pub mod proposals;
pub mod queue;
pub mod reports;

/// Largest accepted curation request body (a clinician with many
/// affiliations and sources fits easily).
pub const MAX_BODY_BYTES: usize = 256 * 1024;
