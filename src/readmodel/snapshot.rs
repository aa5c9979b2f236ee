//! The read model behind every public GET: all published listings, joined
//! and indexed in memory, rebuilt when the database's data version moves.
//!
//! Why in memory: public reads are most of the traffic and the directory
//! is small (thousands to a hundred thousand listings), so answering from
//! an immutable snapshot is both the fastest path and the same on SQLite
//! and PostgreSQL. Several API nodes stay consistent because each polls
//! the shared `directory_state.data_version` (see `startup`).

use std::collections::{BTreeMap, HashMap};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use chrono::NaiveDate;

use crate::criteria::evaluate::{outcome_only, Outcome};
use crate::criteria::profile::Profile;
use crate::directory::model::*;
use crate::directory::rows::{AffiliationRow, CentreRow, ClinicianRow, FactRow};
use crate::directory::text::{fold, tokens};
use crate::readmodel::index::{Entry, Facet, Index};
use crate::readmodel::views::*;
use crate::store::schema::{affiliations, centres, clinicians, facts};
use crate::store::{data_version, DbConnection, StoreError};

pub struct CentreEntry {
    pub centre: Centre,
    /// The list item's JSON without its closing brace, so a distance can be
    /// appended without serialising the centre again on every request.
    pub item_json: String,
    pub clinicians: Vec<CentreClinician>,
    pub facts: Vec<Fact>,
}

pub struct ClinicianEntry {
    pub clinician: ClinicianView,
    pub item_json: String,
    pub facts: Vec<Fact>,
}

#[derive(Default)]
pub struct Snapshot {
    pub version: i64,
    /// The change-feed position this snapshot reflects (for exports).
    pub latest_change: i64,
    /// Facts are judged current or stale as of this date; a new day
    /// rebuilds the snapshot.
    pub evaluated_on: NaiveDate,
    pub profiles: Vec<Profile>,
    /// Per profile id, the outcome of every listing it applies to, by
    /// position (centres or clinicians, as the profile applies).
    pub outcomes: HashMap<String, Vec<Outcome>>,
    pub centres: Vec<CentreEntry>,
    pub centre_index: Index,
    centre_ids: HashMap<String, u32>,
    pub clinicians: Vec<ClinicianEntry>,
    pub clinician_index: Index,
    clinician_ids: HashMap<String, u32>,
    pub regions_json: String,
}

impl Snapshot {
    pub fn centre(&self, id: &str) -> Option<&CentreEntry> {
        self.centre_ids.get(id).map(|&i| &self.centres[i as usize])
    }

    pub fn clinician(&self, id: &str) -> Option<&ClinicianEntry> {
        self.clinician_ids
            .get(id)
            .map(|&i| &self.clinicians[i as usize])
    }

    /// Position of a published clinician in name order.
    pub fn clinician_position(&self, id: &str) -> Option<usize> {
        self.clinician_ids.get(id).map(|&i| i as usize)
    }

    pub fn profile(&self, id: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.id == id)
    }

    /// Reads every published listing in one consistent transaction.
    pub fn load(conn: &mut DbConnection) -> Result<Self, StoreError> {
        conn.transaction(|conn| {
            if let DbConnection::Pg(pg) = conn {
                pg.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
            }
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
            let mut by_clinician: HashMap<String, Vec<Affiliation>> = HashMap::new();
            for row in affiliation_rows {
                let clinician_id = row.clinician_id.clone();
                by_clinician
                    .entry(clinician_id)
                    .or_default()
                    .push(row.into_model()?);
            }
            let clinicians = clinician_rows
                .into_iter()
                .map(|row| {
                    let affs = by_clinician.remove(&row.id).unwrap_or_default();
                    row.into_model(affs)
                })
                .collect::<Result<Vec<_>, _>>()?;
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
        })
    }

    /// Joins and indexes published listings; `centres` and `clinicians`
    /// must hold published ones only.
    pub fn build(
        version: i64,
        today: NaiveDate,
        profiles: Vec<Profile>,
        mut centres: Vec<Centre>,
        mut clinicians: Vec<Clinician>,
        facts: Vec<Fact>,
    ) -> Self {
        let sort_key = |name: &str, id: &str| (fold(name), id.to_owned());
        centres.sort_by_cached_key(|c| sort_key(&c.name, &c.id));
        clinicians.sort_by_cached_key(|c| sort_key(&c.name, &c.id));
        let centre_ids: HashMap<String, u32> = centres
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i as u32))
            .collect();
        let clinician_ids: HashMap<String, u32> = clinicians
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i as u32))
            .collect();

        let mut centre_facts: HashMap<&str, Vec<Fact>> = HashMap::new();
        let mut clinician_facts: HashMap<&str, Vec<Fact>> = HashMap::new();
        for f in &facts {
            let bucket = match f.subject.kind {
                SubjectKind::Centre => centre_facts.entry(f.subject.id.as_str()),
                SubjectKind::Clinician => clinician_facts.entry(f.subject.id.as_str()),
            };
            bucket.or_default().push(f.clone());
        }
        for list in centre_facts
            .values_mut()
            .chain(clinician_facts.values_mut())
        {
            list.sort_by(|a, b| {
                a.metric
                    .cmp(&b.metric)
                    .then(b.as_of.cmp(&a.as_of))
                    .then(a.id.cmp(&b.id))
            });
        }

        let mut outcomes: HashMap<String, Vec<Outcome>> = HashMap::new();
        // Clinicians see only their published centres, and centres their
        // published clinicians.
        let mut at_centre: Vec<Vec<CentreClinician>> = vec![Vec::new(); centres.len()];
        let mut clinician_entries = Vec::with_capacity(clinicians.len());
        let mut clinician_index_entries = Vec::with_capacity(clinicians.len());
        for c in &clinicians {
            let mut index_entry = Entry {
                facets: vec![(Facet::Discipline, c.discipline.code().to_owned())],
                text: tokens(&c.name).collect(),
                points: Vec::new(),
            };
            let mut affiliations = Vec::new();
            for a in &c.affiliations {
                let Some(&pos) = centre_ids.get(&a.centre_id) else {
                    continue;
                };
                let centre = &centres[pos as usize];
                at_centre[pos as usize].push(CentreClinician {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    discipline: c.discipline,
                    role: a.role,
                });
                index_entry.facets.push((Facet::Centre, centre.id.clone()));
                index_entry
                    .facets
                    .push((Facet::Country, centre.address.country.clone()));
                if let Some(sub) = &centre.address.subdivision {
                    index_entry.facets.push((Facet::Region, sub.clone()));
                }
                if let Some(p) = &centre.coordinates {
                    index_entry.points.push((p.lat, p.lon));
                }
                affiliations.push(ClinicianAffiliation {
                    centre_id: centre.id.clone(),
                    centre_name: centre.name.clone(),
                    city: centre.address.city.clone(),
                    subdivision: centre.address.subdivision.clone(),
                    country: centre.address.country.clone(),
                    role: a.role,
                    sources: a.sources.clone(),
                });
            }
            let facts = clinician_facts.remove(c.id.as_str()).unwrap_or_default();
            for p in profiles
                .iter()
                .filter(|p| p.applies_to == SubjectKind::Clinician)
            {
                let outcome = outcome_only(p, &facts, today);
                outcomes.entry(p.id.clone()).or_default().push(outcome);
                if outcome == Outcome::Meets {
                    index_entry.facets.push((Facet::Meets, p.id.clone()));
                }
            }
            let view = ClinicianView {
                id: c.id.clone(),
                name: c.name.clone(),
                discipline: c.discipline,
                subtypes: c.subtypes.clone(),
                languages: c.languages.clone(),
                takes_phone_consultations: c.takes_phone_consultations,
                status: c.status,
                verification: c.verification.clone(),
                sources: c.sources.clone(),
                notes: c.notes.clone(),
                affiliations,
            };
            clinician_entries.push(ClinicianEntry {
                item_json: open_object(&view),
                facts,
                clinician: view,
            });
            clinician_index_entries.push(index_entry);
        }
        let clinician_index = Index::build(
            clinicians
                .iter()
                .map(|c| sort_key(&c.name, &c.id))
                .collect(),
            clinician_index_entries,
        );

        let centre_facts: Vec<Vec<Fact>> = centres
            .iter()
            .map(|c| centre_facts.remove(c.id.as_str()).unwrap_or_default())
            .collect();
        let mut centre_index_entries: Vec<Entry> = centres.iter().map(centre_index_entry).collect();
        for p in profiles
            .iter()
            .filter(|p| p.applies_to == SubjectKind::Centre)
        {
            let list: Vec<Outcome> = centre_facts
                .iter()
                .map(|f| outcome_only(p, f, today))
                .collect();
            for (entry, outcome) in centre_index_entries.iter_mut().zip(&list) {
                if *outcome == Outcome::Meets {
                    entry.facets.push((Facet::Meets, p.id.clone()));
                }
            }
            outcomes.insert(p.id.clone(), list);
        }
        let centre_index = Index::build(
            centres.iter().map(|c| sort_key(&c.name, &c.id)).collect(),
            centre_index_entries,
        );
        let regions_json = serde_json::to_string(&regions(&centres)).expect("regions serialise");
        let centre_entries = centres
            .into_iter()
            .zip(at_centre)
            .zip(centre_facts)
            .map(|((centre, clinicians), facts)| CentreEntry {
                item_json: open_object(&centre),
                facts,
                centre,
                clinicians,
            })
            .collect();
        // Every profile has an outcome list, empty when nothing of its kind
        // is listed, so a badge or filter by any profile has one to read.
        for p in &profiles {
            outcomes.entry(p.id.clone()).or_default();
        }
        Snapshot {
            version,
            latest_change: 0,
            evaluated_on: today,
            profiles,
            outcomes,
            centres: centre_entries,
            centre_index,
            centre_ids,
            clinicians: clinician_entries,
            clinician_index,
            clinician_ids,
            regions_json,
        }
    }
}

fn centre_index_entry(c: &Centre) -> Entry {
    let mut facets = vec![(Facet::Country, c.address.country.clone())];
    if let Some(sub) = &c.address.subdivision {
        facets.push((Facet::Region, sub.clone()));
    }
    if let Some(city) = &c.address.city {
        facets.push((Facet::City, fold(city)));
    }
    facets.extend(
        c.programmes
            .iter()
            .map(|p| (Facet::Programme, p.code().to_owned())),
    );
    facets.extend(
        c.services
            .iter()
            .map(|s| (Facet::Service, s.kind.code().to_owned())),
    );
    let mut text: Vec<String> = tokens(&c.name).collect();
    text.extend(c.institution.iter().flat_map(|i| tokens(i)));
    text.extend(c.address.city.iter().flat_map(|i| tokens(i)));
    Entry {
        facets,
        text,
        points: c.coordinates.iter().map(|p| (p.lat, p.lon)).collect(),
    }
}

/// A JSON object without its closing brace.
fn open_object<T: serde::Serialize>(value: &T) -> String {
    let mut json = serde_json::to_string(value).expect("listing serialises");
    debug_assert!(json.ends_with('}'));
    json.pop();
    json
}

fn regions(centres: &[Centre]) -> RegionList {
    let mut countries: BTreeMap<&str, (u32, u32, BTreeMap<&str, u32>)> = BTreeMap::new();
    for c in centres {
        let entry = countries.entry(c.address.country.as_str()).or_default();
        entry.0 += 1;
        match &c.address.subdivision {
            Some(sub) => *entry.2.entry(sub.as_str()).or_default() += 1,
            None => entry.1 += 1,
        }
    }
    RegionList {
        items: countries
            .into_iter()
            .map(|(code, (total, without, subs))| CountryCount {
                country: code.to_owned(),
                name: rust_iso3166::from_alpha2(code)
                    .map(|c| c.name.to_owned())
                    .unwrap_or_default(),
                centres: total,
                centres_without_subdivision: without,
                subdivisions: subs
                    .into_iter()
                    .map(|(sub, n)| SubdivisionCount {
                        code: sub.to_owned(),
                        name: rust_iso3166::iso3166_2::from_code(sub)
                            .map(|s| s.name.to_owned())
                            .unwrap_or_default(),
                        centres: n,
                    })
                    .collect(),
            })
            .collect(),
    }
}
