//! Optimistic concurrency for curation: entities and proposals carry a
//! revision, shown as the strong ETag `"r<revision>"`. A change must send
//! `If-Match` with the ETag it read: none gives 428, a stale one 412 with
//! the current ETag, so no update is ever lost to a concurrent one.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

use crate::error::ApiError;

pub fn etag(revision: i64) -> String {
    format!("\"r{revision}\"")
}

/// The revision `If-Match` names: 428 when absent, 400 when malformed.
pub fn if_match(req: &HttpRequest) -> Result<i64, ApiError> {
    let raw = req
        .headers()
        .get(header::IF_MATCH)
        .ok_or_else(ApiError::precondition_required)?;
    raw.to_str().ok().and_then(parse).ok_or_else(|| {
        ApiError::bad_header(
            "If-Match",
            "must be one ETag this API gave, such as \"r3\" (quotes included)",
        )
    })
}

/// The revision an ETag `"r<revision>"` names (surrounding blanks allowed).
pub fn parse(value: &str) -> Option<i64> {
    value
        .trim()
        .strip_prefix("\"r")
        .and_then(|v| v.strip_suffix('"'))
        .and_then(|v| v.parse::<i64>().ok())
}

/// 412 unless the client's revision is the current one.
pub fn check(sent: i64, current: i64) -> Result<(), ApiError> {
    if sent == current {
        Ok(())
    } else {
        Err(ApiError::precondition_failed(&etag(current)))
    }
}

/// A curation response: for the account that asked only, never stored by
/// caches (some carry a new token).
pub fn private_json<T: Serialize>(body: &T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(body)
}

/// As [`private_json`], with the ETag of `revision`.
pub fn versioned_json<T: Serialize>(body: &T, revision: i64) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::ETAG, etag(revision)))
        .json(body)
}
