//! Curators' search of stored listings of any status (`GET
//! /v1/curation/centres|clinicians`, words folded like public search),
//! a listing's facts (`GET /v1/curation/facts?subject_kind&subject_id`),
//! and reviewers' reports of one listing (`GET /v1/curation/reports?kind
//! &entity_id`), as the console uses them.

use serde_json::Value;

use super::{approve_ok, propose_update, report};
use crate::both_backends;
use crate::helpers::{items, Backend, Data, TestApp};
use sarcoma_directory::curation::model::Role;

fn entity_ids(page: &Value) -> Vec<String> {
    items(page)
        .iter()
        .map(|i| i["entity"]["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn curators_find_listings_of_any_status(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Curator (fake)", Role::Curator);
    // Words of the name or city, any status: the draft in Houston too,
    // which the public list does not show.
    let page = app
        .get_json("/v1/curation/centres?q=HOUSTON", &curator)
        .await
        .expect(200);
    assert_eq!(entity_ids(&page), ["fake-draft", "fake-houston"]);
    let first = &items(&page)[1];
    assert_eq!(first["kind"], "centre");
    assert!(first["revision"].as_i64().unwrap() >= 1, "{first}");
    assert_eq!(first["entity"]["name"], "Fictional Sarcoma Unit Houston");
    let public = app.ids("/v1/centres?q=houston").await;
    assert_eq!(
        public,
        ["fake-houston"],
        "the public list shows published only"
    );
    // Accents and case folded; every word must match.
    let koln = app
        .get_json("/v1/curation/centres?q=sarkomzentrum%20koln", &curator)
        .await
        .expect(200);
    assert_eq!(entity_ids(&koln), ["fake-koln"]);
    let none = app
        .get_json("/v1/curation/centres?q=houston%20paris", &curator)
        .await
        .expect(200);
    assert!(entity_ids(&none).is_empty());
    // Status filters.
    let archived = app
        .get_json("/v1/curation/centres?status=archived", &curator)
        .await
        .expect(200);
    assert_eq!(entity_ids(&archived), ["fake-archived"]);
    let drafts = app
        .get_json("/v1/curation/clinicians?status=draft", &curator)
        .await
        .expect(200);
    assert_eq!(entity_ids(&drafts), ["fake-dr-charlie"]);
    let bravo = app
        .get_json("/v1/curation/clinicians?q=muller", &curator)
        .await
        .expect(200);
    assert_eq!(entity_ids(&bravo), ["fake-dr-bravo"]);
    // Pages of 3 walk all ten centres in id order, no repeats.
    let mut seen = Vec::new();
    let mut url = "/v1/curation/centres?limit=3".to_owned();
    loop {
        let res = app.get_json(&url, &curator).await;
        let page = res.expect(200);
        seen.extend(entity_ids(&page));
        match page["next_cursor"].as_str() {
            Some(c) => {
                assert!(res.header("link").unwrap().contains("rel=\"next\""));
                url = format!("/v1/curation/centres?limit=3&cursor={c}");
            }
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen, sorted);
    assert_eq!(seen.len(), 10);
    // What changes shows at once, with its new revision.
    let reviewer = app.account("Reviewer (fake)", Role::Reviewer);
    let p = propose_update(&app, &curator, "fake-paris", |c| {
        c["name"] = "Fictional Paris Sarcoma Centre Renamed".into()
    })
    .await;
    approve_ok(&app, &reviewer, &p).await;
    let renamed = app
        .get_json("/v1/curation/centres?q=renamed", &curator)
        .await
        .expect(200);
    assert_eq!(entity_ids(&renamed), ["fake-paris"]);
    assert_eq!(items(&renamed)[0]["revision"], 2);
}

async fn a_listings_facts(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Curator (fake)", Role::Curator);
    let houston = app
        .get_json(
            "/v1/curation/facts?subject_kind=centre&subject_id=fake-houston",
            &curator,
        )
        .await
        .expect(200);
    assert_eq!(entity_ids(&houston), ["fake-fact-houston-volume"]);
    assert_eq!(items(&houston)[0]["kind"], "fact");
    assert_eq!(
        items(&houston)[0]["entity"]["metric"],
        "sarcoma_patients_seen_per_year"
    );
    let none = app
        .get_json(
            "/v1/curation/facts?subject_kind=clinician&subject_id=fake-houston",
            &curator,
        )
        .await
        .expect(200);
    assert!(entity_ids(&none).is_empty());
    let all = app
        .get_json("/v1/curation/facts", &curator)
        .await
        .expect(200);
    assert_eq!(entity_ids(&all).len(), 2);
    app.get_json("/v1/curation/facts?subject_kind=centre", &curator)
        .await
        .assert_problem(400, Some("subject_id"));
    app.get_json("/v1/curation/facts?subject_id=fake-houston", &curator)
        .await
        .assert_problem(400, Some("subject_kind"));
    app.get_json(
        "/v1/curation/facts?subject_kind=fact&subject_id=x",
        &curator,
    )
    .await
    .assert_problem(400, Some("subject_kind"));
}

async fn search_parameters_are_checked(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Curator (fake)", Role::Curator);
    app.get("/v1/curation/centres")
        .await
        .assert_problem(401, None);
    for (query, field) in [
        ("status=gone", "status"),
        ("q=", "q"),
        ("limit=0", "limit"),
        ("cursor=nonsense", "cursor"),
        ("colour=red", "colour"),
    ] {
        app.get_json(&format!("/v1/curation/clinicians?{query}"), &curator)
            .await
            .assert_problem(400, Some(field));
    }
}

async fn reviewers_read_one_listings_reports(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let reviewer = app.account("Reviewer (fake)", Role::Reviewer);
    let houston = report(
        &app,
        "centre",
        "fake-houston",
        "The fictional phone is wrong.",
    )
    .await;
    report(
        &app,
        "centre",
        "fake-dallas",
        "The fictional address is wrong.",
    )
    .await;
    report(
        &app,
        "clinician",
        "fake-dr-alpha",
        "The fictional clinician moved.",
    )
    .await;
    let page = app
        .get_json(
            "/v1/curation/reports?kind=centre&entity_id=fake-houston",
            &reviewer,
        )
        .await
        .expect(200);
    let got: Vec<i64> = items(&page)
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(got, [houston]);
    let alpha = app
        .get_json(
            "/v1/curation/reports?kind=clinician&entity_id=fake-dr-alpha",
            &reviewer,
        )
        .await
        .expect(200);
    assert_eq!(items(&alpha).len(), 1);
    assert_eq!(items(&alpha)[0]["entity_id"], "fake-dr-alpha");
    let all = app
        .get_json("/v1/curation/reports", &reviewer)
        .await
        .expect(200);
    assert_eq!(items(&all).len(), 3);
    app.get_json("/v1/curation/reports?kind=centre", &reviewer)
        .await
        .assert_problem(400, Some("entity_id"));
    app.get_json("/v1/curation/reports?entity_id=fake-houston", &reviewer)
        .await
        .assert_problem(400, Some("kind"));
    app.get_json("/v1/curation/reports?kind=fact&entity_id=x", &reviewer)
        .await
        .assert_problem(400, Some("kind"));
}

both_backends!(
    curators_find_listings_of_any_status,
    a_listings_facts,
    search_parameters_are_checked,
    reviewers_read_one_listings_reports,
);
