//! Curation, one file per feature: accounts and tokens, proposals, review,
//! the audit trail and public history, verifications, problem reports,
//! the review queue, list filters and paging, concurrency, several nodes,
//! and the security matrix. The helpers here read a stored listing and
//! propose, approve, reject and withdraw changes over HTTP.

mod accounts;
mod audit_history;
mod bulk;
mod concurrency;
mod lists;
mod nodes;
mod proposal_validation;
mod proposals;
mod queue;
mod reports;
mod review;
mod search;
mod security;
mod verifications;

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{Response, TestApp};

pub const SOURCE: &str = "https://example.org/fictional-test-source";

/// The stored entity and its ETag, as a curator reads it.
pub async fn stored(app: &TestApp, token: &str, kind: &str, id: &str) -> (Value, String) {
    let res = app
        .get_json(&format!("/v1/curation/{kind}s/{id}"), token)
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let etag = res.header("etag").expect("an ETag").to_owned();
    (res.json()["entity"].clone(), etag)
}

/// A proposal body with a reason and one source.
pub fn proposal(kind: &str, action: &str, id: &str, entity: Option<Value>) -> Value {
    let mut p = json!({
        "kind": kind,
        "action": action,
        "id": id,
        "reason": "Fictional test change with a reason",
        "sources": [{"url": SOURCE, "citation": null, "retrieved": "2026-11-01"}],
    });
    if let Some(e) = entity {
        p["entity"] = e;
    }
    p
}

pub async fn propose(app: &TestApp, token: &str, if_match: Option<&str>, body: &Value) -> Response {
    app.send(
        Method::POST,
        "/v1/curation/proposals",
        Some(token),
        if_match,
        Some(body),
    )
    .await
}

/// Proposes a change to a stored centre made by `change`; asserts 201.
pub async fn propose_update(
    app: &TestApp,
    token: &str,
    id: &str,
    change: impl FnOnce(&mut Value),
) -> Response {
    let (mut centre, etag) = stored(app, token, "centre", id).await;
    change(&mut centre);
    let p = propose(
        app,
        token,
        Some(&etag),
        &proposal("centre", "update", id, Some(centre)),
    )
    .await;
    assert_eq!(p.status, 201, "{}", p.text);
    p
}

/// Decides a proposal (`approve`, `reject` or `withdraw`) with its ETag.
pub async fn decide(
    app: &TestApp,
    token: &str,
    proposal: &Response,
    decision: &str,
    body: Option<&Value>,
) -> Response {
    let id = proposal.json()["id"].as_i64().unwrap();
    let etag = proposal.header("etag").unwrap().to_owned();
    app.send(
        Method::POST,
        &format!("/v1/curation/proposals/{id}/{decision}"),
        Some(token),
        Some(&etag),
        body,
    )
    .await
}

pub async fn approve(app: &TestApp, token: &str, proposal: &Response) -> Response {
    decide(app, token, proposal, "approve", None).await
}

/// Approves, asserting 200 and the approved status.
pub async fn approve_ok(app: &TestApp, token: &str, proposal: &Response) -> Value {
    let body = approve(app, token, proposal).await.expect(200);
    assert_eq!(body["status"], "approved", "{body}");
    body
}

/// A public problem report about a listing; asserts 202.
pub async fn report(app: &TestApp, kind: &str, id: &str, details: &str) -> i64 {
    let res = app
        .post_json(
            &format!("/v1/{kind}s/{id}/reports"),
            None,
            &json!({"category": "other", "details": details}),
        )
        .await;
    assert_eq!(res.status, 202, "{}", res.text);
    res.json()["id"].as_i64().unwrap()
}

/// A verification body for today.
pub fn verification_today() -> Value {
    json!({
        "method": "telephone_call",
        "verified_on": chrono::Utc::now().date_naive().to_string(),
        "source": {"url": null, "citation": "Telephone call to the fictional unit's office", "retrieved": "2026-11-01"},
        "note": null
    })
}
