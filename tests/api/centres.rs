//! `GET /v1/centres` filters and `GET /v1/centres/{id}`.

use crate::both_backends;
use crate::helpers::{Backend, Data, TestApp};

async fn lists_only_published_centres_in_name_order(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let ids = app.ids("/v1/centres?limit=100").await;
    assert_eq!(
        ids,
        [
            "fake-boston",
            "fake-montreal",
            "fake-london",
            "fake-paris",
            "fake-dallas",
            "fake-houston",
            "fake-koln",
            "fake-austin",
        ],
        "published only, ordered by name ignoring accents and case"
    );
}

async fn filters_by_country_region_and_city(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    assert_eq!(
        app.ids("/v1/centres?country=US").await,
        ["fake-boston", "fake-dallas", "fake-houston", "fake-austin"]
    );
    assert_eq!(
        app.ids("/v1/centres?country=us&region=us-tx").await,
        ["fake-dallas", "fake-houston", "fake-austin"]
    );
    assert_eq!(app.ids("/v1/centres?region=CA-QC").await, ["fake-montreal"]);
    assert_eq!(app.ids("/v1/centres?city=koln").await, ["fake-koln"]);
    assert_eq!(
        app.ids("/v1/centres?city=MONTREAL").await,
        ["fake-montreal"]
    );
    assert!(app.ids("/v1/centres?country=JP").await.is_empty());
    assert!(app
        .ids("/v1/centres?country=DE&region=US-TX")
        .await
        .is_empty());
}

async fn text_search_ignores_case_and_accents(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    assert_eq!(app.ids("/v1/centres?q=k%C3%B6ln").await, ["fake-koln"]);
    assert_eq!(app.ids("/v1/centres?q=KOLN").await, ["fake-koln"]);
    assert_eq!(app.ids("/v1/centres?q=hopital").await, ["fake-montreal"]);
    assert_eq!(
        app.ids("/v1/centres?q=sarcoma%20hous").await,
        ["fake-houston"],
        "every word must match a word start"
    );
    assert_eq!(
        app.ids("/v1/centres?q=houston").await,
        ["fake-houston"],
        "drafts never match"
    );
    assert_eq!(
        app.ids("/v1/centres?q=example%20test").await.len(),
        8,
        "institution is searched too"
    );
    assert!(
        app.ids("/v1/centres?q=ouston").await.is_empty(),
        "matches word starts, not inner substrings"
    );
}

async fn filters_by_programme_and_service(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    assert_eq!(
        app.ids("/v1/centres?programme=bone").await,
        ["fake-houston", "fake-koln"]
    );
    assert_eq!(
        app.ids("/v1/centres?programme=bone&country=DE").await,
        ["fake-koln"]
    );
    assert_eq!(
        app.ids("/v1/centres?service=tumour_board").await,
        ["fake-houston", "fake-koln"]
    );
    assert_eq!(
        app.ids("/v1/centres?service=teleconsultation_international")
            .await,
        ["fake-dallas"]
    );
    assert!(app
        .ids("/v1/centres?service=proton_therapy")
        .await
        .is_empty());
}

async fn centre_detail_has_clinicians_facts_and_sources(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let c = app.get_ok("/v1/centres/fake-houston").await;
    assert_eq!(c["name"], "Fictional Sarcoma Unit Houston");
    assert_eq!(c["address"]["subdivision"], "US-TX");
    assert_eq!(c["coordinates"]["precision"], "city");
    assert_eq!(c["verification"]["status"], "unverified");
    assert!(c["verification"]["last_verified"].is_null());
    assert_eq!(
        c["sources"][0]["url"],
        "https://example.org/fictional-test-source"
    );
    let clinicians: Vec<&str> = c["clinicians"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        clinicians,
        ["fake-dr-alpha"],
        "draft clinicians are not shown"
    );
    assert_eq!(c["clinicians"][0]["role"], "lead");
    let fact = &c["facts"][0];
    assert_eq!(fact["metric"], "sarcoma_patients_seen_per_year");
    assert_eq!(fact["value"], 150.0);
    assert_eq!(fact["as_of"], "2025-06-30");
    assert_eq!(fact["attestation"], "self_reported");
    assert_eq!(
        fact["source"]["url"],
        "https://example.org/fictional-annual-report"
    );
    let austin = app.get_ok("/v1/centres/fake-austin").await;
    assert!(
        austin["coordinates"].is_null(),
        "unknown coordinates stay null"
    );
}

async fn unpublished_and_unknown_centres_are_not_found(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    for id in ["fake-draft", "fake-archived", "no-such-centre"] {
        let body = app
            .get(&format!("/v1/centres/{id}"))
            .await
            .assert_problem(404, None);
        assert!(body["detail"].as_str().unwrap().contains(id));
    }
}

async fn regions_count_published_centres(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let r = app.get_ok("/v1/regions").await;
    let items = r["items"].as_array().unwrap();
    let countries: Vec<&str> = items
        .iter()
        .map(|c| c["country"].as_str().unwrap())
        .collect();
    assert_eq!(countries, ["CA", "DE", "FR", "GB", "US"]);
    let us = items.iter().find(|c| c["country"] == "US").unwrap();
    assert_eq!(
        us["centres"], 4,
        "drafts and archived listings are not counted"
    );
    assert_eq!(us["centres_without_subdivision"], 0);
    let subs: Vec<(&str, u64)> = us["subdivisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["code"].as_str().unwrap(), s["centres"].as_u64().unwrap()))
        .collect();
    assert_eq!(subs, [("US-MA", 1), ("US-TX", 3)]);
    assert_eq!(us["subdivisions"][1]["name"], "Texas");
    let de = items.iter().find(|c| c["country"] == "DE").unwrap();
    assert_eq!(de["centres_without_subdivision"], 1);
    assert_eq!(de["name"], "Germany");
}

both_backends!(
    lists_only_published_centres_in_name_order,
    filters_by_country_region_and_city,
    text_search_ignores_case_and_accents,
    filters_by_programme_and_service,
    centre_detail_has_clinicians_facts_and_sources,
    unpublished_and_unknown_centres_are_not_found,
    regions_count_published_centres,
);
