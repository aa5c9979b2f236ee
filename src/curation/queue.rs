//! The reviewers' queue: listings with open problem reports, listings
//! whose review date has passed, and listings nobody has verified yet,
//! in that order of urgency.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::curation::model::*;
use crate::directory::model::ListingStatus;
use crate::store::schema::{centres, clinicians, reports};
use crate::store::{DbConnection, StoreError};

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
