//! Public problem reports (no account, rate-limited per client address;
//! the address is held in memory for the limit's window only and never
//! stored) and the reviewers' list and resolution of them.

use std::time::Instant;

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::curation::accounts::Caller;
use crate::curation::model::*;
use crate::curation::reports;
use crate::error::{ApiError, Problem};
use crate::http::etag::private_json;
use crate::http::pagination::AfterId;
use crate::http::problems;
use crate::http::ratelimit::client_address;
use crate::http::{body, pagination, params};
use crate::state::AppState;

/// Reports are short; a small body limit keeps abuse cheap to refuse,
/// yet holds the longest valid text (2000 characters, each up to 12 bytes
/// as a JSON escape pair).
const MAX_REPORT_BYTES: usize = 32 * 1024;

async fn report(
    req: HttpRequest,
    payload: web::Payload,
    kind: EntityKind,
    id: String,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    params::none(req.query_string())?;
    let published = match kind {
        EntityKind::Centre => state.snapshot().centre(&id).is_some(),
        _ => state.snapshot().clinician(&id).is_some(),
    };
    if !published {
        return Err(ApiError::not_found(kind.code(), &id));
    }
    let r: NewReport = body::read_json(&req, payload, MAX_REPORT_BYTES, "/openapi.json").await?;
    body::validate(&r)?;
    // Only reports that would be stored count: a client's malformed
    // attempts (refused above, cheaply, within 8 KiB) use up nothing.
    if let Some(ip) = client_address(&req, &state.trusted_proxies) {
        state
            .report_limiter
            .check(ip, Instant::now())
            .map_err(ApiError::too_many_requests)?;
    }
    let receipt = state
        .db
        .run_with(move |conn| reports::insert(conn, kind, &id, &r))
        .await?;
    Ok(HttpResponse::Accepted()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(receipt))
}

macro_rules! report_endpoint {
    ($fn_name:ident, $segment:literal, $kind:ident, $what:literal, $path:literal) => {
        #[doc = concat!("Report a problem with a published ", $what, " listing. No account is needed and no personal data is asked for: please describe only what is wrong with the listing. Limited per client address (429 with Retry-After).")]
        #[utoipa::path(
            tag = $segment,
            params(("id" = String, Path)),
            request_body(content = NewReport, description = "At most 32 KiB", content_type = "application/json"),
            responses(
                (status = 202, description = "Received; reviewers will look at it", body = ReportReceipt),
                problems::JsonBody,
                problems::RateLimited,
                problems::Storage,
                (status = 404, description = "No published listing has this id", body = Problem, content_type = "application/problem+json"),
            )
        )]
        #[post($path)]
        pub async fn $fn_name(
            req: HttpRequest,
            payload: web::Payload,
            path: web::Path<String>,
            state: web::Data<AppState>,
        ) -> Result<HttpResponse, ApiError> {
            report(req, payload, EntityKind::$kind, path.into_inner(), state).await
        }
    };
}

report_endpoint!(
    report_centre,
    "directory",
    Centre,
    "centre",
    "/centres/{id}/reports"
);
report_endpoint!(
    report_clinician,
    "directory",
    Clinician,
    "clinician",
    "/clinicians/{id}/reports"
);

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// `open` (default) or `resolved`.
    #[param(value_type = Option<ReportStatus>)]
    status: Option<String>,
    /// With `entity_id`: only reports about this centre or clinician.
    #[param(value_type = Option<crate::directory::model::SubjectKind>)]
    kind: Option<String>,
    /// With `kind`.
    #[param(
        min_length = 1,
        max_length = 200,
        pattern = "[^\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
    )]
    entity_id: Option<String>,
    /// Page size (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The listing `kind` and `entity_id` name together, if any.
fn listing(kind: Option<&str>, id: Option<&str>) -> Result<Option<(EntityKind, String)>, ApiError> {
    let kind = match params::one_of::<EntityKind>("kind", kind)? {
        Some(EntityKind::Fact) => {
            return Err(ApiError::bad_parameter(
                "kind",
                "must be centre or clinician",
            ))
        }
        other => other,
    };
    match (kind, params::text("entity_id", id, 200)?) {
        (Some(k), Some(id)) => Ok(Some((k, id.to_owned()))),
        (None, None) => Ok(None),
        (Some(_), None) => Err(ApiError::bad_parameter("entity_id", "required with kind")),
        (None, Some(_)) => Err(ApiError::bad_parameter("kind", "required with entity_id")),
    }
}

/// Problem reports from the public (reviewers), oldest first; with
/// `kind` and `entity_id`, one listing's.
#[utoipa::path(
    tag = "curation",
    params(ReportParams),
    security(("bearer" = [])),
    responses(
        (status = 200, body = ReportList, headers(("Link" = String, description = "RFC 8288 rel=\"next\" while there are more pages"))),
        problems::Query,
        problems::ForReviewers,
        problems::Storage,
    )
)]
#[get("/curation/reports")]
pub async fn list_reports(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Reviewer)?;
    let p: ReportParams = params::parse(req.query_string())?;
    let status = params::one_of::<ReportStatus>("status", p.status.as_deref())?
        .unwrap_or(ReportStatus::Open);
    let listing = listing(p.kind.as_deref(), p.entity_id.as_deref())?;
    let limit = pagination::limit(p.limit.as_deref())?;
    let after = AfterId::from_cursor(p.cursor.as_deref())?;
    let rows = state
        .db
        .run(move |conn| reports::page(conn, status, listing, after, limit))
        .await?;
    let (items, next_cursor) = pagination::cut(rows, limit, |r| AfterId { id: r.id });
    Ok(pagination::private_page(&req, next_cursor.as_deref())
        .json(ReportList { items, next_cursor }))
}

/// Mark a report resolved, saying what was done (reviewers).
#[utoipa::path(
    tag = "curation",
    params(("id" = i64, Path)),
    request_body(content = Resolution, description = "At most 32 KiB", content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 200, body = ReportView),
        problems::JsonBody,
        problems::ForReviewers,
        problems::Storage,
        (status = 404, description = "No such report", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Resolved already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/curation/reports/{id}/resolve")]
pub async fn resolve_report(
    req: HttpRequest,
    payload: web::Payload,
    path: web::Path<String>,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Reviewer)?;
    params::none(req.query_string())?;
    let id = path
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::no_such("report", &path))?;
    let r: Resolution = body::read_json(&req, payload, MAX_REPORT_BYTES, "/openapi.json").await?;
    body::validate(&r)?;
    let v = state
        .db
        .run_with(move |conn| reports::resolve(conn, id, &caller.account_id, &r.resolution))
        .await?;
    Ok(private_json(&v))
}
