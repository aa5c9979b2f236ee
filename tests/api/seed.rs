//! The built-in seed: valid, sourced, without duplicates, true to the
//! candidate file field by field, loaded on first start, idempotent, and
//! merged into a running deployment without losing a curator's work.

use std::collections::{BTreeMap, HashSet};

use serde_json::{json, Value};

use crate::both_backends;
use crate::curation::{approve_ok, proposal, propose, propose_update, stored};
use crate::helpers::{fixtures, Backend, Data, TestApp};
use sarcoma_directory::curation::model::Role;
use sarcoma_directory::curation::seed;
use sarcoma_directory::directory::seed::{SeedDocument, SeedReport, BUILTIN_SEED};
use sarcoma_directory::directory::text::fold;

/// The 100-listing built-in seed shipped before the 257-listing one: real
/// public data (institutions named by public sources, with the URLs read),
/// kept to test upgrading a deployment that loaded it.
const OLD_SEED: &str = include_str!("../fixtures/centres-100.json");

/// The curation team's candidate file the seed is built from, in the
/// shared reference folder cloned beside the repository.
const CANDIDATES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/reference/centres-candidates.json"
);

fn candidates() -> Vec<Value> {
    let text = std::fs::read_to_string(CANDIDATES).unwrap_or_else(|e| {
        panic!(
            "{CANDIDATES} is missing ({e}): the seed tests compare the seed with the \
             candidate file; clone the shared reference folder as ../shared beside \
             the repository"
        )
    });
    serde_json::from_str(&text).expect("the candidate file is JSON")
}

fn seed_json(text: &str) -> Vec<Value> {
    let doc: Value = serde_json::from_str(text).unwrap();
    doc["centres"].as_array().unwrap().clone()
}

#[test]
fn builtin_seed_is_valid_and_honest() {
    let doc = SeedDocument::parse(BUILTIN_SEED).expect("seed/centres.json validates");
    assert_eq!(doc.centres.len(), 257);
    let countries: HashSet<&str> = doc
        .centres
        .iter()
        .map(|c| c.address.country.as_str())
        .collect();
    assert_eq!(countries.len(), 44);
    assert!(
        doc.clinicians.is_empty(),
        "no person is listed without a curator and a source"
    );
    assert!(
        doc.facts.is_empty(),
        "no volume is listed without a curator and a source"
    );
    let mut names = HashSet::new();
    let (mut with_subdivision, mut with_coordinates) = (0, 0);
    for c in &doc.centres {
        assert!(
            !c.sources.is_empty()
                && c.sources
                    .iter()
                    .all(|s| s.url.as_deref().is_some_and(|u| u.starts_with("http"))),
            "{}",
            c.id
        );
        assert!(
            rust_iso3166::from_alpha2(&c.address.country).is_some(),
            "{}",
            c.id
        );
        if let Some(sub) = &c.address.subdivision {
            with_subdivision += 1;
            assert!(
                rust_iso3166::iso3166_2::from_code(sub).is_some()
                    && sub.starts_with(&c.address.country),
                "{}",
                c.id
            );
        }
        if let Some(p) = &c.coordinates {
            with_coordinates += 1;
            assert_eq!(
                p.precision.code(),
                "city",
                "{}: gazetteer positions are city centroids",
                c.id
            );
            assert!(
                p.source.contains("GeoNames"),
                "{}: the gazetteer is credited",
                c.id
            );
            assert!(c.address.city.is_some(), "{}: no city, no position", c.id);
        }
        assert_eq!(c.verification.status.code(), "unverified", "{}", c.id);
        assert!(c.verification.last_verified.is_none());
        assert_eq!(c.status.code(), "published");
        assert!(
            names.insert((c.name.to_lowercase(), c.address.country.clone())),
            "duplicate {}",
            c.id
        );
    }
    // The checks on subdivisions and coordinates above ran.
    assert!(with_subdivision > 0 && with_coordinates > 0);
}

#[test]
fn validation_catches_bad_codes_and_missing_sources() {
    let mut doc = SeedDocument::parse(BUILTIN_SEED).unwrap();
    doc.centres.truncate(2);
    doc.centres[0].address.country = "XX".into();
    doc.centres[1].sources.clear();
    doc.centres[1].address.subdivision = Some("US-ZZ".into());
    let problems = doc.problems(chrono::Utc::now().date_naive()).join("\n");
    assert!(problems.contains("not an ISO 3166-1"), "{problems}");
    assert!(problems.contains("no source"), "{problems}");
    assert!(problems.contains("not an ISO 3166-2"), "{problems}");
    let dup = doc.centres[0].clone();
    doc.centres.push(dup);
    assert!(doc
        .problems(chrono::Utc::now().date_naive())
        .join("\n")
        .contains("duplicate id"));
}

async fn first_start_seeds_and_loading_again_changes_nothing(b: Backend) {
    let app = TestApp::spawn(b, Data::BuiltinSeed).await;
    let page = app.get_ok("/v1/centres?limit=100").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 100);
    assert!(page["next_cursor"].is_string(), "more than 100");
    let us = app.get_ok("/v1/regions").await;
    assert!(us["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["country"] == "US" && c["centres"] == 78));
    let before = app.get_ok("/readyz").await["data_version"].clone();
    let doc = SeedDocument::parse(BUILTIN_SEED).unwrap();
    let db = app.db.clone();
    let report =
        tokio::task::spawn_blocking(move || seed::load(&mut db.get().unwrap(), &doc).unwrap())
            .await
            .unwrap();
    assert_eq!(
        report,
        SeedReport {
            present: 257,
            ..SeedReport::default()
        },
        "a second load adds nothing"
    );
    let db = app.db.clone();
    let again = tokio::task::spawn_blocking(move || {
        seed::load_builtin_if_due(&mut db.get().unwrap()).unwrap()
    })
    .await
    .unwrap();
    assert!(again.is_none(), "start-up recorded the seed it loaded");
    let db = app.db.clone();
    let after = tokio::task::spawn_blocking(move || {
        sarcoma_directory::store::data_version(&mut db.get().unwrap()).unwrap()
    })
    .await
    .unwrap();
    assert_eq!(
        serde_json::json!(after),
        before,
        "the second load did not even bump the data version"
    );
}

async fn seeded_centres_near_houston(b: Backend) {
    let app = TestApp::spawn(b, Data::BuiltinSeed).await;
    let page = app
        .get_ok("/v1/centres?near=29.76,-95.36&radius_km=50")
        .await;
    let first = &page["items"][0];
    assert_eq!(
        first["institution"],
        "The University of Texas MD Anderson Cancer Center"
    );
    assert!(first["distance_km"].as_f64().unwrap() < 5.0);
}

both_backends!(
    first_start_seeds_and_loading_again_changes_nothing,
    seeded_centres_near_houston,
    a_new_seed_merges_without_losing_curators_work,
    weaker_evidence_notes_are_public,
    start_up_loads_the_builtin_seed_only_where_it_belongs
);

/// The sentence the build appends to notes that quote figures.
const SELF_REPORTED: &str = "Self-reported: figures in this note are as the institution (or the source named) states them, not a count the directory has verified.";

/// Whether a note quotes a figure: a number (not a year) with, a few
/// words on, a countable (patients, cases, operations, ...) or a yearly
/// rate.
fn quotes_a_figure(note: &str) -> bool {
    let lower = note.to_lowercase();
    let counted = [
        "patient",
        "cases",
        "operations",
        "resections",
        "surgeries",
        "sarcomas",
        "children",
        "referrals",
        "fällen",
        "per year",
        "a year",
        "each year",
        "annually",
        "per annum",
        "/year",
        "/jahr",
    ];
    let chars: Vec<char> = lower.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == ',') {
            i += 1;
        }
        let number: String = chars[start..i]
            .iter()
            .filter(|c| c.is_ascii_digit())
            .collect();
        let year = number.len() == 4 && (number.starts_with("19") || number.starts_with("20"));
        let after: String = chars[i..].iter().take(50).collect();
        if !year && counted.iter().any(|w| after.contains(w)) {
            return true;
        }
    }
    false
}

/// Figures an institution states about itself are marked wherever the
/// notes are shown; the source of each listing says its retrieval date is
/// unknown explicitly (`"retrieved": null`), not by omission.
#[test]
fn self_reported_figures_are_marked_and_retrieval_dates_explicit() {
    let seeded = seed_json(BUILTIN_SEED);
    let mut marked = 0;
    for s in &seeded {
        let id = s["id"].as_str().unwrap();
        let note = s["notes"].as_str().unwrap_or_default();
        let body = note.trim_end_matches(SELF_REPORTED);
        if quotes_a_figure(body) && !body.contains("not a volume claim") {
            assert!(
                note.ends_with(SELF_REPORTED),
                "{id}: unmarked figure: {note}"
            );
        }
        marked += usize::from(note.ends_with(SELF_REPORTED));
        assert!(!note.contains("criteria.json"), "{id}: {note}");
        for source in s["sources"].as_array().unwrap() {
            assert_eq!(
                source.get("retrieved"),
                Some(&Value::Null),
                "{id}: retrieved stated explicitly as unknown"
            );
        }
    }
    assert!(
        marked >= 18,
        "the listings quoting volumes are marked ({marked})"
    );
    let rocio = seeded
        .iter()
        .find(|s| s["id"] == "hospital-universitario-virgen-del-rocio-sarcoma-csur-adults")
        .unwrap();
    assert!(rocio["notes"]
        .as_str()
        .unwrap()
        .contains("About 400 new patients/year"));
    assert!(rocio["notes"].as_str().unwrap().ends_with(SELF_REPORTED));
}

/// The programme codes the build script maps each candidate spelling to.
fn programme_codes(stated: &str) -> &'static [&'static str] {
    match stated.to_lowercase().as_str() {
        "adult soft tissue" => &["adult", "soft_tissue"],
        "soft tissue" | "soft_tissue" => &["soft_tissue"],
        "bone" => &["bone"],
        "pediatric" | "paediatric" => &["paediatric"],
        "adult" => &["adult"],
        "gist" => &["gist"],
        "retroperitoneal" => &["retroperitoneal"],
        "gynecologic" => &["gynaecological"],
        "desmoid" => &["desmoid"],
        "spine" => &["spine"],
        "head and neck" => &["head_and_neck"],
        "teenage and young adult" => &["teenage_young_adult"],
        other => panic!("no programme code for {other:?}"),
    }
}

/// Nothing in the seed that the candidate file does not state: each
/// listing, field by field, against its candidate entry (same order).
#[test]
fn every_listing_is_its_candidate_entry_field_by_field() {
    let candidates = candidates();
    let seeded = seed_json(BUILTIN_SEED);
    assert_eq!(seeded.len(), candidates.len(), "one listing per candidate");
    let mut located = 0;
    for (s, c) in seeded.iter().zip(&candidates) {
        let id = s["id"].as_str().unwrap();
        for (field, cfield) in [
            ("name", "name"),
            ("institution", "institution"),
            ("website", "website"),
        ] {
            assert_eq!(s[field], c[cfield], "{id}: {field}");
        }
        let a = &s["address"];
        assert_eq!(a["city"], c["city"], "{id}: city");
        assert_eq!(a["country"], c["country"], "{id}: country");
        assert_eq!(a["street"], Value::Null, "{id}: no source states a street");
        assert_eq!(a["postal_code"], Value::Null, "{id}");
        assert_eq!(s["phone"], Value::Null, "{id}: no contact is invented");
        assert_eq!(
            s["referral"],
            json!({"phone": null, "email": null, "web_form": null}),
            "{id}"
        );
        assert_eq!(s["services"], json!([]), "{id}");
        assert_eq!(s["languages"], json!([]), "{id}");
        assert_eq!(s["status"], "published", "{id}");
        assert_eq!(
            s["verification"],
            json!({"status": c["verification"], "last_verified": null, "method": null,
                   "next_review_due": null}),
            "{id}: verification as the candidate states it"
        );
        // Region: an ISO 3166-2 code only where the source states a region
        // that is one; otherwise the region as stated, in the notes.
        let region = c["region"].as_str();
        let mut notes = c["notes"].as_str().unwrap_or("").to_owned();
        match (a["subdivision"].as_str(), region) {
            (None, None) => {}
            (Some(sub), Some(region)) => {
                let country = c["country"].as_str().unwrap();
                let named = rust_iso3166::iso3166_2::from_code(sub)
                    .unwrap_or_else(|| panic!("{id}: {sub} is not ISO 3166-2"));
                assert!(
                    sub == format!("{country}-{region}").to_uppercase()
                        || fold(named.name) == fold(region),
                    "{id}: {sub} ({}) is not the stated region {region}",
                    named.name
                );
            }
            (None, Some(region)) => {
                notes = format!("{notes} Region as stated by the source: {region}.")
                    .trim()
                    .to_owned();
            }
            (Some(sub), None) => panic!("{id}: subdivision {sub} but no region stated"),
        }
        // The build drops a pointer to a file the seed does not ship and
        // marks quoted figures as self-reported.
        let mut notes = notes.replace(" (see criteria.json)", "");
        if s["notes"]
            .as_str()
            .is_some_and(|n| n.ends_with(SELF_REPORTED))
        {
            notes = format!("{notes} {SELF_REPORTED}");
        }
        assert_eq!(
            s["notes"].as_str(),
            (!notes.is_empty()).then_some(notes.as_str()),
            "{id}: notes as the candidate file words them"
        );
        // Sources: one per URL read, in order, with who listed it.
        let urls: Vec<&Value> = c["sources"].as_array().unwrap().iter().collect();
        let sources = s["sources"].as_array().unwrap();
        assert_eq!(sources.len(), urls.len(), "{id}: sources one by one");
        for (source, url) in sources.iter().zip(urls) {
            assert_eq!(
                source,
                &json!({"url": url, "citation": null, "retrieved": null, "listed_by": c["listed_by"]})
                    .as_object()
                    .map(|o| {
                        let mut o = o.clone();
                        if !source.as_object().unwrap().contains_key("citation") {
                            o.remove("citation");
                        }
                        Value::Object(o)
                    })
                    .unwrap(),
                "{id}: source"
            );
        }
        let mut programmes: Vec<&str> = Vec::new();
        for p in c["programs"].as_array().unwrap() {
            for code in programme_codes(p.as_str().unwrap()) {
                if !programmes.contains(code) {
                    programmes.push(code);
                }
            }
        }
        assert_eq!(s["programmes"], json!(programmes), "{id}: programmes");
        // Coordinates: a GeoNames city centroid, credited, or none.
        if !s["coordinates"].is_null() {
            located += 1;
            let p = &s["coordinates"];
            assert_eq!(p["precision"], "city", "{id}");
            let source = p["source"].as_str().unwrap();
            let geonameid = source.rsplit_once("geonameid ").map(|(_, n)| n);
            assert!(
                source.starts_with("GeoNames (geonames.org, CC BY 4.0)")
                    && geonameid
                        .is_some_and(|n| !n.is_empty() && n.chars().all(|d| d.is_ascii_digit())),
                "{id}: credited, with the GeoNames id: {source}"
            );
            assert!(!a["city"].is_null(), "{id}: no city, no position");
        }
    }
    assert!(located > 100, "the coordinate checks ran ({located})");
}

/// Every listing of the previous seed keeps its id (and, as the build is
/// deterministic, its content); new ids are unique across kinds.
#[test]
fn existing_listings_keep_their_ids() {
    let old = seed_json(OLD_SEED);
    let new = seed_json(BUILTIN_SEED);
    assert_eq!(old.len(), 100);
    // Unchanged but for what this build adds: the explicit unknown
    // retrieval date on each source and the self-reported marking (and a
    // dropped pointer to a file the seed does not ship).
    let as_before = |listing: &Value| {
        let mut l = listing.clone();
        for source in l["sources"].as_array_mut().unwrap() {
            source.as_object_mut().unwrap().remove("retrieved");
        }
        if let Some(notes) = l["notes"].as_str() {
            let notes = notes.trim_end_matches(SELF_REPORTED).trim_end().to_owned();
            l["notes"] = json!(notes);
        }
        l
    };
    for (n, o) in new[..100].iter().zip(&old) {
        let mut o = o.clone();
        if let Some(notes) = o["notes"].as_str() {
            o["notes"] = json!(notes.replace(" (see criteria.json)", ""));
        }
        assert_eq!(as_before(n), o, "the first 100 listings are unchanged");
    }
    let doc = SeedDocument::parse(BUILTIN_SEED).unwrap();
    let mut ids = HashSet::new();
    for id in doc
        .centres
        .iter()
        .map(|c| &c.id)
        .chain(doc.clinicians.iter().map(|c| &c.id))
        .chain(doc.facts.iter().map(|f| &f.id))
    {
        assert!(ids.insert(id), "duplicate id {id}");
    }
}

/// Listings that name the same institution (or, without one, the same
/// programme) in the same city, keyed by normalised name, that the notes
/// do not explain as different programmes (e.g. adult and paediatric).
fn unexplained_duplicates(centres: &[Value]) -> Vec<String> {
    let normalised = |s: &str| {
        fold(s)
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty() && *w != "the")
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut by_key: BTreeMap<(String, String, String), Vec<&Value>> = BTreeMap::new();
    for c in centres {
        let Some(city) = c["address"]["city"].as_str() else {
            continue;
        };
        let who = c["institution"]
            .as_str()
            .unwrap_or(c["name"].as_str().unwrap());
        by_key
            .entry((
                normalised(who),
                normalised(city),
                c["address"]["country"].as_str().unwrap().to_owned(),
            ))
            .or_default()
            .push(c);
    }
    let mut out = Vec::new();
    for (key, listings) in by_key {
        for (i, a) in listings.iter().enumerate() {
            for b in &listings[i + 1..] {
                if !different_programmes(a, b) {
                    out.push(format!("{} and {} ({key:?})", a["id"], b["id"]));
                }
            }
        }
    }
    out
}

/// Two listings of one institution are different programmes when their
/// programmes differ and each one's notes name a programme the other lacks.
fn different_programmes(a: &Value, b: &Value) -> bool {
    let programmes = |c: &Value| -> HashSet<String> {
        c["programmes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_owned())
            .collect()
    };
    let words = |p: &str| -> &'static [&'static str] {
        match p {
            "paediatric" => &["paediatric", "pediatric", "child"],
            "adult" => &["adult"],
            "bone" => &["bone"],
            "soft_tissue" => &["soft tissue", "soft-tissue"],
            _ => &[],
        }
    };
    let explains = |c: &Value, own: &HashSet<String>, other: &HashSet<String>| {
        let notes = c["notes"].as_str().map(fold).unwrap_or_default();
        own.difference(other)
            .any(|p| words(p).iter().any(|w| notes.contains(w)))
    };
    let (pa, pb) = (programmes(a), programmes(b));
    pa != pb && explains(a, &pa, &pb) && explains(b, &pb, &pa)
}

#[test]
fn no_institution_is_listed_twice_in_one_city() {
    let centres = seed_json(BUILTIN_SEED);
    assert_eq!(unexplained_duplicates(&centres), Vec::<String>::new());
    // The check can fail: a copy under a new id, with the name respelt, is
    // caught; an adult and a paediatric programme the notes explain is not.
    let mut copy = centres[0].clone();
    copy["id"] = json!("a-copy");
    copy["institution"] = json!(format!(
        "THE {}",
        centres[0]["institution"].as_str().unwrap().to_uppercase()
    ));
    let twice = [centres[0].clone(), copy.clone()];
    assert_eq!(unexplained_duplicates(&twice).len(), 1);
    let mut adult = centres[0].clone();
    adult["programmes"] = json!(["adult"]);
    adult["notes"] = json!("The adult sarcoma service.");
    copy["programmes"] = json!(["paediatric"]);
    copy["notes"] = json!("The children's sarcoma service.");
    assert_eq!(unexplained_duplicates(&[adult, copy]), Vec::<String>::new());
}

/// Upgrading a deployment: the database loaded the previous seed and
/// curators worked on it; the new seed adds only what is missing.
async fn a_new_seed_merges_without_losing_curators_work(b: Backend) {
    let mut old = SeedDocument::parse(OLD_SEED).unwrap();
    let new = SeedDocument::parse(BUILTIN_SEED).unwrap();
    // A plainly fake clinician stored under an id the new seed gives a
    // centre: that centre is skipped, with the reason.
    let clash = new.centres[200].id.clone();
    let mut person = fixtures().clinicians[0].clone();
    person.id = clash.clone();
    person.affiliations.truncate(1);
    person.affiliations[0].centre_id = old.centres[1].id.clone();
    old.clinicians.push(person);
    let app = TestApp::spawn(b, Data::Document(Box::new(old))).await;
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);

    let (curated, archived) = (new.centres[0].id.clone(), new.centres[1].id.clone());
    let p = propose_update(&app, &curator, &curated, |c| {
        c["notes"] = json!("Fictional curator's note for a test.");
    })
    .await;
    approve_ok(&app, &reviewer, &p).await;
    let (_, etag) = stored(&app, &curator, "centre", &archived).await;
    let p = propose(
        &app,
        &curator,
        Some(&etag),
        &proposal("centre", "archive", &archived, None),
    )
    .await;
    assert_eq!(p.status, 201, "{}", p.text);
    approve_ok(&app, &reviewer, &p).await;
    let before = app.get_ok(&format!("/v1/centres/{curated}")).await;
    assert_eq!(before["notes"], "Fictional curator's note for a test.");
    let regions = app.get_ok("/v1/regions").await;
    assert!(
        !regions.to_string().contains("\"QA\""),
        "no centre in Qatar yet"
    );

    // A new version starts: its built-in seed is due, and loaded once.
    let db = app.db.clone();
    let (report, again) = tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        let report = seed::load_builtin_if_due(&mut conn).unwrap();
        (report, seed::load_builtin_if_due(&mut conn).unwrap())
    })
    .await
    .unwrap();
    assert_eq!(
        report,
        Some(SeedReport {
            centres: 156,
            present: 100,
            skipped: vec![format!("centre {clash}: the id is a stored clinician's")],
            ..SeedReport::default()
        })
    );
    assert!(again.is_none(), "the loaded seed's hash is recorded");

    // The curated listing is unchanged, the archived one stays archived.
    let page = app
        .wait_for("/v1/centres?limit=100&country=QA", |p| {
            p["items"].as_array().is_some_and(|i| !i.is_empty())
        })
        .await;
    assert_eq!(page["items"][0]["address"]["country"], "QA");
    assert_eq!(app.get_ok(&format!("/v1/centres/{curated}")).await, before);
    app.get(&format!("/v1/centres/{archived}"))
        .await
        .assert_problem(404, None);
    let (entity, _) = stored(&app, &curator, "centre", &archived).await;
    assert_eq!(entity["status"], "archived");

    // The new listings are public, in the regions and the change feed.
    let regions = app.get_ok("/v1/regions").await;
    let countries: HashSet<&str> = regions["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["country"].as_str())
        .collect();
    assert_eq!(countries.len(), 44, "{regions}");
    let feed = app.get_ok("/v1/changes?limit=1000").await;
    let created: HashSet<&str> = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["action"] == "created" && c["entity"]["kind"] == "centre")
        .filter_map(|c| c["entity"]["id"].as_str())
        .collect();
    for c in &new.centres[100..] {
        assert_eq!(
            created.contains(c.id.as_str()),
            c.id != clash,
            "{}: created in the feed",
            c.id
        );
    }
    app.get(&format!("/v1/centres/{clash}"))
        .await
        .assert_problem(404, None);
    let history = app
        .get_ok(&format!("/v1/centres/{}/history", new.centres[256].id))
        .await;
    assert_eq!(history["items"][0]["action"], "imported", "{history}");
}

/// The kind of evidence one `listed_by` label names, by its words: weaker
/// evidence (news, press, abstracts, theses, magazines, third-party copies,
/// a private practice), the institution's own pages, or else a national or
/// regional designation, network, registry or organisation's list.
fn evidence_kind(label: &str) -> usize {
    const WEAKER: &[&str] = &[
        "news",
        "press",
        "thesis",
        "abstract",
        "newsletter",
        "third-party",
        "private",
        "magazine",
        "blog",
        "residency",
        "grant",
        "slides",
        "proceedings",
        "interview",
        "journal article",
        "trade publisher",
        "media",
        "review article",
        "letter",
        "reported",
        "peer-reviewed",
        "document-sharing",
        "author affiliation",
        "named by",
    ];
    const OWN: &[&str] = &[
        "self-described",
        "self-stated",
        "institution website",
        "by the institution",
        "per institution",
        "institution announcement",
        "patient page",
        "orthopaedics page",
        "department of",
        "page (mentions",
        "sarcoma page",
        "(lucc) page",
        "hospital page",
        "per siteman",
        "per duke",
    ];
    let label = fold(label);
    if WEAKER.iter().any(|w| label.contains(w)) {
        2
    } else if OWN.iter().any(|w| label.contains(w)) {
        1
    } else {
        0
    }
}

/// The README's generated tables: listings per country, and the kinds of
/// source they rest on (each listing counted once, by its strongest kind).
fn readme_tables(centres: &[Value]) -> String {
    let mut countries: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    let mut kinds = [0usize; 3];
    let mut self_described = 0;
    for c in centres {
        let n = countries
            .entry(c["address"]["country"].as_str().unwrap())
            .or_default();
        n[0] += 1;
        n[1] += usize::from(!c["address"]["city"].is_null());
        n[2] += usize::from(!c["coordinates"].is_null());
        let labels: Vec<&str> = c["sources"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["listed_by"].as_array().unwrap())
            .filter_map(Value::as_str)
            .collect();
        kinds[labels.iter().map(|l| evidence_kind(l)).min().unwrap_or(2)] += 1;
        self_described += usize::from(labels.iter().any(|l| l.contains("self-")));
    }
    let mut rows: Vec<_> = countries.into_iter().collect();
    rows.sort_by(|a, b| b.1[0].cmp(&a.1[0]).then(a.0.cmp(b.0)));
    let mut out = format!(
        "{} listings in {} countries:\n\n\
         | Country | Listings | With a city | With a city position |\n\
         |---|--:|--:|--:|\n",
        centres.len(),
        rows.len()
    );
    for (country, [n, city, position]) in &rows {
        out.push_str(&format!("| {country} | {n} | {city} | {position} |\n"));
    }
    out.push_str(&format!(
        "\nWhat the listings rest on (each counted once, by the strongest kind \
         of source it has, classified by the words of its `listed_by` labels, \
         so approximate):\n\n\
         | Kind of source | Listings |\n|---|--:|\n\
         | a national or regional designation, network, registry or organisation's list | {} |\n\
         | the institution's own pages (including designations it states itself) | {} |\n\
         | weaker evidence only: news, press releases, abstracts, theses, magazines, third-party copies, a private practice's claim | {} |\n\
         \n{self_described} listings rest partly on the institution's own description \
         (\"self-described\" or \"self-stated\" in `listed_by`).\n",
        kinds[0], kinds[1], kinds[2]
    ));
    out
}

/// The README's counts are generated from the seed: this test compares
/// them, and with `SEED_README_UPDATE=1` writes them.
#[test]
fn the_readme_counts_are_the_seeds() {
    const START: &str = "<!-- seed-counts: generated by tests/api/seed.rs -->\n";
    const END: &str = "<!-- end of seed-counts -->";
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let tables = readme_tables(&seed_json(BUILTIN_SEED));
    let (before, rest) = readme.split_once(START).expect("the README has the marker");
    let (written, after) = rest.split_once(END).expect("the README has the end marker");
    if written != tables && std::env::var_os("SEED_README_UPDATE").is_some() {
        std::fs::write(path, format!("{before}{START}{tables}{END}{after}")).unwrap();
        return;
    }
    assert_eq!(
        written, tables,
        "README.md's seed counts differ from seed/centres.json; run \
         SEED_README_UPDATE=1 cargo test --test api the_readme_counts"
    );
    assert!(tables.contains("| US | 78 | "), "{tables}");
}

/// Notes are public: a listing resting on weaker evidence says so in the
/// public listing and detail.
async fn weaker_evidence_notes_are_public(b: Backend) {
    let app = TestApp::spawn(b, Data::BuiltinSeed).await;
    let doc = SeedDocument::parse(BUILTIN_SEED).unwrap();
    let weak = doc
        .centres
        .iter()
        .find(|c| {
            c.notes
                .as_deref()
                .is_some_and(|n| n.contains("private practice"))
        })
        .expect("a listing whose notes name weaker evidence");
    let detail = app.get_ok(&format!("/v1/centres/{}", weak.id)).await;
    assert_eq!(detail["notes"].as_str(), weak.notes.as_deref());
    let country = &weak.address.country;
    let page = app
        .get_ok(&format!("/v1/centres?country={country}&limit=100"))
        .await;
    let item = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == weak.id.as_str())
        .expect("listed");
    assert_eq!(item["notes"].as_str(), weak.notes.as_deref());
}

/// Start-up leaves alone a database filled only from other data (it never
/// held a built-in listing), and loads into one that holds some.
async fn start_up_loads_the_builtin_seed_only_where_it_belongs(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let db = app.db.clone();
    let due = tokio::task::spawn_blocking(move || {
        seed::load_builtin_if_due(&mut db.get().unwrap()).unwrap()
    })
    .await
    .unwrap();
    assert_eq!(due, None, "fixtures only: nothing loaded");
    let mut old = SeedDocument::parse(OLD_SEED).unwrap();
    old.centres.truncate(1);
    app.load(old).await;
    let db = app.db.clone();
    let due = tokio::task::spawn_blocking(move || {
        seed::load_builtin_if_due(&mut db.get().unwrap()).unwrap()
    })
    .await
    .unwrap()
    .expect("a database holding a built-in listing is upgraded");
    assert_eq!((due.centres, due.present), (256, 1));
}
