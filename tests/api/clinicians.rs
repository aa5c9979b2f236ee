//! `GET /v1/clinicians` filters and `GET /v1/clinicians/{id}`.

use crate::both_backends;
use crate::helpers::{Backend, Data, TestApp};

async fn lists_published_clinicians_with_public_affiliations(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let page = app.get_ok("/v1/clinicians").await;
    let ids = crate::helpers::ids(&page);
    assert_eq!(
        ids,
        ["fake-dr-alpha", "fake-dr-bravo", "fake-dr-delta"],
        "drafts hidden, name order"
    );
    let delta = &page["items"][2];
    let centres: Vec<&str> = delta["affiliations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["centre_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        centres,
        ["fake-dallas"],
        "an affiliation with a draft centre is not shown"
    );
    assert_eq!(
        delta["affiliations"][0]["centre_name"],
        "Fictional Sarcoma Clinic Dallas"
    );
}

async fn filters_clinicians(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    assert_eq!(
        app.ids("/v1/clinicians?discipline=surgical_oncology").await,
        ["fake-dr-bravo"]
    );
    assert_eq!(
        app.ids("/v1/clinicians?centre=fake-london").await,
        ["fake-dr-bravo"]
    );
    assert!(app.ids("/v1/clinicians?centre=fake-draft").await.is_empty());
    assert_eq!(
        app.ids("/v1/clinicians?country=GB").await,
        ["fake-dr-bravo"]
    );
    assert_eq!(
        app.ids("/v1/clinicians?region=US-TX").await,
        ["fake-dr-alpha", "fake-dr-delta"]
    );
    assert_eq!(
        app.ids("/v1/clinicians?q=muller").await,
        ["fake-dr-bravo"],
        "accents ignored"
    );
    assert_eq!(
        app.ids("/v1/clinicians?q=%C3%B8vergard").await,
        ["fake-dr-bravo"]
    );
    assert_eq!(
        app.ids("/v1/clinicians?discipline=pathology&country=US")
            .await,
        ["fake-dr-delta"]
    );
}

async fn clinicians_near_a_point_use_their_nearest_centre(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    // From Paris: Bravo works in London (~344 km) and Köln (~400 km).
    let page = app
        .get_ok("/v1/clinicians?near=48.85341,2.3488&radius_km=500")
        .await;
    assert_eq!(crate::helpers::ids(&page), ["fake-dr-bravo"]);
    let d = page["items"][0]["distance_km"].as_f64().unwrap();
    assert!(
        (d - 343.5).abs() < 3.0,
        "nearest affiliated centre is London: {d}"
    );
}

async fn clinician_detail(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let c = app.get_ok("/v1/clinicians/fake-dr-alpha").await;
    assert_eq!(c["discipline"], "medical_oncology");
    assert_eq!(c["takes_phone_consultations"], true);
    assert_eq!(c["affiliations"][0]["centre_id"], "fake-houston");
    assert_eq!(c["affiliations"][0]["subdivision"], "US-TX");
    assert_eq!(c["facts"][0]["metric"], "teleconsultation_international");
    assert_eq!(c["facts"][0]["value"], true);
    assert_eq!(
        c["facts"][0]["source"]["citation"],
        "Fictional telephone call log, test fixture"
    );
    let bravo = app.get_ok("/v1/clinicians/fake-dr-bravo").await;
    assert!(
        bravo["takes_phone_consultations"].is_null(),
        "unknown stays null"
    );
    assert_eq!(bravo["name"], "Dr Bravo Müller-Øvergård (fictional)");
    app.get("/v1/clinicians/fake-dr-charlie")
        .await
        .assert_problem(404, None);
    app.get("/v1/clinicians/nobody")
        .await
        .assert_problem(404, None);
}

/// With no clinician listed (the built-in seed today), a badge or filter
/// by a clinician profile answers an empty page; it once panicked.
async fn clinician_profiles_work_with_no_clinicians(b: Backend) {
    let app = TestApp::spawn(b, Data::BuiltinSeed).await;
    for query in [
        "assessment=guide-sarcoma-oncologist",
        "meets=guide-sarcoma-oncologist",
    ] {
        let page = app.get_ok(&format!("/v1/clinicians?{query}")).await;
        assert_eq!(page["items"], serde_json::json!([]), "{query}");
        assert_eq!(page["next_cursor"], serde_json::Value::Null, "{query}");
    }
}

both_backends!(
    clinician_profiles_work_with_no_clinicians,
    lists_published_clinicians_with_public_affiliations,
    filters_clinicians,
    clinicians_near_a_point_use_their_nearest_centre,
    clinician_detail,
);
