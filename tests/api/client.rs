//! The published spec is usable as it stands: a Python client generated
//! from `openapi/openapi.json` by openapi-python-client (a well-known
//! generator, installed by .ci/test) lists centres near a point and fetches
//! one from a real server. The spec does not depend on the database:
//! checked once, on SQLite.

use std::path::PathBuf;
use std::sync::OnceLock;

use crate::helpers::{python, run_python, Backend, Data, TestApp};
use crate::sqlite_once;

/// Generates the client once per test run.
fn generated() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("sarcoma-client-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = run_python(
            python()
                .args([
                    "-m",
                    "openapi_python_client",
                    "generate",
                    "--meta",
                    "none",
                    "--path",
                ])
                .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
                .arg("--output-path")
                .arg(dir.join("sarcoma_client")),
        );
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "client generation failed: {said}");
        dir
    })
}

async fn a_generated_client_lists_and_fetches_centres(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let dir = generated().clone();
    let address = app.address.clone();
    let out = tokio::task::spawn_blocking(move || {
        run_python(
            python()
                .arg(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tests/client/use_client.py"
                ))
                .arg(&dir)
                .arg(&address),
        )
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "the generated client failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = got["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["fake-houston", "fake-dallas"]);
    assert!((got["items"][1]["distance_km"].as_f64().unwrap() - 362.0).abs() < 4.0);
    assert_eq!(got["first"]["city"], "Houston");
    assert_eq!(
        got["first"]["clinicians"],
        serde_json::json!(["fake-dr-alpha"])
    );
    assert_eq!(got["bad_status"], 400, "errors come back as documented");
}

sqlite_once!(a_generated_client_lists_and_fetches_centres);
