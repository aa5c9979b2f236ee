//! Stored proposals: their rows, views and queries.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::curation::entities::Entity;
use crate::curation::model::*;
use crate::error::ApiError;
use crate::store::schema::{accounts, proposals};
use crate::store::{DbConnection, StoreError};

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize,
)]
#[diesel(table_name = proposals)]
pub struct ProposalRow {
    pub id: i64,
    pub entity_kind: String,
    pub entity_id: String,
    pub action: String,
    pub payload: Option<String>,
    pub base_revision: Option<i64>,
    pub changed_fields: String,
    pub reason: String,
    pub sources: String,
    pub status: String,
    pub proposed_by: String,
    pub proposed_at: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub decision_reason: Option<String>,
    pub revision: i64,
}

#[derive(Insertable)]
#[diesel(table_name = proposals)]
pub struct NewProposalRow {
    pub entity_kind: String,
    pub entity_id: String,
    pub action: String,
    pub payload: Option<String>,
    pub base_revision: Option<i64>,
    pub changed_fields: String,
    pub reason: String,
    pub sources: String,
    pub status: String,
    pub proposed_by: String,
    pub proposed_at: String,
    pub revision: i64,
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("proposal {what} {value:?}"))
}

impl ProposalRow {
    pub fn kind(&self) -> Result<EntityKind, StoreError> {
        EntityKind::from_code(&self.entity_kind).ok_or_else(|| corrupt("kind", &self.entity_kind))
    }

    pub fn action(&self) -> Result<ProposalAction, StoreError> {
        ProposalAction::from_code(&self.action).ok_or_else(|| corrupt("action", &self.action))
    }

    pub fn status(&self) -> Result<ProposalStatus, StoreError> {
        ProposalStatus::from_code(&self.status).ok_or_else(|| corrupt("status", &self.status))
    }

    pub fn payload_entity(&self) -> Result<Entity, StoreError> {
        let text = self
            .payload
            .as_deref()
            .ok_or_else(|| corrupt("payload", "null"))?;
        Entity::from_stored_json(self.kind()?, text)
    }

    fn view(&self, names: &HashMap<String, String>) -> Result<ProposalView, StoreError> {
        let person = |id: &str| Person {
            id: id.to_owned(),
            display_name: names.get(id).cloned().unwrap_or_default(),
        };
        let json_err = |e: serde_json::Error| StoreError::Corrupt(e.to_string());
        Ok(ProposalView {
            id: self.id,
            kind: self.kind()?,
            entity_id: self.entity_id.clone(),
            action: self.action()?,
            status: self.status()?,
            entity: self
                .payload
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(json_err)?,
            base_revision: self.base_revision,
            changed_fields: serde_json::from_str(&self.changed_fields).map_err(json_err)?,
            reason: self.reason.clone(),
            sources: serde_json::from_str(&self.sources).map_err(json_err)?,
            proposed_by: person(&self.proposed_by),
            proposed_at: self.proposed_at.clone(),
            decided_by: self.decided_by.as_deref().map(person),
            decided_at: self.decided_at.clone(),
            decision_reason: self.decision_reason.clone(),
            revision: self.revision,
        })
    }
}

pub fn views(
    conn: &mut DbConnection,
    rows: &[ProposalRow],
) -> Result<Vec<ProposalView>, StoreError> {
    let ids: Vec<&str> = rows
        .iter()
        .flat_map(|r| [Some(r.proposed_by.as_str()), r.decided_by.as_deref()])
        .flatten()
        .collect();
    let names: HashMap<String, String> = accounts::table
        .filter(accounts::id.eq_any(ids))
        .select((accounts::id, accounts::display_name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    rows.iter().map(|r| r.view(&names)).collect()
}

pub fn load(conn: &mut DbConnection, id: i64) -> Result<ProposalRow, ApiError> {
    proposals::table
        .find(id)
        .select(ProposalRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::no_such("proposal", &id.to_string()))
}

/// Which proposals a list asks for.
#[derive(Debug, Default)]
pub struct ProposalFilter {
    pub status: Option<ProposalStatus>,
    pub kind: Option<EntityKind>,
    pub entity_id: Option<String>,
    pub proposed_by: Option<String>,
}

/// Up to `limit + 1` proposals with ids above `after`, oldest first (the
/// extra one tells the caller a next page exists).
pub fn page(
    conn: &mut DbConnection,
    filter: ProposalFilter,
    after: i64,
    limit: usize,
) -> Result<Vec<ProposalView>, StoreError> {
    let mut q = proposals::table
        .filter(proposals::id.gt(after))
        .order(proposals::id)
        .limit(limit as i64 + 1)
        .select(ProposalRow::as_select())
        .into_boxed();
    if let Some(s) = filter.status {
        q = q.filter(proposals::status.eq(s.code()));
    }
    if let Some(k) = filter.kind {
        q = q.filter(proposals::entity_kind.eq(k.code()));
    }
    if let Some(id) = filter.entity_id {
        q = q.filter(proposals::entity_id.eq(id));
    }
    if let Some(by) = filter.proposed_by {
        q = q.filter(proposals::proposed_by.eq(by));
    }
    let rows: Vec<ProposalRow> = q.load(conn)?;
    views(conn, &rows)
}

/// One proposal as a view.
pub fn view(conn: &mut DbConnection, id: i64) -> Result<ProposalView, ApiError> {
    let row = load(conn, id)?;
    Ok(views(conn, std::slice::from_ref(&row))?.remove(0))
}
