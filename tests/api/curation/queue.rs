//! The review queue: listings with open reports first, then overdue and
//! never verified ones; verifying and resolving take a listing out.

use reqwest::Method;
use serde_json::{json, Value};

use super::{report, stored, verification_today};
use crate::both_backends;
use crate::helpers::{some_items, Backend, Data, TestApp};
use sarcoma_directory::curation::model::Role;

async fn queue(app: &TestApp, reviewer: &str) -> Value {
    app.get_json("/v1/curation/queue?kind=centre", reviewer)
        .await
        .expect(200)
}

fn entry(q: &Value, id: &str) -> Option<Value> {
    some_items(q).iter().find(|i| i["id"] == id).cloned()
}

async fn reports_and_verifications_move_the_queue(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let q = queue(&app, &reviewer).await;
    let houston = entry(&q, "fake-houston").expect("never verified: queued");
    assert_eq!(houston["reasons"], json!(["never_verified"]));
    assert_eq!(houston["open_reports"], 0);

    let report_id = report(
        &app,
        "centre",
        "fake-houston",
        "The fictional phone number is out of date.",
    )
    .await;
    let q = queue(&app, &reviewer).await;
    assert_eq!(
        q["items"][0]["id"], "fake-houston",
        "open reports come first: {q}"
    );
    assert_eq!(
        q["items"][0]["reasons"],
        json!(["open_reports", "never_verified"])
    );
    assert_eq!(q["items"][0]["open_reports"], 1);

    // A verification leaves only the open report.
    let (_, etag) = stored(&app, &reviewer, "centre", "fake-houston").await;
    let res = app
        .send(
            Method::POST,
            "/v1/curation/centres/fake-houston/verifications",
            Some(&reviewer),
            Some(&etag),
            Some(&verification_today()),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let q = queue(&app, &reviewer).await;
    let houston = entry(&q, "fake-houston").expect("an open report: still queued");
    assert_eq!(houston["reasons"], json!(["open_reports"]));
    let resolved = app
        .post_json(
            &format!("/v1/curation/reports/{report_id}/resolve"),
            Some(&reviewer),
            &json!({"resolution": "Listing re-verified by telephone"}),
        )
        .await
        .expect(200);
    assert_eq!(resolved["status"], "resolved");
    let q = queue(&app, &reviewer).await;
    assert!(entry(&q, "fake-houston").is_none(), "{q}");
}

both_backends!(reports_and_verifications_move_the_queue);
