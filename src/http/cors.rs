//! Which browser origins may call what. Browsers may call the public API
//! (reads, document generation and problem reports, which need no
//! account) from any origin, or only from `CORS_ALLOWED_ORIGINS` when set;
//! the curation endpoints only from `CURATION_CORS_ALLOWED_ORIGINS`.
//! Tokens travel in `Authorization`, not cookies, so no credentials mode
//! is involved. Headers a front-end needs to read (Link, ETag,
//! Content-Disposition, Location, Retry-After) are exposed.

use std::sync::Arc;

use actix_web::http::header;

/// The allowed origins.
pub struct CorsPolicy {
    /// Public API (reads, documents, problem reports): `None` is any origin.
    pub public: Option<Vec<String>>,
    /// `/v1/curation/...`: only these origins (none by default).
    pub curation: Vec<String>,
}

impl CorsPolicy {
    fn allows(&self, origin: &[u8], path: &str) -> bool {
        let listed = |list: &[String]| list.iter().any(|o| o.as_bytes() == origin);
        if crate::http::path::is_curation(path) {
            listed(&self.curation)
        } else {
            self.public.as_deref().is_none_or(listed)
        }
    }
}

/// The CORS middleware for `policy`.
pub fn middleware(policy: Arc<CorsPolicy>) -> actix_cors::Cors {
    actix_cors::Cors::default()
        .allowed_origin_fn(move |origin, head| policy.allows(origin.as_bytes(), head.uri.path()))
        .allowed_methods(["GET", "POST", "PATCH", "DELETE", "OPTIONS"])
        .allowed_headers([
            header::ACCEPT,
            header::CONTENT_TYPE,
            header::IF_NONE_MATCH,
            header::IF_MATCH,
            header::AUTHORIZATION,
        ])
        .expose_headers([
            header::LINK,
            header::ETAG,
            header::CONTENT_DISPOSITION,
            header::LOCATION,
            header::RETRY_AFTER,
        ])
        .max_age(3600)
}
