//! What a proposal must satisfy before it is stored: sources, the
//! proposed entity on its own, verification left to reviewers, and what a
//! revert restores.

use chrono::Utc;

use crate::curation::audit;
use crate::curation::entities::{self, Entity};
use crate::curation::model::*;
use crate::directory::model::{ListingStatus, Source, VerificationStatus};
use crate::error::ApiError;
use crate::store::DbConnection;

/// Source rules for a proposal: each needs an http(s) URL or a citation;
/// a new or changed entity needs at least one.
pub fn check_sources(p: &NewProposal) -> Result<(), ApiError> {
    let needs = matches!(p.action, ProposalAction::Create | ProposalAction::Update);
    if needs && p.sources.is_empty() {
        return Err(ApiError::invalid(
            "sources",
            "give at least one source for the new or changed facts",
        ));
    }
    for (i, s) in p.sources.iter().enumerate() {
        if !s.is_usable() {
            return Err(ApiError::invalid(
                &format!("sources[{i}]"),
                "a source needs an http(s) URL or a citation",
            ));
        }
        check_retrieved(&format!("sources[{i}].retrieved"), s)?;
    }
    Ok(())
}

/// A source added now says when it was read: a date, not in the future.
/// (Only the built-in seed's sources, compiled before dates were kept, say
/// null.)
pub fn check_retrieved(field: &str, s: &Source) -> Result<(), ApiError> {
    match s.retrieved {
        None => Err(ApiError::invalid(
            field,
            "give the date the source was read (YYYY-MM-DD)",
        )),
        Some(d) if d > Utc::now().date_naive() => {
            Err(ApiError::invalid(field, "must not be in the future"))
        }
        Some(_) => Ok(()),
    }
}

/// Every source the proposed entity adds (one its current version lacks,
/// compared by URL and citation) says when it was read; sources already
/// stored keep what they have, `null` included.
pub fn check_new_sources_dated(entity: &Entity, current: Option<&Entity>) -> Result<(), ApiError> {
    let before: Vec<&Source> = current
        .map(entity_sources)
        .unwrap_or_default()
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    let known = |s: &Source| {
        before
            .iter()
            .any(|b| b.url == s.url && b.citation == s.citation)
    };
    for (field, s) in entity_sources(entity) {
        if !known(s) {
            check_retrieved(&format!("entity.{field}.retrieved"), s)?;
        }
    }
    Ok(())
}

/// Each source of an entity with its field path.
fn entity_sources(e: &Entity) -> Vec<(String, &Source)> {
    match e {
        Entity::Centre(c) => c
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("sources[{i}]"), s))
            .collect(),
        Entity::Clinician(c) => {
            let mut out: Vec<(String, &Source)> = c
                .sources
                .iter()
                .enumerate()
                .map(|(i, s)| (format!("sources[{i}]"), s))
                .collect();
            for (a, aff) in c.affiliations.iter().enumerate() {
                out.extend(
                    aff.sources
                        .iter()
                        .enumerate()
                        .map(|(i, s)| (format!("affiliations[{a}].sources[{i}]"), s)),
                );
            }
            out
        }
        Entity::Fact(f) => vec![("source".to_owned(), &f.source)],
    }
}

/// The entity a create or update proposes, checked on its own.
pub fn proposed_entity(p: &mut NewProposal) -> Result<Option<Entity>, ApiError> {
    let wants_entity = matches!(p.action, ProposalAction::Create | ProposalAction::Update);
    match (wants_entity, p.entity.take()) {
        (true, None) => Err(ApiError::invalid(
            "entity",
            "required for create and update",
        )),
        (false, Some(_)) => Err(ApiError::invalid(
            "entity",
            "only create and update take an entity",
        )),
        (false, None) => Ok(None),
        (true, Some(value)) => {
            let entity = Entity::from_json(p.kind, value)?;
            if entity.id() != p.id {
                return Err(ApiError::invalid("entity.id", "must equal id"));
            }
            entity.check(Utc::now().date_naive())?;
            if let Entity::Centre(c) = &entity {
                if c.status == ListingStatus::Archived {
                    return Err(ApiError::invalid(
                        "entity.status",
                        "use the archive action to archive",
                    ));
                }
            }
            if let Entity::Clinician(c) = &entity {
                if c.status == ListingStatus::Archived {
                    return Err(ApiError::invalid(
                        "entity.status",
                        "use the archive action to archive",
                    ));
                }
            }
            Ok(Some(entity))
        }
    }
}

/// Verification is recorded by reviewers (`.../verifications`), never
/// through a proposal: a new listing starts unverified, an update keeps
/// the current verification.
pub fn check_verification_untouched(
    entity: &Entity,
    current: Option<&Entity>,
) -> Result<(), ApiError> {
    let Some(v) = entity.verification() else {
        return Ok(());
    };
    let ok = match current.and_then(Entity::verification) {
        Some(now) => v == now,
        None => {
            v.status == VerificationStatus::Unverified
                && v.last_verified.is_none()
                && v.method.is_none()
                && v.next_review_due.is_none()
        }
    };
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "entity.verification",
            "verifications are recorded by reviewers at /v1/curation/{kind}s/{id}/verifications; \
             send the current verification unchanged (a new listing: unverified, with nulls)",
        ))
    }
}

/// `to_revision` belongs to revert, and revert needs it.
pub fn check_to_revision(p: &NewProposal) -> Result<(), ApiError> {
    match (p.action, p.to_revision) {
        (ProposalAction::Revert, None) => {
            Err(ApiError::invalid("to_revision", "required to revert"))
        }
        (ProposalAction::Revert, Some(_)) | (_, None) => Ok(()),
        (_, Some(_)) => Err(ApiError::invalid(
            "to_revision",
            "only revert takes to_revision",
        )),
    }
}

pub fn is_archived(e: &Entity) -> bool {
    match e {
        Entity::Centre(c) => c.status == ListingStatus::Archived,
        Entity::Clinician(c) => c.status == ListingStatus::Archived,
        Entity::Fact(_) => false,
    }
}

/// The content of an earlier revision, to restore. Verification is a dated
/// record rather than content, so the current one is kept.
pub fn revert_content(
    conn: &mut DbConnection,
    current: &entities::Stored,
    to: i64,
) -> Result<Entity, ApiError> {
    if to >= current.revision {
        return Err(ApiError::invalid(
            "to_revision",
            format!(
                "must be earlier than the current revision {}",
                current.revision
            ),
        ));
    }
    let kind = current.entity.kind();
    let mut old = audit::content_at(conn, kind, current.entity.id(), to)?.ok_or_else(|| {
        ApiError::invalid(
            "to_revision",
            format!("no recorded content for revision {to}"),
        )
    })?;
    if let (Some(v), Some(now)) = (old.verification_mut(), current.entity.verification()) {
        *v = now.clone();
    }
    Ok(old)
}
