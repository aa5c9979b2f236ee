//! Moving a snapshot on by what changed, instead of loading it again.
//!
//! Every write records, in the change feed, each published listing whose
//! public representation it changed, with the data version it moved to.
//! A node at version V reads the feed after its position: when the rows
//! account for every version up to the current one, it re-reads only the
//! listings they name (plus the clinicians affiliated with a changed
//! centre) and rebuilds their entries; otherwise (a criteria profile
//! changed, the feed was purged past its position, or it is too far
//! behind) it loads everything, as at start-up.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::directory::model::*;
use crate::directory::rows::{AffiliationRow, CentreRow, ClinicianRow, FactRow};
use crate::readmodel::entries::*;
use crate::readmodel::snapshot::{group_facts, take_facts, with_affiliations, Snapshot};
use crate::store::schema::{affiliations, centres, clinicians, facts};
use crate::store::{changes, data_version, DbConnection, StoreError};

/// More feed rows than this behind: load everything instead.
pub const MAX_DELTA_ROWS: i64 = 20_000;

/// The listings one or more writes changed, as stored now.
#[derive(Debug, Default)]
pub struct Delta {
    pub version: i64,
    pub latest_change: i64,
    /// Changed centres by id; `None` when not published (or gone).
    pub centres: BTreeMap<String, Option<Centre>>,
    /// Changed clinicians by id; `None` when not published.
    pub clinicians: BTreeMap<String, Option<Clinician>>,
    /// Every fact of the listings above.
    pub facts: Vec<Fact>,
}

/// What a refresh found.
pub enum Update {
    Unchanged,
    Delta(Delta),
    Full(Box<Snapshot>),
}

/// Reads what changed since a snapshot at `version` and feed position
/// `position`, in one consistent read transaction.
pub fn load(conn: &mut DbConnection, version: i64, position: i64) -> Result<Update, StoreError> {
    conn.transaction(|conn| {
        if let DbConnection::Pg(pg) = conn {
            pg.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        }
        let now = data_version(conn)?;
        if now == version {
            return Ok(Update::Unchanged);
        }
        let (horizon, rows) = changes::since(conn, position, MAX_DELTA_ROWS + 1)?;
        if !changes::is_retained(position, horizon)
            || rows.len() as i64 > MAX_DELTA_ROWS
            || !accounts_for(&rows, version, now)
        {
            return Snapshot::load_within(conn).map(|s| Update::Full(Box::new(s)));
        }
        let mut centre_ids = BTreeSet::new();
        let mut clinician_ids = BTreeSet::new();
        for (_, kind, id, ..) in &rows {
            match kind.as_str() {
                "centre" => centre_ids.insert(id.clone()),
                _ => clinician_ids.insert(id.clone()),
            };
        }
        // A changed centre changes how its clinicians show it.
        let affiliated: Vec<String> = affiliations::table
            .filter(affiliations::centre_id.eq_any(&centre_ids))
            .select(affiliations::clinician_id)
            .load(conn)?;
        clinician_ids.extend(affiliated);
        let delta = Delta {
            version: now,
            latest_change: rows.last().map_or(position, |r| r.0),
            centres: load_centres(conn, &centre_ids)?,
            clinicians: load_clinicians(conn, &clinician_ids)?,
            facts: load_facts(conn, &centre_ids, &clinician_ids)?,
        };
        Ok(Update::Delta(delta))
    })
}

/// Whether the feed rows name a data version for every version after
/// `from` up to `to`: versions without rows changed something the feed
/// does not describe (criteria profiles), or predate recorded versions.
fn accounts_for(rows: &[changes::ChangeRow], from: i64, to: i64) -> bool {
    let mut seen = BTreeSet::new();
    for row in rows {
        match row.6 {
            Some(v) if v > from && v <= to => seen.insert(v),
            _ => return false,
        };
    }
    seen.len() as i64 == to - from
}

const CHUNK: usize = 500;

fn load_centres(
    conn: &mut DbConnection,
    ids: &BTreeSet<String>,
) -> Result<BTreeMap<String, Option<Centre>>, StoreError> {
    let mut out: BTreeMap<String, Option<Centre>> =
        ids.iter().map(|id| (id.clone(), None)).collect();
    let ids: Vec<&String> = ids.iter().collect();
    for chunk in ids.chunks(CHUNK) {
        let rows: Vec<CentreRow> = centres::table
            .filter(centres::id.eq_any(chunk))
            .filter(centres::status.eq(ListingStatus::Published.code()))
            .select(CentreRow::as_select())
            .load(conn)?;
        for row in rows {
            let c = row.into_model()?;
            out.insert(c.id.clone(), Some(c));
        }
    }
    Ok(out)
}

fn load_clinicians(
    conn: &mut DbConnection,
    ids: &BTreeSet<String>,
) -> Result<BTreeMap<String, Option<Clinician>>, StoreError> {
    let mut out: BTreeMap<String, Option<Clinician>> =
        ids.iter().map(|id| (id.clone(), None)).collect();
    let ids: Vec<&String> = ids.iter().collect();
    for chunk in ids.chunks(CHUNK) {
        let rows: Vec<ClinicianRow> = clinicians::table
            .filter(clinicians::id.eq_any(chunk))
            .filter(clinicians::status.eq(ListingStatus::Published.code()))
            .select(ClinicianRow::as_select())
            .load(conn)?;
        let affs: Vec<AffiliationRow> = affiliations::table
            .filter(affiliations::clinician_id.eq_any(chunk))
            .select(AffiliationRow::as_select())
            .load(conn)?;
        for c in with_affiliations(rows, affs)? {
            out.insert(c.id.clone(), Some(c));
        }
    }
    Ok(out)
}

fn load_facts(
    conn: &mut DbConnection,
    centre_ids: &BTreeSet<String>,
    clinician_ids: &BTreeSet<String>,
) -> Result<Vec<Fact>, StoreError> {
    let mut out = Vec::new();
    for (kind, ids) in [
        (SubjectKind::Centre, centre_ids),
        (SubjectKind::Clinician, clinician_ids),
    ] {
        let ids: Vec<&String> = ids.iter().collect();
        for chunk in ids.chunks(CHUNK) {
            let rows: Vec<FactRow> = facts::table
                .filter(facts::subject_kind.eq(kind.code()))
                .filter(facts::subject_id.eq_any(chunk))
                .select(FactRow::as_select())
                .load(conn)?;
            for row in rows {
                out.push(row.into_model()?);
            }
        }
    }
    Ok(out)
}

impl Snapshot {
    /// This snapshot moved on by `d`: the changed listings' entries are
    /// rebuilt, with the centres that list a changed clinician and the
    /// clinicians that show a changed centre; the rest is shared.
    pub fn apply(&self, d: Delta, today: NaiveDate) -> Snapshot {
        let mut next = self.clone();
        next.version = d.version;
        next.latest_change = d.latest_change;
        let profiles = self.profiles.clone();
        let mut facts_of = group_facts(d.facts);

        // Centres whose entry changes: those changed, and those listing a
        // changed clinician, before or after.
        let mut centre_ids: BTreeSet<&str> = d.centres.keys().map(String::as_str).collect();
        for (id, c) in &d.clinicians {
            if let Some(old) = self.clinicians.get(id) {
                centre_ids.extend(old.summary.affiliations.iter().map(|a| &*a.centre.id));
            }
            if let Some(c) = c {
                centre_ids.extend(c.affiliations.iter().map(|a| a.centre_id.as_str()));
            }
        }
        // Each centre as it is now: changed, or as this snapshot has it.
        let changed: HashMap<&str, Option<Arc<CentreSummary>>> = d
            .centres
            .iter()
            .map(|(id, c)| {
                (
                    id.as_str(),
                    c.as_ref().map(|c| Arc::new(CentreSummary::of(c))),
                )
            })
            .collect();
        let centre_now = |id: &str| -> Option<&Arc<CentreSummary>> {
            match changed.get(id) {
                Some(changed) => changed.as_ref(),
                None => self.centres.get(id).map(|e| &e.summary),
            }
        };

        let mut new_clinicians = Vec::with_capacity(d.clinicians.len());
        for (id, c) in &d.clinicians {
            let entry = c.as_ref().map(|c| {
                let facts = take_facts(&mut facts_of, &mut next.dated, SubjectKind::Clinician, id);
                ClinicianEntry::new(c.clone(), centre_now, facts, &profiles, today)
            });
            if entry.is_none() {
                next.dated.remove(&(false, id.clone()));
            }
            new_clinicians.push((id, entry));
        }

        // How the changed clinicians show in their centres' lists.
        let mut joins: HashMap<&str, Vec<Listed>> = HashMap::new();
        for (centre_id, shown) in new_clinicians
            .iter()
            .filter_map(|(_, e)| e.as_ref())
            .flat_map(listed)
        {
            joins.entry(centre_id).or_default().push(shown);
        }

        let mut new_centres = Vec::with_capacity(centre_ids.len());
        for id in centre_ids {
            let old = self.centres.get(id);
            let mut list: Vec<Listed> = old
                .iter()
                .flat_map(|e| e.clinicians.iter())
                .filter(|c| !d.clinicians.contains_key(&c.id()))
                .cloned()
                .collect();
            list.extend(joins.remove(id).into_iter().flatten());
            sort_clinicians(&mut list);
            let entry = match (d.centres.get(id), old) {
                (Some(Some(centre)), _) => {
                    let facts = take_facts(&mut facts_of, &mut next.dated, SubjectKind::Centre, id);
                    let summary = changed[id].clone().expect("a published centre's summary");
                    Some(CentreEntry::new(
                        summary,
                        centre.clone(),
                        list,
                        facts,
                        &profiles,
                        today,
                    ))
                }
                // Unchanged itself: only its clinicians are new.
                (None, Some(old)) => Some(old.with_clinicians(list)),
                _ => {
                    next.dated.remove(&(true, id.to_owned()));
                    None
                }
            };
            new_centres.push((id, entry));
        }

        for (id, entry) in new_centres {
            let old = self.centres.get(id);
            if let Some(old) = old {
                next.regions.remove(&old.summary);
            }
            let old_terms = old.map(|o| o.terms(&profiles)).unwrap_or_default();
            match entry {
                Some(e) => {
                    next.regions.add(&e.summary);
                    let (key, terms) = (e.key(), e.terms(&profiles));
                    next.centres.update(id, &old_terms, Arc::new(e), key, terms);
                }
                None => {
                    next.centres.remove(id, &old_terms);
                }
            }
        }
        for (id, entry) in new_clinicians {
            let old_terms = (self.clinicians.get(id))
                .map(|o| o.terms(&profiles))
                .unwrap_or_default();
            match entry {
                Some(e) => {
                    let (key, terms) = (e.key(), e.terms(&profiles));
                    next.clinicians
                        .update(id, &old_terms, Arc::new(e), key, terms);
                }
                None => {
                    next.clinicians.remove(id, &old_terms);
                }
            }
        }
        if next.regions != self.regions {
            next.regions_json = next.regions.to_json().into();
            next.places = Arc::new(next.regions.places());
        }
        if today != self.evaluated_on {
            next = next.on_day(today);
        }
        next
    }

    /// This snapshot evaluated on `today`: only listings with facts can
    /// change outcome, so only they are looked at.
    pub fn on_day(&self, today: NaiveDate) -> Snapshot {
        let mut next = self.clone();
        next.evaluated_on = today;
        let profiles = self.profiles.clone();
        for (is_centre, id) in self.dated.iter() {
            if *is_centre {
                let Some(old) = self.centres.get(id) else {
                    continue;
                };
                let e = old.reevaluated(&profiles, today);
                if e.outcomes != old.outcomes {
                    let (key, terms) = (e.key(), e.terms(&profiles));
                    next.centres
                        .update(id, &old.terms(&profiles), Arc::new(e), key, terms);
                }
            } else {
                let Some(old) = self.clinicians.get(id) else {
                    continue;
                };
                let e = old.reevaluated(&profiles, today);
                if e.outcomes != old.outcomes {
                    let (key, terms) = (e.key(), e.terms(&profiles));
                    next.clinicians
                        .update(id, &old.terms(&profiles), Arc::new(e), key, terms);
                }
            }
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use chrono::Months;

    use super::*;
    use crate::criteria::evaluate::Outcome;
    use crate::criteria::profile::{Comparator, ProfileDocument, BUILTIN_PROFILES};
    use crate::directory::seed::SeedDocument;

    /// The fixtures, with facts that make fake-houston meet a centre
    /// profile until its facts turn stale.
    fn directory(as_of: NaiveDate) -> (Vec<crate::criteria::profile::Profile>, SeedDocument) {
        let profiles = ProfileDocument::parse(BUILTIN_PROFILES).unwrap().profiles;
        let mut doc =
            SeedDocument::parse(include_str!("../../tests/fixtures/directory.json")).unwrap();
        let template = doc.facts[0].clone();
        let profile = profiles
            .iter()
            .find(|p| p.applies_to == SubjectKind::Centre)
            .unwrap();
        doc.facts = profile
            .criteria
            .iter()
            .filter(|c| c.required)
            .enumerate()
            .map(|(i, c)| {
                let mut f = template.clone();
                f.id = format!("fake-fact-{i}");
                f.metric = c.metric;
                f.as_of = as_of;
                f.value = match c.comparator {
                    Comparator::IsTrue => FactValue::Boolean(true),
                    _ => FactValue::Number(c.threshold.unwrap_or(0.0) + 1.0),
                };
                f
            })
            .collect();
        (profiles, doc)
    }

    fn published(doc: &SeedDocument) -> (Vec<Centre>, Vec<Clinician>) {
        (
            doc.centres
                .iter()
                .filter(|c| c.status == ListingStatus::Published)
                .cloned()
                .collect(),
            doc.clinicians
                .iter()
                .filter(|c| c.status == ListingStatus::Published)
                .cloned()
                .collect(),
        )
    }

    #[test]
    fn a_new_day_re_evaluates_what_turned_stale_as_a_full_build_would() {
        let as_of = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
        let (profiles, doc) = directory(as_of);
        let (centres, clinicians) = published(&doc);
        let max_age = profiles[0].max_fact_age_months;
        let day_before = as_of + Months::new(max_age) - chrono::Days::new(2);
        let day_after = as_of + Months::new(max_age) + chrono::Days::new(2);
        let build = |day| {
            Snapshot::build(
                1,
                day,
                profiles.clone(),
                centres.clone(),
                clinicians.clone(),
                doc.facts.clone(),
            )
        };
        let before = build(day_before);
        let houston = |s: &Snapshot| s.centre("fake-houston").unwrap().outcomes.clone();
        assert!(
            houston(&before).contains(&Outcome::Meets),
            "current facts meet the profile"
        );
        let moved = before.on_day(day_after);
        let fresh = build(day_after);
        assert!(
            !houston(&fresh).contains(&Outcome::Meets),
            "stale facts meet nothing"
        );
        assert_eq!(houston(&moved), houston(&fresh));
        assert_eq!(
            moved.centres.postings_by_id(),
            fresh.centres.postings_by_id()
        );
        assert_eq!(moved.evaluated_on, day_after);
    }
}
