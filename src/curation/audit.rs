//! The audit trail: one row for every applied change, with who proposed
//! and who approved it, the proposal, and the entity before and after.
//! Reviewers read it whole; the public reads a listing's history (dates,
//! fields and display names only). Both are paged by the trail's sequence
//! number.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::curation::entities::{changed_fields, Entity};
use crate::curation::model::*;
use crate::store::schema::{accounts, audit_log};
use crate::store::{DbConnection, StoreError};

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize,
)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub seq: i64,
    pub entity_kind: String,
    pub entity_id: String,
    pub action: String,
    pub entity_revision: i64,
    pub proposal_id: Option<i64>,
    pub proposed_by: Option<String>,
    pub approved_by: Option<String>,
    pub at: String,
    pub fields: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = audit_log)]
struct NewAuditRow<'a> {
    entity_kind: &'a str,
    entity_id: &'a str,
    action: &'a str,
    entity_revision: i64,
    proposal_id: Option<i64>,
    proposed_by: Option<&'a str>,
    approved_by: Option<&'a str>,
    at: &'a str,
    fields: String,
    before_json: Option<String>,
    after_json: Option<String>,
}

/// Who and why, for one audit row.
pub struct Attribution<'a> {
    pub proposal_id: Option<i64>,
    pub proposed_by: Option<&'a str>,
    pub approved_by: Option<&'a str>,
    pub at: &'a str,
}

/// Appends one row for the change from `before` to `after` (either may be
/// absent, not both); call inside the change's transaction.
pub fn record(
    conn: &mut DbConnection,
    action: &str,
    revision: i64,
    before: Option<&Entity>,
    after: Option<&Entity>,
    by: &Attribution,
) -> Result<(), StoreError> {
    let subject = after.or(before).expect("a change has a before or an after");
    let (kind, id) = (subject.kind(), subject.id().to_owned());
    let before = before.map(Entity::to_json);
    let after = after.map(Entity::to_json);
    let fields = changed_fields(before.as_ref(), after.as_ref());
    diesel::insert_into(audit_log::table)
        .values(NewAuditRow {
            entity_kind: kind.code(),
            entity_id: &id,
            action,
            entity_revision: revision,
            proposal_id: by.proposal_id,
            proposed_by: by.proposed_by,
            approved_by: by.approved_by,
            at: by.at,
            fields: serde_json::to_string(&fields).expect("strings serialise"),
            before_json: before.map(|v| v.to_string()),
            after_json: after.map(|v| v.to_string()),
        })
        .execute(conn)?;
    Ok(())
}

/// Gives every stored entity without an audit row one `imported` row
/// holding its current content, so a database from before the audit
/// trail has a history and a revision to revert to. Cheap when nothing is
/// missing; run at start.
pub fn backfill(conn: &mut DbConnection, at: &str) -> Result<usize, StoreError> {
    use crate::curation::entities;
    use crate::store::schema::{centres, clinicians, facts};
    use diesel::dsl::{exists, not};
    // NOT EXISTS rather than `<> ALL (subquery)`: PostgreSQL runs the
    // latter row by row once the ids outgrow work_mem (minutes at 600,000
    // listings), the former as one anti-join.
    let mut missing: Vec<(EntityKind, String)> = Vec::new();
    let audited = |kind: EntityKind| {
        audit_log::table
            .filter(audit_log::entity_kind.eq(kind.code()))
            .select(audit_log::entity_id)
    };
    for id in centres::table
        .filter(not(exists(
            audited(EntityKind::Centre).filter(audit_log::entity_id.eq(centres::id)),
        )))
        .select(centres::id)
        .load::<String>(conn)?
    {
        missing.push((EntityKind::Centre, id));
    }
    for id in clinicians::table
        .filter(not(exists(
            audited(EntityKind::Clinician).filter(audit_log::entity_id.eq(clinicians::id)),
        )))
        .select(clinicians::id)
        .load::<String>(conn)?
    {
        missing.push((EntityKind::Clinician, id));
    }
    for id in facts::table
        .filter(not(exists(
            audited(EntityKind::Fact).filter(audit_log::entity_id.eq(facts::id)),
        )))
        .select(facts::id)
        .load::<String>(conn)?
    {
        missing.push((EntityKind::Fact, id));
    }
    if missing.is_empty() {
        return Ok(0);
    }
    conn.transaction(|conn| {
        crate::store::lock_writes(conn)?;
        let by = Attribution {
            proposal_id: None,
            proposed_by: None,
            approved_by: None,
            at,
        };
        for (kind, id) in &missing {
            if let Some(stored) = entities::load(conn, *kind, id)? {
                record(
                    conn,
                    "imported",
                    stored.revision,
                    None,
                    Some(&stored.entity),
                    &by,
                )?;
            }
        }
        Ok(missing.len())
    })
}

/// The highest revision the trail records for `kind id` (0 if none), so
/// an id created again after a fact's removal continues its numbering
/// and an old ETag can never match the new entity.
pub fn last_revision(
    conn: &mut DbConnection,
    kind: EntityKind,
    id: &str,
) -> Result<i64, StoreError> {
    let max: Option<i64> = audit_log::table
        .filter(audit_log::entity_kind.eq(kind.code()))
        .filter(audit_log::entity_id.eq(id))
        .select(diesel::dsl::max(audit_log::entity_revision))
        .first(conn)?;
    Ok(max.unwrap_or(0))
}

/// The content of `kind id` at `revision`, from the audit trail: the state
/// after the change that produced it, or (for the state a seed import or
/// an older database left) the state before the change that followed it.
pub fn content_at(
    conn: &mut DbConnection,
    kind: EntityKind,
    id: &str,
    revision: i64,
) -> Result<Option<Entity>, StoreError> {
    let rows: Vec<AuditRow> = audit_log::table
        .filter(audit_log::entity_kind.eq(kind.code()))
        .filter(audit_log::entity_id.eq(id))
        .filter(audit_log::entity_revision.eq_any([revision, revision + 1]))
        .order(audit_log::seq)
        .select(AuditRow::as_select())
        .load(conn)?;
    let after = rows
        .iter()
        .find(|r| r.entity_revision == revision)
        .and_then(|r| r.after_json.as_deref());
    let before_next = rows
        .iter()
        .find(|r| r.entity_revision == revision + 1)
        .and_then(|r| r.before_json.as_deref());
    after
        .or(before_next)
        .map(|text| Entity::from_stored_json(kind, text))
        .transpose()
}

fn names(
    conn: &mut DbConnection,
    rows: &[AuditRow],
) -> Result<HashMap<String, String>, StoreError> {
    let mut ids: Vec<&str> = rows
        .iter()
        .flat_map(|r| [r.proposed_by.as_deref(), r.approved_by.as_deref()])
        .flatten()
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(accounts::table
        .filter(accounts::id.eq_any(ids))
        .select((accounts::id, accounts::display_name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

fn entry(row: AuditRow, names: &HashMap<String, String>) -> Result<AuditEntry, StoreError> {
    let person = |id: Option<String>| {
        id.map(|id| Person {
            display_name: names.get(&id).cloned().unwrap_or_default(),
            id,
        })
    };
    let json = |t: Option<String>| -> Result<Option<serde_json::Value>, StoreError> {
        t.map(|t| serde_json::from_str(&t).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()
    };
    Ok(AuditEntry {
        seq: row.seq,
        kind: EntityKind::from_code(&row.entity_kind)
            .ok_or_else(|| StoreError::Corrupt(format!("audit kind {:?}", row.entity_kind)))?,
        fields: serde_json::from_str(&row.fields)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        before: json(row.before_json)?,
        after: json(row.after_json)?,
        entity_id: row.entity_id,
        action: row.action,
        revision: row.entity_revision,
        proposal_id: row.proposal_id,
        proposed_by: person(row.proposed_by),
        approved_by: person(row.approved_by),
        at: row.at,
    })
}

/// Which part of the trail a reviewer asks for.
#[derive(Debug, Default)]
pub struct AuditFilter {
    pub kind: Option<EntityKind>,
    pub entity_id: Option<String>,
    /// Changes this account proposed or approved.
    pub account: Option<String>,
}

/// Up to `limit + 1` entries after sequence number `after`, oldest first
/// (the extra one tells the caller a next page exists).
pub fn page(
    conn: &mut DbConnection,
    filter: AuditFilter,
    after: i64,
    limit: usize,
) -> Result<Vec<AuditEntry>, StoreError> {
    let mut q = audit_log::table
        .filter(audit_log::seq.gt(after))
        .order(audit_log::seq)
        .limit(limit as i64 + 1)
        .select(AuditRow::as_select())
        .into_boxed();
    if let Some(kind) = filter.kind {
        q = q.filter(audit_log::entity_kind.eq(kind.code()));
    }
    if let Some(id) = filter.entity_id {
        q = q.filter(audit_log::entity_id.eq(id));
    }
    if let Some(account) = filter.account {
        q = q.filter(
            audit_log::proposed_by
                .eq(account.clone())
                .or(audit_log::approved_by.eq(account)),
        );
    }
    let rows: Vec<AuditRow> = q.load(conn)?;
    let names = names(conn, &rows)?;
    rows.into_iter().map(|r| entry(r, &names)).collect()
}

/// One listing's public history after sequence number `after`, up to
/// `limit + 1` entries: dates, fields and display names only; internal
/// details (proposal ids, values before and after) are for reviewers.
pub fn history(
    conn: &mut DbConnection,
    kind: EntityKind,
    id: &str,
    after: i64,
    limit: usize,
) -> Result<Vec<(i64, HistoryEntry)>, StoreError> {
    let rows: Vec<AuditRow> = audit_log::table
        .filter(audit_log::entity_kind.eq(kind.code()))
        .filter(audit_log::entity_id.eq(id))
        .filter(audit_log::seq.gt(after))
        .order(audit_log::seq)
        .limit(limit as i64 + 1)
        .select(AuditRow::as_select())
        .load(conn)?;
    let names = names(conn, &rows)?;
    let display = |a: &Option<String>| a.as_ref().and_then(|a| names.get(a).cloned());
    rows.iter()
        .map(|r| {
            Ok((
                r.seq,
                HistoryEntry {
                    revision: r.entity_revision,
                    at: r.at.clone(),
                    action: r.action.clone(),
                    fields: serde_json::from_str(&r.fields)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    proposed_by: display(&r.proposed_by),
                    approved_by: display(&r.approved_by),
                },
            ))
        })
        .collect()
}
