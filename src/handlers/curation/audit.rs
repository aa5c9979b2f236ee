//! The audit trail for reviewers, and each published listing's public
//! history.

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::curation::accounts::Caller;
use crate::curation::audit::{self, AuditFilter};
use crate::curation::model::*;
use crate::error::{ApiError, Problem};
use crate::http::pagination::AfterId;
use crate::http::problems;
use crate::http::{pagination, params};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// With `entity_id`, one entity's trail.
    #[param(value_type = Option<EntityKind>)]
    kind: Option<String>,
    #[param(
        min_length = 1,
        max_length = 200,
        pattern = "[^\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
    )]
    entity_id: Option<String>,
    /// Changes this account proposed or approved.
    #[param(
        min_length = 1,
        max_length = 200,
        pattern = "[^\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
    )]
    account: Option<String>,
    /// Page size (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The audit trail, oldest first, by entity and/or by account (reviewers).
#[utoipa::path(
    tag = "curation",
    params(AuditParams),
    security(("bearer" = [])),
    responses(
        (status = 200, body = AuditPage, headers(("Link" = String, description = "RFC 8288 rel=\"next\" while there are more pages"))),
        problems::Query,
        problems::ForReviewers,
        problems::Query,
        problems::Storage,
    )
)]
#[get("/curation/audit")]
pub async fn audit_log_page(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Reviewer)?;
    let p: AuditParams = params::parse(req.query_string())?;
    let kind = params::one_of::<EntityKind>("kind", p.kind.as_deref())?;
    if p.entity_id.is_some() && kind.is_none() {
        return Err(ApiError::bad_parameter("entity_id", "give kind too"));
    }
    let filter = AuditFilter {
        kind,
        entity_id: params::text("entity_id", p.entity_id.as_deref(), 200)?.map(str::to_owned),
        account: params::text("account", p.account.as_deref(), 200)?.map(str::to_owned),
    };
    let limit = pagination::limit(p.limit.as_deref())?;
    let after = AfterId::from_cursor(p.cursor.as_deref())?;
    let rows = state
        .db
        .run(move |conn| audit::page(conn, filter, after, limit))
        .await?;
    let (items, next_cursor) = pagination::cut(rows, limit, |e| AfterId { id: e.seq });
    Ok(pagination::private_page(&req, next_cursor.as_deref())
        .json(AuditPage { items, next_cursor }))
}

/// Paging of a listing's history.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HistoryParams {
    /// Page size (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

async fn history(
    req: &HttpRequest,
    state: &AppState,
    kind: EntityKind,
    id: String,
) -> Result<HttpResponse, ApiError> {
    let p: HistoryParams = params::parse(req.query_string())?;
    let limit = pagination::limit(p.limit.as_deref())?;
    let after = AfterId::from_cursor(p.cursor.as_deref())?;
    let published = match kind {
        EntityKind::Centre => state.snapshot().centre(&id).is_some(),
        _ => state.snapshot().clinician(&id).is_some(),
    };
    if !published {
        return Err(ApiError::not_found(kind.code(), &id));
    }
    let listing = id.clone();
    let rows = state
        .db
        .run(move |conn| audit::history(conn, kind, &listing, after, limit))
        .await?;
    let (rows, next_cursor) = pagination::cut(rows, limit, |(seq, _)| AfterId { id: *seq });
    let items = rows.into_iter().map(|(_, entry)| entry).collect();
    Ok(pagination::page(req, next_cursor.as_deref()).json(History {
        id,
        items,
        next_cursor,
    }))
}

/// What changed on a published centre, and when, oldest first.
#[utoipa::path(
    tag = "directory",
    params(("id" = String, Path, description = "Centre id"), HistoryParams),
    responses(
        (status = 200, body = History, headers(("Link" = String, description = "RFC 8288 rel=\"next\" while there are more pages"))),
        problems::Query,
        problems::Query,
        problems::Storage,
        (status = 404, description = "No published centre has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/centres/{id}/history")]
pub async fn centre_history(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    history(&req, &state, EntityKind::Centre, path.into_inner()).await
}

/// What changed on a published clinician, and when, oldest first.
#[utoipa::path(
    tag = "directory",
    params(("id" = String, Path, description = "Clinician id"), HistoryParams),
    responses(
        (status = 200, body = History, headers(("Link" = String, description = "RFC 8288 rel=\"next\" while there are more pages"))),
        problems::Query,
        problems::Query,
        problems::Storage,
        (status = 404, description = "No published clinician has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/clinicians/{id}/history")]
pub async fn clinician_history(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    history(&req, &state, EntityKind::Clinician, path.into_inner()).await
}
