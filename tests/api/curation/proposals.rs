//! Proposal actions: create, update, revert and archive centres; facts;
//! clinicians with their affiliations; withdrawal by the author.

use serde_json::{json, Value};

use super::{approve, approve_ok, decide, proposal, propose, stored, SOURCE};
use crate::both_backends;
use crate::helpers::{some_items, Backend, Data, TestApp};
use sarcoma_directory::curation::model::Role;

async fn create_archive_and_revert(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let (template, _) = stored(&app, &curator, "centre", "fake-houston").await;
    let mut new = template.clone();
    new["id"] = json!("fake-new-unit");
    new["name"] = json!("Fictional New Sarcoma Unit");
    let p = propose(
        &app,
        &curator,
        None,
        &proposal("centre", "create", "fake-new-unit", Some(new.clone())),
    )
    .await;
    assert_eq!(p.status, 201, "{}", p.text);
    approve_ok(&app, &reviewer, &p).await;
    let created = app.get_ok("/v1/centres/fake-new-unit").await;
    assert_eq!(created["name"], "Fictional New Sarcoma Unit");
    assert_eq!(
        created["verification"]["status"], "unverified",
        "a new listing starts unverified"
    );

    // Rename (r2), then revert to r1: a reviewed proposal restoring content.
    let (mut centre, etag) = stored(&app, &curator, "centre", "fake-new-unit").await;
    centre["name"] = json!("Fictional Renamed Unit");
    let p = propose(
        &app,
        &curator,
        Some(&etag),
        &proposal("centre", "update", "fake-new-unit", Some(centre)),
    )
    .await;
    approve_ok(&app, &reviewer, &p).await;
    assert_eq!(
        app.get_ok("/v1/centres/fake-new-unit").await["name"],
        "Fictional Renamed Unit"
    );
    let (_, etag) = stored(&app, &curator, "centre", "fake-new-unit").await;
    let mut revert = proposal("centre", "revert", "fake-new-unit", None);
    revert["to_revision"] = json!(1);
    let p = propose(&app, &curator, Some(&etag), &revert).await;
    assert_eq!(p.status, 201, "{}", p.text);
    assert_eq!(p.json()["changed_fields"], json!(["name"]));
    approve_ok(&app, &reviewer, &p).await;
    assert_eq!(
        app.get_ok("/v1/centres/fake-new-unit").await["name"],
        "Fictional New Sarcoma Unit"
    );

    // Archive: gone from public reads, and the feed says archived.
    let (_, etag) = stored(&app, &curator, "centre", "fake-new-unit").await;
    let p = propose(
        &app,
        &curator,
        Some(&etag),
        &proposal("centre", "archive", "fake-new-unit", None),
    )
    .await;
    assert_eq!(p.status, 201, "{}", p.text);
    approve_ok(&app, &reviewer, &p).await;
    app.get("/v1/centres/fake-new-unit")
        .await
        .assert_problem(404, None);
    let feed = app.get_ok("/v1/changes?limit=1000").await;
    let actions: Vec<(String, String)> = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["entity"]["id"] == "fake-new-unit")
        .map(|c| {
            (
                c["action"].as_str().unwrap().to_owned(),
                c["revision"].to_string(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("created", "1"),
            ("updated", "2"),
            ("updated", "3"),
            ("archived", "4")
        ]
        .map(|(a, r)| (a.to_owned(), r.to_owned()))
    );
}

async fn facts_go_through_proposals(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let fact = json!({
        "id": "fake-fact-new-volume",
        "subject": {"kind": "centre", "id": "fake-houston"},
        "metric": "sarcoma_patients_seen_per_year",
        "value": 150,
        "as_of": "2025-01-01",
        "source": {"url": SOURCE, "citation": null, "retrieved": "2026-11-01"},
        "attestation": "self_reported",
        "note": "Fictional test fact"
    });
    let p = propose(
        &app,
        &curator,
        None,
        &proposal("fact", "create", "fake-fact-new-volume", Some(fact.clone())),
    )
    .await;
    assert_eq!(p.status, 201, "{}", p.text);
    approve_ok(&app, &reviewer, &p).await;
    let has_fact = |detail: &Value| {
        some_items(&json!({"items": detail["facts"]}))
            .iter()
            .any(|f| f["id"] == "fake-fact-new-volume")
    };
    assert!(has_fact(&app.get_ok("/v1/centres/fake-houston").await));
    // Removing a fact is an archive.
    let (_, etag) = stored(&app, &curator, "fact", "fake-fact-new-volume").await;
    let p = propose(
        &app,
        &curator,
        Some(&etag),
        &proposal("fact", "archive", "fake-fact-new-volume", None),
    )
    .await;
    approve_ok(&app, &reviewer, &p).await;
    assert!(!has_fact(&app.get_ok("/v1/centres/fake-houston").await));
    // Created again, it continues its numbering: an old ETag cannot match.
    let p = propose(
        &app,
        &curator,
        None,
        &proposal("fact", "create", "fake-fact-new-volume", Some(fact)),
    )
    .await;
    approve_ok(&app, &reviewer, &p).await;
    let (_, etag) = stored(&app, &curator, "fact", "fake-fact-new-volume").await;
    assert_eq!(etag, "\"r3\"");
}

/// A new clinician with two affiliations, approved: public on the
/// clinician's page and on both centres' pages.
async fn an_approved_clinician_with_affiliations(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let (mut dr, _) = stored(&app, &curator, "clinician", "fake-dr-alpha").await;
    dr["id"] = json!("fake-dr-echo");
    dr["name"] = json!("Dr Echo Newperson (fictional)");
    dr["verification"] = json!({"status": "unverified", "last_verified": null, "method": null, "next_review_due": null});
    let affiliation = dr["affiliations"][0].clone();
    let mut second = affiliation.clone();
    second["centre_id"] = json!("fake-london");
    second["role"] = json!("member");
    dr["affiliations"] = json!([affiliation, second]);
    let p = propose(
        &app,
        &curator,
        None,
        &proposal("clinician", "create", "fake-dr-echo", Some(dr)),
    )
    .await;
    assert_eq!(p.status, 201, "{}", p.text);
    approve_ok(&app, &reviewer, &p).await;
    let echo = app.get_ok("/v1/clinicians/fake-dr-echo").await;
    assert_eq!(echo["name"], "Dr Echo Newperson (fictional)");
    let centres: Vec<(&str, &str)> = echo["affiliations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["centre_id"].as_str().unwrap(),
                a["role"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        centres,
        [("fake-houston", "lead"), ("fake-london", "member")]
    );
    for centre in ["fake-houston", "fake-london"] {
        let page = app.get_ok(&format!("/v1/centres/{centre}")).await;
        assert!(
            some_items(&json!({"items": page["clinicians"]}))
                .iter()
                .any(|c| c["id"] == "fake-dr-echo"),
            "{centre} lists the new clinician: {page}"
        );
    }
    assert_eq!(
        app.ids("/v1/clinicians?centre=fake-london").await,
        ["fake-dr-bravo", "fake-dr-echo"]
    );
}

/// Only its author withdraws an open proposal; it can then not be
/// approved, nor withdrawn again.
async fn the_author_withdraws_a_proposal(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let p = super::propose_update(&app, &curator, "fake-boston", |c| {
        c["notes"] = json!("Fictional note, withdrawn")
    })
    .await;
    let withdrawn = decide(&app, &curator, &p, "withdraw", None).await;
    assert_eq!(withdrawn.status, 200, "{}", withdrawn.text);
    assert_eq!(withdrawn.json()["status"], "withdrawn");
    assert_eq!(withdrawn.json()["id"], p.json()["id"]);
    let id = p.json()["id"].as_i64().unwrap();
    let read = app
        .get_json(&format!("/v1/curation/proposals/{id}"), &curator)
        .await
        .expect(200);
    assert_eq!(read["status"], "withdrawn");
    approve(&app, &reviewer, &withdrawn)
        .await
        .assert_problem(409, None);
    decide(&app, &curator, &withdrawn, "withdraw", None)
        .await
        .assert_problem(409, None);
    let (centre, etag) = stored(&app, &curator, "centre", "fake-boston").await;
    assert_ne!(centre["notes"], "Fictional note, withdrawn");
    assert_eq!(etag, "\"r1\"");
}

both_backends!(
    create_archive_and_revert,
    facts_go_through_proposals,
    an_approved_clinician_with_affiliations,
    the_author_withdraws_a_proposal,
);
