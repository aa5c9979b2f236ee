//! Trusted proxies: behind a trusted proxy, reports are counted per client
//! named in X-Forwarded-For; from anyone else the header is ignored.

use reqwest::Method;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{Backend, Data, TestApp};

async fn send(app: &TestApp, client: &str) -> u16 {
    let report = json!({"category": "other", "details": "Fictional report for a test."});
    app.req(Method::POST, "/v1/centres/fake-houston/reports")
        .header("X-Forwarded-For", &format!("198.51.100.7, {client}"))
        .json(&report)
        .send()
        .await
        .status
}

async fn report_limits_count_clients_behind_a_trusted_proxy(b: Backend) {
    let proxied = TestApp::spawn_with(b, Data::Fixtures, |s| {
        s.reports_per_hour = 1;
        s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let statuses = [
        send(&proxied, "192.0.2.1").await,
        send(&proxied, "192.0.2.2").await,
        send(&proxied, "192.0.2.1").await,
    ];
    assert_eq!(statuses, [202, 202, 429]);
    let direct = TestApp::spawn_with(b, Data::Fixtures, |s| s.reports_per_hour = 1).await;
    let statuses = [
        send(&direct, "192.0.2.1").await,
        send(&direct, "192.0.2.2").await,
    ];
    assert_eq!(
        statuses,
        [202, 429],
        "a forged header does not escape the limit"
    );
}

both_backends!(report_limits_count_clients_behind_a_trusted_proxy);
