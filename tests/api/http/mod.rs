//! HTTP plumbing shared by every endpoint: CORS, trusted proxies, caching
//! validators and pagination.

mod caching;
mod cors;
mod hardening;
mod pagination;
mod proxies;
