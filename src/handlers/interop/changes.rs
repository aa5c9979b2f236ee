//! The change feed: what changed in the published directory, in order,
//! so a client holding an export fetches only what changed since.

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, Problem};
use crate::http::problems;
use crate::http::{pagination, params};
use crate::state::AppState;
use crate::store::changes;

/// A position in the change feed, as `cursor`, `since` and an export's
/// `Changes-Cursor` carry it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedPosition {
    change: i64,
}

/// The opaque cursor for feed position `position`.
pub fn encode(position: i64) -> String {
    pagination::encode(&FeedPosition { change: position })
}

/// The feed position an opaque cursor names (for `purge-changes`).
pub fn position(cursor: &str) -> Option<i64> {
    decode(cursor).ok()
}

fn decode(raw: &str) -> Result<i64, ApiError> {
    let position = pagination::decode::<FeedPosition>("since", raw)?;
    if position.change < 0 {
        return Err(ApiError::bad_parameter(
            "since",
            "not a cursor this feed issued",
        ));
    }
    Ok(position.change)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangesParams {
    /// The `cursor` of the previous answer, or an export's `Changes-Cursor`.
    /// Without it the feed starts at the beginning.
    since: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangedEntity {
    /// `centre` or `clinician`.
    pub kind: String,
    pub id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Change {
    pub entity: ChangedEntity,
    /// `created`, `updated` or `archived` (archived listings leave public reads).
    pub action: String,
    /// The listing's stored revision after the change.
    pub revision: i64,
    pub changed_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangePage {
    pub items: Vec<Change>,
    /// Store this and pass it as `since` next time (present even when
    /// there are no items).
    pub cursor: String,
    /// More changes are waiting: ask again at once with `cursor`.
    pub has_more: bool,
}

/// Published changes after a cursor, oldest first. Apply them to a copy
/// taken from an export (re-fetch each changed listing; a 404 means it
/// left public reads). A cursor from before the purge horizon gets 410:
/// take a fresh export.
#[utoipa::path(tag = "interop", params(ChangesParams), responses(
        (status = 200, body = ChangePage),
        problems::Query,
        problems::Storage,
        (status = 410, description = "The cursor is older than the retained history; re-export", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/changes")]
pub async fn list_changes(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let p: ChangesParams = params::parse(req.query_string())?;
    let since = p.since.as_deref().map(decode).transpose()?.unwrap_or(0);
    let limit = params::bounded_int("limit", p.limit.as_deref(), 100, 1, 1000)? as i64;
    let (horizon, rows) = state
        .db
        .run(move |conn| changes::since(conn, since, limit + 1))
        .await?;
    if !changes::is_retained(since, horizon) {
        return Err(ApiError::gone(
            "this cursor is older than the change history kept; download a fresh export (/v1/export/...) and follow its Changes-Cursor",
        ));
    }
    let has_more = rows.len() as i64 > limit;
    let rows = &rows[..rows.len().min(limit as usize)];
    let cursor = encode(rows.last().map_or(since, |r| r.0));
    let items = rows
        .iter()
        .map(|(_, kind, id, action, revision, at, _)| Change {
            entity: ChangedEntity {
                kind: kind.clone(),
                id: id.clone(),
            },
            action: action.clone(),
            revision: *revision,
            changed_at: at.clone(),
        })
        .collect();
    let next = has_more.then_some(cursor.as_str());
    Ok(pagination::page_at(&req, "since", next).json(ChangePage {
        items,
        cursor: cursor.clone(),
        has_more,
    }))
}
