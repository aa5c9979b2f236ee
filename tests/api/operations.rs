//! Health, readiness, the interactive docs, and the refresh of the
//! in-memory directory after a write to the database.

use crate::helpers::{ids, Backend, Data, TestApp, FIXTURES};
use crate::{both_backends, sqlite_once};
use sarcoma_directory::directory::seed::SeedDocument;

async fn health_and_readiness(b: Backend) {
    let app = TestApp::spawn(b, Data::Empty).await;
    assert_eq!(app.get_ok("/healthz").await["status"], "ok");
    let ready = app.get_ok("/readyz").await;
    assert_eq!(ready["status"], "ok");
    assert_eq!(
        ready["backend"],
        if b == Backend::Sqlite {
            "sqlite"
        } else {
            "postgres"
        }
    );
}

async fn interactive_docs_are_served_without_a_cdn(b: Backend) {
    let app = TestApp::spawn(b, Data::Empty).await;
    let redirect = app.get("/docs").await;
    assert_eq!(redirect.status, 308);
    let page = app.get("/docs/").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("swagger-ui"), "{}", page.text);
    assert!(
        !page.text.contains("cdn") && !page.text.contains("unpkg"),
        "no CDN: {}",
        page.text
    );
    let init = app.get("/docs/swagger-initializer.js").await;
    assert_eq!(init.status, 200);
    assert!(init.text.contains("/openapi.json"), "{}", init.text);
    let bundle = app.get("/docs/swagger-ui-bundle.js").await;
    assert_eq!(bundle.status, 200);
    assert!(
        bundle.bytes.len() > 100_000 && bundle.text.contains("SwaggerUIBundle"),
        "the vendored Swagger UI bundle ({} bytes)",
        bundle.bytes.len()
    );
}

async fn writes_reach_public_reads_after_a_refresh(b: Backend) {
    let app = TestApp::spawn(b, Data::Empty).await;
    assert!(app.ids("/v1/centres").await.is_empty());
    let doc = SeedDocument::parse(FIXTURES).unwrap();
    // Straight into the database, as another node would write it.
    app.load(doc).await;
    app.wait_for("/v1/centres?limit=100", |page| ids(page).len() == 8)
        .await;
    let ready = app.get_ok("/readyz").await;
    assert!(ready["data_version"].as_i64().unwrap() > 0, "{ready}");
}

both_backends!(
    health_and_readiness,
    writes_reach_public_reads_after_a_refresh
);
sqlite_once!(interactive_docs_are_served_without_a_cdn);
