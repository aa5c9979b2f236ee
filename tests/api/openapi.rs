//! The committed OpenAPI document is the one the server serves (the
//! document does not depend on the database: checked once, on SQLite).

use crate::helpers::{Backend, Data, TestApp};
use crate::sqlite_once;

async fn served_spec_matches_the_committed_one(b: Backend) {
    let app = TestApp::spawn(b, Data::Empty).await;
    let served = app.get("/openapi.json").await;
    assert_eq!(served.status, 200);
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .unwrap_or_default();
    assert!(
        served.text == committed,
        "openapi/openapi.json differs from the served document; regenerate it with\n  \
         cargo run --quiet -- openapi > openapi/openapi.json\nand review the diff"
    );
    let spec = served.json();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/v1/centres",
        "/v1/centres/{id}",
        "/v1/clinicians",
        "/v1/clinicians/{id}",
        "/v1/regions",
        "/healthz",
        "/readyz",
    ] {
        assert!(spec["paths"][path]["get"].is_object(), "{path} documented");
    }
    let params: Vec<&str> = spec["paths"]["/v1/centres"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for p in [
        "country",
        "region",
        "city",
        "q",
        "programme",
        "service",
        "near",
        "radius_km",
        "limit",
        "cursor",
    ] {
        assert!(params.contains(&p), "{p} documented");
    }
    let bad = &spec["paths"]["/v1/centres"]["get"]["responses"]["400"]["content"]
        ["application/problem+json"];
    assert!(bad["schema"].is_object(), "errors documented with a schema");
}

sqlite_once!(served_spec_matches_the_committed_one);
