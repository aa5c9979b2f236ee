//! Proposal endpoints: propose, list, read, approve, reject, withdraw.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::curation::accounts::Caller;
use crate::curation::model::*;
use crate::curation::proposals::review::{self, Verdict};
use crate::curation::proposals::rows::{self, ProposalFilter};
use crate::curation::proposals::rules;
use crate::error::{ApiError, Problem};
use crate::handlers::curation::MAX_BODY_BYTES;
use crate::http::etag::{self, versioned_json};
use crate::http::pagination::AfterId;
use crate::http::problems;
use crate::http::{body, pagination, params};
use crate::state::AppState;

/// Propose a change (create, update, archive or revert a centre,
/// clinician or fact). Update, archive and revert need `If-Match` with the
/// entity's ETag from `GET /v1/curation/{kind}s/{id}`.
#[utoipa::path(
    tag = "curation",
    request_body(content = NewProposal, description = "At most 256 KiB", content_type = "application/json"),
    params(("If-Match" = Option<String>, Header, nullable = false, description = "The entity's ETag (not for create)", pattern = "^\"r[0-9]{1,18}\"$")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Proposed; Location names it, ETag is its version", body = ProposalView),
        problems::JsonBody,
        problems::IfMatch,
        problems::ForCurators,
        problems::Storage,
        (status = 404, description = "No such entity to change", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Creating an id already in use, or archiving what is archived", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/curation/proposals")]
pub async fn create_proposal(
    req: HttpRequest,
    payload: web::Payload,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Curator)?;
    params::none(req.query_string())?;
    let mut p: NewProposal =
        body::read_json(&req, payload, MAX_BODY_BYTES, "/openapi.json").await?;
    body::validate(&p)?;
    rules::check_sources(&p)?;
    let entity = rules::proposed_entity(&mut p)?;
    let sent_revision = match p.action {
        ProposalAction::Create => None,
        _ => Some(etag::if_match(&req)?),
    };
    rules::check_to_revision(&p)?;
    let row = state
        .db
        .run_with(move |conn| review::propose(conn, p, entity, sent_revision, &caller))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/v1/curation/proposals/{}", row.id),
        ))
        .insert_header((header::ETAG, etag::etag(row.revision)))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(row))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProposalParams {
    #[param(value_type = Option<ProposalStatus>)]
    status: Option<String>,
    #[param(value_type = Option<EntityKind>)]
    kind: Option<String>,
    #[param(
        min_length = 1,
        max_length = 200,
        pattern = "[^\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
    )]
    entity_id: Option<String>,
    /// An account id. Curators see only their own proposals.
    #[param(
        min_length = 1,
        max_length = 200,
        pattern = "[^\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
    )]
    proposed_by: Option<String>,
    /// Page size (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Proposals, oldest first. Reviewers see all; curators their own.
#[utoipa::path(
    tag = "curation",
    params(ProposalParams),
    security(("bearer" = [])),
    responses(
        (status = 200, body = ProposalPage),
        problems::Query,
        problems::ForCurators,
        problems::Storage,
        (status = 403, description = "A curator asked for others' proposals", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/curation/proposals")]
pub async fn list_proposals(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Curator)?;
    let p: ProposalParams = params::parse(req.query_string())?;
    let status = params::one_of::<ProposalStatus>("status", p.status.as_deref())?;
    let kind = params::one_of::<EntityKind>("kind", p.kind.as_deref())?;
    let proposed_by = if caller.role.includes(Role::Reviewer) {
        params::text("proposed_by", p.proposed_by.as_deref(), 200)?.map(str::to_owned)
    } else {
        match p.proposed_by {
            Some(a) if a != caller.account_id => {
                return Err(ApiError::forbidden(
                    "curators see their own proposals; reviewers see all",
                ))
            }
            _ => Some(caller.account_id.clone()),
        }
    };
    let filter = ProposalFilter {
        status,
        kind,
        entity_id: params::text("entity_id", p.entity_id.as_deref(), 200)?.map(str::to_owned),
        proposed_by,
    };
    let limit = pagination::limit(p.limit.as_deref())?;
    let after = AfterId::from_cursor(p.cursor.as_deref())?;
    let rows = state
        .db
        .run(move |conn| rows::page(conn, filter, after, limit))
        .await?;
    let (items, next_cursor) = pagination::cut(rows, limit, |v| AfterId { id: v.id });
    Ok(pagination::private_page(&req, next_cursor.as_deref())
        .json(ProposalPage { items, next_cursor }))
}

fn proposal_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::no_such("proposal", raw))
}

/// One proposal, with its ETag. Curators may read only their own.
#[utoipa::path(
    tag = "curation",
    params(("id" = i64, Path, description = "Proposal id")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = ProposalView, headers(("ETag" = String, description = "The proposal's version"))),
        problems::Query,
        problems::ForCurators,
        problems::Storage,
        (status = 403, description = "Another curator's proposal", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such proposal", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/curation/proposals/{id}")]
pub async fn get_proposal(
    req: HttpRequest,
    path: web::Path<String>,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    if path.as_str() == "approve" {
        return Ok(crate::http::fallback::only(&req, &["POST"]));
    }
    caller.require(Role::Curator)?;
    params::none(req.query_string())?;
    let id = proposal_id(&path)?;
    let view = state
        .db
        .run_with(move |conn| -> Result<ProposalView, ApiError> {
            let view = rows::view(conn, id)?;
            if view.proposed_by.id != caller.account_id && !caller.role.includes(Role::Reviewer) {
                return Err(ApiError::forbidden(
                    "curators see their own proposals; reviewers see all",
                ));
            }
            Ok(view)
        })
        .await?;
    Ok(versioned_json(&view, view.revision))
}

/// Reads the optional JSON body of approve (an empty body is no note).
async fn optional_decision(req: &HttpRequest, payload: web::Payload) -> Result<Decision, ApiError> {
    let empty = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .is_some_and(|v| v == "0")
        || (req.headers().get(header::CONTENT_TYPE).is_none()
            && req.headers().get(header::CONTENT_LENGTH).is_none()
            && req.headers().get(header::TRANSFER_ENCODING).is_none());
    if empty {
        return Ok(Decision { reason: None });
    }
    let d: Decision = body::read_json(req, payload, MAX_BODY_BYTES, "/openapi.json").await?;
    body::validate(&d)?;
    Ok(d)
}

/// Decides and, after an approval, refreshes this node's read model.
async fn decide(
    req: HttpRequest,
    id: String,
    caller: Caller,
    state: web::Data<AppState>,
    verdict: Verdict,
    reason: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let id = proposal_id(&id)?;
    let sent = etag::if_match(&req)?;
    let view = state
        .db
        .run_with(move |conn| review::decide(conn, id, sent, &caller, verdict, reason))
        .await?;
    if verdict == Verdict::Approve {
        // Read-your-writes on this node; a failure here only delays it.
        if let Err(e) = state.refresh().await {
            log::warn!("refresh after a write failed: {e}");
        }
    }
    Ok(versioned_json(&view, view.revision))
}

/// Approve a proposal: the change applies atomically and is published.
/// Not one's own; needs `If-Match` with the proposal's ETag. An optional
/// JSON body `{"reason": ...}` records a note.
#[utoipa::path(
    tag = "curation",
    params(
        ("id" = i64, Path, description = "Proposal id"),
        ("If-Match" = String, Header, description = "The proposal's ETag", pattern = "^\"r[0-9]{1,18}\"$"),
    ),
    request_body(content = Decision, description = "Optional: a note for the record; at most 256 KiB", content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Approved and applied", body = ProposalView),
        problems::JsonBody,
        problems::IfMatch,
        problems::ForCurators,
        problems::Storage,
        (status = 403, description = "Needs the reviewer role, or it is one's own proposal", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such proposal", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Decided already, or the entity changed since it was proposed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The change is no longer valid (e.g. a referenced centre was archived)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/curation/proposals/{id}/approve")]
pub async fn approve_proposal(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Reviewer)?;
    params::none(req.query_string())?;
    let d = optional_decision(&req, payload).await?;
    decide(
        req,
        path.into_inner(),
        caller,
        state,
        Verdict::Approve,
        d.reason,
    )
    .await
}

/// The body of a rejection: a [`Decision`] whose reason is required
/// (schema only; the handler reads a `Decision`).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Rejection {
    /// Why the proposal is rejected, for its author and the audit trail.
    #[schema(min_length = 1, max_length = 2000)]
    reason: String,
}

/// Reject a proposal with a reason (`{"reason": ...}`); needs `If-Match`.
#[utoipa::path(
    tag = "curation",
    params(
        ("id" = i64, Path, description = "Proposal id"),
        ("If-Match" = String, Header, description = "The proposal's ETag", pattern = "^\"r[0-9]{1,18}\"$"),
    ),
    request_body(content = Rejection, description = "At most 256 KiB", content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Rejected", body = ProposalView),
        problems::JsonBody,
        problems::IfMatch,
        problems::ForReviewers,
        problems::Storage,
        (status = 404, description = "No such proposal", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Decided already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason given", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/curation/proposals/{id}/reject")]
pub async fn reject_proposal(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Reviewer)?;
    params::none(req.query_string())?;
    let d: Decision = body::read_json(&req, payload, MAX_BODY_BYTES, "/openapi.json").await?;
    body::validate(&d)?;
    let reason = d
        .reason
        .ok_or_else(|| ApiError::invalid("reason", "required to reject"))?;
    decide(
        req,
        path.into_inner(),
        caller,
        state,
        Verdict::Reject,
        Some(reason),
    )
    .await
}

/// Withdraw one's own open proposal; needs `If-Match`.
#[utoipa::path(
    tag = "curation",
    params(
        ("id" = i64, Path, description = "Proposal id"),
        ("If-Match" = String, Header, description = "The proposal's ETag", pattern = "^\"r[0-9]{1,18}\"$"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Withdrawn", body = ProposalView),
        problems::Query,
        problems::IfMatch,
        problems::ForCurators,
        problems::Storage,
        (status = 403, description = "Not the author", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such proposal", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Decided already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/curation/proposals/{id}/withdraw")]
pub async fn withdraw_proposal(
    req: HttpRequest,
    path: web::Path<String>,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Curator)?;
    params::none(req.query_string())?;
    decide(
        req,
        path.into_inner(),
        caller,
        state,
        Verdict::Withdraw,
        None,
    )
    .await
}
