//! Privacy: nothing sent to `/v1/documents` is stored or logged. A unique
//! marker goes through every template, language and format, and through requests
//! that fail where error messages quote the value sent (a wrong type, an
//! unknown enum value, an unknown field name, a bad format or Accept);
//! with the log captured at its most verbose level (trace), the marker
//! must appear in no log line and nowhere in the database (the SQLite
//! files, or a full pg_dump of schema and data).

use reqwest::Method;
use serde_json::{json, Value};

use super::{body, post, FORMATS, TEMPLATES};
use crate::both_backends;
use crate::helpers::{wait_for_log_line, Backend, Data, TestApp};

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
    // A language, paper or country that is not one.
    for (field, value) in [("lang", m), ("paper", m)] {
        let mut b = body(template, "A", m);
        b[field] = json!(value);
        cases.push(("?format=md".to_owned(), b, 422));
    }
    if template != "consultation-questions" {
        let mut b = body(template, "A", m);
        b["patient"]["country"] = json!(m);
        cases.push(("?format=md".to_owned(), b, 422));
    }
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

/// Every template in `formats` with the marker in every field, then every
/// refused request; each must get its exact status.
async fn send_everything(app: &TestApp, marker: &str, formats: Vec<&str>) {
    let marker = marker.to_owned();
    for template in TEMPLATES {
        // Every language the template is written in.
        let langs: &[&str] = if template == "insurer-appeal" {
            &["en"]
        } else {
            &["en", "de", "fr", "es", "it"]
        };
        for lang in langs {
            for format in &formats {
                let mut request = body(template, &format!("Name {marker}"), &marker);
                request["lang"] = json!(lang);
                let res = post(app, template, &format!("?format={format}"), &request).await;
                assert_eq!(res.status, 200, "{template} {lang} {format}: {}", res.text);
                assert_eq!(res.header("cache-control"), Some("no-store"));
            }
        }
        // The marker in Accept-Language, which the server reads.
        let res = app
            .req(Method::POST, &format!("/v1/documents/{template}?format=md"))
            .header("Accept-Language", &format!("{marker}, de;q=0.5"))
            .json(&body(template, "A", &marker))
            .send()
            .await;
        assert_eq!(res.status, 200, "{template} Accept-Language: {}", res.text);
        for (query, bad, status) in refused(template, &marker) {
            let res = post(app, template, &query, &bad).await;
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
}

/// Log lines holding the marker (at most five shown).
fn lines_with<'a>(log: &'a str, marker: &str) -> Vec<&'a str> {
    log.lines().filter(|l| l.contains(marker)).collect()
}

async fn nothing_sent_is_stored_or_logged(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    assert_eq!(
        log::max_level(),
        log::LevelFilter::Trace,
        "the servers' log is captured at its most verbose level"
    );
    let marker = format!("PRIVACY{}", uuid::Uuid::new_v4().simple());
    send_everything(&app, &marker, FORMATS.iter().map(|(f, _)| *f).collect()).await;
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

    // The real binary too, as deployed, with RUST_LOG=trace.
    let node = app.spawn_peer_process_with(&[("RUST_LOG", "trace")]).await;
    send_everything(&node, &marker, vec!["md"]).await;
    let sentinel = format!("/privacy-sentinel-{}", uuid::Uuid::new_v4().simple());
    assert_eq!(node.get(&sentinel).await.status, 404);
    let line = format!("GET {sentinel} 404");
    let node_log = crate::helpers::eventually(
        "the node logs the sentinel request",
        std::time::Duration::from_secs(10),
        || async {
            let log = node.process_log().unwrap_or_default();
            if log.contains(&line) {
                Ok(log)
            } else {
                Err("not logged yet".to_owned())
            }
        },
    )
    .await;
    assert!(
        node_log.contains("TRACE") || node_log.contains("DEBUG"),
        "the node logged at its most verbose level"
    );

    let stored = app.database_bytes();
    assert!(!stored.is_empty());
    assert!(
        stored
            .windows(b"fake-houston".len())
            .any(|w| w == b"fake-houston"),
        "the search covers the stored listings"
    );
    let in_database = stored.windows(marker.len()).any(|w| w == marker.as_bytes());
    let in_log = lines_with(&logs, &marker);
    let in_node_log = lines_with(&node_log, &marker);
    let show = |lines: &[&str]| lines.iter().take(5).copied().collect::<Vec<_>>().join("\n");
    assert!(
        in_log.is_empty() && in_node_log.is_empty() && !in_database,
        "the marker leaked: in the database: {in_database}; in {} line(s) of the \
         in-process log, e.g.:\n{}\nin {} line(s) of the binary's log (RUST_LOG=trace), \
         e.g.:\n{}",
        in_log.len(),
        show(&in_log),
        in_node_log.len(),
        show(&in_node_log)
    );
}

both_backends!(nothing_sent_is_stored_or_logged);
