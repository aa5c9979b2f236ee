//! Applying an approved change: the entity, its audit row, the change feed
//! and the data version move together in the caller's transaction, so a
//! reader sees all of it or none of it.

use crate::curation::audit::{self, Attribution};
use crate::curation::entities::{self, Entity};
use crate::curation::model::{EntityKind, ProposalAction};
use crate::curation::proposals::rows::ProposalRow;
use crate::directory::model::ListingStatus;
use crate::error::ApiError;
use crate::store::{bump_data_version, record_change, DbConnection, NewChange, StoreError};

/// Applies an open proposal approved by `approver`; returns the entity's
/// new revision. 409 when the entity moved on since the proposal was made.
pub fn approved(
    conn: &mut DbConnection,
    p: &ProposalRow,
    approver: &str,
    now: &str,
) -> Result<i64, ApiError> {
    let kind = p.kind()?;
    let action = p.action()?;
    let current = entities::load(conn, kind, &p.entity_id)?;
    let by = Attribution {
        proposal_id: Some(p.id),
        proposed_by: Some(&p.proposed_by),
        approved_by: Some(approver),
        at: now,
    };
    if action == ProposalAction::Create {
        if current.is_some() {
            return Err(ApiError::conflict(format!(
                "a {} with the id {:?} was created since this proposal was made",
                kind.code(),
                p.entity_id
            )));
        }
        let entity = p.payload_entity()?;
        entities::check_references(conn, &entity, None)?;
        let revision = audit::last_revision(conn, kind, &p.entity_id)? + 1;
        entities::write(conn, &entity, None, revision, now)?;
        audit::record(conn, "created", revision, None, Some(&entity), &by)?;
        publish(conn, None, Some(&entity), revision, now)?;
        return Ok(revision);
    }
    let current = current.ok_or_else(|| {
        ApiError::conflict(format!(
            "the {} {:?} no longer exists",
            kind.code(),
            p.entity_id
        ))
    })?;
    if Some(current.revision) != p.base_revision {
        return Err(ApiError::conflict(format!(
            "the {} changed since this proposal was made (revision {} now, {} then); \
             make a new proposal against the current version",
            kind.code(),
            current.revision,
            p.base_revision.unwrap_or_default()
        )));
    }
    let revision = current.revision + 1;
    let (verb, after) = match action {
        ProposalAction::Archive => match &current.entity {
            Entity::Fact(_) => {
                entities::remove_fact(conn, &p.entity_id)?;
                ("removed", None)
            }
            other => {
                let mut archived = other.clone();
                match &mut archived {
                    Entity::Centre(c) => c.status = ListingStatus::Archived,
                    Entity::Clinician(c) => c.status = ListingStatus::Archived,
                    Entity::Fact(_) => unreachable!("handled above"),
                }
                entities::write(conn, &archived, Some(&current), revision, now)?;
                ("archived", Some(archived))
            }
        },
        ProposalAction::Update | ProposalAction::Revert => {
            let entity = p.payload_entity()?;
            entities::check_references(conn, &entity, Some(&current.entity))?;
            entities::write(conn, &entity, Some(&current), revision, now)?;
            let verb = if action == ProposalAction::Revert {
                "reverted"
            } else {
                "updated"
            };
            (verb, Some(entity))
        }
        ProposalAction::Create => unreachable!("handled above"),
    };
    audit::record(
        conn,
        verb,
        revision,
        Some(&current.entity),
        after.as_ref(),
        &by,
    )?;
    publish(conn, Some(&current.entity), after.as_ref(), revision, now)?;
    Ok(revision)
}

/// The change feed and the data version for one applied change: the
/// listing itself (created, updated or archived as its public visibility
/// moves) and the published listings that show it (a centre's clinicians,
/// a clinician's centres, a fact's subject). A change nobody can see (to
/// a draft, or a fact about one) moves neither: public reads, their ETags
/// and every node's read model stay as they are.
pub fn publish(
    conn: &mut DbConnection,
    before: Option<&Entity>,
    after: Option<&Entity>,
    revision: i64,
    now: &str,
) -> Result<(), StoreError> {
    let subject = after.or(before).expect("a change has a before or an after");
    let kind = subject.kind();
    let id = subject.id().to_owned();
    let mut rows: Vec<(EntityKind, String, &str, i64)> = Vec::new();
    if kind != EntityKind::Fact {
        let was = before.is_some_and(Entity::is_published);
        let is = after.is_some_and(Entity::is_published);
        let action = match (was, is) {
            (false, true) => Some("created"),
            (true, true) => Some("updated"),
            (true, false) => Some("archived"),
            (false, false) => None,
        };
        if let Some(action) = action {
            rows.push((kind, id.clone(), action, revision));
        }
    }
    for (k, related) in entities::related_published(conn, before, after)? {
        if k == kind && related == id {
            continue;
        }
        let rev = entities::revision_of(conn, k, &related)?;
        rows.push((k, related, "updated", rev));
    }
    if rows.is_empty() {
        return Ok(());
    }
    let data_version = bump_data_version(conn)?;
    for (k, id, action, rev) in &rows {
        record_change(
            conn,
            NewChange::new(k.code(), id, action, *rev, now, data_version),
        )?;
    }
    Ok(())
}
