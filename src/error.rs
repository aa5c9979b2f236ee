//! The one error type of the API, rendered as RFC 9457 problem+json.
//!
//! Policy: a client's mistake is a 4xx that names the field or parameter at
//! fault; a 5xx means our fault, is logged with its cause, and shows the
//! client only a generic detail. Handlers never build error responses by
//! hand: they return `ApiError`.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::store::{Outage, StoreError, RETRY_AFTER_SECS};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// One field or parameter at fault.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FieldError {
    /// The query parameter, path segment or JSON field at fault.
    #[schema(example = "radius_km")]
    pub field: String,
    #[schema(example = "must be a number from 0 to 20000")]
    pub message: String,
}

/// RFC 9457 problem details.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "https://sarcoma-directory.example/problems/invalid-parameter",
    "title": "Invalid query parameter",
    "status": 400,
    "detail": "radius_km: must be a number from 0 to 20000",
    "errors": [{"field": "radius_km", "message": "must be a number from 0 to 20000"}]
}))]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// Debug and Display name the status and the kind of problem only: the
/// detail, field names and messages can quote what a client sent (a patient's
/// value in a letter request), and actix's logger writes an error
/// response's Debug form at debug level. Clients get the detail in the
/// body; the log never does.
#[derive(Clone, thiserror::Error)]
#[error("{status} {slug}")]
pub struct ApiError {
    status: StatusCode,
    slug: &'static str,
    title: &'static str,
    detail: String,
    errors: Vec<FieldError>,
    /// Extra response headers (WWW-Authenticate, ETag, Retry-After).
    headers: Vec<(header::HeaderName, String)>,
    /// An RFC 9457 extension member: its name and value (a bulk
    /// operation's per-item results).
    extension: Option<Box<(&'static str, serde_json::Value)>>,
}

impl std::fmt::Debug for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Not even field names: an unknown field's name is the client's.
        f.debug_struct("ApiError")
            .field("status", &self.status.as_u16())
            .field("kind", &self.slug)
            .field("fields", &self.errors.len())
            .finish_non_exhaustive()
    }
}

const PROBLEM_BASE: &str = "https://sarcoma-directory.example/problems/";

impl ApiError {
    fn new(status: StatusCode, slug: &'static str, title: &'static str, detail: String) -> Self {
        Self {
            status,
            slug,
            title,
            detail,
            errors: Vec::new(),
            headers: Vec::new(),
            extension: None,
        }
    }

    /// Adds the extension member `name` to the problem document.
    pub fn with_extension(mut self, name: &'static str, value: serde_json::Value) -> Self {
        self.extension = Some(Box::new((name, value)));
        self
    }

    fn with_header(mut self, name: header::HeaderName, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    /// 401: no usable bearer token. `error` is RFC 6750's code, absent
    /// when no credentials were sent at all.
    pub fn unauthorized(error: Option<&str>, detail: impl Into<String>) -> Self {
        let challenge = match error {
            Some(code) => format!("Bearer realm=\"curation\", error=\"{code}\""),
            None => "Bearer realm=\"curation\"".to_owned(),
        };
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Authentication required",
            detail.into(),
        )
        .with_header(header::WWW_AUTHENTICATE, challenge)
    }

    /// 403: authenticated, but not allowed to do this.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Forbidden",
            detail.into(),
        )
    }

    /// 404 for something that is not a public listing (accounts,
    /// proposals, reports, stored entities of any status).
    pub fn no_such(kind: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            format!("no {kind} has the id {id:?}"),
        )
    }

    /// 409: the request conflicts with the current state.
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", "Conflict", detail.into())
    }

    /// 412: `If-Match` names a version that is no longer current.
    pub fn precondition_failed(current_etag: &str) -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "precondition-failed",
            "Precondition failed",
            format!("If-Match does not match the current version {current_etag}; read it again and retry"),
        )
        .with_header(header::ETAG, current_etag.to_owned())
    }

    /// 428: a change without `If-Match`.
    pub fn precondition_required() -> Self {
        Self::new(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition-required",
            "Precondition required",
            "send If-Match with the ETag of the version you read".to_owned(),
        )
    }

    /// 400: a request header is malformed.
    pub fn bad_header(name: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut e = Self::new(
            StatusCode::BAD_REQUEST,
            "invalid-header",
            "Invalid request header",
            format!("{name}: {message}"),
        );
        e.errors.push(FieldError {
            field: name.to_owned(),
            message,
        });
        e
    }

    /// 429: too many requests from this client; retry after `seconds`.
    pub fn too_many_requests(seconds: u64) -> Self {
        Self::too_many(
            seconds,
            format!("too many requests from this address; try again in {seconds} s"),
        )
    }

    /// 429 with `Retry-After` and a detail saying what is limited.
    pub fn too_many(seconds: u64, detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too-many-requests",
            "Too many requests",
            detail.into(),
        )
        .with_header(header::RETRY_AFTER, seconds.to_string())
    }

    /// 400: a query parameter is unknown, repeated or malformed.
    pub fn bad_parameter(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut e = Self::new(
            StatusCode::BAD_REQUEST,
            "invalid-parameter",
            "Invalid query parameter",
            format!("{field}: {message}"),
        );
        e.errors.push(FieldError {
            field: field.to_owned(),
            message,
        });
        e
    }

    /// 400: the request body is not usable at all.
    pub fn bad_body(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "malformed-body",
            "Malformed request body",
            detail.into(),
        )
    }

    /// 400: a body field that must not be there.
    pub fn bad_field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut e = Self::new(
            StatusCode::BAD_REQUEST,
            "unknown-field",
            "Unknown field",
            format!("{field}: {message}"),
        );
        e.errors.push(FieldError {
            field: field.to_owned(),
            message,
        });
        e
    }

    /// 422: fields that parse but fail validation, each listed.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "Fields failed validation",
            detail,
        );
        e.errors = errors;
        e
    }

    /// 422 for one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::validation(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }

    /// 406: no format the client accepts can be produced.
    pub fn not_acceptable(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::NOT_ACCEPTABLE,
            "not-acceptable",
            "Not acceptable",
            detail.into(),
        )
    }

    /// 413: the body is larger than the endpoint takes.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            "Request body too large",
            format!("the body may be at most {limit} bytes"),
        )
    }

    /// 415: the body is not in a media type the endpoint reads.
    pub fn unsupported_media_type(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            detail.into(),
        )
    }

    /// 410: what was asked for existed once and is gone for good.
    pub fn gone(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::GONE, "gone", "Gone", detail.into())
    }

    /// 404: no public listing has this id.
    pub fn not_found(kind: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            format!("no published {kind} has the id {id:?}"),
        )
    }

    pub fn no_route(path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            format!("no endpoint at {path}; see /openapi.json"),
        )
    }

    pub fn method_not_allowed(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "Method not allowed",
            format!("{method} is not allowed on {path}"),
        )
    }

    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Service unavailable",
            detail.into(),
        )
    }

    /// 503 with `Retry-After`: busy or briefly unavailable; try again.
    pub fn unavailable_for(seconds: u64, detail: impl Into<String>) -> Self {
        Self::unavailable(detail).with_header(header::RETRY_AFTER, seconds.to_string())
    }

    /// 503 with `Retry-After`: the database is unreachable, busy, read-only
    /// or its storage failed. The detail names what failed, never the
    /// driver's text (hosts, users, file paths).
    pub fn database_unavailable(detail: impl Into<String>, retry_after_secs: u64) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "database-unavailable",
            "Database unavailable",
            detail.into(),
        )
        .with_header(header::RETRY_AFTER, retry_after_secs.to_string())
    }

    /// 507: the database's disk is full, so nothing could be stored.
    pub fn insufficient_storage() -> Self {
        Self::new(
            StatusCode::INSUFFICIENT_STORAGE,
            "insufficient-storage",
            "Insufficient storage",
            "the database's disk is full: nothing was stored; try again once space is freed".into(),
        )
        .with_header(header::RETRY_AFTER, (RETRY_AFTER_SECS * 12).to_string())
    }

    /// The answer for a database outage (see [`Outage`]).
    pub fn outage(outage: Outage) -> Self {
        let nothing = "nothing was changed";
        match outage {
            Outage::Unreachable => Self::database_unavailable(
                format!(
                    "the database is not reachable; {nothing}, try again in {RETRY_AFTER_SECS} s"
                ),
                RETRY_AFTER_SECS,
            ),
            Outage::Busy => Self::database_unavailable(
                format!("the database is busy with other writes; {nothing}, try again in 1 s"),
                1,
            ),
            Outage::ReadOnly => Self::database_unavailable(
                format!("the database is read-only at the moment and takes no changes; {nothing}"),
                RETRY_AFTER_SECS * 6,
            ),
            Outage::Storage => Self::database_unavailable(
                format!("the database's storage failed to read or write; {nothing}"),
                RETRY_AFTER_SECS * 6,
            ),
            Outage::Full => Self::insufficient_storage(),
        }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        log::error!("internal error: {cause}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal server error",
            "the server failed to answer; the error has been logged".into(),
        )
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn problem(&self) -> Problem {
        Problem {
            kind: format!("{PROBLEM_BASE}{}", self.slug),
            title: self.title.to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            errors: self.errors.clone(),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status);
        res.insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
            .insert_header((header::CACHE_CONTROL, "no-store"));
        for (name, value) in &self.headers {
            res.insert_header((name.clone(), value.as_str()));
        }
        let mut body = serde_json::to_value(self.problem()).expect("problem serialises");
        if let (Some(extension), Some(members)) = (&self.extension, body.as_object_mut()) {
            let (name, value) = &**extension;
            members.insert((*name).to_owned(), value.clone());
        }
        res.body(body.to_string())
    }
}

/// A database outage (unreachable, busy, read-only, full disk, failed
/// storage) is a 503 with `Retry-After` or a 507, logged with its cause as
/// a warning; any other store error is ours, a 500.
impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e.outage() {
            Some(outage) => {
                log::warn!("database outage ({outage:?}): {e}");
                ApiError::outage(outage)
            }
            None => ApiError::internal(e),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        StoreError::Query(e).into()
    }
}
