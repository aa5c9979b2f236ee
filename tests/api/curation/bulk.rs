//! Bulk approval: many proposals in one request, each checked as a single
//! approval is; `each` applies what it can, `all` applies all or nothing.

use serde_json::{json, Value};

use super::propose_update;
use crate::both_backends;
use crate::helpers::{Backend, Data, Response, TestApp};
use sarcoma_directory::curation::model::Role;

const PATH: &str = "/v1/curation/proposals/approve";

fn pick(p: &Response) -> Value {
    json!({"id": p.json()["id"], "etag": p.header("etag").unwrap()})
}

async fn phone(app: &TestApp, id: &str) -> Value {
    app.get_ok(&format!("/v1/centres/{id}")).await["phone"].clone()
}

async fn each_mode_applies_what_it_can_and_says_why_not_the_rest(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let set = |n: &str| {
        let n = n.to_owned();
        move |c: &mut Value| c["phone"] = json!(format!("+1 555 0100 {n} (fictional)"))
    };
    let good = propose_update(&app, &curator, "fake-houston", set("1")).await;
    let stale = propose_update(&app, &curator, "fake-dallas", set("2")).await;
    let own = propose_update(&app, &reviewer, "fake-austin", set("3")).await;
    let mut stale_pick = pick(&stale);
    stale_pick["etag"] = json!("\"r99\"");
    let body = json!({"mode": "each", "reason": "Batch of fictional checks",
        "proposals": [pick(&good), stale_pick, pick(&own)]});
    let res = app.post_json(PATH, Some(&reviewer), &body).await;
    assert_eq!(res.header("cache-control"), Some("private, no-store"));
    let out = res.expect(200);
    assert_eq!(out["approved"], 1, "{out}");
    let statuses: Vec<&Value> = out["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["status"])
        .collect();
    assert_eq!(statuses, [200, 412, 403], "{out}");
    assert_eq!(out["results"][0]["proposal"]["status"], "approved");
    assert_eq!(
        out["results"][0]["proposal"]["decision_reason"],
        "Batch of fictional checks"
    );
    assert!(out["results"][2]["problem"]["detail"]
        .as_str()
        .unwrap()
        .contains("own proposal"));
    // Read-your-writes: the approved change shows at once; the others not.
    assert_eq!(
        phone(&app, "fake-houston").await,
        "+1 555 0100 1 (fictional)"
    );
    assert!(phone(&app, "fake-dallas").await.is_null());
    assert!(phone(&app, "fake-austin").await.is_null());
}

async fn all_mode_applies_all_or_nothing(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let a = propose_update(&app, &curator, "fake-houston", |c| {
        c["phone"] = json!("+1 555 0101 (fictional)")
    })
    .await;
    let b2 = propose_update(&app, &curator, "fake-boston", |c| {
        c["phone"] = json!("+1 555 0102 (fictional)")
    })
    .await;
    let mut bad = pick(&b2);
    bad["etag"] = json!("\"r7\"");
    let res = app
        .post_json(
            PATH,
            Some(&reviewer),
            &json!({"mode": "all", "proposals": [pick(&a), bad]}),
        )
        .await;
    let problem = res.assert_problem(409, None);
    let results = problem["results"].as_array().expect("per-proposal results");
    assert_eq!(results[0]["status"], 424, "{problem}");
    assert_eq!(results[1]["status"], 412, "{problem}");
    assert!(
        phone(&app, "fake-houston").await.is_null(),
        "nothing applied"
    );
    let first = app
        .get_json(
            &format!("/v1/curation/proposals/{}", a.json()["id"]),
            &reviewer,
        )
        .await
        .expect(200);
    assert_eq!(first["status"], "open", "rolled back: still open");

    let res = app
        .post_json(
            PATH,
            Some(&reviewer),
            &json!({"mode": "all", "proposals": [pick(&a), pick(&b2)]}),
        )
        .await;
    let out = res.expect(200);
    assert_eq!(out["approved"], 2);
    assert_eq!(phone(&app, "fake-houston").await, "+1 555 0101 (fictional)");
    assert_eq!(phone(&app, "fake-boston").await, "+1 555 0102 (fictional)");
    // Approving again: each says it is decided already.
    let res = app
        .post_json(
            PATH,
            Some(&reviewer),
            &json!({"mode": "each", "proposals": [pick(&a)]}),
        )
        .await;
    assert_eq!(res.expect(200)["results"][0]["status"], 409);
}

async fn bad_batches_are_refused_naming_the_entry(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let ok = json!({"id": 1, "etag": "\"r1\""});
    let cases = [
        (
            json!({"mode": "each", "proposals": []}),
            422,
            Some("proposals"),
        ),
        (
            json!({"mode": "each", "proposals": [ok, ok]}),
            422,
            Some("proposals[1].id"),
        ),
        (
            json!({"mode": "each", "proposals": [{"id": 1, "etag": "r1"}]}),
            422,
            Some("proposals[0].etag"),
        ),
        (
            json!({"mode": "each", "proposals": [{"id": 0, "etag": "\"r1\""}]}),
            422,
            Some("proposals[0].id"),
        ),
        (
            json!({"mode": "sometimes", "proposals": [ok]}),
            422,
            Some("mode"),
        ),
        (
            json!({"mode": "each", "proposals": [ok], "extra": 1}),
            400,
            None,
        ),
        (json!({"proposals": [ok]}), 422, Some("mode")),
    ];
    for (body, status, field) in cases {
        let res = app.post_json(PATH, Some(&reviewer), &body).await;
        res.assert_problem(status, field);
    }
    let many: Vec<Value> = (1..=1001)
        .map(|i| json!({"id": i, "etag": "\"r1\""}))
        .collect();
    app.post_json(
        PATH,
        Some(&reviewer),
        &json!({"mode": "each", "proposals": many}),
    )
    .await
    .assert_problem(422, Some("proposals"));
    // The path is not a proposal id: other methods are 405, with Allow.
    let get = app.get_json(PATH, &reviewer).await;
    get.assert_problem(405, None);
    assert_eq!(get.header("allow"), Some("POST"));
    // Curators cannot approve, in bulk or not.
    app.post_json(
        PATH,
        Some(&curator),
        &json!({"mode": "each", "proposals": [ok]}),
    )
    .await
    .assert_problem(403, None);
    // A proposal that does not exist is that entry's 404.
    let out = app
        .post_json(
            PATH,
            Some(&reviewer),
            &json!({"mode": "each", "proposals": [{"id": 4242, "etag": "\"r1\""}]}),
        )
        .await
        .expect(200);
    assert_eq!(out["results"][0]["status"], 404, "{out}");
    assert_eq!(out["approved"], 0);
}

both_backends!(
    each_mode_applies_what_it_can_and_says_why_not_the_rest,
    all_mode_applies_all_or_nothing,
    bad_batches_are_refused_naming_the_entry,
);
