//! Hostile or unusual requests the plumbing must hold against: encoded
//! paths, `If-None-Match: *`, security headers, control characters,
//! unsafe URLs, search size, PDF limits, and report floods.

use reqwest::Method;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{Backend, Data, TestApp};
use sarcoma_directory::curation::model::Role;

/// `/v1/%63uration/...` is the curation path the router serves: CORS and
/// caching treat it so (no public CORS grant, no shared-cache headers).
async fn encoded_curation_paths_are_treated_as_curation(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let token = app.account("Fake Curator", Role::Curator);
    let res = app
        .req(Method::GET, "/v1/%63uration/me")
        .token(&token)
        .header("Origin", "https://anyone.example")
        .send()
        .await;
    assert_eq!(res.status, 200, "the router serves it: {}", res.text);
    assert!(
        res.header("access-control-allow-origin").is_none(),
        "no public CORS grant for a curation answer"
    );
    assert!(
        res.header("etag").is_none(),
        "not a public, cacheable answer"
    );
    assert_ne!(res.header("cache-control"), Some("public, no-cache"));
}

/// `If-None-Match: *` means "if it exists": 304 for a listing, but a
/// missing one is still a 404.
async fn if_none_match_star_needs_an_existing_resource(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let missing = app
        .req(Method::GET, "/v1/centres/no-such-centre")
        .header("If-None-Match", "*")
        .send()
        .await;
    missing.assert_problem(404, None);
    let existing = app
        .req(Method::GET, "/v1/centres/fake-houston")
        .header("If-None-Match", "*")
        .send()
        .await;
    assert_eq!(existing.status, 304, "{}", existing.text);
    assert!(existing.header("etag").is_some());
}

/// Every answer says `nosniff`; HTML (a letter, the docs) carries a CSP
/// that forbids framing, and letters allow no script at all.
async fn security_headers_on_every_answer(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    for path in ["/v1/centres", "/v1/centres/nope", "/healthz"] {
        let res = app.get(path).await;
        assert_eq!(
            res.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
    }
    let letter = app
        .post_json(
            "/v1/documents/second-opinion?format=html",
            None,
            &json!({"patient": {"name": "Fake Patient"}, "diagnosis": {}}),
        )
        .await;
    assert_eq!(letter.status, 200, "{}", letter.text);
    let csp = letter.header("content-security-policy").expect("a CSP");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("script-src"), "{csp}");
    assert_eq!(letter.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(letter.header("referrer-policy"), Some("no-referrer"));
    let docs = app.get("/docs/").await;
    assert_eq!(docs.status, 200);
    let csp = docs
        .header("content-security-policy")
        .expect("a CSP on /docs");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
}

/// Control characters would corrupt DOCX and HTML: refused, naming the
/// field, in every text field.
async fn control_characters_are_refused(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let res = app
        .post_json(
            "/v1/documents/second-opinion?format=docx",
            None,
            &json!({"patient": {"name": "Fake\u{0007}Patient"}, "diagnosis": {}}),
        )
        .await;
    res.assert_problem(422, Some("patient.name"));
}

/// A listing's links must be web addresses: `javascript:` and hostless
/// URLs are refused in proposals (they would reach front-ends, exports
/// and FHIR as links).
async fn only_web_addresses_are_accepted_as_links(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Fake Curator", Role::Curator);
    let (centre, etag) = crate::curation::stored(&app, &curator, "centre", "fake-houston").await;
    for (field, value) in [
        ("website", "javascript:alert(1)"),
        ("website", "https://..."),
        ("sources", "data:text/html,x"),
    ] {
        let mut changed = centre.clone();
        let source_url = if field == "sources" {
            value
        } else {
            "https://example.org/fake"
        };
        changed["sources"] = json!([{"url": source_url, "citation": null, "retrieved": "2026-11-01", "listed_by": []}]);
        if field == "website" {
            changed["website"] = json!(value);
        }
        let res = crate::curation::propose(
            &app,
            &curator,
            Some(&etag),
            &crate::curation::proposal("centre", "update", "fake-houston", Some(changed)),
        )
        .await;
        assert_eq!(res.status, 422, "{field}={value}: {}", res.text);
        assert!(res.text.contains("http(s)"), "{}", res.text);
    }
}

/// Free-text search has a bounded size: at most 10 different words, on
/// /v1 and FHIR alike; repeated words count once.
async fn search_words_are_bounded(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let eleven = "a b c d e f g h i j k";
    app.get(&format!("/v1/centres?q={eleven}"))
        .await
        .assert_problem(400, Some("q"));
    let repeated = vec!["houston"; 20].join("+");
    let page = app.get_ok(&format!("/v1/centres?q={repeated}")).await;
    assert!(!page["items"].as_array().unwrap().is_empty(), "{page}");
    let fhir = app.get(&format!("/fhir/Organization?name={eleven}")).await;
    assert_eq!(fhir.status, 400, "{}", fhir.text);
    assert_eq!(fhir.json()["resourceType"], "OperationOutcome");
}

/// PDFs count against a per-client hourly allowance; other formats do not.
async fn pdfs_are_limited_per_client(b: Backend) {
    let app = TestApp::spawn_with(b, Data::Fixtures, |s| s.pdfs_per_hour = 2).await;
    for _ in 0..2 {
        let res = app
            .get("/v1/templates/second-opinion/blank?format=pdf")
            .await;
        assert_eq!(res.status, 200, "{}", res.text);
    }
    let limited = app
        .get("/v1/templates/second-opinion/blank?format=pdf")
        .await;
    limited.assert_problem(429, None);
    assert!(limited.header("retry-after").is_some());
    let md = app
        .get("/v1/templates/second-opinion/blank?format=md")
        .await;
    assert_eq!(md.status, 200);
}

/// Problem reports: malformed bodies use up nothing of the allowance, and
/// one listing cannot collect more than 50 open reports.
async fn reports_are_counted_and_capped(b: Backend) {
    let app = TestApp::spawn_with(b, Data::Fixtures, |s| s.reports_per_hour = 1000).await;
    let path = "/v1/centres/fake-houston/reports";
    let report =
        json!({"category": "other", "details": "The listing looks wrong (fake test report)."});
    let strict = TestApp::spawn_with(b, Data::Fixtures, |s| s.reports_per_hour = 1).await;
    for _ in 0..3 {
        strict
            .post_json(path, None, &json!({"category": "nonsense"}))
            .await
            .assert_problem(422, None);
    }
    let counted = strict.post_json(path, None, &report).await;
    assert_eq!(
        counted.status, 202,
        "malformed attempts used nothing: {}",
        counted.text
    );
    for i in 0..50 {
        let res = app.post_json(path, None, &report).await;
        assert_eq!(res.status, 202, "report {i}: {}", res.text);
    }
    let capped = app.post_json(path, None, &report).await;
    capped.assert_problem(429, None);
    assert!(capped.text.contains("open reports"), "{}", capped.text);
    let other = app
        .post_json("/v1/centres/fake-dallas/reports", None, &report)
        .await;
    assert_eq!(other.status, 202, "other listings are not affected");
}

both_backends!(
    encoded_curation_paths_are_treated_as_curation,
    if_none_match_star_needs_an_existing_resource,
    security_headers_on_every_answer,
    control_characters_are_refused,
    only_web_addresses_are_accepted_as_links,
    search_words_are_bounded,
    pdfs_are_limited_per_client,
    reports_are_counted_and_capped,
);
