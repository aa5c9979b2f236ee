//! The change feed: what changed in the published directory, in order,
//! so a client holding an export fetches only what changed since.

use actix_web::{get, web, HttpRequest, HttpResponse};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, Problem};
use crate::http::params;
use crate::startup::AppState;
use crate::store::schema::{changes, directory_state};

pub fn encode(position: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("c{position}"))
}

fn decode(raw: &str) -> Result<i64, ApiError> {
    let bad = || {
        ApiError::bad_parameter(
            "since",
            "not a cursor from /v1/changes or an export's Changes-Cursor",
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    text.strip_prefix('c')
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| *n >= 0)
        .ok_or_else(bad)
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
    (status = 400, description = "A malformed cursor or parameter", body = Problem, content_type = "application/problem+json"),
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
        .run(move |conn| {
            let horizon: i64 = directory_state::table
                .filter(directory_state::id.eq(1))
                .select(directory_state::changes_purged_before)
                .first(conn)?;
            let rows: Vec<(i64, String, String, String, i64, String)> = changes::table
                .filter(changes::seq.gt(since))
                .order(changes::seq)
                .limit(limit + 1)
                .load(conn)?;
            Ok((horizon, rows))
        })
        .await?;
    if since < horizon {
        return Err(ApiError::gone(
            "this cursor is older than the change history kept; download a fresh export (/v1/export/...) and follow its Changes-Cursor",
        ));
    }
    let has_more = rows.len() as i64 > limit;
    let rows = &rows[..rows.len().min(limit as usize)];
    let cursor = encode(rows.last().map_or(since, |r| r.0));
    let items = rows
        .iter()
        .map(|(_, kind, id, action, revision, at)| Change {
            entity: ChangedEntity {
                kind: kind.clone(),
                id: id.clone(),
            },
            action: action.clone(),
            revision: *revision,
            changed_at: at.clone(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(ChangePage {
        items,
        cursor,
        has_more,
    }))
}

/// Deletes change rows before `before` (a feed position) and records the
/// horizon, so older cursors get 410. For the `purge-changes` command.
pub fn purge(
    conn: &mut crate::store::DbConnection,
    before: i64,
) -> Result<usize, crate::store::StoreError> {
    conn.transaction(|conn| {
        let n = diesel::delete(changes::table.filter(changes::seq.lt(before))).execute(conn)?;
        diesel::update(directory_state::table.filter(directory_state::id.eq(1)))
            .set(directory_state::changes_purged_before.eq(before))
            .execute(conn)?;
        Ok(n)
    })
}
