//! Public problem reports: anyone may tell the reviewers that a listing
//! is wrong, without an account and without giving personal data. This
//! module stores them and resolves them; the rate limit and the endpoints
//! are in `handlers::curation::reports`.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::curation::accounts::display_names;
use crate::curation::model::*;
use crate::error::ApiError;
use crate::store::schema::reports;
use crate::store::{lock_writes, now_text, DbConnection, StoreError};

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize,
)]
#[diesel(table_name = reports)]
pub struct ReportRow {
    pub id: i64,
    pub entity_kind: String,
    pub entity_id: String,
    pub category: String,
    pub details: String,
    pub status: String,
    pub created_at: String,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<String>,
    pub resolution: Option<String>,
}

pub fn view(row: ReportRow, names: &HashMap<String, String>) -> Result<ReportView, StoreError> {
    let bad = |what: &str, v: &str| StoreError::Corrupt(format!("report {what} {v:?}"));
    Ok(ReportView {
        id: row.id,
        kind: EntityKind::from_code(&row.entity_kind)
            .ok_or_else(|| bad("kind", &row.entity_kind))?,
        category: ReportCategory::from_code(&row.category)
            .ok_or_else(|| bad("category", &row.category))?,
        status: ReportStatus::from_code(&row.status).ok_or_else(|| bad("status", &row.status))?,
        resolved_by: row.resolved_by.map(|id| Person {
            display_name: names.get(&id).cloned().unwrap_or_default(),
            id,
        }),
        entity_id: row.entity_id,
        details: row.details,
        created_at: row.created_at,
        resolved_at: row.resolved_at,
        resolution: row.resolution,
    })
}

/// Open reports kept per listing at most: reviewers read them all, so a
/// flood about one listing stops here rather than burying the others.
pub const MAX_OPEN_PER_LISTING: i64 = 50;

/// Stores a new open report and returns its receipt. Reports change no
/// listing, so they do not take the curation write lock.
pub fn insert(
    conn: &mut DbConnection,
    kind: EntityKind,
    entity_id: &str,
    report: &NewReport,
) -> Result<ReportReceipt, ApiError> {
    conn.transaction(|conn| {
        let open: i64 = reports::table
            .filter(reports::entity_kind.eq(kind.code()))
            .filter(reports::entity_id.eq(entity_id))
            .filter(reports::status.eq(ReportStatus::Open.code()))
            .count()
            .get_result(conn)?;
        if open >= MAX_OPEN_PER_LISTING {
            return Err(ApiError::too_many(
                3600,
                "this listing has many open reports already; reviewers will read them",
            ));
        }
        let id: i64 = diesel::insert_into(reports::table)
            .values((
                reports::entity_kind.eq(kind.code()),
                reports::entity_id.eq(entity_id),
                reports::category.eq(report.category.code()),
                reports::details.eq(report.details.trim()),
                reports::status.eq(ReportStatus::Open.code()),
                reports::created_at.eq(now_text()),
            ))
            .returning(reports::id)
            .get_result(conn)?;
        Ok(ReportReceipt {
            id,
            status: ReportStatus::Open,
        })
    })
}

/// Up to `limit + 1` reports in one status with ids above `after`,
/// oldest first (the extra one tells the caller a next page exists).
/// With `listing`, only the reports about that centre or clinician.
pub fn page(
    conn: &mut DbConnection,
    status: ReportStatus,
    listing: Option<(EntityKind, String)>,
    after: i64,
    limit: usize,
) -> Result<Vec<ReportView>, StoreError> {
    let mut query = reports::table
        .filter(reports::status.eq(status.code()))
        .into_boxed();
    if let Some((kind, id)) = listing {
        query = query
            .filter(reports::entity_kind.eq(kind.code()))
            .filter(reports::entity_id.eq(id));
    }
    let rows: Vec<ReportRow> = query
        .filter(reports::id.gt(after))
        .order(reports::id)
        .limit(limit as i64 + 1)
        .select(ReportRow::as_select())
        .load(conn)?;
    let names = display_names(conn)?;
    rows.into_iter().map(|r| view(r, &names)).collect()
}

/// Marks an open report resolved by `by`, saying what was done.
pub fn resolve(
    conn: &mut DbConnection,
    id: i64,
    by: &str,
    resolution: &str,
) -> Result<ReportView, ApiError> {
    conn.transaction(|conn| {
        lock_writes(conn)?;
        let row: ReportRow = reports::table
            .find(id)
            .select(ReportRow::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| ApiError::no_such("report", &id.to_string()))?;
        if row.status != ReportStatus::Open.code() {
            return Err(ApiError::conflict("the report is resolved already"));
        }
        diesel::update(reports::table.find(id))
            .set((
                reports::status.eq(ReportStatus::Resolved.code()),
                reports::resolved_by.eq(by),
                reports::resolved_at.eq(now_text()),
                reports::resolution.eq(resolution.trim()),
            ))
            .execute(conn)?;
        let row: ReportRow = reports::table
            .find(id)
            .select(ReportRow::as_select())
            .first(conn)?;
        Ok(view(row, &display_names(conn)?)?)
    })
}
