//! HTTP caching: public GETs carry an ETag and `public, no-cache`, answer
//! 304 to a matching If-None-Match until the data changes; blank templates
//! vary with Accept; patient documents are never stored.

use reqwest::Method;
use sarcoma_directory::directory::seed::SeedDocument;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{fixtures, items, Backend, Data, TestApp};

async fn etags_answer_304_until_the_data_changes(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let url = "/v1/centres?country=US";
    let first = app.get(url).await;
    assert_eq!(first.status, 200);
    let etag = first.header("etag").expect("an ETag").to_owned();
    assert_eq!(first.header("cache-control"), Some("public, no-cache"));
    let again = app
        .req(Method::GET, url)
        .header("If-None-Match", &etag)
        .send()
        .await;
    assert_eq!(again.status, 304);
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    assert!(again.bytes.is_empty());
    let other = app.get(&format!("{url}&limit=1")).await;
    assert_ne!(
        other.header("etag").unwrap(),
        etag,
        "another query, another tag"
    );
    // New data: the old tag no longer matches.
    let mut more = SeedDocument::default();
    let mut c = fixtures().centres.remove(0);
    c.id = "fake-houston-annex".into();
    c.name = "Fictional Sarcoma Unit Houston Annex".into();
    more.centres.push(c);
    app.load(more).await;
    app.wait_for(url, |v| items(v).len() == 5).await;
    let changed = app
        .req(Method::GET, url)
        .header("If-None-Match", &etag)
        .send()
        .await;
    assert_eq!(changed.status, 200);
    assert_eq!(items(&changed.json()).len(), 5);
    assert_ne!(changed.header("etag"), Some(etag.as_str()));
}

async fn documents_are_never_stored_and_blanks_vary_with_accept(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    // Blank templates depend on Accept; patient documents are never cached.
    let blank = app.get("/v1/templates/second-opinion/blank").await;
    assert_eq!(blank.status, 200);
    assert!(blank.header("vary").unwrap().contains("Accept"));
    let doc = app
        .post_json(
            "/v1/documents/consultation-questions?format=md",
            None,
            &json!({"patient": {"name": "A"}}),
        )
        .await;
    assert_eq!(doc.status, 200, "{}", doc.text);
    assert_eq!(doc.header("cache-control"), Some("no-store"));
    assert!(doc.header("etag").is_none());
    let refused = app
        .post_json(
            "/v1/documents/consultation-questions?format=md",
            None,
            &json!({"bogus": 1}),
        )
        .await;
    refused.assert_problem(400, Some("bogus"));
    assert_eq!(refused.header("cache-control"), Some("no-store"));
}

both_backends!(
    etags_answer_304_until_the_data_changes,
    documents_are_never_stored_and_blanks_vary_with_accept,
);
