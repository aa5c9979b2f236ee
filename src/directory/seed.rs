//! Seed documents: the curated starter directory in `seed/centres.json`
//! (and, in tests, plainly fake fixtures in the same shape).
//!
//! Loading validates the whole document first, then inserts in one
//! transaction only what is not stored yet: loading twice changes nothing,
//! and a listing a curator has since edited is never overwritten.

use std::collections::HashSet;

use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use serde::Deserialize;

use crate::curation::audit::{self, Attribution};
use crate::curation::entities::Entity;
use crate::directory::model::*;
use crate::directory::rows::{AffiliationRow, CentreRow, ClinicianRow, FactRow};
use crate::directory::text::fold;
use crate::store::schema::{affiliations, audit_log, centres, clinicians, facts};
use crate::store::{bump_data_version, lock_writes, record_change, DbConnection, StoreError};

/// The starter directory shipped with the service.
pub const BUILTIN_SEED: &str = include_str!("../../seed/centres.json");

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedDocument {
    #[serde(default)]
    pub centres: Vec<Centre>,
    #[serde(default)]
    pub clinicians: Vec<Clinician>,
    #[serde(default)]
    pub facts: Vec<Fact>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub centres: usize,
    pub clinicians: usize,
    pub facts: usize,
}

impl SeedDocument {
    pub fn parse(text: &str) -> Result<Self, String> {
        let doc: Self =
            serde_json::from_str(text).map_err(|e| format!("seed is not valid: {e}"))?;
        let problems = doc.problems(Utc::now().date_naive());
        if problems.is_empty() {
            Ok(doc)
        } else {
            Err(format!("seed is not valid:\n- {}", problems.join("\n- ")))
        }
    }

    /// Everything wrong with the document; empty when it may be loaded.
    pub fn problems(&self, today: NaiveDate) -> Vec<String> {
        let mut out = Vec::new();
        let mut ids = HashSet::new();
        let mut names = HashSet::new();
        for c in &self.centres {
            let at = format!("centre {}", c.id);
            check_slug(&at, &c.id, &mut ids, &mut out);
            if !names.insert((fold(&c.name), c.address.country.clone())) {
                out.push(format!(
                    "{at}: another centre in {} has the same name",
                    c.address.country
                ));
            }
            prefixed(&at, centre_problems(c, today), &mut out);
        }
        let centre_ids: HashSet<&str> = self.centres.iter().map(|c| c.id.as_str()).collect();
        for c in &self.clinicians {
            let at = format!("clinician {}", c.id);
            check_slug(&at, &c.id, &mut ids, &mut out);
            prefixed(&at, clinician_problems(c, today), &mut out);
            for a in &c.affiliations {
                if !centre_ids.contains(a.centre_id.as_str()) {
                    out.push(format!(
                        "{at}: affiliation to unknown centre {}",
                        a.centre_id
                    ));
                }
            }
        }
        let clinician_ids: HashSet<&str> = self.clinicians.iter().map(|c| c.id.as_str()).collect();
        for f in &self.facts {
            let at = format!("fact {}", f.id);
            check_slug(&at, &f.id, &mut ids, &mut out);
            let known = match f.subject.kind {
                SubjectKind::Centre => centre_ids.contains(f.subject.id.as_str()),
                SubjectKind::Clinician => clinician_ids.contains(f.subject.id.as_str()),
            };
            if !known {
                out.push(format!(
                    "{at}: unknown {} {}",
                    f.subject.kind.code(),
                    f.subject.id
                ));
            }
            prefixed(&at, fact_problems(f, today), &mut out);
        }
        out
    }
}

fn prefixed(at: &str, problems: Vec<String>, out: &mut Vec<String>) {
    out.extend(problems.into_iter().map(|p| format!("{at}: {p}")));
}

/// What is wrong with one centre on its own (its id, name, address,
/// position, sources and verification); references are checked by the
/// caller, which knows what else exists.
pub fn centre_problems(c: &Centre, today: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    if !is_slug(&c.id) {
        out.push("id must be lowercase letters, digits and single hyphens".into());
    }
    if c.name.trim().is_empty() {
        out.push("name is empty".into());
    }
    check_address("address", &c.address, &mut out);
    if let Some(p) = &c.coordinates {
        let in_range = (-90.0..=90.0).contains(&p.lat) && (-180.0..=180.0).contains(&p.lon);
        if !in_range {
            out.push("coordinates out of range".into());
        }
        if p.source.trim().is_empty() {
            out.push("coordinates have no source".into());
        }
    }
    check_sources("sources", &c.sources, &mut out);
    check_verification("verification", &c.verification, today, &mut out);
    out
}

/// What is wrong with one clinician on its own, affiliations included
/// (but not whether their centres exist).
pub fn clinician_problems(c: &Clinician, today: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    if !is_slug(&c.id) {
        out.push("id must be lowercase letters, digits and single hyphens".into());
    }
    if c.name.trim().is_empty() {
        out.push("name is empty".into());
    }
    check_sources("sources", &c.sources, &mut out);
    check_verification("verification", &c.verification, today, &mut out);
    let mut seen = HashSet::new();
    for a in &c.affiliations {
        if !seen.insert(&a.centre_id) {
            out.push(format!("two affiliations to {}", a.centre_id));
        }
        check_sources(
            &format!("affiliation to {}", a.centre_id),
            &a.sources,
            &mut out,
        );
    }
    out
}

/// What is wrong with one fact on its own (not whether its subject exists).
pub fn fact_problems(f: &Fact, today: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    if !is_slug(&f.id) {
        out.push("id must be lowercase letters, digits and single hyphens".into());
    }
    if let Err(e) = check_fact_value(f.metric, f.value) {
        out.push(e);
    }
    if f.as_of > today {
        out.push(format!("as_of {} is in the future", f.as_of));
    }
    check_sources("source", std::slice::from_ref(&f.source), &mut out);
    out
}

/// Whether a value fits its metric: counts are whole and not negative,
/// rates not negative, yes/no metrics take true or false.
pub fn check_fact_value(metric: Metric, value: FactValue) -> Result<(), String> {
    match (metric.kind(), value) {
        (MetricKind::Count, FactValue::Number(n)) if n >= 0.0 && n.fract() == 0.0 => Ok(()),
        (MetricKind::Rate, FactValue::Number(n)) if n >= 0.0 && n.is_finite() => Ok(()),
        (MetricKind::Boolean, FactValue::Boolean(_)) => Ok(()),
        (MetricKind::Count, _) => Err(format!(
            "{} takes a whole number of 0 or more",
            metric.code()
        )),
        (MetricKind::Rate, _) => Err(format!("{} takes a number of 0 or more", metric.code())),
        (MetricKind::Boolean, _) => Err(format!("{} takes true or false", metric.code())),
    }
}

pub fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 80
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

fn check_slug<'a>(at: &str, id: &'a str, ids: &mut HashSet<&'a str>, out: &mut Vec<String>) {
    if !ids.insert(id) {
        out.push(format!("{at}: duplicate id"));
    }
}

/// ISO 3166-1 alpha-2 country and, when given, an ISO 3166-2 subdivision of it.
pub fn check_address(at: &str, a: &Address, out: &mut Vec<String>) {
    if rust_iso3166::from_alpha2(&a.country).is_none() || a.country.len() != 2 {
        out.push(format!(
            "{at}: country {:?} is not an ISO 3166-1 alpha-2 code",
            a.country
        ));
    }
    if let Some(sub) = &a.subdivision {
        let of_country = sub
            .strip_prefix(&a.country)
            .is_some_and(|r| r.starts_with('-'));
        if !of_country || rust_iso3166::iso3166_2::from_code(sub).is_none() {
            out.push(format!(
                "{at}: subdivision {sub:?} is not an ISO 3166-2 code of {}",
                a.country
            ));
        }
    }
}

fn check_sources(at: &str, sources: &[Source], out: &mut Vec<String>) {
    if sources.is_empty() {
        out.push(format!("{at}: no source"));
    }
    for s in sources {
        if !s.is_usable() {
            out.push(format!("{at}: a source needs an http(s) URL or a citation"));
        }
    }
}

fn check_verification(at: &str, v: &Verification, today: NaiveDate, out: &mut Vec<String>) {
    if let Some(d) = v.last_verified {
        if d > today {
            out.push(format!("{at}: last_verified is in the future"));
        }
        if v.method.is_none() {
            out.push(format!("{at}: a verification needs its method"));
        }
    }
    if v.status == VerificationStatus::Verified && v.last_verified.is_none() {
        out.push(format!("{at}: verified without a date"));
    }
}

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
