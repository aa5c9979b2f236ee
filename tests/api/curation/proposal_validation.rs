//! Proposals are validated: sources, reason, entity fields, no
//! self-verification, unknown fields, affiliations to real centres, taken
//! ids, media type, size and malformed JSON; nothing refused is stored.

use reqwest::Method;
use serde_json::json;

use super::{proposal, propose, stored};
use crate::both_backends;
use crate::helpers::{Backend, Data, TestApp};
use sarcoma_directory::curation::model::Role;

async fn proposals_are_validated(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Fake Curator", Role::Curator);
    let (centre, etag) = stored(&app, &curator, "centre", "fake-austin").await;
    let mut changed = centre.clone();
    changed["website"] = json!("https://example.org/fake-austin-new");
    let mut no_sources = proposal("centre", "update", "fake-austin", Some(changed.clone()));
    no_sources["sources"] = json!([]);
    propose(&app, &curator, Some(&etag), &no_sources)
        .await
        .assert_problem(422, Some("sources"));
    // Sources added now say when they were read: the proposal's own, and
    // any the entity adds (stored ones keep theirs).
    let mut undated = proposal("centre", "update", "fake-austin", Some(changed.clone()));
    undated["sources"][0]
        .as_object_mut()
        .unwrap()
        .remove("retrieved");
    propose(&app, &curator, Some(&etag), &undated)
        .await
        .assert_problem(422, Some("sources[0].retrieved"));
    let mut future = proposal("centre", "update", "fake-austin", Some(changed.clone()));
    future["sources"][0]["retrieved"] = json!("2999-01-01");
    propose(&app, &curator, Some(&etag), &future)
        .await
        .assert_problem(422, Some("sources[0].retrieved"));
    let mut new_source = changed.clone();
    new_source["sources"]
        .as_array_mut()
        .unwrap()
        .push(json!({"url": "https://example.org/fictional-new-page", "citation": null, "retrieved": null, "listed_by": []}));
    propose(
        &app,
        &curator,
        Some(&etag),
        &proposal("centre", "update", "fake-austin", Some(new_source)),
    )
    .await
    .assert_problem(422, Some("entity.sources[1].retrieved"));
    let mut short = proposal("centre", "update", "fake-austin", Some(changed.clone()));
    short["reason"] = json!("too short");
    propose(&app, &curator, Some(&etag), &short)
        .await
        .assert_problem(422, Some("reason"));
    let mut bad_country = changed.clone();
    bad_country["address"]["country"] = json!("XX");
    propose(
        &app,
        &curator,
        Some(&etag),
        &proposal("centre", "update", "fake-austin", Some(bad_country)),
    )
    .await
    .assert_problem(422, Some("entity"));
    let mut self_verified = changed.clone();
    self_verified["verification"]["status"] = json!("verified");
    self_verified["verification"]["last_verified"] = json!("2025-01-01");
    self_verified["verification"]["method"] = json!("telephone_call");
    propose(
        &app,
        &curator,
        Some(&etag),
        &proposal("centre", "update", "fake-austin", Some(self_verified)),
    )
    .await
    .assert_problem(422, Some("entity.verification"));
    let mut unknown = changed.clone();
    unknown["rating"] = json!(5);
    propose(
        &app,
        &curator,
        Some(&etag),
        &proposal("centre", "update", "fake-austin", Some(unknown)),
    )
    .await
    .assert_problem(400, Some("entity.rating"));
    let mut clinician_at_nowhere = proposal("clinician", "create", "fake-dr-new", None);
    let (mut dr, _) = stored(&app, &curator, "clinician", "fake-dr-alpha").await;
    dr["id"] = json!("fake-dr-new");
    dr["verification"] = json!({"status": "unverified", "last_verified": null, "method": null, "next_review_due": null});
    dr["affiliations"][0]["centre_id"] = json!("no-such-centre");
    clinician_at_nowhere["entity"] = dr;
    propose(&app, &curator, None, &clinician_at_nowhere)
        .await
        .assert_problem(422, Some("entity.affiliations[0].centre_id"));
    let mut taken = centre.clone();
    taken["id"] = json!("fake-houston");
    propose(
        &app,
        &curator,
        None,
        &proposal("centre", "create", "fake-houston", Some(taken)),
    )
    .await
    .assert_problem(409, None);
    app.req(Method::POST, "/v1/curation/proposals")
        .token(&curator)
        .body("text/plain", "kind=centre")
        .send()
        .await
        .assert_problem(415, None);
    let huge =
        json!({"kind": "centre", "action": "create", "id": "x", "reason": "x".repeat(300_000)});
    propose(&app, &curator, None, &huge)
        .await
        .assert_problem(413, None);
    app.req(Method::POST, "/v1/curation/proposals")
        .token(&curator)
        .body("application/json", "{\"kind\": ")
        .send()
        .await
        .assert_problem(400, None);
    app.req(Method::POST, "/v1/curation/proposals")
        .token(&curator)
        .body(
            "application/json",
            format!("{} trailing", proposal("centre", "create", "x", None)),
        )
        .send()
        .await
        .assert_problem(400, None);
    // Nothing above was stored.
    let mine = app
        .get_json("/v1/curation/proposals", &curator)
        .await
        .expect(200);
    assert!(mine["items"].as_array().unwrap().is_empty(), "{mine}");
}

both_backends!(proposals_are_validated);
