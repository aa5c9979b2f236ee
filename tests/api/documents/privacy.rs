//! Privacy: nothing sent to `/v1/documents` is stored or logged. A unique
//! marker goes through every template and format, and through requests
//! that fail where error messages quote the value sent (a wrong type, an
//! unknown enum value, an unknown field name, a bad format or Accept);
//! with the log captured at its most verbose level (trace), the marker
//! must appear in no log line and nowhere in the database (the SQLite
//! files, or a full pg_dump of schema and data).

use reqwest::Method;
use serde_json::{json, Value};

use super::{body, post, FORMATS, TEMPLATES};
use crate::both_backends;
use crate::helpers::{captured_logs, wait_for_log_line, Backend, Data, TestApp};

/// Requests that fail, each with the marker where the error may quote it,
/// and the status each must get.
fn refused(template: &str, marker: &str) -> Vec<(String, Value, u16)> {
    let m = marker;
    let mut cases = vec![
        // An unknown field, with the marker as value and as name.
        (
            "?format=md".to_owned(),
            json!({"patient": {"name": m, "email": m}, "bogus": m}),
            400,
        ),
        ("?format=md".to_owned(), json!({ m: m }), 400),
        (
            "?format=md".to_owned(),
            json!({"patient": {"name": "A", m: 1}}),
            400,
        ),
        // A wrong type: serde quotes the string it did not expect.
        (
            "?format=md".to_owned(),
            json!({"patient": {"name": ["a list", m]}}),
            422,
        ),
        // A bad format in the query string.
        (format!("?format={m}"), body(template, "A", m), 406),
    ];
    match template {
        "consultation-questions" => cases.push((
            "?format=md".to_owned(),
            json!({"patient": {"name": "A"}, "subtype": 5, "own_questions": m}),
            422,
        )),
        "insurer-appeal" => cases.push((
            "?format=md".to_owned(),
            json!({"patient": {"name": "A"}, "requested_action": m}),
            422,
        )),
        _ => {
            cases.push((
                "?format=md".to_owned(),
                json!({"patient": {"name": "A"}, "diagnosis": {"grade": m}}),
                422,
            ));
            cases.push((
                "?format=md".to_owned(),
                json!({"patient": {"name": "A"}, "diagnosis": {"size_cm": m}}),
                422,
            ));
            cases.push((
                "?format=md".to_owned(),
                json!({"patient": {"name": "A", "date_of_birth": m}, "diagnosis": {}}),
                422,
            ));
        }
    }
    if template == "second-opinion" {
        cases.push((
            "?format=md".to_owned(),
            json!({"patient": {"name": "A"}, "diagnosis": {}, "records": [m]}),
            422,
        ));
        cases.push((
            "?format=md".to_owned(),
            json!({"patient": {"name": "A"}, "diagnosis": {}, "evidence": [m]}),
            422,
        ));
        cases.push((
            "?format=md".to_owned(),
            json!({"patient": {"name": "A"}, "diagnosis": {}, "target": {"centre_id": m}}),
            404,
        ));
    }
    cases
}

async fn nothing_sent_is_stored_or_logged(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    assert_eq!(
        log::max_level(),
        log::LevelFilter::Trace,
        "the servers' log is captured at its most verbose level"
    );
    let marker = format!("PRIVACY{}", uuid::Uuid::new_v4().simple());
    for template in TEMPLATES {
        for (format, _) in FORMATS {
            let res = post(
                &app,
                template,
                &format!("?format={format}"),
                &body(template, &format!("Name {marker}"), &marker),
            )
            .await;
            assert_eq!(res.status, 200, "{template} {format}: {}", res.text);
            assert_eq!(res.header("cache-control"), Some("no-store"));
        }
        for (query, bad, status) in refused(template, &marker) {
            let res = post(&app, template, &query, &bad).await;
            assert_eq!(res.status, status, "{template}{query} {bad}: {}", res.text);
            assert_eq!(res.header("cache-control"), Some("no-store"));
        }
        // The marker in a header the server reads.
        let res = app
            .req(Method::POST, &format!("/v1/documents/{template}"))
            .header("Accept", &format!("text/{marker}"))
            .json(&body(template, "A", &marker))
            .send()
            .await;
        assert_eq!(res.status, 406, "{template} Accept: {}", res.text);
        // Malformed JSON around the marker.
        let res = app
            .req(Method::POST, &format!("/v1/documents/{template}?format=md"))
            .body("application/json", format!("{{\"patient\": {marker}}}"))
            .send()
            .await;
        assert_eq!(res.status, 400, "{template} malformed: {}", res.text);
    }
    // A last request of this test's own, with a unique path: once its
    // request-log line is there, every earlier request's is too (one
    // worker answers them in turn, and logs each after answering).
    let sentinel = format!("/privacy-sentinel-{}", uuid::Uuid::new_v4().simple());
    assert_eq!(app.get(&sentinel).await.status, 404);
    let logs = wait_for_log_line(&format!("GET {sentinel} 404")).await;
    assert!(
        logs.contains("POST /v1/documents/second-opinion 200"),
        "the requests were logged, without their bodies"
    );
    let leaked: Vec<&str> = logs.lines().filter(|l| l.contains(&marker)).collect();
    assert!(
        leaked.is_empty(),
        "the marker reached the log in {} line(s), e.g.:\n{}",
        leaked.len(),
        leaked
            .iter()
            .take(5)
            .copied()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(!captured_logs().is_empty());
    let stored = app.database_bytes();
    assert!(!stored.is_empty());
    assert!(
        stored
            .windows(b"fake-houston".len())
            .any(|w| w == b"fake-houston"),
        "the search covers the stored listings"
    );
    assert!(
        !stored.windows(marker.len()).any(|w| w == marker.as_bytes()),
        "the marker reached the database"
    );
}

both_backends!(nothing_sent_is_stored_or_logged);
