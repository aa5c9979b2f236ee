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
use crate::directory::seed::{SeedDocument, SeedReport};
use crate::store::schema::{affiliations, audit_log, centres, clinicians, facts};
use crate::store::{bump_data_version, lock_writes, record_change, DbConnection, StoreError};

/// Inserts what the document has and the database lacks, in one transaction.
pub fn load(conn: &mut DbConnection, doc: &SeedDocument) -> Result<SeedReport, StoreError> {
    let now = Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    conn.transaction(|conn| {
        lock_writes(conn)?;
        let mut report = SeedReport::default();
        // Listings whose public representation this load changes, for the
        // change feed: new published listings, and published ones gaining
        // a clinician or a fact.
        let mut created: Vec<(&str, &str)> = Vec::new();
        let mut touched: Vec<(&str, String)> = Vec::new();
        let have: HashSet<String> = centres::table
            .select(centres::id)
            .load(conn)?
            .into_iter()
            .collect();
        for c in doc.centres.iter().filter(|c| !have.contains(&c.id)) {
            diesel::insert_into(centres::table)
                .values(CentreRow::from_model(c, &now))
                .execute(conn)?;
            imported(conn, Entity::Centre(c.clone()), &now)?;
            if c.status == ListingStatus::Published {
                created.push(("centre", &c.id));
            }
            report.centres += 1;
        }
        let have: HashSet<String> = clinicians::table
            .select(clinicians::id)
            .load(conn)?
            .into_iter()
            .collect();
        for c in doc.clinicians.iter().filter(|c| !have.contains(&c.id)) {
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
            report.clinicians += 1;
        }
        // A fact curators removed stays removed: its id is in the trail.
        let have: HashSet<String> = facts::table
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
        for f in doc.facts.iter().filter(|f| !have.contains(&f.id)) {
            diesel::insert_into(facts::table)
                .values(FactRow::from_model(f, &now))
                .execute(conn)?;
            imported(conn, Entity::Fact(f.clone()), &now)?;
            touched.push((f.subject.kind.code(), f.subject.id.clone()));
            report.facts += 1;
        }
        record_changes(conn, &created, touched, &now)?;
        if report != SeedReport::default() {
            bump_data_version(conn)?;
        }
        Ok(report)
    })
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
    now: &str,
) -> Result<(), StoreError> {
    for (kind, id) in created {
        record_change(conn, kind, id, "created", 1, now)?;
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
            record_change(conn, kind, &id, "updated", revision, now)?;
        }
    }
    Ok(())
}

/// True when no centre is stored yet: the first start of a new database.
pub fn is_empty(conn: &mut DbConnection) -> Result<bool, StoreError> {
    let n: i64 = centres::table.count().get_result(conn)?;
    Ok(n == 0)
}
