//! Serving embedded files (the console's and the patient site's): each
//! answer carries a strong ETag of its bytes and `Cache-Control: no-cache`,
//! so a browser revalidates (a cheap 304) and never runs an old module
//! with a new binary.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// A file: its name, media type and bytes.
pub type Asset = (&'static str, &'static str, &'static [u8]);

/// The ETag of each asset, in order.
pub fn etags(assets: &[Asset]) -> Vec<String> {
    assets
        .iter()
        .map(|(_, _, bytes)| {
            let digest = Sha256::digest(bytes);
            let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
            format!("\"{hex}\"")
        })
        .collect()
}

/// `name` from `assets` (a 404 problem when there is no such file), or a
/// 304 when the browser holds it already.
pub fn serve(
    req: &HttpRequest,
    assets: &[Asset],
    etags: &[String],
    name: &str,
) -> Result<HttpResponse, ApiError> {
    let at = assets
        .iter()
        .position(|(n, _, _)| *n == name)
        .ok_or_else(|| ApiError::no_route(req.path()))?;
    let (_, mime, bytes) = assets[at];
    let etag = &etags[at];
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim().trim_start_matches("W/") == etag)
        });
    let mut response = if matches {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag.as_str()))
        .insert_header((header::CACHE_CONTROL, "no-cache"));
    if matches {
        return Ok(response.finish());
    }
    Ok(response.content_type(mime).body(bytes))
}
