//! HTTP plumbing shared by every domain: strict query parameters,
//! pagination, fallback handlers and operations endpoints.

pub mod body;
pub mod caching;
pub mod fallback;
pub mod ops;
pub mod pagination;
pub mod params;
