//! The read model behind every public GET: all published listings, joined
//! and indexed in memory.
//!
//! Why in memory: public reads are most of the traffic and the directory
//! is small (thousands to a hundred thousand listings), so answering from
//! an immutable snapshot is both the fastest path and the same on SQLite
//! and PostgreSQL. A node loads it whole at start; then each write (here
//! or on another node) moves it on by the listings the write changed
//! (`delta.rs`), sharing everything else with the previous snapshot.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::criteria::profile::Profile;
use crate::directory::model::*;
use crate::directory::rows::{AffiliationRow, CentreRow, ClinicianRow, FactRow};
use crate::readmodel::entries::*;
use crate::readmodel::index::Index;
use crate::store::schema::{affiliations, centres, clinicians, facts};
use crate::store::{data_version, DbConnection, StoreError};

#[derive(Clone, Default)]
pub struct Snapshot {
    pub version: i64,
    /// The change-feed position this snapshot reflects.
    pub latest_change: i64,
    /// Facts are judged current or stale as of this date; a new day
    /// re-evaluates the listings that have facts.
    pub evaluated_on: NaiveDate,
    pub profiles: Arc<Profiles>,
    pub centres: Index<CentreEntry>,
    pub clinicians: Index<ClinicianEntry>,
    pub(super) regions: RegionTally,
    pub regions_json: Arc<str>,
    /// Countries and subdivisions with centres, for type-ahead.
    pub places: Arc<Vec<Place>>,
    /// Listings with at least one fact: the only ones a new day can change.
    pub(super) dated: imbl::OrdSet<(bool, String)>,
}

impl Snapshot {
    pub fn centre(&self, id: &str) -> Option<&Arc<CentreEntry>> {
        self.centres.get(id)
    }

    pub fn clinician(&self, id: &str) -> Option<&Arc<ClinicianEntry>> {
        self.clinicians.get(id)
    }

    pub fn profile(&self, id: &str) -> Option<&Profile> {
        self.profiles.0.iter().find(|p| p.id == id)
    }

    /// Reads every published listing in one consistent transaction.
    pub fn load(conn: &mut DbConnection) -> Result<Self, StoreError> {
        conn.transaction(|conn| {
            if let DbConnection::Pg(pg) = conn {
                pg.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
            }
            Self::load_within(conn)
        })
    }

    /// [`Snapshot::load`] inside the caller's (consistent) transaction.
    pub(super) fn load_within(conn: &mut DbConnection) -> Result<Self, StoreError> {
        let version = data_version(conn)?;
        let published = ListingStatus::Published.code();
        let centre_rows: Vec<CentreRow> = centres::table
            .filter(centres::status.eq(published))
            .select(CentreRow::as_select())
            .load(conn)?;
        let clinician_rows: Vec<ClinicianRow> = clinicians::table
            .filter(clinicians::status.eq(published))
            .select(ClinicianRow::as_select())
            .load(conn)?;
        let affiliation_rows: Vec<AffiliationRow> = affiliations::table
            .select(AffiliationRow::as_select())
            .load(conn)?;
        let fact_rows: Vec<FactRow> = facts::table.select(FactRow::as_select()).load(conn)?;
        let centres = centre_rows
            .into_iter()
            .map(CentreRow::into_model)
            .collect::<Result<Vec<_>, _>>()?;
        let clinicians = with_affiliations(clinician_rows, affiliation_rows)?;
        let facts = fact_rows
            .into_iter()
            .map(FactRow::into_model)
            .collect::<Result<Vec<_>, _>>()?;
        let profiles = crate::criteria::store::load_all(conn)?;
        let latest_change = crate::store::changes::latest(conn)?;
        let today = chrono::Utc::now().date_naive();
        let mut snapshot = Self::build(version, today, profiles, centres, clinicians, facts);
        snapshot.latest_change = latest_change;
        Ok(snapshot)
    }

    /// Joins and indexes published listings; `centres` and `clinicians`
    /// must hold published ones only.
    pub fn build(
        version: i64,
        today: NaiveDate,
        profiles: Vec<Profile>,
        centres: Vec<Centre>,
        clinicians: Vec<Clinician>,
        facts: Vec<Fact>,
    ) -> Self {
        let profiles = Profiles(profiles);
        let mut facts_of = group_facts(facts);
        let mut dated = imbl::OrdSet::new();
        let by_id: HashMap<&str, &Centre> = centres.iter().map(|c| (c.id.as_str(), c)).collect();
        let mut lists: HashMap<String, Vec<_>> = HashMap::new();
        let mut clinician_items = Vec::with_capacity(clinicians.len());
        for c in clinicians {
            for a in &c.affiliations {
                if by_id.contains_key(a.centre_id.as_str()) {
                    lists
                        .entry(a.centre_id.clone())
                        .or_default()
                        .extend(at_centre(&c, &a.centre_id));
                }
            }
            let facts = take_facts(&mut facts_of, &mut dated, SubjectKind::Clinician, &c.id);
            let entry =
                ClinicianEntry::new(c, |id| by_id.get(id).copied(), facts, &profiles, today);
            let (key, terms) = (entry.key(), entry.terms(&profiles));
            clinician_items.push((Arc::new(entry), key, terms));
        }
        drop(by_id);
        let mut regions = RegionTally::default();
        let mut centre_items = Vec::with_capacity(centres.len());
        for c in centres {
            regions.add(&c.address);
            let mut list = lists.remove(&c.id).unwrap_or_default();
            sort_clinicians(&mut list);
            let facts = take_facts(&mut facts_of, &mut dated, SubjectKind::Centre, &c.id);
            let entry = CentreEntry::new(c, list, facts, &profiles, today);
            let (key, terms) = (entry.key(), entry.terms(&profiles));
            centre_items.push((Arc::new(entry), key, terms));
        }
        Snapshot {
            version,
            latest_change: 0,
            evaluated_on: today,
            regions_json: regions.to_json().into(),
            places: Arc::new(regions.places()),
            regions,
            profiles: Arc::new(profiles),
            centres: Index::build(centre_items),
            clinicians: Index::build(clinician_items),
            dated,
        }
    }
}

/// Clinicians with their affiliation rows.
pub(super) fn with_affiliations(
    rows: Vec<ClinicianRow>,
    affiliation_rows: Vec<AffiliationRow>,
) -> Result<Vec<Clinician>, StoreError> {
    let mut by_clinician: HashMap<String, Vec<Affiliation>> = HashMap::new();
    for row in affiliation_rows {
        let clinician_id = row.clinician_id.clone();
        by_clinician
            .entry(clinician_id)
            .or_default()
            .push(row.into_model()?);
    }
    rows.into_iter()
        .map(|row| {
            let affs = by_clinician.remove(&row.id).unwrap_or_default();
            row.into_model(affs)
        })
        .collect()
}

pub(super) type FactsOf = HashMap<(SubjectKind, String), Vec<Fact>>;

pub(super) fn group_facts(facts: Vec<Fact>) -> FactsOf {
    let mut out: FactsOf = HashMap::new();
    for f in facts {
        out.entry((f.subject.kind, f.subject.id.clone()))
            .or_default()
            .push(f);
    }
    out
}

/// The facts of one listing, noting in `dated` whether it has any.
pub(super) fn take_facts(
    facts_of: &mut FactsOf,
    dated: &mut imbl::OrdSet<(bool, String)>,
    kind: SubjectKind,
    id: &str,
) -> Vec<Fact> {
    let facts = facts_of.remove(&(kind, id.to_owned())).unwrap_or_default();
    let entry = (kind == SubjectKind::Centre, id.to_owned());
    if facts.is_empty() {
        dated.remove(&entry);
    } else {
        dated.insert(entry);
    }
    facts
}
