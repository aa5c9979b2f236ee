//! The spec works for TypeScript front-ends: a client generated from
//! `openapi/openapi.json` with openapi-typescript (types) and openapi-fetch
//! (calls), pinned in tests/typescript/package-lock.json and installed by
//! .ci/test, type-checks with `tsc --strict`, then lists centres by region
//! following `next_cursor`, fetches one and generates a Markdown letter
//! from a real server. The spec does not depend on the database: checked
//! once, on SQLite.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::helpers::{Backend, Data, TestApp};
use crate::sqlite_once;

const HINT: &str = "run the tests with `bash .ci/test`, which installs tests/typescript's \
                    node modules with `npm ci`";

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/typescript")
}

/// Runs `program args` in tests/typescript; panics with its output on
/// failure.
fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}): {HINT}"));
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{program} {args:?} failed: {said}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Generates the client from the committed spec and compiles the script
/// with `tsc --strict` (tsconfig.json), so a spec change that breaks
/// typed use fails here.
fn build() {
    let bin = dir().join("node_modules/.bin");
    assert!(
        bin.join("tsc").exists(),
        "tests/typescript/node_modules is missing: {HINT}"
    );
    let tool = |name: &str| bin.join(name).to_string_lossy().into_owned();
    run(
        &tool("openapi-typescript"),
        &[
            "../../openapi/openapi.json",
            "--output",
            "generated/api.d.ts",
        ],
    );
    run(&tool("tsc"), &["-p", "tsconfig.json", "--strict"]);
}

async fn a_typescript_client_lists_pages_fetches_and_writes_a_letter(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let address = app.address.clone();
    let out = tokio::task::spawn_blocking(move || {
        build();
        run("node", &["dist/use_client.js", &address, "US-TX"])
    })
    .await
    .unwrap();
    let seen: Value = serde_json::from_str(out.trim())
        .unwrap_or_else(|e| panic!("the script printed no JSON ({e}): {out}"));
    let expected: Vec<String> = app.ids("/v1/centres?region=US-TX&limit=100").await;
    assert_eq!(
        expected.len(),
        3,
        "the fixtures have three published Texan centres"
    );
    assert_eq!(seen["ids"], serde_json::json!(expected), "{seen}");
    assert_eq!(seen["pages"], 2, "two per page, following next_cursor");
    assert_eq!(seen["centre"]["id"], expected[0].as_str());
    let letter = &seen["letter"];
    assert!(
        letter["contentType"]
            .as_str()
            .unwrap()
            .starts_with("text/markdown"),
        "{letter}"
    );
    assert_eq!(letter["cacheControl"], "no-store");
    let text = letter["text"].as_str().unwrap();
    assert!(text.contains("Testy McTestface (fictional)"), "{text}");
    let name = seen["centre"]["name"].as_str().unwrap();
    assert!(
        text.contains(name),
        "the letter is addressed to {name}: {text}"
    );
}

sqlite_once!(a_typescript_client_lists_pages_fetches_and_writes_a_letter);
