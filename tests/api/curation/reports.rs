//! Problem reports: the public tells reviewers a listing is wrong (no
//! account, no personal data, rate-limited); reviewers list and resolve
//! them.

use reqwest::Method;
use serde_json::json;

use super::report;
use crate::both_backends;
use crate::helpers::{some_items, Backend, Data, TestApp};
use sarcoma_directory::curation::model::Role;

async fn the_public_reports_a_problem(b: Backend) {
    let app = TestApp::spawn_with(b, Data::Fixtures, |s| s.reports_per_hour = 1).await;
    // A public report: no account, no personal data fields.
    let body = json!({"category": "wrong_contact_details", "details": "The fictional phone number is out of date."});
    let res = app
        .post_json("/v1/centres/fake-houston/reports", None, &body)
        .await;
    assert_eq!(res.status, 202, "{}", res.text);
    assert_eq!(res.json()["status"], "open");
    assert!(res.json()["id"].as_i64().is_some(), "{}", res.text);
    let mut with_email = body.clone();
    with_email["email"] = json!("someone@example.org");
    app.post_json("/v1/centres/fake-houston/reports", None, &with_email)
        .await
        .assert_problem(400, Some("email"));
    // The refused attempt used nothing of the allowance of one; the next
    // report would be the second.
    let limited = app
        .post_json("/v1/centres/fake-dallas/reports", None, &body)
        .await;
    limited.assert_problem(429, None);
    assert!(
        limited
            .header("retry-after")
            .unwrap()
            .parse::<u64>()
            .unwrap()
            > 0
    );
    let with_nul = json!({"category": "other", "details": "Fictional text with a \u{0} in it"});
    let fresh = TestApp::spawn(b, Data::Fixtures).await;
    fresh
        .post_json("/v1/centres/fake-houston/reports", None, &with_nul)
        .await
        .assert_problem(422, Some("details"));
    fresh
        .post_json("/v1/centres/fake-draft/reports", None, &body)
        .await
        .assert_problem(404, None);
    fresh
        .post_json(
            "/v1/centres/fake-houston/reports",
            None,
            &json!({"category": "rude_staff", "details": "Fictional details for a test."}),
        )
        .await
        .assert_problem(422, Some("category"));
}

/// A report about a clinician, listed for reviewers and resolved once.
async fn reviewers_list_and_resolve_reports(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let about_dr = report(
        &app,
        "clinician",
        "fake-dr-alpha",
        "Fictional: no longer works at this unit.",
    )
    .await;
    let about_centre = report(&app, "centre", "fake-paris", "Fictional: the unit moved.").await;
    app.post_json(
        "/v1/clinicians/fake-dr-charlie/reports",
        None,
        &json!({"category": "other", "details": "Fictional report about a draft."}),
    )
    .await
    .assert_problem(404, None);

    let open = app
        .get_json("/v1/curation/reports?status=open", &reviewer)
        .await
        .expect(200);
    let listed: Vec<(i64, &str, &str)> = some_items(&open)
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().unwrap(),
                r["kind"].as_str().unwrap(),
                r["entity_id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(listed.len(), 2, "{open}");
    assert!(listed.contains(&(about_dr, "clinician", "fake-dr-alpha")));
    assert!(listed.contains(&(about_centre, "centre", "fake-paris")));
    let dr = open["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == about_dr)
        .unwrap();
    assert_eq!(dr["details"], "Fictional: no longer works at this unit.");
    assert_eq!(dr["status"], "open");
    assert!(dr["resolved_by"].is_null());

    let resolved = app
        .post_json(
            &format!("/v1/curation/reports/{about_dr}/resolve"),
            Some(&reviewer),
            &json!({"resolution": "Affiliation checked with the unit"}),
        )
        .await
        .expect(200);
    assert_eq!(resolved["status"], "resolved");
    assert_eq!(resolved["resolution"], "Affiliation checked with the unit");
    assert_eq!(resolved["resolved_by"]["display_name"], "Fake Reviewer");
    assert!(resolved["resolved_at"].is_string());
    app.post_json(
        &format!("/v1/curation/reports/{about_dr}/resolve"),
        Some(&reviewer),
        &json!({"resolution": "Again"}),
    )
    .await
    .assert_problem(409, None);
    app.post_json(
        "/v1/curation/reports/999999/resolve",
        Some(&reviewer),
        &json!({"resolution": "Nothing"}),
    )
    .await
    .assert_problem(404, None);
    app.post_json(
        &format!("/v1/curation/reports/{about_centre}/resolve"),
        Some(&reviewer),
        &json!({"resolution": ""}),
    )
    .await
    .assert_problem(422, Some("resolution"));

    let still_open = app
        .get_json("/v1/curation/reports?status=open", &reviewer)
        .await
        .expect(200);
    let ids: Vec<i64> = some_items(&still_open)
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [about_centre]);
    let done = app
        .get_json("/v1/curation/reports?status=resolved", &reviewer)
        .await
        .expect(200);
    let ids: Vec<i64> = some_items(&done)
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [about_dr]);
    app.send(
        Method::GET,
        "/v1/curation/reports?status=maybe",
        Some(&reviewer),
        None,
        None,
    )
    .await
    .assert_problem(400, Some("status"));
}

both_backends!(
    the_public_reports_a_problem,
    reviewers_list_and_resolve_reports
);
