//! Bulk approval: a reviewer approves many proposals (a spreadsheet
//! imported through the console) in one request, each checked as a single
//! approval would be, with one result per proposal.

use actix_web::{post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::curation::accounts::Caller;
use crate::curation::model::{ProposalView, Role};
use crate::curation::proposals::review::{self, Pick};
use crate::error::{ApiError, FieldError, Problem};
use crate::handlers::curation::MAX_BODY_BYTES;
use crate::http::etag::{self, private_json};
use crate::http::problems;
use crate::http::{body, params};
use crate::state::AppState;

/// At most this many proposals per request (a request runs as one
/// database job; larger batches go in several requests).
pub const MAX_PICKS: usize = 1000;

/// How a batch applies.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BulkMode {
    /// Each proposal in its own transaction: those that can be approved
    /// are, whatever happens to the others.
    Each,
    /// All in one transaction: applied only if every proposal can be;
    /// otherwise none is (409, with every proposal's result).
    All,
}

/// A proposal to approve and the ETag the reviewer read it at.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkPick {
    #[schema(minimum = 1)]
    pub id: i64,
    /// The proposal's ETag, e.g. `"r1"` (quotes included).
    #[schema(pattern = "^\"r[0-9]{1,18}\"$")]
    pub etag: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkApproval {
    pub mode: BulkMode,
    #[validate(length(min = 1, max = 1000, message = "must list 1 to 1000 proposals"))]
    #[schema(min_items = 1, max_items = 1000)]
    pub proposals: Vec<BulkPick>,
    /// An optional note recorded with every approval.
    #[validate(length(min = 1, max = 2000, message = "must be 1 to 2000 characters"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: Option<String>,
}

/// One proposal's result: `status` is the HTTP status a single approval
/// would have answered (200 approved; 424 not applied because another
/// proposal of an `all` batch failed).
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkItemResult {
    pub id: i64,
    pub status: u16,
    /// The approved proposal (status 200).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposal: Option<ProposalView>,
    /// Why it was not approved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulkApprovalResult {
    pub mode: BulkMode,
    /// How many proposals were approved and applied.
    pub approved: usize,
    /// One per proposal, in the order sent.
    pub results: Vec<BulkItemResult>,
}

/// The problem of a failed `all` batch: nothing was applied; `results`
/// says, per proposal, why it failed or that it was not applied.
#[derive(Debug, Serialize, ToSchema)]
#[allow(dead_code)]
pub struct BulkProblem {
    #[serde(flatten)]
    problem: Problem,
    results: Vec<BulkItemResult>,
}

/// Approve many proposals at once (reviewers). Each is checked as a single
/// approval is (not one's own, its ETag current, still open, its change
/// still valid). `mode: each` applies every proposal that can be and
/// reports the others; `mode: all` applies all or none. This node's read
/// model is refreshed once, after the batch.
#[utoipa::path(
    tag = "curation",
    request_body(content = BulkApproval, description = "At most 256 KiB", content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every proposal's result (in `each` mode some may have failed)", body = BulkApprovalResult),
        problems::JsonBody,
        problems::ForReviewers,
        problems::Storage,
        (status = 409, description = "`all` mode: a proposal could not be approved, so none was; `results` says why", body = BulkProblem, content_type = "application/problem+json"),
    )
)]
#[post("/curation/proposals/approve")]
pub async fn approve_proposals(
    req: HttpRequest,
    payload: web::Payload,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Reviewer)?;
    params::none(req.query_string())?;
    let batch: BulkApproval =
        body::read_json(&req, payload, MAX_BODY_BYTES, "/openapi.json").await?;
    body::validate(&batch)?;
    let picks = picks(&batch.proposals)?;
    let (mode, reason) = (batch.mode, batch.reason);
    let ids: Vec<i64> = picks.iter().map(|p| p.id).collect();
    let results = state
        .db
        .run_with(move |conn| {
            review::approve_many(conn, &picks, &caller, reason, mode == BulkMode::All)
        })
        .await?;
    let approved = results.iter().filter(|r| r.is_ok()).count();
    let failed = approved < results.len();
    if approved > 0 && !(mode == BulkMode::All && failed) {
        // Read-your-writes on this node, once for the whole batch.
        if let Err(e) = state.refresh().await {
            log::warn!("refresh after a write failed: {e}");
        }
    }
    let results: Vec<BulkItemResult> = ids
        .into_iter()
        .zip(results)
        .map(|(id, r)| match r {
            Ok(_) if mode == BulkMode::All && failed => BulkItemResult {
                id,
                status: 424,
                proposal: None,
                problem: Some(not_applied()),
            },
            Ok(view) => BulkItemResult {
                id,
                status: 200,
                proposal: Some(view),
                problem: None,
            },
            Err(e) => BulkItemResult {
                id,
                status: e.status().as_u16(),
                proposal: None,
                problem: Some(e.problem()),
            },
        })
        .collect();
    if mode == BulkMode::All && failed {
        let results = serde_json::to_value(&results).expect("results serialise");
        return Err(ApiError::conflict(
            "at least one proposal could not be approved, so none was; see results",
        )
        .with_extension("results", results));
    }
    Ok(private_json(&BulkApprovalResult {
        mode,
        approved,
        results,
    }))
}

/// The picks with their revisions; 422 naming the entry for a malformed
/// ETag, an id below 1 or an id listed twice.
fn picks(sent: &[BulkPick]) -> Result<Vec<Pick>, ApiError> {
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut picks = Vec::with_capacity(sent.len());
    for (i, p) in sent.iter().enumerate() {
        if p.id < 1 {
            errors.push(field_error(i, "id", "must be a proposal id (1 or more)"));
        } else if !seen.insert(p.id) {
            errors.push(field_error(i, "id", "is listed twice"));
        }
        match etag::parse(&p.etag) {
            Some(revision) => picks.push(Pick { id: p.id, revision }),
            None => errors.push(field_error(
                i,
                "etag",
                "must be the proposal's ETag, such as \"r1\" (quotes included)",
            )),
        }
    }
    if errors.is_empty() {
        Ok(picks)
    } else {
        Err(ApiError::validation(errors))
    }
}

fn field_error(i: usize, field: &str, message: &str) -> FieldError {
    FieldError {
        field: format!("proposals[{i}].{field}"),
        message: message.to_owned(),
    }
}

fn not_applied() -> Problem {
    Problem {
        kind: "https://sarcoma-directory.example/problems/not-applied".to_owned(),
        title: "Not applied".to_owned(),
        status: 424,
        detail: "not applied: another proposal of this all-or-nothing batch could not be approved"
            .to_owned(),
        errors: Vec::new(),
    }
}
