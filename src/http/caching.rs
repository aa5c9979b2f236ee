//! HTTP caching for public GETs: an `ETag` derived from the directory's
//! data version and the request, `304 Not Modified` on a matching
//! `If-None-Match` (answered before the handler runs), and
//! `Cache-Control: public, no-cache` so clients revalidate every time and
//! never show a listing older than the server's.
//!
//! Responses that set their own `Cache-Control` (documents: `no-store`)
//! and errors are left alone.

use std::hash::{Hash, Hasher};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};

/// What public answers depend on besides the request: the directory's
/// data version and the day its assessments were evaluated on. Startup
/// registers one as app data, reading the read model.
pub struct Freshness(pub Box<dyn Fn() -> (i64, chrono::NaiveDate) + Send + Sync>);

const POLICY: &str = "public, no-cache";

/// Paths whose GET answers come only from the snapshot and the request.
fn cacheable(raw: &str) -> bool {
    let path = crate::http::path::decoded(raw);
    (path.starts_with("/v1/") && !path.starts_with("/v1/curation/"))
        || path.starts_with("/fhir/")
        || path.starts_with("/hsds/")
        || path == "/openapi.json"
}

fn etag_for(req: &ServiceRequest) -> Option<String> {
    let freshness = req.app_data::<web::Data<Freshness>>()?;
    let (version, day) = (freshness.0)();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (
        env!("CARGO_PKG_VERSION"),
        version,
        day,
        req.path(),
        req.query_string(),
    )
        .hash(&mut h);
    if let Some(accept) = req.headers().get(header::ACCEPT) {
        accept.as_bytes().hash(&mut h);
    }
    Some(format!("\"{:016x}\"", h.finish()))
}

/// What `If-None-Match` asks for.
#[derive(PartialEq)]
enum Condition {
    /// No header, or no tag of this representation.
    None,
    /// This representation's tag: not modified.
    Tag,
    /// `*`: not modified if the resource exists (RFC 9110 13.1.2), which
    /// only the handler's answer tells.
    Any,
}

fn condition(if_none_match: Option<&HeaderValue>, etag: &str) -> Condition {
    let Some(tags) = if_none_match.and_then(|v| v.to_str().ok()) else {
        return Condition::None;
    };
    let tags: Vec<&str> = tags.split(',').map(str::trim).collect();
    if tags.iter().any(|t| t.trim_start_matches("W/") == etag) {
        Condition::Tag
    } else if tags.contains(&"*") {
        Condition::Any
    } else {
        Condition::None
    }
}

fn not_modified(etag: String, varies: bool) -> HttpResponse {
    let mut response = HttpResponse::NotModified();
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, POLICY));
    if varies {
        response.insert_header((header::VARY, "Accept"));
    }
    response.finish()
}

pub async fn etags(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if req.method() != Method::GET || !cacheable(req.path()) {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let Some(etag) = etag_for(&req) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    // Answers negotiated on Accept: blank templates, the centre list
    // (JSON or GeoJSON).
    let varies = req.path().ends_with("/blank") || req.path() == "/v1/centres";
    let asked = condition(req.headers().get(header::IF_NONE_MATCH), &etag);
    if asked == Condition::Tag {
        return Ok(req
            .into_response(not_modified(etag, varies))
            .map_into_right_body());
    }
    let mut res = next.call(req).await?;
    let cacheable = res.status().is_success() && !res.headers().contains_key(header::CACHE_CONTROL);
    if asked == Condition::Any && cacheable {
        let (req, _) = res.into_parts();
        return Ok(ServiceResponse::new(req, not_modified(etag, varies)).map_into_right_body());
    }
    if cacheable {
        let headers = res.headers_mut();
        headers.insert(
            header::ETAG,
            HeaderValue::from_str(&etag).expect("hex etag"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(POLICY));
        if varies {
            headers.insert(header::VARY, HeaderValue::from_static("Accept"));
        }
    }
    Ok(res.map_into_left_body())
}
