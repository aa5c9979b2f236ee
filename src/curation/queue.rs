//! The reviewers' queue: listings with open problem reports, listings
//! whose review date has passed, and listings nobody has verified yet,
//! in that order of urgency.

use std::collections::HashMap;

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::curation::auth::Caller;
use crate::curation::etag::private_json;
use crate::curation::model::*;
use crate::directory::model::ListingStatus;
use crate::error::{ApiError, Problem};
use crate::http::params;
use crate::startup::AppState;
use crate::store::schema::{centres, clinicians, reports};
use crate::store::{DbConnection, StoreError};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// Only items with this reason: `open_reports`, `review_overdue` or `never_verified`.
    reason: Option<String>,
    /// `centre` or `clinician`.
    kind: Option<String>,
    /// 1 to 500, default 100.
    limit: Option<String>,
    cursor: Option<String>,
}

type ListingDates = (String, String, String, Option<String>, Option<String>);

fn date(raw: Option<String>) -> Result<Option<NaiveDate>, StoreError> {
    raw.map(|d| {
        d.parse()
            .map_err(|e| StoreError::Corrupt(format!("date {d:?}: {e}")))
    })
    .transpose()
}

/// Every listing that needs a reviewer, most urgent first.
pub fn build(conn: &mut DbConnection, today: NaiveDate) -> Result<Vec<QueueItem>, StoreError> {
    let open: Vec<(String, String)> = reports::table
        .filter(reports::status.eq(ReportStatus::Open.code()))
        .select((reports::entity_kind, reports::entity_id))
        .load(conn)?;
    let mut open_counts: HashMap<(String, String), i64> = HashMap::new();
    for key in open {
        *open_counts.entry(key).or_default() += 1;
    }
    let archived = ListingStatus::Archived.code();
    let centre_rows: Vec<ListingDates> = centres::table
        .filter(centres::status.ne(archived))
        .select((
            centres::id,
            centres::name,
            centres::status,
            centres::last_verified,
            centres::next_review_due,
        ))
        .load(conn)?;
    let clinician_rows: Vec<ListingDates> = clinicians::table
        .filter(clinicians::status.ne(archived))
        .select((
            clinicians::id,
            clinicians::name,
            clinicians::status,
            clinicians::last_verified,
            clinicians::next_review_due,
        ))
        .load(conn)?;
    let mut items = Vec::new();
    for (kind, rows) in [
        (EntityKind::Centre, centre_rows),
        (EntityKind::Clinician, clinician_rows),
    ] {
        for (id, name, status, last, next) in rows {
            let last_verified = date(last)?;
            let next_review_due = date(next)?;
            let open_reports = open_counts
                .get(&(kind.code().to_owned(), id.clone()))
                .copied()
                .unwrap_or(0);
            let mut reasons = Vec::new();
            if open_reports > 0 {
                reasons.push(QueueReason::OpenReports);
            }
            if next_review_due.is_some_and(|d| d < today) {
                reasons.push(QueueReason::ReviewOverdue);
            }
            if last_verified.is_none() {
                reasons.push(QueueReason::NeverVerified);
            }
            if reasons.is_empty() {
                continue;
            }
            items.push(QueueItem {
                kind,
                status: ListingStatus::from_code(&status)
                    .ok_or_else(|| StoreError::Corrupt(format!("status {status:?}")))?,
                id,
                name,
                reasons,
                last_verified,
                next_review_due,
                open_reports,
            });
        }
    }
    items.sort_by(|a, b| {
        (a.reasons[0], a.next_review_due, a.kind, &a.id).cmp(&(
            b.reasons[0],
            b.next_review_due,
            b.kind,
            &b.id,
        ))
    });
    Ok(items)
}

/// Listings to review: open reports, overdue reviews, never verified.
#[utoipa::path(
    tag = "curation",
    params(QueueParams),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Queue),
        (status = 400, description = "A parameter is unknown or malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the reviewer role", body = Problem, content_type = "application/problem+json"),
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
    let reason = p
        .reason
        .as_deref()
        .map(|r| {
            QueueReason::from_code(r).ok_or_else(|| {
                ApiError::bad_parameter(
                    "reason",
                    "must be open_reports, review_overdue or never_verified",
                )
            })
        })
        .transpose()?;
    let kind = match p.kind.as_deref() {
        None => None,
        Some("centre") => Some(EntityKind::Centre),
        Some("clinician") => Some(EntityKind::Clinician),
        Some(_) => {
            return Err(ApiError::bad_parameter(
                "kind",
                "must be centre or clinician",
            ))
        }
    };
    let limit = params::bounded_int("limit", p.limit.as_deref(), 100, 1, 500)? as usize;
    let offset = match p.cursor.as_deref() {
        Some(raw) => raw
            .parse::<usize>()
            .map_err(|_| ApiError::bad_parameter("cursor", "not a cursor this endpoint gave"))?,
        None => 0,
    };
    let today = Utc::now().date_naive();
    let all = state.db.run(move |conn| build(conn, today)).await?;
    let mut matching: Vec<QueueItem> = all
        .into_iter()
        .filter(|i| reason.is_none_or(|r| i.reasons.contains(&r)))
        .filter(|i| kind.is_none_or(|k| i.kind == k))
        .skip(offset)
        .collect();
    let next_cursor = (matching.len() > limit).then(|| (offset + limit).to_string());
    matching.truncate(limit);
    Ok(private_json(&Queue {
        items: matching,
        next_cursor,
    }))
}
