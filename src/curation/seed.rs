//! Loading a seed document into the database: inserts, in one transaction,
//! only what is not stored yet, so loading twice changes nothing and a
//! listing a curator has since edited is never overwritten. Each imported
//! entity gets its first audit-trail entry and the published ones a
//! change-feed row, so copies kept elsewhere learn of them.

use std::collections::HashSet;

use chrono::Utc;
use diesel::prelude::*;

use crate::curation::audit::{self, Attribution};
use crate::curation::entities::Entity;
use crate::directory::model::*;
use crate::directory::rows::{AffiliationRow, CentreRow, ClinicianRow, FactRow};
use crate::directory::seed::{builtin_seed_hash, SeedDocument, SeedReport, BUILTIN_SEED};
use crate::store::schema::{affiliations, audit_log, centres, clinicians, facts, seed_state};
use crate::store::{
    bump_data_version, lock_writes, record_change, DbConnection, NewChange, StoreError,
};

/// Inserts what the document has and the database lacks, in one transaction.
/// A stored listing or fact is never overwritten, whatever its status (an
/// archived listing stays archived); an id stored as another kind, and
/// whatever depends on a listing that is not stored, is skipped with its
/// reason in the report.
pub fn load(conn: &mut DbConnection, doc: &SeedDocument) -> Result<SeedReport, StoreError> {
    let now = Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let report = conn.transaction(|conn| -> Result<SeedReport, StoreError> {
        lock_writes(conn)?;
        let mut report = SeedReport::default();
        let none = HashSet::new();
        // Listings whose public representation this load changes, for the
        // change feed: new published listings, and published ones gaining
        // a clinician or a fact.
        let mut created: Vec<(&str, &str)> = Vec::new();
        let mut touched: Vec<(&str, String)> = Vec::new();
        let mut centre_ids: HashSet<String> = centres::table
            .select(centres::id)
            .load(conn)?
            .into_iter()
            .collect();
        let mut clinician_ids: HashSet<String> = clinicians::table
            .select(clinicians::id)
            .load(conn)?
            .into_iter()
            .collect();
        // A fact curators removed stays removed: its id is in the trail.
        let fact_ids: HashSet<String> = facts::table
            .select(facts::id)
            .load::<String>(conn)?
            .into_iter()
            .chain(
                audit_log::table
                    .filter(audit_log::entity_kind.eq("fact"))
                    .select(audit_log::entity_id)
                    .distinct()
                    .load::<String>(conn)?,
            )
            .collect();
        for c in &doc.centres {
            if centre_ids.contains(&c.id) {
                report.present += 1;
                continue;
            }
            if let Some(kind) = stored_as(&c.id, &none, &clinician_ids, &fact_ids) {
                report
                    .skipped
                    .push(format!("centre {}: the id is a stored {kind}'s", c.id));
                continue;
            }
            diesel::insert_into(centres::table)
                .values(CentreRow::from_model(c, &now))
                .execute(conn)?;
            imported(conn, Entity::Centre(c.clone()), &now)?;
            if c.status == ListingStatus::Published {
                created.push(("centre", &c.id));
            }
            centre_ids.insert(c.id.clone());
            report.centres += 1;
        }
        for c in &doc.clinicians {
            if clinician_ids.contains(&c.id) {
                report.present += 1;
                continue;
            }
            if let Some(kind) = stored_as(&c.id, &centre_ids, &none, &fact_ids) {
                report
                    .skipped
                    .push(format!("clinician {}: the id is a stored {kind}'s", c.id));
                continue;
            }
            if let Some(a) = c
                .affiliations
                .iter()
                .find(|a| !centre_ids.contains(&a.centre_id))
            {
                report.skipped.push(format!(
                    "clinician {}: affiliated centre {} is not stored",
                    c.id, a.centre_id
                ));
                continue;
            }
            diesel::insert_into(clinicians::table)
                .values(ClinicianRow::from_model(c, &now))
                .execute(conn)?;
            for a in &c.affiliations {
                diesel::insert_into(affiliations::table)
                    .values(AffiliationRow::from_model(&c.id, a))
                    .execute(conn)?;
            }
            imported(conn, Entity::Clinician(c.clone()), &now)?;
            if c.status == ListingStatus::Published {
                created.push(("clinician", &c.id));
                touched.extend(
                    c.affiliations
                        .iter()
                        .map(|a| ("centre", a.centre_id.clone())),
                );
            }
            clinician_ids.insert(c.id.clone());
            report.clinicians += 1;
        }
        for f in &doc.facts {
            if fact_ids.contains(&f.id) {
                report.present += 1;
                continue;
            }
            if let Some(kind) = stored_as(&f.id, &centre_ids, &clinician_ids, &none) {
                report
                    .skipped
                    .push(format!("fact {}: the id is a stored {kind}'s", f.id));
                continue;
            }
            let subject_stored = match f.subject.kind {
                SubjectKind::Centre => centre_ids.contains(&f.subject.id),
                SubjectKind::Clinician => clinician_ids.contains(&f.subject.id),
            };
            if !subject_stored {
                report.skipped.push(format!(
                    "fact {}: its {} {} is not stored",
                    f.id,
                    f.subject.kind.code(),
                    f.subject.id
                ));
                continue;
            }
            diesel::insert_into(facts::table)
                .values(FactRow::from_model(f, &now))
                .execute(conn)?;
            imported(conn, Entity::Fact(f.clone()), &now)?;
            touched.push((f.subject.kind.code(), f.subject.id.clone()));
            report.facts += 1;
        }
        if report.added() > 0 {
            let data_version = bump_data_version(conn)?;
            record_changes(conn, &created, touched, &now, data_version)?;
        }
        Ok(report)
    })?;
    if report.added() > 0 {
        crate::store::analyze_after_bulk_load(conn)?;
    }
    Ok(report)
}

/// The other kind an id is stored as, if any (ids are unique across kinds).
fn stored_as(
    id: &str,
    centres: &HashSet<String>,
    clinicians: &HashSet<String>,
    facts: &HashSet<String>,
) -> Option<&'static str> {
    [
        ("centre", centres),
        ("clinician", clinicians),
        ("fact", facts),
    ]
    .into_iter()
    .find(|(_, ids)| ids.contains(id))
    .map(|(kind, _)| kind)
}

/// The audit trail's first entry for an imported entity: its content at
/// revision 1, attributed to no account.
fn imported(conn: &mut DbConnection, entity: Entity, now: &str) -> Result<(), StoreError> {
    let by = Attribution {
        proposal_id: None,
        proposed_by: None,
        approved_by: None,
        at: now,
    };
    audit::record(conn, "imported", 1, None, Some(&entity), &by)
}

/// Writes the change feed rows for one load: `created` for new published
/// listings, then one `updated` for each other published listing touched.
fn record_changes(
    conn: &mut DbConnection,
    created: &[(&str, &str)],
    mut touched: Vec<(&str, String)>,
    at: &str,
    data_version: i64,
) -> Result<(), StoreError> {
    for (kind, id) in created {
        record_change(
            conn,
            NewChange::new(kind, id, "created", 1, at, data_version),
        )?;
    }
    touched.sort();
    touched.dedup();
    for (kind, id) in touched {
        if created.iter().any(|(k, i)| *k == kind && *i == id) {
            continue;
        }
        let published = match kind {
            "centre" => centres::table
                .filter(
                    centres::id
                        .eq(&id)
                        .and(centres::status.eq(ListingStatus::Published.code())),
                )
                .select(centres::revision)
                .first::<i64>(conn)
                .optional()?,
            _ => clinicians::table
                .filter(
                    clinicians::id
                        .eq(&id)
                        .and(clinicians::status.eq(ListingStatus::Published.code())),
                )
                .select(clinicians::revision)
                .first::<i64>(conn)
                .optional()?,
        };
        if let Some(revision) = published {
            record_change(
                conn,
                NewChange::new(kind, &id, "updated", revision, at, data_version),
            )?;
        }
    }
    Ok(())
}

/// Loads the built-in seed at start-up when it is due: on a new (empty)
/// database, and when the service ships a built-in seed other than the one
/// the database last loaded. A database that holds listings but has no
/// record of a load (stored before the record existed, or restored from a
/// backup) is due when it holds any of the built-in listings; one filled
/// from other data only is left alone. Returns the report when it loaded.
pub fn load_builtin_if_due(conn: &mut DbConnection) -> Result<Option<SeedReport>, StoreError> {
    let hash = builtin_seed_hash();
    let stored: Option<String> = seed_state::table
        .filter(seed_state::id.eq(1))
        .select(seed_state::builtin_sha256)
        .first(conn)
        .optional()?;
    if stored.as_deref() == Some(hash.as_str()) {
        return Ok(None);
    }
    let doc = SeedDocument::parse(BUILTIN_SEED).map_err(StoreError::Corrupt)?;
    if stored.is_none() && !is_empty(conn)? {
        let ids: Vec<&str> = doc.centres.iter().map(|c| c.id.as_str()).collect();
        let held: i64 = centres::table
            .filter(centres::id.eq_any(&ids))
            .count()
            .get_result(conn)?;
        if held == 0 {
            return Ok(None);
        }
    }
    let report = load(conn, &doc)?;
    record_builtin_loaded(conn)?;
    Ok(Some(report))
}

/// Records that the database now holds the built-in seed's listings.
pub fn record_builtin_loaded(conn: &mut DbConnection) -> Result<(), StoreError> {
    let hash = builtin_seed_hash();
    let now = Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    conn.transaction(|conn| {
        diesel::delete(seed_state::table).execute(conn)?;
        diesel::insert_into(seed_state::table)
            .values((
                seed_state::id.eq(1),
                seed_state::builtin_sha256.eq(&hash),
                seed_state::loaded_at.eq(&now),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// True when no centre is stored yet: the first start of a new database.
pub fn is_empty(conn: &mut DbConnection) -> Result<bool, StoreError> {
    let n: i64 = centres::table.count().get_result(conn)?;
    Ok(n == 0)
}
