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
use crate::readmodel::index::{Index, SortKey};
use crate::readmodel::memo::Memo;
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
    /// Filter counts already answered from this snapshot, by query.
    pub facet_answers: Memo,
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
    ///
    /// Listings are read a batch at a time and turned into entries at
    /// once, so a load never holds every row and every model next to the
    /// entries: what a load frees is reused by the next batch instead of
    /// staying in the process as freed, fragmented heap.
    pub(super) fn load_within(conn: &mut DbConnection) -> Result<Self, StoreError> {
        let version = data_version(conn)?;
        let profiles = crate::criteria::store::load_all(conn)?;
        let latest_change = crate::store::changes::latest(conn)?;
        let today = chrono::Utc::now().date_naive();
        // Facts in batches too: PostgreSQL's client holds a whole result
        // in memory, so one query for every fact is one large block.
        let mut facts = Vec::new();
        in_pages(
            conn,
            |conn, after| {
                facts::table
                    .filter(facts::id.gt(after))
                    .order(facts::id)
                    .limit(BATCH)
                    .select(FactRow::as_select())
                    .load(conn)
            },
            |r: &FactRow| &r.id,
            |_, rows| {
                for row in rows {
                    facts.push(row.into_model()?);
                }
                Ok(())
            },
        )?;
        let mut builder = Builder::new(profiles, facts, today);
        let published = ListingStatus::Published.code();
        in_pages(
            conn,
            |conn, after| {
                centres::table
                    .filter(centres::status.eq(published))
                    .filter(centres::id.gt(after))
                    .order(centres::id)
                    .limit(BATCH)
                    .select(CentreRow::as_select())
                    .load(conn)
            },
            |r: &CentreRow| &r.id,
            |_, rows| {
                for row in rows {
                    builder.add_centre(row.into_model()?);
                }
                Ok(())
            },
        )?;
        in_pages(
            conn,
            |conn, after| {
                clinicians::table
                    .filter(clinicians::status.eq(published))
                    .filter(clinicians::id.gt(after))
                    .order(clinicians::id)
                    .limit(BATCH)
                    .select(ClinicianRow::as_select())
                    .load(conn)
            },
            |r: &ClinicianRow| &r.id,
            |conn, rows| {
                let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
                let affiliation_rows: Vec<AffiliationRow> = affiliations::table
                    .filter(affiliations::clinician_id.eq_any(&ids))
                    .select(AffiliationRow::as_select())
                    .load(conn)?;
                for c in with_affiliations(rows, affiliation_rows)? {
                    builder.add_clinician(c);
                }
                Ok(())
            },
        )?;
        let mut snapshot = builder.finish(version);
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
        let mut builder = Builder::new(profiles, facts, today);
        for c in centres {
            builder.add_centre(c);
        }
        for c in clinicians {
            builder.add_clinician(c);
        }
        builder.finish(version)
    }
}

/// Listings read per query when a snapshot is loaded.
const BATCH: i64 = 1000;

/// Reads a table a page at a time in id order: `page` reads up to `BATCH`
/// rows whose id comes after the one given ("" for the first page),
/// `each` takes every page that is not empty.
fn in_pages<R>(
    conn: &mut DbConnection,
    page: impl Fn(&mut DbConnection, &str) -> diesel::QueryResult<Vec<R>>,
    id: impl Fn(&R) -> &str,
    mut each: impl FnMut(&mut DbConnection, Vec<R>) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut after = String::new();
    loop {
        let rows = page(conn, &after)?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = id(last).to_owned();
        each(conn, rows)?;
    }
}

/// A snapshot being assembled: every centre first, then the clinicians,
/// each made into its entry as it comes.
struct Builder {
    profiles: Profiles,
    today: NaiveDate,
    facts_of: FactsOf,
    dated: imbl::OrdSet<(bool, String)>,
    centres: HashMap<String, CentreEntry>,
    /// Each centre's clinicians, as the clinicians come.
    lists: HashMap<String, Vec<Listed>>,
    clinicians: Vec<(Arc<ClinicianEntry>, SortKey)>,
}

impl Builder {
    fn new(profiles: Vec<Profile>, facts: Vec<Fact>, today: NaiveDate) -> Self {
        Builder {
            profiles: Profiles(profiles),
            today,
            facts_of: group_facts(facts),
            dated: imbl::OrdSet::new(),
            centres: HashMap::new(),
            lists: HashMap::new(),
            clinicians: Vec::new(),
        }
    }

    fn add_centre(&mut self, c: Centre) {
        let facts = take_facts(
            &mut self.facts_of,
            &mut self.dated,
            SubjectKind::Centre,
            &c.id,
        );
        let id = c.id.clone();
        let summary = Arc::new(CentreSummary::of(&c));
        let entry = CentreEntry::new(summary, c, Vec::new(), facts, &self.profiles, self.today);
        self.centres.insert(id, entry);
    }

    /// Adds a clinician; every centre must have been added.
    fn add_clinician(&mut self, c: Clinician) {
        let facts = take_facts(
            &mut self.facts_of,
            &mut self.dated,
            SubjectKind::Clinician,
            &c.id,
        );
        let centres = &self.centres;
        let entry = ClinicianEntry::new(
            c,
            |id| centres.get(id).map(|e| &e.summary),
            facts,
            &self.profiles,
            self.today,
        );
        for (centre_id, shown) in listed(&entry) {
            match self.lists.get_mut(centre_id) {
                Some(list) => list.push(shown),
                None => {
                    self.lists.insert(centre_id.to_owned(), vec![shown]);
                }
            }
        }
        let key = entry.key();
        self.clinicians.push((Arc::new(entry), key));
    }

    fn finish(mut self, version: i64) -> Snapshot {
        let mut regions = RegionTally::default();
        let mut centre_items = Vec::with_capacity(self.centres.len());
        for (id, mut entry) in self.centres {
            let mut list = self.lists.remove(&id).unwrap_or_default();
            sort_clinicians(&mut list);
            entry.set_clinicians(list);
            regions.add(&entry.summary);
            let key = entry.key();
            centre_items.push((Arc::new(entry), key));
        }
        let profiles = self.profiles;
        Snapshot {
            version,
            latest_change: 0,
            evaluated_on: self.today,
            regions_json: regions.to_json().into(),
            places: Arc::new(regions.places()),
            regions,
            centres: Index::build(centre_items, |e| e.terms(&profiles)),
            clinicians: Index::build(self.clinicians, |e| e.terms(&profiles)),
            profiles: Arc::new(profiles),
            dated: self.dated,
            facet_answers: Memo::default(),
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
