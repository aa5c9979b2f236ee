//! Curation: proposals and review, history and audit, verification, the
//! review queue, problem reports, concurrency, several nodes, accounts.

use std::time::{Duration, Instant};

use reqwest::Method;
use sarcoma_directory::curation::model::Role;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{Backend, Data, Response, TestApp};

const SOURCE: &str = "https://example.org/fictional-test-source";

/// The stored entity and its ETag, as a curator reads it.
async fn stored(app: &TestApp, token: &str, kind: &str, id: &str) -> (Value, String) {
    let res = app
        .send(
            Method::GET,
            &format!("/v1/curation/{kind}s/{id}"),
            Some(token),
            None,
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let etag = res.header("etag").expect("an ETag").to_owned();
    (res.json()["entity"].clone(), etag)
}

fn proposal(kind: &str, action: &str, id: &str, entity: Option<Value>) -> Value {
    let mut p = json!({
        "kind": kind,
        "action": action,
        "id": id,
        "reason": "Fictional test change with a reason",
        "sources": [{"url": SOURCE, "citation": null}],
    });
    if let Some(e) = entity {
        p["entity"] = e;
    }
    p
}

async fn propose(app: &TestApp, token: &str, if_match: Option<&str>, body: &Value) -> Response {
    app.send(
        Method::POST,
        "/v1/curation/proposals",
        Some(token),
        if_match,
        Some(body),
    )
    .await
}

async fn approve(app: &TestApp, token: &str, proposal: &Response) -> Response {
    let id = proposal.json()["id"].as_i64().unwrap();
    let etag = proposal.header("etag").unwrap().to_owned();
    app.send(
        Method::POST,
        &format!("/v1/curation/proposals/{id}/approve"),
        Some(token),
        Some(&etag),
        None,
    )
    .await
}

/// Polls a public read until `check` holds or `within` passes.
async fn eventually(
    app: &TestApp,
    path: &str,
    within: Duration,
    check: impl Fn(&Response) -> bool,
) -> bool {
    let start = Instant::now();
    loop {
        if check(&app.get(path).await) {
            return true;
        }
        if start.elapsed() > within {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn reviewed_change_is_published_with_history(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let (mut centre, etag) = stored(&app, &curator, "centre", "fake-houston").await;
    assert_eq!(etag, "\"r1\"");
    centre["phone"] = json!("+1 555 0100 (fictional)");
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
    // Nothing public changes before approval.
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert!(app.get_ok("/v1/centres/fake-houston").await["phone"].is_null());
    // The author cannot approve, even as a reviewer; a curator cannot at all.
    let own = app.account("Fake Second Reviewer", Role::Reviewer);
    let (c2, e2) = stored(&app, &own, "centre", "fake-dallas").await;
    let mut c2 = c2;
    c2["notes"] = json!("Changed by a fictional reviewer");
    let own_p = propose(
        &app,
        &own,
        Some(&e2),
        &proposal("centre", "update", "fake-dallas", Some(c2)),
    )
    .await;
    approve(&app, &own, &own_p).await.assert_problem(403, None);
    approve(&app, &curator, &p).await.assert_problem(403, None);

    let approved = approve(&app, &reviewer, &p).await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    assert_eq!(approved.json()["status"], "approved");
    assert_eq!(approved.header("etag"), Some("\"r2\""));
    // This node reads its own write at once.
    assert_eq!(
        app.get_ok("/v1/centres/fake-houston").await["phone"],
        "+1 555 0100 (fictional)"
    );
    let (_, etag) = stored(&app, &curator, "centre", "fake-houston").await;
    assert_eq!(etag, "\"r2\"");

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

    // Reviewers' audit trail, by entity and by account, with values.
    let audit = app
        .send(
            Method::GET,
            "/v1/curation/audit?kind=centre&entity_id=fake-houston",
            Some(&reviewer),
            None,
            None,
        )
        .await;
    assert_eq!(audit.status, 200, "{}", audit.text);
    let last = audit.json()["items"][1].clone();
    assert!(last["before"]["phone"].is_null());
    assert_eq!(last["after"]["phone"], "+1 555 0100 (fictional)");
    assert_eq!(last["proposal_id"], p.json()["id"]);
    let curator_id = last["proposed_by"]["id"].as_str().unwrap().to_owned();
    let by_account = app
        .send(
            Method::GET,
            &format!("/v1/curation/audit?account={curator_id}"),
            Some(&reviewer),
            None,
            None,
        )
        .await
        .json();
    assert_eq!(by_account["items"].as_array().unwrap().len(), 1);
    app.send(
        Method::GET,
        "/v1/curation/audit",
        Some(&curator),
        None,
        None,
    )
    .await
    .assert_problem(403, None);

    // Curators follow their own proposals, not others'.
    let mine = app
        .send(
            Method::GET,
            "/v1/curation/proposals",
            Some(&curator),
            None,
            None,
        )
        .await
        .json();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_eq!(mine["items"][0]["status"], "approved");
    let other = own_p.json()["id"].as_i64().unwrap();
    app.send(
        Method::GET,
        &format!("/v1/curation/proposals/{other}"),
        Some(&curator),
        None,
        None,
    )
    .await
    .assert_problem(403, None);

    // The change feed says the listing was updated.
    let feed = app.get_ok("/v1/changes?limit=1000").await;
    // The listing itself, and its clinician whose page names the centre.
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

async fn create_archive_revert_and_reject(b: Backend) {
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
    assert_eq!(approve(&app, &reviewer, &p).await.status, 200);
    assert_eq!(
        app.get_ok("/v1/centres/fake-new-unit").await["name"],
        "Fictional New Sarcoma Unit"
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
    assert_eq!(approve(&app, &reviewer, &p).await.status, 200);
    let (_, etag) = stored(&app, &curator, "centre", "fake-new-unit").await;
    let mut revert = proposal("centre", "revert", "fake-new-unit", None);
    revert["to_revision"] = json!(1);
    let p = propose(&app, &curator, Some(&etag), &revert).await;
    assert_eq!(p.status, 201, "{}", p.text);
    assert_eq!(p.json()["changed_fields"], json!(["name"]));
    assert_eq!(approve(&app, &reviewer, &p).await.status, 200);
    assert_eq!(
        app.get_ok("/v1/centres/fake-new-unit").await["name"],
        "Fictional New Sarcoma Unit"
    );

    // A rejected proposal changes nothing and keeps its reason.
    let (mut centre, etag) = stored(&app, &curator, "centre", "fake-new-unit").await;
    centre["website"] = json!("https://example.org/wrong");
    let p = propose(
        &app,
        &curator,
        Some(&etag),
        &proposal("centre", "update", "fake-new-unit", Some(centre)),
    )
    .await;
    let id = p.json()["id"].as_i64().unwrap();
    let rejected = app
        .send(
            Method::POST,
            &format!("/v1/curation/proposals/{id}/reject"),
            Some(&reviewer),
            p.header("etag"),
            Some(&json!({"reason": "The source does not say so"})),
        )
        .await;
    assert_eq!(rejected.status, 200, "{}", rejected.text);
    assert_eq!(
        rejected.json()["decision_reason"],
        "The source does not say so"
    );
    let (stored_now, _) = stored(&app, &curator, "centre", "fake-new-unit").await;
    assert_ne!(stored_now["website"], "https://example.org/wrong");

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
    assert_eq!(approve(&app, &reviewer, &p).await.status, 200);
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

    // Facts go through proposals too; removing one is an archive.
    let fact = json!({
        "id": "fake-fact-new-volume",
        "subject": {"kind": "centre", "id": "fake-houston"},
        "metric": "sarcoma_patients_seen_per_year",
        "value": 150,
        "as_of": "2025-01-01",
        "source": {"url": SOURCE, "citation": null},
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
    assert_eq!(approve(&app, &reviewer, &p).await.status, 200);
    let detail = app.get_ok("/v1/centres/fake-houston").await;
    assert!(detail["facts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["id"] == "fake-fact-new-volume"));
    let (_, etag) = stored(&app, &curator, "fact", "fake-fact-new-volume").await;
    let p = propose(
        &app,
        &curator,
        Some(&etag),
        &proposal("fact", "archive", "fake-fact-new-volume", None),
    )
    .await;
    assert_eq!(approve(&app, &reviewer, &p).await.status, 200);
    let detail = app.get_ok("/v1/centres/fake-houston").await;
    assert!(!detail["facts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["id"] == "fake-fact-new-volume"));
    // Created again, it continues its numbering: an old ETag cannot match.
    let p = propose(
        &app,
        &curator,
        None,
        &proposal("fact", "create", "fake-fact-new-volume", Some(fact)),
    )
    .await;
    assert_eq!(approve(&app, &reviewer, &p).await.status, 200);
    let (_, etag) = stored(&app, &curator, "fact", "fake-fact-new-volume").await;
    assert_eq!(etag, "\"r3\"");
}

async fn stale_versions_and_conflicting_approvals(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let (centre, etag) = stored(&app, &curator, "centre", "fake-boston").await;
    let mut one = centre.clone();
    one["phone"] = json!("+1 555 0101 (fictional)");
    let mut two = centre.clone();
    two["phone"] = json!("+1 555 0102 (fictional)");
    let body_one = proposal("centre", "update", "fake-boston", Some(one));
    // No If-Match: 428; a malformed one: 400.
    propose(&app, &curator, None, &body_one)
        .await
        .assert_problem(428, None);
    propose(&app, &curator, Some("r1"), &body_one)
        .await
        .assert_problem(400, Some("If-Match"));
    let p1 = propose(&app, &curator, Some(&etag), &body_one).await;
    let p2 = propose(
        &app,
        &curator,
        Some(&etag),
        &proposal("centre", "update", "fake-boston", Some(two)),
    )
    .await;
    assert_eq!((p1.status, p2.status), (201, 201));
    // Both approved at once: exactly one applies, the other gets 409.
    let (a1, a2) = tokio::join!(approve(&app, &reviewer, &p1), approve(&app, &reviewer, &p2));
    let mut statuses = [a1.status, a2.status];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{} / {}", a1.text, a2.text);
    // Two reviewers approving one proposal at once: one applies, one 409.
    let second_reviewer = app.account("Fake Second Reviewer", Role::Reviewer);
    let (mut c, e) = stored(&app, &curator, "centre", "fake-boston").await;
    c["website"] = json!("https://example.org/fake-boston-2");
    let p = propose(
        &app,
        &curator,
        Some(&e),
        &proposal("centre", "update", "fake-boston", Some(c)),
    )
    .await;
    let (a1, a2) = tokio::join!(
        approve(&app, &reviewer, &p),
        approve(&app, &second_reviewer, &p)
    );
    let mut statuses = [a1.status, a2.status];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{} / {}", a1.text, a2.text);
    // A proposal against the old version is refused with the current ETag.
    let stale = propose(&app, &curator, Some(&etag), &body_one).await;
    stale.assert_problem(412, None);
    assert_eq!(stale.header("etag"), Some("\"r3\""));
    // Approving with a stale proposal ETag: 412; deciding twice: 409.
    let (c, e) = stored(&app, &curator, "centre", "fake-boston").await;
    let mut c = c;
    c["notes"] = json!("Fictional note");
    let p3 = propose(
        &app,
        &curator,
        Some(&e),
        &proposal("centre", "update", "fake-boston", Some(c)),
    )
    .await;
    let id = p3.json()["id"].as_i64().unwrap();
    app.send(
        Method::POST,
        &format!("/v1/curation/proposals/{id}/approve"),
        Some(&reviewer),
        Some("\"r9\""),
        None,
    )
    .await
    .assert_problem(412, None);
    assert_eq!(approve(&app, &reviewer, &p3).await.status, 200);
    app.send(
        Method::POST,
        &format!("/v1/curation/proposals/{id}/approve"),
        Some(&reviewer),
        Some("\"r1\""),
        None,
    )
    .await
    .assert_problem(409, None);
}

/// Writers race to append to one listing, retrying on 412/409 as a client
/// should. No update may be lost.
async fn parallel_writers_lose_no_update(b: Backend) {
    let app = std::sync::Arc::new(TestApp::spawn(b, Data::Fixtures).await);
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let writers = 6;
    let mut tasks = Vec::new();
    for i in 0..writers {
        let (app, curator, reviewer) = (app.clone(), curator.clone(), reviewer.clone());
        tasks.push(tokio::spawn(async move {
            for _attempt in 0..100 {
                let (mut centre, etag) = stored(&app, &curator, "centre", "fake-paris").await;
                let notes = centre["notes"].as_str().unwrap_or_default().to_owned();
                centre["notes"] = json!(format!("{notes} [writer-{i}]"));
                let p = propose(
                    &app,
                    &curator,
                    Some(&etag),
                    &proposal("centre", "update", "fake-paris", Some(centre)),
                )
                .await;
                if p.status == 412 {
                    continue;
                }
                assert_eq!(p.status, 201, "{}", p.text);
                match approve(&app, &reviewer, &p).await.status {
                    200 => return,
                    409 => continue,
                    other => panic!("approve answered {other}"),
                }
            }
            panic!("writer {i} never got its change in");
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let (centre, etag) = stored(&app, &curator, "centre", "fake-paris").await;
    let notes = centre["notes"].as_str().unwrap();
    for i in 0..writers {
        assert_eq!(
            notes.matches(&format!("[writer-{i}]")).count(),
            1,
            "{notes}"
        );
    }
    assert_eq!(etag, format!("\"r{}\"", 1 + writers));
}

/// Two API server processes over one database: a change approved through
/// one shows in the other's public reads within a second (the other runs
/// with default settings).
async fn second_node_sees_approved_change_within_a_second(b: Backend) {
    let a = TestApp::spawn(b, Data::Fixtures).await;
    let other = a.spawn_peer_process().await;
    let curator = a.account("Fake Curator", Role::Curator);
    let reviewer = a.account("Fake Reviewer", Role::Reviewer);
    assert!(other.get_ok("/v1/centres/fake-london").await["phone"].is_null());
    let (mut centre, etag) = stored(&a, &curator, "centre", "fake-london").await;
    centre["phone"] = json!("+44 20 0000 0000 (fictional)");
    let p = propose(
        &a,
        &curator,
        Some(&etag),
        &proposal("centre", "update", "fake-london", Some(centre)),
    )
    .await;
    let etag_before = other
        .get("/v1/centres/fake-london")
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    assert_eq!(approve(&a, &reviewer, &p).await.status, 200);
    let seen = eventually(
        &other,
        "/v1/centres/fake-london",
        Duration::from_secs(1),
        |r| r.json()["phone"] == "+44 20 0000 0000 (fictional)",
    )
    .await;
    assert!(seen, "the other node did not show the change within 1 s");
    // Its HTTP cache validators moved too.
    assert_ne!(
        other
            .get("/v1/centres/fake-london")
            .await
            .header("etag")
            .unwrap(),
        etag_before
    );
}

async fn queue(app: &TestApp, reviewer: &str) -> Value {
    app.send(
        Method::GET,
        "/v1/curation/queue?kind=centre",
        Some(reviewer),
        None,
        None,
    )
    .await
    .json()
}

async fn verification_reports_and_queue(b: Backend) {
    let app = TestApp::spawn_with(b, Data::Fixtures, |s| s.reports_per_hour = 2).await;
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let q = queue(&app, &reviewer).await;
    let houston = q["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "fake-houston")
        .cloned()
        .unwrap();
    assert_eq!(houston["reasons"], json!(["never_verified"]));

    // A public report: no account, no personal data fields.
    let report = json!({"category": "wrong_contact_details", "details": "The fictional phone number is out of date."});
    let res = app
        .send(
            Method::POST,
            "/v1/centres/fake-houston/reports",
            None,
            None,
            Some(&report),
        )
        .await;
    assert_eq!(res.status, 202, "{}", res.text);
    let report_id = res.json()["id"].as_i64().unwrap();
    let mut with_email = report.clone();
    with_email["email"] = json!("someone@example.org");
    app.send(
        Method::POST,
        "/v1/centres/fake-houston/reports",
        None,
        None,
        Some(&with_email),
    )
    .await
    .assert_problem(400, Some("email"));
    let limited = app
        .send(
            Method::POST,
            "/v1/centres/fake-dallas/reports",
            None,
            None,
            Some(&report),
        )
        .await;
    limited.assert_problem(429, None);
    let with_nul = json!({"category": "other", "details": "Fictional text with a \u{0} in it"});
    let fresh = TestApp::spawn(b, Data::Fixtures).await;
    fresh
        .send(
            Method::POST,
            "/v1/centres/fake-houston/reports",
            None,
            None,
            Some(&with_nul),
        )
        .await
        .assert_problem(422, Some("details"));
    assert!(
        limited
            .header("retry-after")
            .unwrap()
            .parse::<u64>()
            .unwrap()
            > 0
    );
    app.send(
        Method::POST,
        "/v1/centres/fake-draft/reports",
        None,
        None,
        Some(&report),
    )
    .await
    .assert_problem(404, None);

    let q = queue(&app, &reviewer).await;
    assert_eq!(
        q["items"][0]["id"], "fake-houston",
        "open reports come first: {q}"
    );
    assert_eq!(
        q["items"][0]["reasons"],
        json!(["open_reports", "never_verified"])
    );

    // A verification: the public listing shows it, due again in 12 months.
    let (_, etag) = stored(&app, &reviewer, "centre", "fake-houston").await;
    let today = chrono::Utc::now().date_naive();
    let v = json!({
        "method": "telephone_call",
        "verified_on": today.to_string(),
        "source": {"url": null, "citation": "Telephone call to the fictional unit's office"},
        "note": null
    });
    let res = app
        .send(
            Method::POST,
            "/v1/curation/centres/fake-houston/verifications",
            Some(&reviewer),
            Some(&etag),
            Some(&v),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let due = today
        .checked_add_months(chrono::Months::new(12))
        .unwrap()
        .to_string();
    assert_eq!(res.json()["next_review_due"], due);
    let public = app.get_ok("/v1/centres/fake-houston").await;
    assert_eq!(public["verification"]["status"], "verified");
    assert_eq!(public["verification"]["last_verified"], today.to_string());
    assert_eq!(public["verification"]["method"], "telephone_call");
    assert_eq!(public["verification"]["next_review_due"], due);
    let mut future = v.clone();
    future["verified_on"] = json!((today + chrono::Duration::days(2)).to_string());
    let (_, etag) = stored(&app, &reviewer, "centre", "fake-houston").await;
    app.send(
        Method::POST,
        "/v1/curation/centres/fake-houston/verifications",
        Some(&reviewer),
        Some(&etag),
        Some(&future),
    )
    .await
    .assert_problem(422, Some("verified_on"));

    let q = queue(&app, &reviewer).await;
    let houston = q["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "fake-houston")
        .cloned()
        .unwrap();
    assert_eq!(houston["reasons"], json!(["open_reports"]));
    let resolved = app
        .send(
            Method::POST,
            &format!("/v1/curation/reports/{report_id}/resolve"),
            Some(&reviewer),
            None,
            Some(&json!({"resolution": "Listing re-verified by telephone"})),
        )
        .await;
    assert_eq!(resolved.status, 200, "{}", resolved.text);
    let q = queue(&app, &reviewer).await;
    assert!(
        !q["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == "fake-houston"),
        "{q}"
    );
}

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
    let not_json = app
        .client
        .post(format!("{}/v1/curation/proposals", app.address))
        .bearer_auth(&curator)
        .header("Content-Type", "text/plain")
        .body("kind=centre")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status().as_u16(), 415);
    let huge =
        json!({"kind": "centre", "action": "create", "id": "x", "reason": "x".repeat(300_000)});
    propose(&app, &curator, None, &huge)
        .await
        .assert_problem(413, None);
    let malformed = app
        .client
        .post(format!("{}/v1/curation/proposals", app.address))
        .bearer_auth(&curator)
        .header("Content-Type", "application/json")
        .body("{\"kind\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status().as_u16(), 400);
    let trailing = app
        .client
        .post(format!("{}/v1/curation/proposals", app.address))
        .bearer_auth(&curator)
        .header("Content-Type", "application/json")
        .body(format!(
            "{} trailing",
            proposal("centre", "create", "x", None)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(trailing.status().as_u16(), 400);
    // Nothing above was stored.
    let mine = app
        .send(
            Method::GET,
            "/v1/curation/proposals",
            Some(&curator),
            None,
            None,
        )
        .await
        .json();
    assert!(mine["items"].as_array().unwrap().is_empty(), "{mine}");
}

async fn accounts_and_tokens(b: Backend) {
    let app = TestApp::spawn(b, Data::Empty).await;
    let admin = app.account("Fake Admin", Role::Admin);
    let res = app
        .send(Method::POST, "/v1/curation/accounts", Some(&admin), None,
            Some(&json!({"display_name": "Fake Volunteer", "role": "curator", "token_expires_in_days": 30})))
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(res.header("cache-control"), Some("no-store"));
    let created = res.json();
    let token = created["token"]["token"].as_str().unwrap().to_owned();
    let account_id = created["account"]["id"].as_str().unwrap().to_owned();
    let me = app
        .send(Method::GET, "/v1/curation/me", Some(&token), None, None)
        .await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.json()["role"], "curator");
    assert!(!me.text.contains(&token), "a token is never shown again");
    // A token may not mint one that outlives it.
    app.send(
        Method::POST,
        &format!("/v1/curation/accounts/{account_id}/tokens"),
        Some(&token),
        None,
        Some(&json!({"label": "forever"})),
    )
    .await
    .assert_problem(422, Some("expires_in_days"));
    // A second token for oneself; revoking the first stops it at once.
    let second = app
        .send(
            Method::POST,
            &format!("/v1/curation/accounts/{account_id}/tokens"),
            Some(&token),
            None,
            Some(&json!({"label": "laptop", "expires_in_days": 10})),
        )
        .await;
    assert_eq!(second.status, 201, "{}", second.text);
    let second_token = second.json()["token"].as_str().unwrap().to_owned();
    let first_id = created["token"]["id"].as_str().unwrap();
    let revoked = app
        .send(
            Method::DELETE,
            &format!("/v1/curation/tokens/{first_id}"),
            Some(&second_token),
            None,
            None,
        )
        .await;
    assert_eq!(revoked.status, 204, "{}", revoked.text);
    app.send(Method::GET, "/v1/curation/me", Some(&token), None, None)
        .await
        .assert_problem(401, None);
    // Curators do not manage accounts; admins do not demote themselves.
    app.send(
        Method::GET,
        "/v1/curation/accounts",
        Some(&second_token),
        None,
        None,
    )
    .await
    .assert_problem(403, None);
    let admin_id = app
        .send(Method::GET, "/v1/curation/me", Some(&admin), None, None)
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.send(
        Method::PATCH,
        &format!("/v1/curation/accounts/{admin_id}"),
        Some(&admin),
        None,
        Some(&json!({"role": "curator"})),
    )
    .await
    .assert_problem(403, None);
    // Deactivating an account stops all its tokens.
    let off = app
        .send(
            Method::PATCH,
            &format!("/v1/curation/accounts/{account_id}"),
            Some(&admin),
            None,
            Some(&json!({"active": false})),
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.text);
    app.send(
        Method::GET,
        "/v1/curation/me",
        Some(&second_token),
        None,
        None,
    )
    .await
    .assert_problem(401, None);
    let list = app
        .send(
            Method::GET,
            "/v1/curation/accounts",
            Some(&admin),
            None,
            None,
        )
        .await
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
}

/// Curation endpoints answer browsers only from configured origins, while
/// public reads stay open.
async fn curation_cors_only_for_configured_origins(b: Backend) {
    let preflight = |app: &TestApp, path: &str, origin: &str| {
        app.client
            .request(Method::OPTIONS, format!("{}{}", app.address, path))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization, if-match, content-type",
            )
            .send()
    };
    let granted = |r: &reqwest::Response, origin: &str| {
        r.headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok())
            == Some(origin)
    };
    let closed = TestApp::spawn(b, Data::Fixtures).await;
    let r = preflight(
        &closed,
        "/v1/curation/proposals",
        "https://curators.example",
    )
    .await
    .unwrap();
    assert!(!granted(&r, "https://curators.example"));
    let r = preflight(&closed, "/v1/centres", "https://anyone.example")
        .await
        .unwrap();
    assert!(granted(&r, "https://anyone.example"));
    drop(closed);
    let open = TestApp::spawn_with(b, Data::Fixtures, |s| {
        s.curation_origins = vec!["https://curators.example".into()]
    })
    .await;
    let r = preflight(&open, "/v1/curation/proposals", "https://curators.example")
        .await
        .unwrap();
    assert!(granted(&r, "https://curators.example"));
    let allowed = r.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        allowed.contains("authorization") && allowed.contains("if-match"),
        "{allowed}"
    );
    let r = preflight(&open, "/v1/curation/proposals", "https://elsewhere.example")
        .await
        .unwrap();
    assert!(!granted(&r, "https://elsewhere.example"));
}

/// Behind a trusted proxy, reports are counted per client named in
/// X-Forwarded-For; from anyone else the header is ignored.
async fn report_limits_count_clients_behind_a_trusted_proxy(b: Backend) {
    let report = json!({"category": "other", "details": "Fictional report for a test."});
    let send = |app: &TestApp, client: &str| {
        app.client
            .post(format!("{}/v1/centres/fake-houston/reports", app.address))
            .header("X-Forwarded-For", format!("198.51.100.7, {client}"))
            .json(&report)
            .send()
    };
    let proxied = TestApp::spawn_with(b, Data::Fixtures, |s| {
        s.reports_per_hour = 1;
        s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let statuses = [
        send(&proxied, "192.0.2.1").await.unwrap().status().as_u16(),
        send(&proxied, "192.0.2.2").await.unwrap().status().as_u16(),
        send(&proxied, "192.0.2.1").await.unwrap().status().as_u16(),
    ];
    assert_eq!(statuses, [202, 202, 429]);
    let direct = TestApp::spawn_with(b, Data::Fixtures, |s| s.reports_per_hour = 1).await;
    let statuses = [
        send(&direct, "192.0.2.1").await.unwrap().status().as_u16(),
        send(&direct, "192.0.2.2").await.unwrap().status().as_u16(),
    ];
    assert_eq!(
        statuses,
        [202, 429],
        "a forged header does not escape the limit"
    );
}

both_backends!(
    report_limits_count_clients_behind_a_trusted_proxy,
    reviewed_change_is_published_with_history,
    create_archive_revert_and_reject,
    stale_versions_and_conflicting_approvals,
    parallel_writers_lose_no_update,
    second_node_sees_approved_change_within_a_second,
    verification_reports_and_queue,
    proposals_are_validated,
    accounts_and_tokens,
    curation_cors_only_for_configured_origins,
);
