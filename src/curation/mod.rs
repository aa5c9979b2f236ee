//! Volunteer curation: accounts and tokens, proposals and their review,
//! the audit trail, verifications, the review queue, public problem
//! reports, seeding and backup. Storage and rules live here; the
//! endpoints are in `handlers::curation`.
//!
//! Every write runs in one transaction that first takes the write lock
//! ([`crate::store::lock_writes`]); a change that alters public reads also
//! appends to the change feed and bumps the data version, which every API
//! node polls to rebuild its read model.

pub mod accounts;
pub mod apply;
pub mod audit;
pub mod backup;
pub mod entities;
pub mod model;
pub mod proposals;
pub mod queue;
pub mod reports;
pub mod search;
pub mod seed;
pub mod verifications;
