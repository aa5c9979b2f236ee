//! Verifications: a reviewer records how a listing was confirmed; the
//! public listing shows it, due for review again in 12 months.

use reqwest::Method;
use serde_json::json;

use super::{stored, verification_today};
use crate::both_backends;
use crate::helpers::{Backend, Data, TestApp};
use sarcoma_directory::curation::model::Role;

async fn verify(
    app: &TestApp,
    token: &str,
    kind: &str,
    id: &str,
    body: &serde_json::Value,
) -> crate::helpers::Response {
    let (_, etag) = stored(app, token, kind, id).await;
    app.send(
        Method::POST,
        &format!("/v1/curation/{kind}s/{id}/verifications"),
        Some(token),
        Some(&etag),
        Some(body),
    )
    .await
}

async fn a_verified_centre_shows_it(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let today = chrono::Utc::now().date_naive();
    let v = verification_today();
    let res = verify(&app, &reviewer, "centre", "fake-houston", &v).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let due = today
        .checked_add_months(chrono::Months::new(12))
        .unwrap()
        .to_string();
    assert_eq!(res.json()["next_review_due"], due);
    assert_eq!(res.json()["recorded_by"]["display_name"], "Fake Reviewer");
    let public = app.get_ok("/v1/centres/fake-houston").await;
    assert_eq!(public["verification"]["status"], "verified");
    assert_eq!(public["verification"]["last_verified"], today.to_string());
    assert_eq!(public["verification"]["method"], "telephone_call");
    assert_eq!(public["verification"]["next_review_due"], due);
    let mut future = v.clone();
    future["verified_on"] = json!((today + chrono::Duration::days(2)).to_string());
    verify(&app, &reviewer, "centre", "fake-houston", &future)
        .await
        .assert_problem(422, Some("verified_on"));
    // Without If-Match: 428; a curator may not verify.
    app.post_json(
        "/v1/curation/centres/fake-houston/verifications",
        Some(&reviewer),
        &v,
    )
    .await
    .assert_problem(428, None);
    let curator = app.account("Fake Curator", Role::Curator);
    verify(&app, &curator, "centre", "fake-houston", &v)
        .await
        .assert_problem(403, None);
}

async fn a_verified_clinician_shows_it(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let today = chrono::Utc::now().date_naive();
    let mut v = verification_today();
    v["method"] = json!("published_list");
    v["source"] = json!({"url": "https://example.org/fictional-list", "citation": null, "retrieved": "2026-11-01"});
    let (_, etag_before) = stored(&app, &reviewer, "clinician", "fake-dr-alpha").await;
    let res = verify(&app, &reviewer, "clinician", "fake-dr-alpha", &v).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let body = res.json();
    assert_eq!(body["kind"], "clinician");
    assert_eq!(body["entity_id"], "fake-dr-alpha");
    assert_eq!(body["method"], "published_list");
    let due = today
        .checked_add_months(chrono::Months::new(12))
        .unwrap()
        .to_string();
    assert_eq!(body["next_review_due"], due);
    let (_, etag_after) = stored(&app, &reviewer, "clinician", "fake-dr-alpha").await;
    assert_ne!(etag_after, etag_before, "recording makes a revision");
    let public = app.get_ok("/v1/clinicians/fake-dr-alpha").await;
    assert_eq!(public["verification"]["status"], "verified");
    assert_eq!(public["verification"]["last_verified"], today.to_string());
    assert_eq!(public["verification"]["method"], "published_list");
    assert_eq!(public["verification"]["next_review_due"], due);
    // A stale ETag: 412.
    app.send(
        Method::POST,
        "/v1/curation/clinicians/fake-dr-alpha/verifications",
        Some(&reviewer),
        Some(&etag_before),
        Some(&v),
    )
    .await
    .assert_problem(412, None);
}

both_backends!(a_verified_centre_shows_it, a_verified_clinician_shows_it);
