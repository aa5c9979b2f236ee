//! Curation lists (proposals, audit trail, review queue): their filters,
//! and paging that follows `next_cursor` to the end without duplicates or
//! gaps.

use serde_json::{json, Value};

use super::{approve_ok, propose_update};
use crate::both_backends;
use crate::helpers::{ids, some_items, Backend, Data, TestApp};
use sarcoma_directory::curation::model::Role;

/// Percent-encodes a cursor for a query string (cursors are opaque).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Every item of a curation list, page by page, following `next_cursor`.
async fn walk(app: &TestApp, token: &str, path: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = match &cursor {
            Some(c) => format!("{path}{sep}cursor={}", encode(c)),
            None => path.to_owned(),
        };
        let page = app.get_json(&url, token).await.expect(200);
        let items = some_items(&page);
        all.extend(items.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => {
                assert!(page["next_cursor"].is_null(), "{page}");
                break;
            }
        }
        assert!(all.len() < 1000, "paging does not end");
    }
    all
}

fn field(items: &[Value], name: &str) -> Vec<String> {
    items
        .iter()
        .map(|i| match &i[name] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

async fn proposal_filters_and_pages(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Fake Curator", Role::Curator);
    let other = app.account("Fake Other Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let mut mine = Vec::new();
    for id in ["fake-houston", "fake-dallas", "fake-boston", "fake-paris"] {
        let p = propose_update(&app, &curator, id, |c| c["notes"] = json!("Fictional")).await;
        mine.push(p.json()["id"].clone());
    }
    let p = propose_update(&app, &other, "fake-koln", |c| {
        c["notes"] = json!("Fictional")
    })
    .await;
    let theirs = p.json()["id"].clone();
    let approved = propose_update(&app, &curator, "fake-london", |c| {
        c["notes"] = json!("Fictional")
    })
    .await;
    approve_ok(&app, &reviewer, &approved).await;
    mine.push(approved.json()["id"].clone());

    // A curator sees only their own, in pages of two.
    let walked = walk(&app, &curator, "/v1/curation/proposals?limit=2").await;
    let mut walked_ids: Vec<Value> = walked.iter().map(|p| p["id"].clone()).collect();
    let unique: std::collections::HashSet<String> =
        walked_ids.iter().map(|v| v.to_string()).collect();
    assert_eq!(unique.len(), walked_ids.len(), "no duplicates");
    walked_ids.sort_by_key(|v| v.as_i64());
    assert_eq!(walked_ids, mine);
    // A reviewer sees everyone's; filters narrow it down.
    let all = walk(&app, &reviewer, "/v1/curation/proposals?limit=4").await;
    assert_eq!(all.len(), 6);
    let open = walk(
        &app,
        &reviewer,
        "/v1/curation/proposals?status=open&limit=2",
    )
    .await;
    assert_eq!(open.len(), 5);
    assert!(field(&open, "status").iter().all(|s| s == "open"));
    let approved_only = walk(&app, &reviewer, "/v1/curation/proposals?status=approved").await;
    assert_eq!(field(&approved_only, "entity_id"), ["fake-london"]);
    let by_entity = walk(
        &app,
        &reviewer,
        "/v1/curation/proposals?kind=centre&entity_id=fake-koln",
    )
    .await;
    assert_eq!(field(&by_entity, "id"), [theirs.to_string()]);
    let other_id = p.json()["proposed_by"]["id"].as_str().unwrap().to_owned();
    let by_author = walk(
        &app,
        &reviewer,
        &format!("/v1/curation/proposals?proposed_by={other_id}"),
    )
    .await;
    assert_eq!(field(&by_author, "entity_id"), ["fake-koln"]);
    let none = app
        .get_json("/v1/curation/proposals?kind=clinician", &reviewer)
        .await
        .expect(200);
    assert!(ids(&none).is_empty(), "{none}");
    for bad in [
        "status=maybe",
        "kind=person",
        "limit=0",
        "limit=201",
        "cursor=garbage",
        "colour=red",
    ] {
        let field = bad.split('=').next().unwrap();
        let res = app
            .get_json(&format!("/v1/curation/proposals?{bad}"), &reviewer)
            .await;
        assert_eq!(
            res.status,
            400,
            "{bad}: {}",
            &res.text[..res.text.len().min(300)]
        );
        res.assert_problem(400, Some(field));
    }
}

async fn audit_filters_and_pages(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    for note in ["one", "two", "three"] {
        let p = propose_update(&app, &curator, "fake-montreal", |c| {
            c["notes"] = json!(format!("Fictional note {note}"))
        })
        .await;
        approve_ok(&app, &reviewer, &p).await;
    }
    let whole = walk(&app, &reviewer, "/v1/curation/audit?limit=100").await;
    let paged = walk(&app, &reviewer, "/v1/curation/audit?limit=3").await;
    assert_eq!(field(&paged, "seq"), field(&whole, "seq"), "pages add up");
    assert!(whole.len() > 4, "the fixtures' imports are audited too");
    let montreal = walk(
        &app,
        &reviewer,
        "/v1/curation/audit?kind=centre&entity_id=fake-montreal&limit=1",
    )
    .await;
    assert_eq!(
        field(&montreal, "action"),
        ["imported", "updated", "updated", "updated"]
    );
    assert_eq!(field(&montreal, "revision"), ["1", "2", "3", "4"]);
    assert_eq!(montreal[3]["after"]["notes"], "Fictional note three");
    let clinicians = walk(&app, &reviewer, "/v1/curation/audit?kind=clinician").await;
    assert!(field(&clinicians, "kind").iter().all(|k| k == "clinician"));
    let account = montreal[1]["proposed_by"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let by_account = walk(
        &app,
        &reviewer,
        &format!("/v1/curation/audit?account={account}&limit=2"),
    )
    .await;
    assert_eq!(by_account.len(), 3);
    app.get_json("/v1/curation/audit?kind=person", &reviewer)
        .await
        .assert_problem(400, Some("kind"));
}

async fn queue_filters_and_pages(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    super::report(
        &app,
        "centre",
        "fake-koln",
        "Fictional: wrong phone number.",
    )
    .await;
    let whole = walk(&app, &reviewer, "/v1/curation/queue?limit=100").await;
    let paged = walk(&app, &reviewer, "/v1/curation/queue?limit=2").await;
    let key = |items: &[Value]| -> Vec<String> {
        items
            .iter()
            .map(|i| format!("{} {}", i["kind"], i["id"]))
            .collect()
    };
    assert_eq!(key(&paged), key(&whole), "pages add up");
    assert_eq!(whole[0]["id"], "fake-koln", "open reports first");
    let centres = walk(&app, &reviewer, "/v1/curation/queue?kind=centre").await;
    assert!(field(&centres, "kind").iter().all(|k| k == "centre"));
    let clinicians = walk(&app, &reviewer, "/v1/curation/queue?kind=clinician").await;
    assert!(field(&clinicians, "kind").iter().all(|k| k == "clinician"));
    assert_eq!(centres.len() + clinicians.len(), whole.len());
    let reported = walk(&app, &reviewer, "/v1/curation/queue?reason=open_reports").await;
    assert_eq!(field(&reported, "id"), ["fake-koln"]);
    app.get_json("/v1/curation/queue?reason=bored", &reviewer)
        .await
        .assert_problem(400, Some("reason"));
}

both_backends!(
    proposal_filters_and_pages,
    audit_filters_and_pages,
    queue_filters_and_pages,
);
