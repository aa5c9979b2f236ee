//! The built-in seed: valid, sourced, without duplicates, loaded on first
//! start, and idempotent.

use std::collections::HashSet;

use crate::both_backends;
use crate::helpers::{Backend, Data, TestApp};
use sarcoma_directory::curation::seed;
use sarcoma_directory::directory::seed::{SeedDocument, SeedReport, BUILTIN_SEED};

#[test]
fn builtin_seed_is_valid_and_honest() {
    let doc = SeedDocument::parse(BUILTIN_SEED).expect("seed/centres.json validates");
    assert_eq!(doc.centres.len(), 100);
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
    let us = app.get_ok("/v1/regions").await;
    assert!(us["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["country"] == "US" && c["centres"] == 40));
    let before = app.get_ok("/readyz").await["data_version"].clone();
    let doc = SeedDocument::parse(BUILTIN_SEED).unwrap();
    let db = app.db.clone();
    let report =
        tokio::task::spawn_blocking(move || seed::load(&mut db.get().unwrap(), &doc).unwrap())
            .await
            .unwrap();
    assert_eq!(report, SeedReport::default(), "a second load adds nothing");
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
    seeded_centres_near_houston
);
