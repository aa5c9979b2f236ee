//! CORS: the public API is open to any origin (or to the configured
//! ones), with the headers a front-end needs exposed; curation endpoints
//! answer browsers only from their own configured origins.

use reqwest::Method;

use crate::both_backends;
use crate::helpers::{Backend, Data, Response, TestApp};

async fn preflight(
    app: &TestApp,
    path: &str,
    origin: &str,
    method: &str,
    headers: &str,
) -> Response {
    let mut req = app
        .req(Method::OPTIONS, path)
        .header("Origin", origin)
        .header("Access-Control-Request-Method", method);
    if !headers.is_empty() {
        req = req.header("Access-Control-Request-Headers", headers);
    }
    req.send().await
}

fn granted(r: &Response, origin: &str) -> bool {
    r.header("access-control-allow-origin") == Some(origin)
}

async fn cors_preflight_and_exposed_headers(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let pre = preflight(
        &app,
        "/v1/centres?country=US",
        "https://front-end.example",
        "GET",
        "if-none-match",
    )
    .await;
    assert_eq!(pre.status, 200);
    assert!(granted(&pre, "https://front-end.example"));
    assert!(pre
        .header("access-control-allow-methods")
        .unwrap()
        .contains("GET"));
    let get = app
        .req(Method::GET, "/v1/centres?limit=1")
        .header("Origin", "https://front-end.example")
        .send()
        .await;
    assert_eq!(get.status, 200);
    assert!(granted(&get, "https://front-end.example"));
    let exposed = get
        .header("access-control-expose-headers")
        .unwrap()
        .to_ascii_lowercase();
    for h in [
        "link",
        "etag",
        "content-disposition",
        "location",
        "retry-after",
    ] {
        assert!(exposed.contains(h), "{h} exposed: {exposed}");
    }
}

async fn configured_origins_only(b: Backend) {
    let app = TestApp::spawn_with(b, Data::Fixtures, |s| {
        s.cors_origins = Some(vec!["https://allowed.example".into()])
    })
    .await;
    let ok = preflight(&app, "/v1/centres", "https://allowed.example", "GET", "").await;
    assert!(granted(&ok, "https://allowed.example"));
    let refused = preflight(&app, "/v1/centres", "https://elsewhere.example", "GET", "").await;
    assert!(
        refused.header("access-control-allow-origin").is_none(),
        "no grant for other origins"
    );
}

/// Curation endpoints answer browsers only from configured origins, while
/// public reads stay open.
async fn curation_cors_only_for_configured_origins(b: Backend) {
    let headers = "authorization, if-match, content-type";
    let closed = TestApp::spawn(b, Data::Fixtures).await;
    let r = preflight(
        &closed,
        "/v1/curation/proposals",
        "https://curators.example",
        "POST",
        headers,
    )
    .await;
    assert!(!granted(&r, "https://curators.example"));
    assert!(r.header("access-control-allow-origin").is_none());
    let r = preflight(
        &closed,
        "/v1/centres",
        "https://anyone.example",
        "POST",
        headers,
    )
    .await;
    assert!(granted(&r, "https://anyone.example"));
    drop(closed);
    let open = TestApp::spawn_with(b, Data::Fixtures, |s| {
        s.curation_origins = vec!["https://curators.example".into()]
    })
    .await;
    let r = preflight(
        &open,
        "/v1/curation/proposals",
        "https://curators.example",
        "POST",
        headers,
    )
    .await;
    assert!(granted(&r, "https://curators.example"));
    let allowed = r
        .header("access-control-allow-headers")
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        allowed.contains("authorization") && allowed.contains("if-match"),
        "{allowed}"
    );
    let r = preflight(
        &open,
        "/v1/curation/proposals",
        "https://elsewhere.example",
        "POST",
        headers,
    )
    .await;
    assert!(!granted(&r, "https://elsewhere.example"));
    assert!(r.header("access-control-allow-origin").is_none());
}

both_backends!(
    cors_preflight_and_exposed_headers,
    configured_origins_only,
    curation_cors_only_for_configured_origins,
);
