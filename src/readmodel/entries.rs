//! One listing as the read model keeps it: the model, its list item
//! serialised once, what the read API shows next to it, its outcomes, and
//! (computed from the entry alone) its sort key and index terms.

use std::collections::BTreeMap;

use std::sync::{Arc, Mutex, OnceLock};

use chrono::NaiveDate;

use crate::criteria::evaluate::{outcome_only, Outcome};
use crate::criteria::profile::Profile;
use crate::directory::model::*;
use crate::directory::text::{fold, tokens};
use crate::readmodel::index::{Facet, Located, SortKey, Terms};
use crate::readmodel::json::{share_members, SharedJson};
use crate::readmodel::views::*;

pub struct CentreEntry {
    /// What the index, the lists and the joins read, kept parsed; shared
    /// with the affiliations of its clinicians ([`Joined`]).
    pub summary: Arc<CentreSummary>,
    /// The whole listing as its list item's JSON without the closing brace
    /// (so a distance can be appended without serialising it again). The
    /// only full copy the read model keeps: the parsed model is made from
    /// it when a handler needs it ([`CentreEntry::centre`]), which halves
    /// the memory a directory takes.
    item_json: SharedJson,
    /// Its published clinicians, in their public order.
    pub clinicians: Box<[Listed]>,
    pub facts: Box<[Fact]>,
    /// One per centre profile, in the order of [`Profiles::for_kind`].
    pub outcomes: Arc<[Outcome]>,
    /// Other serialisations of the listing (FHIR resources), made on first
    /// use and kept with the entry, so they are made once per change.
    pub renderings: Renderings,
}

/// The parts of a centre that are read for every listing in a list, a
/// count or a join: small, and without the sources and free text.
#[derive(Debug, Clone, PartialEq)]
pub struct CentreSummary {
    pub id: Arc<str>,
    pub name: Box<str>,
    pub institution: Option<Box<str>>,
    pub city: Option<Box<str>>,
    /// Country and subdivision codes are few and repeated: one copy each
    /// (see [`code`]).
    pub subdivision: Option<Arc<str>>,
    pub country: Arc<str>,
    pub coordinates: Option<(f64, f64)>,
    pub precision: Option<CoordinatePrecision>,
    pub programmes: Box<[Programme]>,
    pub services: Box<[ServiceKind]>,
    pub verification: VerificationStatus,
}

impl CentreSummary {
    pub fn of(c: &Centre) -> Self {
        CentreSummary {
            id: c.id.as_str().into(),
            name: c.name.as_str().into(),
            institution: c.institution.as_deref().map(Into::into),
            city: c.address.city.as_deref().map(Into::into),
            subdivision: c.address.subdivision.as_deref().map(code),
            country: code(&c.address.country),
            coordinates: c.coordinates.as_ref().map(|p| (p.lat, p.lon)),
            precision: c.coordinates.as_ref().map(|p| p.precision),
            programmes: c.programmes.clone().into(),
            services: c.services.iter().map(|s| s.kind).collect(),
            verification: c.verification.status,
        }
    }
}

/// The one shared copy of a country or subdivision code. The codes are
/// ISO 3166 ones (checked when stored), so the table stays small.
pub fn code(value: &str) -> Arc<str> {
    static CODES: OnceLock<Mutex<std::collections::HashSet<Arc<str>>>> = OnceLock::new();
    let mut codes = CODES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(known) = codes.get(value) {
        return known.clone();
    }
    let new: Arc<str> = value.into();
    codes.insert(new.clone());
    new
}

/// The parts of a clinician that are read for every listing in a list or
/// a join (see [`CentreSummary`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ClinicianSummary {
    pub discipline: Discipline,
    pub verification: VerificationStatus,
    /// Its affiliations with published centres, as shown.
    pub affiliations: Box<[Joined]>,
}

/// One affiliation of a clinician with a published centre: the centre's
/// own summary (shared, not copied; a change to the centre reloads its
/// clinicians) and the role.
#[derive(Debug, Clone, PartialEq)]
pub struct Joined {
    pub centre: Arc<CentreSummary>,
    pub role: AffiliationRole,
}

/// Up to three serialisations of one listing, each made once. Most
/// listings are never asked for one, so the slots are allocated with the
/// first (a pointer per listing until then).
#[derive(Default)]
pub struct Renderings(std::sync::OnceLock<Box<[std::sync::OnceLock<Box<str>>; 3]>>);

impl Renderings {
    /// Rendering `slot` (0..3), made by `make` the first time.
    pub fn get(&self, slot: usize, make: impl FnOnce() -> String) -> &str {
        self.0.get_or_init(Default::default)[slot].get_or_init(|| make().into_boxed_str())
    }
}

pub struct ClinicianEntry {
    pub summary: ClinicianSummary,
    /// The whole listing (see [`CentreEntry`]'s `item_json`), shared with
    /// the lists of its centres ([`Listed`]) and with the entry a new day
    /// re-evaluates.
    item_json: Arc<SharedJson>,
    pub facts: Box<[Fact]>,
    /// One per clinician profile, in the order of [`Profiles::for_kind`].
    pub outcomes: Arc<[Outcome]>,
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

    fn outcomes(&self, kind: SubjectKind, facts: &[Fact], today: NaiveDate) -> Arc<[Outcome]> {
        let outcomes: Vec<Outcome> = self
            .for_kind(kind)
            .map(|p| outcome_only(p, facts, today))
            .collect();
        // Listings share a few combinations of outcomes: one copy each.
        static SEEN: OnceLock<Mutex<std::collections::HashSet<Arc<[Outcome]>>>> = OnceLock::new();
        let mut seen = SEEN
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(known) = seen.get(outcomes.as_slice()) {
            return known.clone();
        }
        let new: Arc<[Outcome]> = outcomes.into();
        seen.insert(new.clone());
        new
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
    SortKey::new(&fold(name), id)
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
    /// `summary` is `CentreSummary::of(&centre)`, made by the caller so
    /// that the clinicians it joins share it.
    pub fn new(
        summary: Arc<CentreSummary>,
        centre: Centre,
        clinicians: Vec<Listed>,
        mut facts: Vec<Fact>,
        profiles: &Profiles,
        today: NaiveDate,
    ) -> Self {
        debug_assert_eq!(*summary, CentreSummary::of(&centre));
        sort_facts(&mut facts);
        CentreEntry {
            item_json: share_members(&open_object(&centre), CENTRE_SHARED, &[]),
            outcomes: profiles.outcomes(SubjectKind::Centre, &facts, today),
            summary,
            clinicians: clinicians.into(),
            facts: facts.into(),
            renderings: Renderings::default(),
        }
    }

    /// Sets its clinicians (in their public order).
    pub fn set_clinicians(&mut self, clinicians: Vec<Listed>) {
        self.clinicians = clinicians.into();
        self.renderings = Renderings::default();
    }

    /// The same centre with another list of clinicians.
    pub fn with_clinicians(&self, clinicians: Vec<Listed>) -> Self {
        CentreEntry {
            summary: self.summary.clone(),
            item_json: self.item_json.clone(),
            clinicians: clinicians.into(),
            facts: self.facts.clone(),
            outcomes: self.outcomes.clone(),
            renderings: Renderings::default(),
        }
    }

    /// The same listing evaluated on another day.
    pub fn reevaluated(&self, profiles: &Profiles, today: NaiveDate) -> Self {
        CentreEntry {
            outcomes: profiles.outcomes(SubjectKind::Centre, &self.facts, today),
            ..self.with_clinicians(self.clinicians.to_vec())
        }
    }

    /// The list item's JSON without its closing brace.
    pub fn item_json(&self) -> &SharedJson {
        &self.item_json
    }

    /// The centre with its clinicians and facts ([`CentreDetail`]'s JSON).
    pub fn detail_json(&self) -> String {
        with_members(
            &self.item_json,
            &[
                ("clinicians", to_json(&self.clinician_views())),
                ("facts", to_json(&self.facts)),
            ],
        )
    }

    /// Its clinicians as the read API shows them.
    pub fn clinician_views(&self) -> Vec<CentreClinician> {
        self.clinicians.iter().map(Listed::view).collect()
    }

    /// The whole centre, parsed from the one copy kept.
    pub fn centre(&self) -> Centre {
        closed_object(&self.item_json)
    }

    pub fn key(&self) -> SortKey {
        sort_key(&self.summary.name, &self.summary.id)
    }

    pub fn terms(&self, profiles: &Profiles) -> Terms {
        let c = &self.summary;
        let mut facets = vec![(Facet::Country, c.country.to_string())];
        if let Some(sub) = &c.subdivision {
            facets.push((Facet::Region, sub.to_string()));
        }
        if let Some(city) = &c.city {
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
                .map(|s| (Facet::Service, s.code().to_owned())),
        );
        facets.push((Facet::Verification, c.verification.code().to_owned()));
        facets.extend(profiles.outcome_terms(SubjectKind::Centre, &self.outcomes));
        let mut text: Vec<String> = tokens(&c.name).collect();
        text.extend(c.institution.iter().flat_map(|i| tokens(i)));
        text.extend(c.city.iter().flat_map(|i| tokens(i)));
        Terms {
            facets,
            text,
            points: self.points().collect(),
        }
    }
}

impl Located for CentreEntry {
    fn points(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.summary.coordinates.into_iter()
    }
}

impl Located for ClinicianEntry {
    /// Where its published centres are.
    fn points(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.summary
            .affiliations
            .iter()
            .filter_map(|a| a.centre.coordinates)
    }
}

impl ClinicianEntry {
    /// `centre` finds a published centre by id (affiliations with others
    /// are not shown).
    pub fn new<'c>(
        c: Clinician,
        centre: impl Fn(&str) -> Option<&'c Arc<CentreSummary>>,
        mut facts: Vec<Fact>,
        profiles: &Profiles,
        today: NaiveDate,
    ) -> Self {
        sort_facts(&mut facts);
        let mut affiliations = Vec::new();
        let mut joined = Vec::new();
        for a in c.affiliations {
            let Some(centre) = centre(&a.centre_id) else {
                continue;
            };
            joined.push(Joined {
                centre: centre.clone(),
                role: a.role,
            });
            affiliations.push(ClinicianAffiliation {
                centre_id: centre.id.to_string(),
                centre_name: centre.name.to_string(),
                city: centre.city.as_deref().map(Into::into),
                subdivision: centre.subdivision.as_deref().map(Into::into),
                country: centre.country.to_string(),
                role: a.role,
                sources: a.sources,
            });
        }
        let summary = ClinicianSummary {
            discipline: c.discipline,
            verification: c.verification.status,
            affiliations: joined.into(),
        };
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
            item_json: Arc::new(share_members(
                &open_object(&view),
                CLINICIAN_SHARED,
                &["affiliations"],
            )),
            outcomes: profiles.outcomes(SubjectKind::Clinician, &facts, today),
            summary,
            facts: facts.into(),
            renderings: Renderings::default(),
        }
    }

    pub fn reevaluated(&self, profiles: &Profiles, today: NaiveDate) -> Self {
        ClinicianEntry {
            summary: self.summary.clone(),
            item_json: self.item_json.clone(),
            facts: self.facts.clone(),
            outcomes: profiles.outcomes(SubjectKind::Clinician, &self.facts, today),
            renderings: Renderings::default(),
        }
    }

    /// The list item's JSON without its closing brace.
    pub fn item_json(&self) -> &SharedJson {
        &self.item_json
    }

    /// The clinician with its facts ([`ClinicianDetail`]'s JSON).
    pub fn detail_json(&self) -> String {
        with_members(&self.item_json, &[("facts", to_json(&self.facts))])
    }

    /// Its id and name, read from the start of its JSON (the one copy
    /// kept: at 50,000 clinicians a second copy is 5 MiB).
    pub fn id_and_name(&self) -> (String, String) {
        id_and_name(&self.item_json)
    }

    /// The whole clinician as shown, parsed from the one copy kept.
    pub fn clinician(&self) -> ClinicianView {
        closed_object(&self.item_json)
    }

    pub fn key(&self) -> SortKey {
        let (id, name) = self.id_and_name();
        sort_key(&name, &id)
    }

    pub fn terms(&self, profiles: &Profiles) -> Terms {
        let c = &self.summary;
        let (_, name) = self.id_and_name();
        let mut facets = vec![(Facet::Discipline, c.discipline.code().to_owned())];
        for a in &c.affiliations {
            facets.push((Facet::Centre, a.centre.id.to_string()));
            facets.push((Facet::Country, a.centre.country.to_string()));
            if let Some(sub) = &a.centre.subdivision {
                facets.push((Facet::Region, sub.to_string()));
            }
        }
        facets.push((Facet::Verification, c.verification.code().to_owned()));
        facets.extend(profiles.outcome_terms(SubjectKind::Clinician, &self.outcomes));
        Terms {
            facets,
            text: tokens(&name).collect(),
            points: self.points().collect(),
        }
    }
}

/// A clinician's id and name, read from the start of its JSON.
fn id_and_name(json: &SharedJson) -> (String, String) {
    let [id, name] = json
        .leading_strings(["id", "name"])
        .expect("a clinician's JSON starts with its id and name");
    (id, name)
}

/// A clinician in a centre's list: its listing (shared with its entry,
/// not copied: a directory lists most clinicians once or twice) and its
/// role there.
#[derive(Clone)]
pub struct Listed {
    json: Arc<SharedJson>,
    pub discipline: Discipline,
    pub role: AffiliationRole,
}

impl Listed {
    pub fn id(&self) -> String {
        id_and_name(&self.json).0
    }

    pub fn view(&self) -> CentreClinician {
        let (id, name) = id_and_name(&self.json);
        CentreClinician {
            id,
            name,
            discipline: self.discipline,
            role: self.role,
        }
    }
}

/// The centres clinician `c` shows (published ones; one affiliation per
/// centre, as the store keeps them), each with how it appears in that
/// centre's list.
pub fn listed(c: &ClinicianEntry) -> impl Iterator<Item = (&str, Listed)> + '_ {
    c.summary.affiliations.iter().map(|a| {
        let listed = Listed {
            json: c.item_json.clone(),
            discipline: c.summary.discipline,
            role: a.role,
        };
        (&*a.centre.id, listed)
    })
}

/// Sorts a centre's clinicians into their public order.
pub fn sort_clinicians(list: &mut [Listed]) {
    list.sort_by_cached_key(|c| {
        let (id, name) = id_and_name(&c.json);
        (fold(&name), id)
    });
}

/// A centre's members that many centres have word for word.
const CENTRE_SHARED: &[&[&str]] = &[&["languages", "status", "verification", "sources", "notes"]];

/// A clinician's members that many clinicians have word for word (its
/// affiliations are shared one by one: a centre's clinicians show the
/// same centre).
const CLINICIAN_SHARED: &[&[&str]] = &[&[
    "discipline",
    "subtypes",
    "languages",
    "takes_phone_consultations",
    "status",
    "verification",
    "sources",
    "notes",
]];

/// A JSON object without its closing brace.
fn open_object<T: serde::Serialize>(value: &T) -> String {
    let mut json = serde_json::to_string(value).expect("listing serialises");
    debug_assert!(json.ends_with('}'));
    json.pop();
    json
}

/// An object [`open_object`] wrote, with `members` added and closed.
fn with_members(open: &SharedJson, members: &[(&str, String)]) -> String {
    let extra: usize = members.iter().map(|(k, v)| k.len() + v.len() + 4).sum();
    let mut json = String::with_capacity(open.len() + extra + 1);
    open.write_to(&mut json);
    for (name, value) in members {
        json.push_str(",\"");
        json.push_str(name);
        json.push_str("\":");
        json.push_str(value);
    }
    json.push('}');
    json
}

fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("listing parts serialise")
}

/// The value [`open_object`] wrote. The read model serialised it itself,
/// so it parses (`tests` below check the round trip).
fn closed_object<T: serde::de::DeserializeOwned>(open: &SharedJson) -> T {
    let json = with_members(open, &[]);
    serde_json::from_str(&json).expect("a listing the read model serialised parses")
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
    pub fn add(&mut self, c: &CentreSummary) {
        let entry = self.countries.entry(c.country.to_string()).or_default();
        match &c.subdivision {
            Some(sub) => *entry.1.entry(sub.to_string()).or_default() += 1,
            None => entry.0 += 1,
        }
    }

    pub fn remove(&mut self, c: &CentreSummary) {
        let Some(entry) = self.countries.get_mut(&*c.country) else {
            return;
        };
        match &c.subdivision {
            Some(sub) => {
                if let Some(n) = entry.1.get_mut(&**sub) {
                    *n -= 1;
                    if *n == 0 {
                        entry.1.remove(&**sub);
                    }
                }
            }
            None => entry.0 = entry.0.saturating_sub(1),
        }
        if entry.0 == 0 && entry.1.is_empty() {
            self.countries.remove(&*c.country);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::seed::SeedDocument;

    /// The read model keeps each listing only as JSON and parses it back
    /// when a handler needs the model: the round trip must be exact for
    /// every field the fixtures fill (nulls, dates, coordinates, sources).
    #[test]
    fn listings_parse_back_from_their_one_copy() {
        let doc = SeedDocument::parse(include_str!("../../tests/fixtures/directory.json")).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let profiles = Profiles::default();
        let summaries: Vec<Arc<CentreSummary>> = doc
            .centres
            .iter()
            .map(|c| Arc::new(CentreSummary::of(c)))
            .collect();
        assert!(doc.centres.iter().any(|c| c.coordinates.is_some()));
        for c in &doc.centres {
            let summary = Arc::new(CentreSummary::of(c));
            let entry = CentreEntry::new(summary, c.clone(), vec![], vec![], &profiles, today);
            assert_eq!(&entry.centre(), c);
            assert_eq!(
                format!("{}}}", entry.item_json()),
                serde_json::to_string(c).unwrap()
            );
            assert_eq!(*entry.summary, CentreSummary::of(c));
            let detail: serde_json::Value = serde_json::from_str(&entry.detail_json()).unwrap();
            assert_eq!(detail["id"], c.id.as_str());
            assert_eq!(detail["clinicians"], serde_json::json!([]));
        }
        assert!(doc.clinicians.iter().any(|c| !c.affiliations.is_empty()));
        for c in &doc.clinicians {
            let find = |id: &str| summaries.iter().find(|s| &*s.id == id);
            let entry = ClinicianEntry::new(c.clone(), find, vec![], &profiles, today);
            let view = entry.clinician();
            assert_eq!(view.id, c.id);
            assert_eq!(entry.id_and_name(), (c.id.clone(), c.name.clone()));
            assert_eq!(view.sources, c.sources);
            assert_eq!(view.verification, c.verification);
            assert_eq!(view.affiliations.len(), entry.summary.affiliations.len());
            for (shown, joined) in view.affiliations.iter().zip(&*entry.summary.affiliations) {
                assert_eq!(shown.centre_id, &*joined.centre.id);
                assert_eq!(shown.country, &*joined.centre.country);
                let stated = c
                    .affiliations
                    .iter()
                    .find(|a| a.centre_id == shown.centre_id);
                assert_eq!(Some(&shown.sources), stated.map(|a| &a.sources));
            }
            assert_eq!(
                format!("{}}}", entry.item_json()),
                serde_json::to_string(&view).unwrap()
            );
        }
    }
}
