//! HTTP plumbing shared by every domain, with no domain types: strict
//! query parameters, the list toolkit (cursor, limit, page writer),
//! request bodies, revision ETags, caching, CORS, rate limits, fallbacks
//! and the shared OpenAPI error responses.

pub mod body;
pub mod caching;
pub mod cors;
pub mod etag;
pub mod fallback;
pub mod pagination;
pub mod panics;
pub mod params;
pub mod path;
pub mod problems;
pub mod ratelimit;
pub mod security;
