//! Security headers on every answer: no MIME sniffing anywhere; on
//! every answer of the curation console and the patient site a strict
//! policy of their own; and on
//! other HTML (letters, the API docs) a content security policy that allows
//! nothing from elsewhere and no framing, with no referrer sent on.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

/// Letters: their own inline style sheet and nothing else.
const LETTER_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/// The Swagger UI at /docs: its own scripts and styles (it sets styles
/// inline as it renders), images it embeds as data URIs.
const DOCS_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The curation console at /curate/: its own scripts, styles and API
/// calls only, nothing inline (it inserts text, never markup), images only
/// from itself or data URIs; on every answer under /curate, not only HTML,
/// so a module or style sheet cannot be framed or sniffed either.
pub const CONSOLE_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; \
form-action 'self'";

/// The patient site's policy (`/` and `/site/...`): the console's, and
/// images from the configured map tile server, if there is one. Startup
/// puts it in the app data; without it, the console's.
pub struct SitePolicy(pub HeaderValue);

impl SitePolicy {
    /// `tile_origin` is checked by the settings (scheme, host and port only).
    pub fn new(tile_origin: Option<&str>) -> Self {
        let policy = match tile_origin {
            None => CONSOLE_POLICY.to_owned(),
            Some(origin) => CONSOLE_POLICY.replace(
                "img-src 'self' data:",
                &format!("img-src 'self' data: {origin}"),
            ),
        };
        Self(HeaderValue::from_str(&policy).expect("an origin is a valid header value"))
    }
}

/// Whether `path` is the console's (`/curate` or below).
fn console(path: &str) -> bool {
    path == "/curate" || path.starts_with("/curate/")
}

/// Whether `path` is the patient site's (`/` and its files under `/site/`).
fn site(path: &str) -> bool {
    path == "/" || path.starts_with("/site/")
}

pub async fn headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let docs = req.path().starts_with("/docs");
    let path = crate::http::path::decoded(req.path());
    let strict = if console(&path) {
        Some(HeaderValue::from_static(CONSOLE_POLICY))
    } else if site(&path) {
        Some(
            req.app_data::<actix_web::web::Data<SitePolicy>>()
                .map_or_else(|| HeaderValue::from_static(CONSOLE_POLICY), |p| p.0.clone()),
        )
    } else {
        None
    };
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Some(policy) = strict {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        return Ok(res);
    }
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        let policy = if docs { DOCS_POLICY } else { LETTER_POLICY };
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(policy),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
    }
    Ok(res)
}
