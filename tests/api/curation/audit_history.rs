//! The public history of a listing (dates, fields, display names, no
//! account ids) and the reviewers' audit trail (with values, by entity and
//! by account).

use reqwest::Method;
use serde_json::json;

use super::{approve_ok, proposal, propose, propose_update, stored};
use crate::both_backends;
use crate::helpers::{some_items, Backend, Data, TestApp};
use sarcoma_directory::curation::model::Role;

async fn history_and_audit_trail_of_a_centre(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let p = propose_update(&app, &curator, "fake-houston", |c| {
        c["phone"] = json!("+1 555 0100 (fictional)")
    })
    .await;
    let other = app.account("Fake Second Reviewer", Role::Reviewer);
    let own_p = propose_update(&app, &other, "fake-dallas", |c| {
        c["notes"] = json!("Changed by a fictional reviewer")
    })
    .await;
    approve_ok(&app, &reviewer, &p).await;

    // Public history: dates, fields, display names; no account ids.
    let history = app.get_ok("/v1/centres/fake-houston/history").await;
    let items = history["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{history}");
    assert_eq!(items[0]["action"], "imported");
    assert_eq!(items[1]["action"], "updated");
    assert_eq!(items[1]["fields"], json!(["phone"]));
    assert_eq!(items[1]["proposed_by"], "Fake Curator");
    assert_eq!(items[1]["approved_by"], "Fake Reviewer");
    assert!(!history.to_string().contains("acct-"), "{history}");
    app.get("/v1/centres/fake-draft/history")
        .await
        .assert_problem(404, None);

    // Reviewers' audit trail, by entity and by account, with values.
    let audit = app
        .get_json(
            "/v1/curation/audit?kind=centre&entity_id=fake-houston",
            &reviewer,
        )
        .await;
    assert_eq!(audit.status, 200, "{}", audit.text);
    assert_eq!(audit.json()["items"].as_array().unwrap().len(), 2);
    let last = audit.json()["items"][1].clone();
    assert!(last["before"]["phone"].is_null());
    assert_eq!(last["after"]["phone"], "+1 555 0100 (fictional)");
    assert_eq!(last["proposal_id"], p.json()["id"]);
    assert_eq!(last["approved_by"]["display_name"], "Fake Reviewer");
    let curator_id = last["proposed_by"]["id"].as_str().unwrap().to_owned();
    let by_account = app
        .get_json(
            &format!("/v1/curation/audit?account={curator_id}"),
            &reviewer,
        )
        .await
        .expect(200);
    let entries = by_account["items"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["entity_id"], "fake-houston");
    app.get_json("/v1/curation/audit", &curator)
        .await
        .assert_problem(403, None);

    // Curators follow their own proposals, not others'.
    let mine = app
        .get_json("/v1/curation/proposals", &curator)
        .await
        .expect(200);
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_eq!(mine["items"][0]["status"], "approved");
    let other_id = own_p.json()["id"].as_i64().unwrap();
    app.get_json(&format!("/v1/curation/proposals/{other_id}"), &curator)
        .await
        .assert_problem(403, None);
}

/// A clinician's public history, after an approved change.
async fn history_of_a_clinician(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let (mut dr, etag) = stored(&app, &curator, "clinician", "fake-dr-bravo").await;
    dr["takes_phone_consultations"] = json!(true);
    let p = propose(
        &app,
        &curator,
        Some(&etag),
        &proposal("clinician", "update", "fake-dr-bravo", Some(dr)),
    )
    .await;
    assert_eq!(p.status, 201, "{}", p.text);
    assert_eq!(
        p.json()["changed_fields"],
        json!(["takes_phone_consultations"])
    );
    approve_ok(&app, &reviewer, &p).await;
    let history = app.get_ok("/v1/clinicians/fake-dr-bravo/history").await;
    let items = some_items(&history);
    assert_eq!(items.len(), 2, "{history}");
    assert_eq!(items[0]["action"], "imported");
    assert_eq!(items[1]["action"], "updated");
    assert_eq!(items[1]["fields"], json!(["takes_phone_consultations"]));
    assert_eq!(items[1]["proposed_by"], "Fake Curator");
    assert_eq!(items[1]["approved_by"], "Fake Reviewer");
    assert!(!history.to_string().contains("acct-"), "{history}");
    assert_eq!(
        app.get_ok("/v1/clinicians/fake-dr-bravo").await["takes_phone_consultations"],
        true
    );
    app.get("/v1/clinicians/fake-dr-charlie/history")
        .await
        .assert_problem(404, None);
    let audit = app
        .send(
            Method::GET,
            "/v1/curation/audit?kind=clinician&entity_id=fake-dr-bravo",
            Some(&reviewer),
            None,
            None,
        )
        .await
        .expect(200);
    assert_eq!(
        audit["items"][1]["after"]["takes_phone_consultations"],
        true
    );
}

both_backends!(history_and_audit_trail_of_a_centre, history_of_a_clinician);
