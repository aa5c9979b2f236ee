//! Review: a change reaches the public only when a reviewer other than its
//! author approves it; a rejection changes nothing and keeps its reason.

use serde_json::json;

use super::{approve, approve_ok, decide, proposal, propose, propose_update, stored};
use crate::both_backends;
use crate::helpers::{Backend, Data, TestApp};
use sarcoma_directory::curation::model::Role;

async fn reviewed_change_is_published(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let (mut centre, etag) = stored(&app, &curator, "centre", "fake-houston").await;
    assert_eq!(etag, "\"r1\"");
    centre["phone"] = json!("+1 555 0100 (fictional)");
    let version_before = app.get_ok("/readyz").await["data_version"].clone();
    let p = propose(
        &app,
        &curator,
        Some(&etag),
        &proposal("centre", "update", "fake-houston", Some(centre)),
    )
    .await;
    assert_eq!(p.status, 201, "{}", p.text);
    assert_eq!(p.json()["changed_fields"], json!(["phone"]));
    assert_eq!(p.json()["status"], "open");
    // Nothing public changes before approval: the published data did not
    // move (a node rebuilds only when it does), and this node answers
    // from the same data.
    assert_eq!(
        app.get_ok("/readyz").await["data_version"],
        version_before,
        "a proposal does not change the published directory"
    );
    assert!(app.get_ok("/v1/centres/fake-houston").await["phone"].is_null());
    // The author cannot approve, even as a reviewer; a curator cannot at all.
    let own = app.account("Fake Second Reviewer", Role::Reviewer);
    let own_p = propose_update(&app, &own, "fake-dallas", |c| {
        c["notes"] = json!("Changed by a fictional reviewer")
    })
    .await;
    approve(&app, &own, &own_p).await.assert_problem(403, None);
    approve(&app, &curator, &p).await.assert_problem(403, None);

    let approved = approve(&app, &reviewer, &p).await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    assert_eq!(approved.json()["status"], "approved");
    assert_eq!(
        approved.json()["decided_by"]["display_name"],
        "Fake Reviewer"
    );
    assert_eq!(approved.header("etag"), Some("\"r2\""));
    // This node reads its own write at once.
    assert_eq!(
        app.get_ok("/v1/centres/fake-houston").await["phone"],
        "+1 555 0100 (fictional)"
    );
    let (_, etag) = stored(&app, &curator, "centre", "fake-houston").await;
    assert_eq!(etag, "\"r2\"");

    // The change feed says the listing was updated: the listing itself,
    // and its clinician whose page names the centre.
    let feed = app.get_ok("/v1/changes?limit=1000").await;
    let tail: Vec<(&str, &str, i64)> = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .take(2)
        .map(|c| {
            (
                c["entity"]["id"].as_str().unwrap(),
                c["action"].as_str().unwrap(),
                c["revision"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(tail.contains(&("fake-houston", "updated", 2)), "{tail:?}");
    assert!(
        tail.iter()
            .any(|(id, action, _)| *id == "fake-dr-alpha" && *action == "updated"),
        "{tail:?}"
    );
}

async fn a_rejected_proposal_changes_nothing(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let p = propose_update(&app, &curator, "fake-austin", |c| {
        c["website"] = json!("https://example.org/wrong")
    })
    .await;
    let rejected = decide(
        &app,
        &reviewer,
        &p,
        "reject",
        Some(&json!({"reason": "The source does not say so"})),
    )
    .await;
    assert_eq!(rejected.status, 200, "{}", rejected.text);
    assert_eq!(rejected.json()["status"], "rejected");
    assert_eq!(
        rejected.json()["decision_reason"],
        "The source does not say so"
    );
    let (stored_now, etag) = stored(&app, &curator, "centre", "fake-austin").await;
    assert_ne!(stored_now["website"], "https://example.org/wrong");
    assert_eq!(etag, "\"r1\"", "a rejection makes no revision");
    assert_ne!(
        app.get_ok("/v1/centres/fake-austin").await["website"],
        "https://example.org/wrong"
    );
    // A decided proposal cannot be approved after all.
    approve(&app, &reviewer, &p).await.assert_problem(409, None);
    // A reviewer's own change goes through another reviewer.
    let second = app.account("Fake Second Reviewer", Role::Reviewer);
    let p = propose_update(&app, &reviewer, "fake-austin", |c| {
        c["notes"] = json!("Fictional note by a reviewer")
    })
    .await;
    approve_ok(&app, &second, &p).await;
}

/// A token the author issued, or one issued with it, cannot approve the
/// author's proposal: an administrator cannot create or mint a reviewer's
/// token and approve their own change with it.
async fn tokens_the_author_issued_cannot_approve_their_proposals(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let admin = app.account("Fake Admin", Role::Admin);
    // A reviewer account the admin creates through the API: its first
    // token was issued with the admin's.
    let created = app
        .post_json(
            "/v1/curation/accounts",
            Some(&admin),
            &json!({"display_name": "Fake Puppet Reviewer", "role": "reviewer"}),
        )
        .await
        .expect(201);
    let puppet = created["token"]["token"].as_str().unwrap().to_owned();
    let puppet_id = created["account"]["id"].as_str().unwrap().to_owned();
    // ...and a token it issues itself with that one descends from it too.
    let minted = app
        .post_json(
            &format!("/v1/curation/accounts/{puppet_id}/tokens"),
            Some(&puppet),
            &json!({"label": "my own"}),
        )
        .await
        .expect(201);
    let grandchild = minted["token"].as_str().unwrap().to_owned();
    let p = propose_update(&app, &admin, "fake-houston", |c| {
        c["phone"] = json!("+1 555 0101 (fictional)");
    })
    .await;
    for token in [&puppet, &grandchild] {
        let refused = approve(&app, token, &p).await;
        let problem = refused.assert_problem(403, None);
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("author issued"),
            "{problem}"
        );
    }
    assert_eq!(
        app.get_ok("/v1/centres/fake-houston").await["phone"],
        serde_json::Value::Null,
        "nothing was applied"
    );
    // A reviewer whose token the author did not issue approves.
    let independent = app.account("Fake Independent Reviewer", Role::Reviewer);
    approve_ok(&app, &independent, &p).await;
    assert_eq!(
        app.get_ok("/v1/centres/fake-houston").await["phone"],
        "+1 555 0101 (fictional)"
    );
}

both_backends!(
    reviewed_change_is_published,
    a_rejected_proposal_changes_nothing,
    tokens_the_author_issued_cannot_approve_their_proposals,
);
