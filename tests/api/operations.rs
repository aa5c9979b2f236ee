//! Health, readiness, the interactive docs, and the refresh of the
//! in-memory directory after a write to the database.

use crate::both_backends;
use crate::helpers::{Backend, Data, TestApp, FIXTURES};
use sarcoma_directory::curation::seed;
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
    assert_eq!(app.get("/docs/swagger-ui-bundle.js").await.status, 200);
}

async fn writes_reach_public_reads_after_a_refresh(b: Backend) {
    let app = TestApp::spawn(b, Data::Empty).await;
    assert!(app.ids("/v1/centres").await.is_empty());
    let doc = SeedDocument::parse(FIXTURES).unwrap();
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || seed::load(&mut db.get().unwrap(), &doc).unwrap())
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        if app.ids("/v1/centres?limit=100").await.len() == 8 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the new listings never appeared"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

both_backends!(
    health_and_readiness,
    interactive_docs_are_served_without_a_cdn,
    writes_reach_public_reads_after_a_refresh,
);
