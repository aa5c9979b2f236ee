//! Document requests are validated field by field; malformed, oversized
//! and unacceptable requests get the right problem; the format comes from
//! `format`, else `Accept`, else PDF.

use reqwest::Method;
use serde_json::json;

use super::{body, post};
use crate::helpers::{Backend, Data, TestApp};
use crate::sqlite_once;

async fn validation_lists_each_field(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let res = post(&app, "second-opinion", "?format=md", &json!({"patient": {"email": "not-an-email", "date_of_birth": "2999-01-01"},
        "diagnosis": {"grade": "enormous", "margins": "fuzzy", "size_cm": -3}, "records": ["photos"]})).await;
    let problem = res.assert_problem(422, None);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in [
        "patient.name",
        "patient.email",
        "patient.date_of_birth",
        "diagnosis.grade",
        "diagnosis.margins",
        "diagnosis.size_cm",
        "records",
    ] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    post(&app, "insurer-appeal", "?format=md", &json!({}))
        .await
        .assert_problem(422, Some("requested_action"));
    post(
        &app,
        "second-opinion",
        "?format=md",
        &json!({"patient": {"name": "x".repeat(201)}, "diagnosis": {}}),
    )
    .await
    .assert_problem(422, Some("patient.name"));
    post(&app, "pathology-records", "?format=md", &json!({"patient": {"name": "A"}, "pathology_department": "P", "upcoming_surgery_date": "2001-01-01"}))
        .await.assert_problem(422, Some("upcoming_surgery_date"));
    post(
        &app,
        "second-opinion",
        "?format=md",
        &json!({"patient": {"name": 5}}),
    )
    .await
    .assert_problem(422, Some("patient.name"));
    post(
        &app,
        "second-opinion",
        "?format=md",
        &json!({"patient": {"name": "A", "nickname": "B"}}),
    )
    .await
    .assert_problem(400, Some("patient.nickname"));
    let evidence = json!({"patient": {"name": "A"}, "diagnosis": {"subtype": "lms"}, "evidence": ["made-up-study"]});
    post(&app, "second-opinion", "?format=md", &evidence)
        .await
        .assert_problem(422, Some("evidence"));
}

async fn malformed_oversized_and_unacceptable_requests(b: Backend) {
    let app = TestApp::spawn(b, Data::Empty).await;
    let url = "/v1/documents/second-opinion";
    let post = || app.req(Method::POST, url);
    post()
        .body("application/json", "{\"patient\": ")
        .send()
        .await
        .assert_problem(400, None);
    post()
        .body("text/plain", "{}")
        .send()
        .await
        .assert_problem(415, None);
    let huge = json!({"patient": {"name": "A", "address": "x".repeat(70_000)}});
    post().json(&huge).send().await.assert_problem(413, None);
    let ok = body("second-opinion", "A", "M3");
    app.req(Method::POST, &format!("{url}?format=odt"))
        .json(&ok)
        .send()
        .await
        .assert_problem(406, None);
    post()
        .header("Accept", "image/png")
        .json(&ok)
        .send()
        .await
        .assert_problem(406, None);
    let minimal = json!({"patient": {"name": "A"}, "diagnosis": {}});
    let res = post()
        .header("Accept", "text/markdown")
        .json(&minimal)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(
        res.header("content-type"),
        Some("text/markdown; charset=utf-8")
    );
    assert!(res.text.contains("not medical advice"), "{}", res.text);
    let res = post()
        .header(
            "Accept",
            "text/html;q=0.5, application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        .json(&minimal)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert!(res
        .header("content-type")
        .unwrap()
        .starts_with("application/vnd.openxmlformats"));
    assert!(res.bytes.starts_with(b"PK"), "a DOCX is a zip package");
    // Neither `format` nor `Accept`: a PDF.
    let res = post().json(&minimal).send().await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.header("content-type"), Some("application/pdf"));
    assert!(res.bytes.starts_with(b"%PDF-"));
    app.req(Method::POST, "/v1/documents/love-letter")
        .send()
        .await
        .assert_problem(404, None);
}

sqlite_once!(
    validation_lists_each_field,
    malformed_oversized_and_unacceptable_requests,
);
