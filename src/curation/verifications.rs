//! Verifications: a reviewer records that a listing was checked (how,
//! when, against what source); the listing then shows the date and when
//! its next review is due. Each is stored, applied to the listing as a new
//! revision, and written to the audit trail in one transaction.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::curation::accounts::Caller;
use crate::curation::apply;
use crate::curation::audit::{self, Attribution};
use crate::curation::entities;
use crate::curation::model::*;
use crate::directory::model::VerificationStatus;
use crate::error::ApiError;
use crate::http::etag;
use crate::store::schema::verifications;
use crate::store::{lock_writes, now_text, DbConnection};

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize,
)]
#[diesel(table_name = verifications)]
pub struct VerificationRow {
    pub id: i64,
    pub entity_kind: String,
    pub entity_id: String,
    pub method: String,
    pub verified_on: String,
    pub next_review_due: String,
    pub source: String,
    pub note: Option<String>,
    pub recorded_by: String,
    pub recorded_at: String,
}

#[derive(Insertable)]
#[diesel(table_name = verifications)]
struct NewVerificationRow<'a> {
    entity_kind: &'a str,
    entity_id: &'a str,
    method: &'a str,
    verified_on: String,
    next_review_due: String,
    source: String,
    note: Option<&'a str>,
    recorded_by: &'a str,
    recorded_at: &'a str,
}

/// Records verification `v` of the stored `kind` `id`, which must still be
/// at revision `sent` (If-Match); returns the record and the listing's new
/// revision.
pub fn record(
    conn: &mut DbConnection,
    kind: EntityKind,
    id: String,
    v: NewVerification,
    next: NaiveDate,
    sent: i64,
    caller: Caller,
) -> Result<(VerificationView, i64), ApiError> {
    conn.transaction(|conn| {
        lock_writes(conn)?;
        let current =
            entities::load(conn, kind, &id)?.ok_or_else(|| ApiError::no_such(kind.code(), &id))?;
        etag::check(sent, current.revision)?;
        let mut after = current.entity.clone();
        if let Some(ver) = after.verification_mut() {
            ver.status = VerificationStatus::Verified;
            ver.last_verified = Some(v.verified_on);
            ver.method = Some(v.method);
            ver.next_review_due = Some(next);
        }
        let now = now_text();
        let revision = current.revision + 1;
        entities::write(conn, &after, Some(&current), revision, &now)?;
        diesel::insert_into(verifications::table)
            .values(NewVerificationRow {
                entity_kind: kind.code(),
                entity_id: &id,
                method: v.method.code(),
                verified_on: v.verified_on.to_string(),
                next_review_due: next.to_string(),
                source: serde_json::to_string(&v.source).expect("source serialises"),
                note: v.note.as_deref(),
                recorded_by: &caller.account_id,
                recorded_at: &now,
            })
            .execute(conn)?;
        let by = Attribution {
            proposal_id: None,
            proposed_by: Some(&caller.account_id),
            approved_by: Some(&caller.account_id),
            at: &now,
        };
        audit::record(
            conn,
            "verified",
            revision,
            Some(&current.entity),
            Some(&after),
            &by,
        )?;
        apply::publish(conn, Some(&current.entity), Some(&after), revision, &now)?;
        let new_id: Option<i64> = verifications::table
            .select(diesel::dsl::max(verifications::id))
            .first(conn)?;
        let view = VerificationView {
            id: new_id.unwrap_or_default(),
            kind,
            entity_id: id,
            method: v.method,
            verified_on: v.verified_on,
            next_review_due: next,
            source: v.source,
            note: v.note,
            recorded_by: Person {
                id: caller.account_id,
                display_name: caller.display_name,
            },
            recorded_at: now,
            revision,
        };
        Ok((view, revision))
    })
}
