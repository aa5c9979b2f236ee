//! One listing as the read model keeps it: the model, its list item
//! serialised once, what the read API shows next to it, its outcomes, and
//! (computed from the entry alone) its sort key and index terms.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::criteria::evaluate::{outcome_only, Outcome};
use crate::criteria::profile::Profile;
use crate::directory::model::*;
use crate::directory::text::{fold, tokens};
use crate::readmodel::index::{Facet, SortKey, Terms};
use crate::readmodel::views::*;

pub struct CentreEntry {
    pub centre: Centre,
    /// The list item's JSON without its closing brace, so a distance can be
    /// appended without serialising the centre again on every request.
    pub item_json: String,
    /// Its published clinicians, in their public order.
    pub clinicians: Vec<CentreClinician>,
    pub facts: Vec<Fact>,
    /// One per centre profile, in the order of [`Profiles::for_kind`].
    pub outcomes: Vec<Outcome>,
    /// Other serialisations of the listing (FHIR resources), made on first
    /// use and kept with the entry, so they are made once per change.
    pub renderings: Renderings,
}

/// Up to three serialisations of one listing, each made once.
#[derive(Default)]
pub struct Renderings([std::sync::OnceLock<Box<str>>; 3]);

impl Renderings {
    /// Rendering `slot` (0..3), made by `make` the first time.
    pub fn get(&self, slot: usize, make: impl FnOnce() -> String) -> &str {
        self.0[slot].get_or_init(|| make().into_boxed_str())
    }
}

pub struct ClinicianEntry {
    pub clinician: ClinicianView,
    pub item_json: String,
    pub facts: Vec<Fact>,
    /// One per clinician profile, in the order of [`Profiles::for_kind`].
    pub outcomes: Vec<Outcome>,
    /// Coordinates of its published centres, for `near`.
    points: Vec<(f64, f64)>,
    pub renderings: Renderings,
}

/// The criteria profiles a snapshot evaluates, in a fixed order.
#[derive(Clone, Default)]
pub struct Profiles(pub Vec<Profile>);

impl std::ops::Deref for Profiles {
    type Target = [Profile];

    fn deref(&self) -> &[Profile] {
        &self.0
    }
}

impl Profiles {
    pub fn for_kind(&self, kind: SubjectKind) -> impl Iterator<Item = &Profile> + '_ {
        self.0.iter().filter(move |p| p.applies_to == kind)
    }

    /// Where the outcome for profile `id` sits in an entry's `outcomes`.
    pub fn slot(&self, kind: SubjectKind, id: &str) -> Option<usize> {
        self.for_kind(kind).position(|p| p.id == id)
    }

    fn outcomes(&self, kind: SubjectKind, facts: &[Fact], today: NaiveDate) -> Vec<Outcome> {
        self.for_kind(kind)
            .map(|p| outcome_only(p, facts, today))
            .collect()
    }

    /// The index terms of a listing's outcomes: `Meets` for each profile
    /// it meets, and `Outcome` (`PROFILE=OUTCOME`) for every profile.
    fn outcome_terms(&self, kind: SubjectKind, outcomes: &[Outcome]) -> Vec<(Facet, String)> {
        let mut terms = Vec::new();
        for (p, o) in self.for_kind(kind).zip(outcomes) {
            if *o == Outcome::Meets {
                terms.push((Facet::Meets, p.id.clone()));
            }
            terms.push((Facet::Outcome, outcome_term(&p.id, *o)));
        }
        terms
    }
}

/// The `Outcome` facet value of `profile` and `outcome`.
pub fn outcome_term(profile: &str, outcome: Outcome) -> String {
    format!("{profile}={}", outcome.code())
}

/// The public order of a listing named `name`.
pub fn sort_key(name: &str, id: &str) -> SortKey {
    SortKey {
        name: fold(name),
        id: id.to_owned(),
    }
}

/// Facts in the order the read API shows them: by metric, newest first.
pub fn sort_facts(facts: &mut [Fact]) {
    facts.sort_by(|a, b| {
        a.metric
            .cmp(&b.metric)
            .then(b.as_of.cmp(&a.as_of))
            .then(a.id.cmp(&b.id))
    });
}

impl CentreEntry {
    pub fn new(
        centre: Centre,
        clinicians: Vec<CentreClinician>,
        mut facts: Vec<Fact>,
        profiles: &Profiles,
        today: NaiveDate,
    ) -> Self {
        sort_facts(&mut facts);
        CentreEntry {
            item_json: open_object(&centre),
            outcomes: profiles.outcomes(SubjectKind::Centre, &facts, today),
            centre,
            clinicians,
            facts,
            renderings: Renderings::default(),
        }
    }

    /// The same listing evaluated on another day.
    pub fn reevaluated(&self, profiles: &Profiles, today: NaiveDate) -> Self {
        CentreEntry {
            centre: self.centre.clone(),
            item_json: self.item_json.clone(),
            clinicians: self.clinicians.clone(),
            facts: self.facts.clone(),
            outcomes: profiles.outcomes(SubjectKind::Centre, &self.facts, today),
            renderings: Renderings::default(),
        }
    }

    pub fn key(&self) -> SortKey {
        sort_key(&self.centre.name, &self.centre.id)
    }

    pub fn terms(&self, profiles: &Profiles) -> Terms {
        let c = &self.centre;
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
        facets.push((Facet::Verification, c.verification.status.code().to_owned()));
        facets.extend(profiles.outcome_terms(SubjectKind::Centre, &self.outcomes));
        let mut text: Vec<String> = tokens(&c.name).collect();
        text.extend(c.institution.iter().flat_map(|i| tokens(i)));
        text.extend(c.address.city.iter().flat_map(|i| tokens(i)));
        Terms {
            facets,
            text,
            points: c.coordinates.iter().map(|p| (p.lat, p.lon)).collect(),
        }
    }
}

impl ClinicianEntry {
    /// `centre` finds a published centre by id (affiliations with others
    /// are not shown).
    pub fn new<'c>(
        c: Clinician,
        centre: impl Fn(&str) -> Option<&'c Centre>,
        mut facts: Vec<Fact>,
        profiles: &Profiles,
        today: NaiveDate,
    ) -> Self {
        sort_facts(&mut facts);
        let mut points = Vec::new();
        let mut affiliations = Vec::new();
        for a in &c.affiliations {
            let Some(centre) = centre(&a.centre_id) else {
                continue;
            };
            if let Some(p) = &centre.coordinates {
                points.push((p.lat, p.lon));
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
        let view = ClinicianView {
            id: c.id,
            name: c.name,
            discipline: c.discipline,
            subtypes: c.subtypes,
            languages: c.languages,
            takes_phone_consultations: c.takes_phone_consultations,
            status: c.status,
            verification: c.verification,
            sources: c.sources,
            notes: c.notes,
            affiliations,
        };
        ClinicianEntry {
            item_json: open_object(&view),
            outcomes: profiles.outcomes(SubjectKind::Clinician, &facts, today),
            clinician: view,
            facts,
            points,
            renderings: Renderings::default(),
        }
    }

    pub fn reevaluated(&self, profiles: &Profiles, today: NaiveDate) -> Self {
        ClinicianEntry {
            clinician: self.clinician.clone(),
            item_json: self.item_json.clone(),
            facts: self.facts.clone(),
            outcomes: profiles.outcomes(SubjectKind::Clinician, &self.facts, today),
            points: self.points.clone(),
            renderings: Renderings::default(),
        }
    }

    pub fn key(&self) -> SortKey {
        sort_key(&self.clinician.name, &self.clinician.id)
    }

    pub fn terms(&self, profiles: &Profiles) -> Terms {
        let c = &self.clinician;
        let mut facets = vec![(Facet::Discipline, c.discipline.code().to_owned())];
        for a in &c.affiliations {
            facets.push((Facet::Centre, a.centre_id.clone()));
            facets.push((Facet::Country, a.country.clone()));
            if let Some(sub) = &a.subdivision {
                facets.push((Facet::Region, sub.clone()));
            }
        }
        facets.push((Facet::Verification, c.verification.status.code().to_owned()));
        facets.extend(profiles.outcome_terms(SubjectKind::Clinician, &self.outcomes));
        Terms {
            facets,
            text: tokens(&c.name).collect(),
            points: self.points.clone(),
        }
    }
}

/// How clinician `c` appears in the list of centre `centre_id`, once per
/// affiliation with it.
pub fn at_centre(c: &Clinician, centre_id: &str) -> Vec<CentreClinician> {
    c.affiliations
        .iter()
        .filter(|a| a.centre_id == centre_id)
        .map(|a| CentreClinician {
            id: c.id.clone(),
            name: c.name.clone(),
            discipline: c.discipline,
            role: a.role,
        })
        .collect()
}

/// Sorts a centre's clinicians into their public order.
pub fn sort_clinicians(list: &mut [CentreClinician]) {
    list.sort_by_cached_key(|c| (fold(&c.name), c.id.clone()));
}

/// A JSON object without its closing brace.
fn open_object<T: serde::Serialize>(value: &T) -> String {
    let mut json = serde_json::to_string(value).expect("listing serialises");
    debug_assert!(json.ends_with('}'));
    json.pop();
    json
}

/// A country (its code has two letters) or subdivision with centres.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// The name, case and accents folded, for prefix matching.
    pub folded: String,
    pub code: String,
    pub name: String,
    pub country: String,
    pub centres: u32,
}

/// Published centres per country and subdivision, kept up to date as
/// centres come and go, for the region picker.
#[derive(Clone, Default, PartialEq, Debug)]
pub struct RegionTally {
    /// Country -> (centres without a subdivision, centres per subdivision).
    countries: BTreeMap<String, (u32, BTreeMap<String, u32>)>,
}

impl RegionTally {
    pub fn add(&mut self, a: &Address) {
        let entry = self.countries.entry(a.country.clone()).or_default();
        match &a.subdivision {
            Some(sub) => *entry.1.entry(sub.clone()).or_default() += 1,
            None => entry.0 += 1,
        }
    }

    pub fn remove(&mut self, a: &Address) {
        let Some(entry) = self.countries.get_mut(&a.country) else {
            return;
        };
        match &a.subdivision {
            Some(sub) => {
                if let Some(n) = entry.1.get_mut(sub) {
                    *n -= 1;
                    if *n == 0 {
                        entry.1.remove(sub);
                    }
                }
            }
            None => entry.0 = entry.0.saturating_sub(1),
        }
        if entry.0 == 0 && entry.1.is_empty() {
            self.countries.remove(&a.country);
        }
    }

    /// Countries and subdivisions with centres, for type-ahead.
    pub fn places(&self) -> Vec<Place> {
        let mut out = Vec::new();
        for (code, (without, subs)) in &self.countries {
            let name =
                rust_iso3166::from_alpha2(code).map_or_else(|| code.clone(), |c| c.name.to_owned());
            out.push(Place {
                folded: fold(&name),
                code: code.clone(),
                name,
                country: code.clone(),
                centres: without + subs.values().sum::<u32>(),
            });
            for (sub, n) in subs {
                let name = rust_iso3166::iso3166_2::from_code(sub)
                    .map_or_else(|| sub.clone(), |s| s.name.to_owned());
                out.push(Place {
                    folded: fold(&name),
                    code: sub.clone(),
                    name,
                    country: code.clone(),
                    centres: *n,
                });
            }
        }
        out
    }

    pub fn to_json(&self) -> String {
        let list = RegionList {
            items: self
                .countries
                .iter()
                .map(|(code, (without, subs))| CountryCount {
                    country: code.clone(),
                    name: rust_iso3166::from_alpha2(code)
                        .map(|c| c.name.to_owned())
                        .unwrap_or_default(),
                    centres: without + subs.values().sum::<u32>(),
                    centres_without_subdivision: *without,
                    subdivisions: subs
                        .iter()
                        .map(|(sub, n)| SubdivisionCount {
                            code: sub.clone(),
                            name: rust_iso3166::iso3166_2::from_code(sub)
                                .map(|s| s.name.to_owned())
                                .unwrap_or_default(),
                            centres: *n,
                        })
                        .collect(),
                })
                .collect(),
        };
        serde_json::to_string(&list).expect("regions serialise")
    }
}
