//! Every secured endpoint (curation reads and writes) refuses missing,
//! malformed, unknown, revoked and expired tokens (401), inactive accounts
//! (401) and too low a role (403), and changes nothing; tokens never reach
//! the log.

use reqwest::Method;
use sarcoma_directory::curation::model::Role;
use sarcoma_directory::curation::{accounts as auth, backup};
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{captured_logs, Backend, Data, TestApp};

/// The least role each curation operation needs for another account's
/// resources. The test below takes the operations from the served spec:
/// every operation under `/v1/curation/` (and any other the spec secures)
/// must be here and must carry `security` in the spec.
const ROLES: &[(&str, &str, Role)] = &[
    ("GET", "/v1/curation/me", Role::Curator),
    ("GET", "/v1/curation/accounts", Role::Admin),
    ("GET", "/v1/curation/accounts/{id}", Role::Admin),
    ("GET", "/v1/curation/centres", Role::Curator),
    ("GET", "/v1/curation/clinicians", Role::Curator),
    ("GET", "/v1/curation/facts", Role::Curator),
    ("GET", "/v1/curation/centres/{id}", Role::Curator),
    ("GET", "/v1/curation/clinicians/{id}", Role::Curator),
    ("GET", "/v1/curation/facts/{id}", Role::Curator),
    ("GET", "/v1/curation/proposals", Role::Curator),
    ("GET", "/v1/curation/proposals/{id}", Role::Reviewer),
    ("GET", "/v1/curation/audit", Role::Reviewer),
    ("GET", "/v1/curation/queue", Role::Reviewer),
    ("GET", "/v1/curation/reports", Role::Reviewer),
    ("POST", "/v1/curation/accounts", Role::Admin),
    ("PATCH", "/v1/curation/accounts/{id}", Role::Admin),
    ("POST", "/v1/curation/accounts/{id}/tokens", Role::Admin),
    ("DELETE", "/v1/curation/tokens/{id}", Role::Admin),
    ("POST", "/v1/curation/proposals", Role::Curator),
    ("POST", "/v1/curation/proposals/approve", Role::Reviewer),
    (
        "POST",
        "/v1/curation/proposals/{id}/approve",
        Role::Reviewer,
    ),
    ("POST", "/v1/curation/proposals/{id}/reject", Role::Reviewer),
    (
        "POST",
        "/v1/curation/proposals/{id}/withdraw",
        Role::Curator,
    ),
    (
        "POST",
        "/v1/curation/centres/{id}/verifications",
        Role::Reviewer,
    ),
    (
        "POST",
        "/v1/curation/clinicians/{id}/verifications",
        Role::Reviewer,
    ),
    ("POST", "/v1/curation/reports/{id}/resolve", Role::Reviewer),
];

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The operations to check, from the spec the server serves: every one
/// under `/v1/curation/` and every other one marked with `security`.
/// Fails when a curation operation lacks `security` in the spec.
fn operations_from_spec(spec: &Value) -> Vec<(String, String, Role)> {
    let mut out = Vec::new();
    let mut unsecured = Vec::new();
    let mut unknown = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let secured = op.get("security").is_some_and(|s| !s.is_null());
            let curation = path.starts_with("/v1/curation/");
            if curation && !secured {
                unsecured.push(format!("{} {path}", method.to_uppercase()));
            }
            if !(curation || secured) {
                continue;
            }
            let method = method.to_uppercase();
            match ROLES.iter().find(|(m, p, _)| *m == method && p == path) {
                Some((_, _, role)) => out.push((method, path.clone(), *role)),
                None => unknown.push(format!("{method} {path}")),
            }
        }
    }
    assert!(
        unsecured.is_empty(),
        "curation operations without `security` in the spec: {unsecured:?}"
    );
    assert!(
        unknown.is_empty(),
        "secured operations missing from ROLES (add the role they need): {unknown:?}"
    );
    assert_eq!(
        out.len(),
        ROLES.len(),
        "ROLES names operations the spec does not have"
    );
    out.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    out
}

async fn every_secured_endpoint_refuses_bad_credentials(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let operations = operations_from_spec(&app.get_ok("/openapi.json").await);
    let admin = app.account("Fake Admin", Role::Admin);
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    // A real proposal, report and foreign token for the paths to name.
    let stored = app
        .send(
            Method::GET,
            "/v1/curation/centres/fake-houston",
            Some(&curator),
            None,
            None,
        )
        .await;
    let mut centre = stored.json()["entity"].clone();
    centre["notes"] = json!("Fictional change");
    let proposal = app
        .send(Method::POST, "/v1/curation/proposals", Some(&reviewer), stored.header("etag"),
            Some(&json!({"kind": "centre", "action": "update", "id": "fake-houston", "entity": centre,
                "reason": "Fictional reason for the test", "sources": [{"url": "https://example.org/x", "citation": null, "retrieved": "2026-11-01"}]})))
        .await;
    assert_eq!(proposal.status, 201, "{}", proposal.text);
    let proposal_id = proposal.json()["id"].to_string();
    let report = app
        .send(
            Method::POST,
            "/v1/centres/fake-houston/reports",
            None,
            None,
            Some(&json!({"category": "other", "details": "Fictional report for the test"})),
        )
        .await;
    assert_eq!(report.status, 202, "{}", report.text);
    let report_id = report.json()["id"].to_string();
    let admin_me = app
        .send(Method::GET, "/v1/curation/me", Some(&admin), None, None)
        .await
        .json();
    let admin_id = admin_me["id"].as_str().unwrap().to_owned();
    let admin_token_id = admin_me["tokens"][0]["id"].as_str().unwrap().to_owned();

    // The bad credentials.
    let (revoked, expired, inactive) = {
        let mut conn = app.db.get().unwrap();
        let revoked = auth::issue_token(&mut conn, &admin_id, None, None, None).unwrap();
        let expired = auth::issue_token(
            &mut conn,
            &admin_id,
            None,
            Some(chrono::Utc::now() - chrono::Duration::hours(1)),
            None,
        )
        .unwrap();
        let (_, inactive) =
            auth::create_account(&mut conn, "Fake Former Admin", Role::Admin, None, None).unwrap();
        (revoked, expired, inactive)
    };
    let res = app
        .send(
            Method::DELETE,
            &format!("/v1/curation/tokens/{}", revoked.id),
            Some(&admin),
            None,
            None,
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.text);
    let inactive_id = app
        .send(
            Method::GET,
            "/v1/curation/me",
            Some(&inactive.token),
            None,
            None,
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .send(
            Method::PATCH,
            &format!("/v1/curation/accounts/{inactive_id}"),
            Some(&admin),
            None,
            Some(&json!({"active": false})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let unknown = format!("sdt_{}", "A".repeat(43));

    let before = backup::export(&mut app.db.get().unwrap()).unwrap();
    let body = json!({"reason": "Fictional"});
    let mut role_checks = 0;
    for (method, template, needs) in &operations {
        let path = template
            .replace("accounts/{id}", &format!("accounts/{admin_id}"))
            .replace("tokens/{id}", &format!("tokens/{admin_token_id}"))
            .replace("proposals/{id}", &format!("proposals/{proposal_id}"))
            .replace("centres/{id}", "centres/fake-houston")
            .replace("facts/{id}", "facts/fake-fact-houston-volume")
            .replace("clinicians/{id}", "clinicians/fake-dr-alpha")
            .replace("reports/{id}", &format!("reports/{report_id}"));
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let send = |auth: Option<String>| {
            let mut req = app.req(method.clone(), &path).if_match("\"r1\"");
            if method != Method::GET {
                req = req.json(&body);
            }
            if let Some(a) = auth {
                req = req.header("Authorization", &a);
            }
            req.send()
        };
        let cases: Vec<(&str, Option<String>, u16)> = vec![
            ("no token", None, 401),
            ("malformed token", Some("Bearer not-a-token".into()), 401),
            ("another scheme", Some(format!("Basic {unknown}")), 401),
            ("unknown token", Some(format!("Bearer {unknown}")), 401),
            (
                "revoked token",
                Some(format!("Bearer {}", revoked.token)),
                401,
            ),
            (
                "expired token",
                Some(format!("Bearer {}", expired.token)),
                401,
            ),
            (
                "inactive account",
                Some(format!("Bearer {}", inactive.token)),
                401,
            ),
        ];
        for (case, auth, status) in cases {
            let res = send(auth).await;
            assert_eq!(res.status, status, "{method} {path} with {case}");
            if status == 401 {
                assert!(res
                    .header("www-authenticate")
                    .unwrap_or_default()
                    .starts_with("Bearer"));
            }
            assert_eq!(res.header("content-type"), Some("application/problem+json"));
        }
        let lower = match needs {
            Role::Admin => Some(&reviewer),
            Role::Reviewer => Some(&curator),
            Role::Curator => None,
        };
        if let Some(token) = lower {
            let res = send(Some(format!("Bearer {token}"))).await;
            assert_eq!(res.status, 403, "{method} {path} with too low a role");
            role_checks += 1;
        }
    }
    assert!(role_checks > 10, "too low a role was tried: {role_checks}");
    // Only its author withdraws a proposal; a curator may not list others'.
    let res = app
        .send(
            Method::POST,
            &format!("/v1/curation/proposals/{proposal_id}/withdraw"),
            Some(&curator),
            proposal.header("etag"),
            None,
        )
        .await;
    res.assert_problem(403, None);
    let reviewer_id = proposal.json()["proposed_by"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.send(
        Method::GET,
        &format!("/v1/curation/proposals?proposed_by={reviewer_id}"),
        Some(&curator),
        None,
        None,
    )
    .await
    .assert_problem(403, None);

    let after = backup::export(&mut app.db.get().unwrap()).unwrap();
    assert_eq!(before, after, "a refused request changed the database");

    let logs = captured_logs();
    for secret in [
        &admin,
        &curator,
        &reviewer,
        &revoked.token,
        &expired.token,
        &inactive.token,
    ] {
        assert!(!logs.contains(secret.as_str()), "a token reached the log");
    }
}

both_backends!(every_secured_endpoint_refuses_bad_credentials);
