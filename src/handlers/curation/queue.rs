//! The reviewers' work queue.

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use crate::curation::accounts::Caller;
use crate::curation::model::*;
use crate::curation::queue;
use crate::error::ApiError;
use crate::http::problems;
use crate::http::{pagination, params};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// Only items with this reason.
    #[param(value_type = Option<QueueReason>)]
    reason: Option<String>,
    /// Only centres or only clinicians.
    #[param(value_type = Option<crate::directory::model::SubjectKind>)]
    kind: Option<String>,
    /// Page size (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The queue is computed in order of urgency on each request, so a page
/// is a position in it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct QueuePosition {
    at: usize,
}

/// Listings to review: open reports, overdue reviews, never verified.
#[utoipa::path(
    tag = "curation",
    params(QueueParams),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Queue, headers(("Link" = String, description = "RFC 8288 rel=\"next\" while there are more pages"))),
        problems::Query,
        problems::ForReviewers,
        problems::Query,
        problems::Storage,
    )
)]
#[get("/curation/queue")]
pub async fn review_queue(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Reviewer)?;
    let p: QueueParams = params::parse(req.query_string())?;
    let reason = params::one_of::<QueueReason>("reason", p.reason.as_deref())?;
    let kind = match params::one_of::<EntityKind>("kind", p.kind.as_deref())? {
        Some(EntityKind::Fact) => {
            return Err(ApiError::bad_parameter(
                "kind",
                "must be centre or clinician",
            ))
        }
        other => other,
    };
    let limit = pagination::limit(p.limit.as_deref())?;
    let start = pagination::cursor::<QueuePosition>(p.cursor.as_deref())?.map_or(0, |c| c.at);
    let today = Utc::now().date_naive();
    let all = state.db.run(move |conn| queue::build(conn, today)).await?;
    let matching: Vec<(usize, QueueItem)> = all
        .into_iter()
        .filter(|i| reason.is_none_or(|r| i.reasons.contains(&r)))
        .filter(|i| kind.is_none_or(|k| i.kind == k))
        .enumerate()
        .skip(start)
        .take(limit + 1)
        .collect();
    let (items, next_cursor) =
        pagination::cut(matching, limit, |(at, _)| QueuePosition { at: at + 1 });
    let items = items.into_iter().map(|(_, item)| item).collect();
    Ok(pagination::private_page(&req, next_cursor.as_deref()).json(Queue { items, next_cursor }))
}
