//! Stored entities of any status (draft, published, archived), read and
//! written whole, with their revision. Only approved proposals and
//! recorded verifications write through here.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::Value;

use crate::curation::model::EntityKind;
use crate::directory::model::*;
use crate::directory::rows::{AffiliationRow, CentreRow, ClinicianRow, FactRow};
use crate::directory::rules::{centre_problems, clinician_problems, fact_problems};
use crate::error::{ApiError, FieldError};
use crate::http::body;
use crate::store::schema::{affiliations, centres, clinicians, facts};
use crate::store::{DbConnection, StoreError};

/// One per request or per applied change, never held in bulk, so the size
/// difference between variants costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Entity {
    Centre(Centre),
    Clinician(Clinician),
    Fact(Fact),
}

/// An entity as stored, with its bookkeeping.
#[derive(Debug, Clone)]
pub struct Stored {
    pub entity: Entity,
    pub revision: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl Entity {
    pub fn kind(&self) -> EntityKind {
        match self {
            Entity::Centre(_) => EntityKind::Centre,
            Entity::Clinician(_) => EntityKind::Clinician,
            Entity::Fact(_) => EntityKind::Fact,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Entity::Centre(c) => &c.id,
            Entity::Clinician(c) => &c.id,
            Entity::Fact(f) => &f.id,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Entity::Centre(c) => &c.name,
            Entity::Clinician(c) => &c.name,
            Entity::Fact(f) => f.metric.code(),
        }
    }

    /// Whether the public directory shows it (facts: whenever stored).
    pub fn is_published(&self) -> bool {
        match self {
            Entity::Centre(c) => c.status == ListingStatus::Published,
            Entity::Clinician(c) => c.status == ListingStatus::Published,
            Entity::Fact(_) => true,
        }
    }

    pub fn verification(&self) -> Option<&Verification> {
        match self {
            Entity::Centre(c) => Some(&c.verification),
            Entity::Clinician(c) => Some(&c.verification),
            Entity::Fact(_) => None,
        }
    }

    pub fn verification_mut(&mut self) -> Option<&mut Verification> {
        match self {
            Entity::Centre(c) => Some(&mut c.verification),
            Entity::Clinician(c) => Some(&mut c.verification),
            Entity::Fact(_) => None,
        }
    }

    pub fn to_json(&self) -> Value {
        match self {
            Entity::Centre(c) => serde_json::to_value(c),
            Entity::Clinician(c) => serde_json::to_value(c),
            Entity::Fact(f) => serde_json::to_value(f),
        }
        .expect("plain data serialises")
    }

    /// Parses a proposal's `entity` as a `kind`; 400/422 name the field.
    pub fn from_json(kind: EntityKind, value: Value) -> Result<Self, ApiError> {
        const DOC: &str = "GET /v1/curation/{kind}s/{id}";
        Ok(match kind {
            EntityKind::Centre => Entity::Centre(body::from_value(value, "entity", DOC)?),
            EntityKind::Clinician => Entity::Clinician(body::from_value(value, "entity", DOC)?),
            EntityKind::Fact => Entity::Fact(body::from_value(value, "entity", DOC)?),
        })
    }

    /// Stored JSON (a proposal's payload, an audit row) back to an entity.
    pub fn from_stored_json(kind: EntityKind, text: &str) -> Result<Self, StoreError> {
        let corrupt =
            |e: serde_json::Error| StoreError::Corrupt(format!("stored {}: {e}", kind.code()));
        Ok(match kind {
            EntityKind::Centre => Entity::Centre(serde_json::from_str(text).map_err(corrupt)?),
            EntityKind::Clinician => {
                Entity::Clinician(serde_json::from_str(text).map_err(corrupt)?)
            }
            EntityKind::Fact => Entity::Fact(serde_json::from_str(text).map_err(corrupt)?),
        })
    }

    /// The entity's own rules (the same as for seed files); 422 per problem.
    pub fn check(&self, today: NaiveDate) -> Result<(), ApiError> {
        let problems = match self {
            Entity::Centre(c) => centre_problems(c, today),
            Entity::Clinician(c) => clinician_problems(c, today),
            Entity::Fact(f) => fact_problems(f, today),
        };
        if problems.is_empty() {
            return Ok(());
        }
        Err(ApiError::validation(
            problems
                .into_iter()
                .map(|message| FieldError {
                    field: "entity".into(),
                    message,
                })
                .collect(),
        ))
    }
}

/// Top-level fields whose values differ between two JSON objects.
pub fn changed_fields(before: Option<&Value>, after: Option<&Value>) -> Vec<String> {
    let empty = serde_json::Map::new();
    let b = before.and_then(Value::as_object).unwrap_or(&empty);
    let a = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .cloned()
        .collect()
}

pub fn load(
    conn: &mut DbConnection,
    kind: EntityKind,
    id: &str,
) -> Result<Option<Stored>, StoreError> {
    match kind {
        EntityKind::Centre => {
            let Some(row) = centres::table
                .find(id)
                .select(CentreRow::as_select())
                .first(conn)
                .optional()?
            else {
                return Ok(None);
            };
            let (revision, created_at, updated_at) =
                (row.revision, row.created_at.clone(), row.updated_at.clone());
            Ok(Some(Stored {
                entity: Entity::Centre(row.into_model()?),
                revision,
                created_at,
                updated_at,
            }))
        }
        EntityKind::Clinician => {
            let Some(row) = clinicians::table
                .find(id)
                .select(ClinicianRow::as_select())
                .first(conn)
                .optional()?
            else {
                return Ok(None);
            };
            let affs = affiliations::table
                .filter(affiliations::clinician_id.eq(id))
                .order(affiliations::centre_id)
                .select(AffiliationRow::as_select())
                .load(conn)?
                .into_iter()
                .map(AffiliationRow::into_model)
                .collect::<Result<Vec<_>, _>>()?;
            let (revision, created_at, updated_at) =
                (row.revision, row.created_at.clone(), row.updated_at.clone());
            Ok(Some(Stored {
                entity: Entity::Clinician(row.into_model(affs)?),
                revision,
                created_at,
                updated_at,
            }))
        }
        EntityKind::Fact => {
            let Some(row) = facts::table
                .find(id)
                .select(FactRow::as_select())
                .first(conn)
                .optional()?
            else {
                return Ok(None);
            };
            let (revision, created_at) = (row.revision, row.recorded_at.clone());
            Ok(Some(Stored {
                entity: Entity::Fact(row.into_model()?),
                revision,
                updated_at: created_at.clone(),
                created_at,
            }))
        }
    }
}

/// Inserts (`previous` is None) or replaces an entity at `revision`.
pub fn write(
    conn: &mut DbConnection,
    entity: &Entity,
    previous: Option<&Stored>,
    revision: i64,
    now: &str,
) -> Result<(), StoreError> {
    let created_at = previous.map_or(now, |p| p.created_at.as_str());
    match entity {
        Entity::Centre(c) => {
            let mut row = CentreRow::from_model(c, now);
            row.revision = revision;
            row.created_at = created_at.to_owned();
            if previous.is_some() {
                diesel::update(centres::table.find(&c.id))
                    .set(&row)
                    .execute(conn)?;
            } else {
                diesel::insert_into(centres::table)
                    .values(&row)
                    .execute(conn)?;
            }
        }
        Entity::Clinician(c) => {
            let mut row = ClinicianRow::from_model(c, now);
            row.revision = revision;
            row.created_at = created_at.to_owned();
            if previous.is_some() {
                diesel::update(clinicians::table.find(&c.id))
                    .set(&row)
                    .execute(conn)?;
                diesel::delete(affiliations::table.filter(affiliations::clinician_id.eq(&c.id)))
                    .execute(conn)?;
            } else {
                diesel::insert_into(clinicians::table)
                    .values(&row)
                    .execute(conn)?;
            }
            for a in &c.affiliations {
                diesel::insert_into(affiliations::table)
                    .values(AffiliationRow::from_model(&c.id, a))
                    .execute(conn)?;
            }
        }
        Entity::Fact(f) => {
            let mut row = FactRow::from_model(f, now);
            row.revision = revision;
            if previous.is_some() {
                diesel::update(facts::table.find(&f.id))
                    .set(&row)
                    .execute(conn)?;
            } else {
                diesel::insert_into(facts::table)
                    .values(&row)
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

/// Removes a fact (facts have no archived state; the audit trail keeps it).
pub fn remove_fact(conn: &mut DbConnection, id: &str) -> Result<(), StoreError> {
    diesel::delete(facts::table.find(id)).execute(conn)?;
    Ok(())
}

/// Checks what an entity refers to exists: a clinician's new affiliations
/// name centres that are not archived (affiliations it already has are
/// left alone, so archiving a centre does not block edits of its
/// clinicians), and a fact's subject exists. 422 naming each.
pub fn check_references(
    conn: &mut DbConnection,
    entity: &Entity,
    current: Option<&Entity>,
) -> Result<(), ApiError> {
    let existing: Vec<&str> = match current {
        Some(Entity::Clinician(c)) => c
            .affiliations
            .iter()
            .map(|a| a.centre_id.as_str())
            .collect(),
        _ => Vec::new(),
    };
    let mut errors = Vec::new();
    match entity {
        Entity::Clinician(c) => {
            for (i, a) in c.affiliations.iter().enumerate() {
                if existing.contains(&a.centre_id.as_str()) {
                    continue;
                }
                let status: Option<String> = centres::table
                    .find(&a.centre_id)
                    .select(centres::status)
                    .first(conn)
                    .optional()?;
                let usable = status
                    .as_deref()
                    .is_some_and(|s| s != ListingStatus::Archived.code());
                if !usable {
                    errors.push(FieldError {
                        field: format!("entity.affiliations[{i}].centre_id"),
                        message: format!("no current centre has the id {:?}", a.centre_id),
                    });
                }
            }
        }
        Entity::Fact(f) => {
            let kind = match f.subject.kind {
                SubjectKind::Centre => EntityKind::Centre,
                SubjectKind::Clinician => EntityKind::Clinician,
            };
            if load(conn, kind, &f.subject.id)?.is_none() {
                errors.push(FieldError {
                    field: "entity.subject.id".into(),
                    message: format!("no {} has the id {:?}", kind.code(), f.subject.id),
                });
            }
        }
        Entity::Centre(_) => {}
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

/// Published listings whose public view shows this entity too: a
/// centre's clinicians, a clinician's centres, a fact's subject. They
/// appear in the change feed as updated when it changes.
pub fn related_published(
    conn: &mut DbConnection,
    before: Option<&Entity>,
    after: Option<&Entity>,
) -> Result<Vec<(EntityKind, String)>, StoreError> {
    let mut out: Vec<(EntityKind, String)> = Vec::new();
    for e in [before, after].into_iter().flatten() {
        match e {
            Entity::Centre(c) => {
                let ids: Vec<String> = affiliations::table
                    .inner_join(clinicians::table)
                    .filter(affiliations::centre_id.eq(&c.id))
                    .filter(clinicians::status.eq(ListingStatus::Published.code()))
                    .select(clinicians::id)
                    .load(conn)?;
                out.extend(ids.into_iter().map(|id| (EntityKind::Clinician, id)));
            }
            Entity::Clinician(c) => {
                for a in &c.affiliations {
                    out.push((EntityKind::Centre, a.centre_id.clone()));
                }
            }
            Entity::Fact(f) => out.push((
                match f.subject.kind {
                    SubjectKind::Centre => EntityKind::Centre,
                    SubjectKind::Clinician => EntityKind::Clinician,
                },
                f.subject.id.clone(),
            )),
        }
    }
    out.sort();
    out.dedup();
    let mut published = Vec::new();
    for (kind, id) in out {
        if let Some(s) = load(conn, kind, &id)? {
            if s.entity.is_published() {
                published.push((kind, id));
            }
        }
    }
    Ok(published)
}

/// The current revision of a published listing, for change-feed rows.
pub fn revision_of(conn: &mut DbConnection, kind: EntityKind, id: &str) -> Result<i64, StoreError> {
    Ok(load(conn, kind, id)?.map_or(0, |s| s.revision))
}
