//! The curation console at /curate/: its files are served from the binary
//! with the console's security headers and ETags (once, on SQLite: no
//! database involved), and the browser tests (tests/browser/console_test.py,
//! Playwright for Python driving Debian's Chromium, axe-core injected)
//! run the issue's scenarios against the real server on both backends;
//! what the browser did is then checked through the public API.

use reqwest::Method;
use serde_json::Value;

use crate::helpers::{python, run_python, Backend, Data, TestApp};
use crate::{both_backends, sqlite_once};
use sarcoma_directory::curation::model::Role;

const POLICY: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

fn assert_console_headers(res: &crate::helpers::Response, what: &str) {
    assert_eq!(
        res.header("content-security-policy"),
        Some(POLICY),
        "{what}"
    );
    assert_eq!(
        res.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(res.header("referrer-policy"), Some("no-referrer"), "{what}");
}

async fn the_console_is_served_with_its_headers(b: Backend) {
    let app = TestApp::spawn(b, Data::Empty).await;
    let page = app.get("/curate/").await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_console_headers(&page, "the page");
    assert!(page
        .text
        .contains(r#"<script type="module" src="app.js"></script>"#));
    assert!(!page.text.contains("<script>") && !page.text.contains("style="));
    // Every file the page and its modules name is served, as JavaScript
    // or CSS, with the same headers.
    let mut files = vec!["console.css".to_owned(), "app.js".to_owned()];
    let mut i = 0;
    while i < files.len() {
        let res = app.get(&format!("/curate/{}", files[i])).await;
        assert_eq!(res.status, 200, "{}", files[i]);
        assert_console_headers(&res, &files[i]);
        let expected = if files[i].ends_with(".js") {
            "text/javascript"
        } else {
            "text/css"
        };
        assert!(
            res.header("content-type").unwrap().starts_with(expected),
            "{}",
            files[i]
        );
        for part in res.text.split("from './").skip(1) {
            let name = part.split('\'').next().unwrap().to_owned();
            if !files.contains(&name) {
                files.push(name);
            }
        }
        i += 1;
    }
    assert!(files.len() >= 10, "{files:?}");
    // Revalidation: the ETag gives a 304, still with the headers.
    let etag = page.header("etag").expect("an ETag").to_owned();
    assert_eq!(page.header("cache-control"), Some("no-cache"));
    let again = app
        .req(Method::GET, "/curate/")
        .header("if-none-match", &etag)
        .send()
        .await;
    assert_eq!(again.status, 304);
    assert!(again.bytes.is_empty());
    assert_console_headers(&again, "a 304");
    // /curate goes to /curate/; an unknown file is a problem+json 404,
    // with the console's headers too.
    let bare = app.get("/curate").await;
    assert_eq!(bare.status, 308);
    assert_eq!(bare.header("location"), Some("/curate/"));
    let missing = app.get("/curate/nothing.js").await;
    missing.assert_problem(404, None);
    assert_console_headers(&missing, "a 404");
    app.req(Method::POST, "/curate/app.js")
        .send()
        .await
        .assert_problem(405, None);
}

sqlite_once!(the_console_is_served_with_its_headers);

/// Where the browser tests' screenshots go: the test's own temporary
/// directory (printed), kept after the run for people to look at.
fn shots_dir(b: Backend) -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "sarcoma-console-{}-{}",
        b.code(),
        uuid::Uuid::new_v4()
    ))
}

async fn the_console_in_a_real_browser(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let tokens = serde_json::json!({
        "admin": app.account("Admin (fake)", Role::Admin),
        "reviewer": app.account("Reviewer (fake)", Role::Reviewer),
        "curator_a": app.account("Curator A (fake)", Role::Curator),
        "curator_b": app.account("Curator B (fake)", Role::Curator),
    });
    let out = shots_dir(b);
    let address = app.address.clone();
    let dir = out.clone();
    let run = tokio::task::spawn_blocking(move || {
        run_python(
            python()
                .arg(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tests/browser/console_test.py"
                ))
                .arg(&address)
                .arg(&dir)
                .env("CONSOLE_TOKENS", tokens.to_string()),
        )
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    eprintln!("browser test screenshots: {}", out.display());
    assert!(
        run.status.success(),
        "the browser test failed:\n{stdout}\n{stderr}"
    );
    let got: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("no result ({e}): {stdout}\n{stderr}"));
    assert_eq!(got["violations"], serde_json::json!([]), "axe: {got}");
    assert_eq!(got["page_errors"], serde_json::json!([]), "{got}");
    let screens: Vec<&str> = got["screens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    for needed in [
        "signin",
        "listings-empty-search",
        "centre",
        "clinician",
        "new-clinician-422",
        "new-fact",
        "proposal-reviewer",
        "edit-centre",
        "conflict",
        "import-preview",
        "import-done",
        "proposals-review",
        "batch-approved",
        "accounts-token-once",
        "accounts",
        "signin-refused",
        "queue",
        "proposals-mine",
        "proposal-revert",
    ] {
        assert!(
            screens.contains(&needed),
            "{needed} not scanned: {screens:?}"
        );
        for width in [1280, 360] {
            let shot = out.join(format!("{needed}-{width}.png"));
            let len = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
            assert!(len > 1000, "{} missing or empty", shot.display());
        }
    }

    // Scenario 1 (with the mouse and with the keyboard only): the public
    // directory lists each clinician at its centre, and their assessment
    // rests on the volume fact the curator added.
    for (id, centre, volume) in [
        ("dr-test-kilo-fake", "fake-houston", 150.0),
        ("dr-test-lima-fake", "fake-austin", 160.0),
    ] {
        assert_eq!(
            got[if volume == 150.0 {
                "mouse_clinician"
            } else {
                "keyboard_clinician"
            }],
            id
        );
        let listed = app.ids(&format!("/v1/clinicians?centre={centre}")).await;
        assert!(listed.contains(&id.to_owned()), "{listed:?}");
        let assessments = app
            .get_ok(&format!(
                "/v1/clinicians/{id}/assessments?profile=guide-sarcoma-oncologist"
            ))
            .await;
        let volume_criterion = assessments["items"][0]["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["criterion"]["id"] == "guide-volume")
            .unwrap_or_else(|| panic!("no volume criterion: {assessments}"));
        assert_eq!(volume_criterion["status"], "met", "{volume_criterion}");
        assert_eq!(volume_criterion["fact"]["value"], volume);
        let source = volume_criterion["fact"]["source"]["url"].as_str().unwrap();
        assert!(source.starts_with("https://example.org/fake-"), "{source}");
    }

    // Scenario 2: the second curator's re-applied change, approved, held
    // both curators' edits; then a revert to revision 2 (the first
    // curator's) was proposed and approved from the listing's history,
    // after a reviewer recorded a verification and resolved a report.
    let reviewer = tokens_reviewer(&app);
    let reapplied = app
        .get_json(
            &format!("/v1/curation/proposals/{}", got["conflict_reapplied"]),
            &reviewer,
        )
        .await
        .expect(200);
    assert_eq!(reapplied["status"], "approved");
    assert_eq!(reapplied["entity"]["phone"], "+1 555 0100");
    assert_eq!(
        reapplied["entity"]["institution"],
        "Fake Dallas Health System"
    );
    let reverted = app
        .get_json(
            &format!("/v1/curation/proposals/{}", got["reverted"]),
            &reviewer,
        )
        .await
        .expect(200);
    assert_eq!(
        (reverted["action"].as_str(), reverted["status"].as_str()),
        (Some("revert"), Some("approved"))
    );
    let dallas = app.get_ok("/v1/centres/fake-dallas").await;
    assert_eq!(dallas["phone"], "+1 555 0100");
    assert_eq!(dallas["institution"], "Example Test Hospital (fictional)");
    assert_eq!(dallas["verification"]["status"], "verified");
    assert_eq!(dallas["verification"]["method"], "telephone_call");
    let open = app
        .get_json(
            "/v1/curation/reports?kind=centre&entity_id=fake-dallas",
            &reviewer,
        )
        .await
        .expect(200);
    assert_eq!(open["items"], serde_json::json!([]));

    // Scenario 3: the 18 good rows are published clinicians at Boston; the
    // two bad ones were never sent.
    let boston = app.ids("/v1/clinicians?centre=fake-boston&limit=100").await;
    let imported: Vec<&String> = boston
        .iter()
        .filter(|i| i.starts_with("dr-test-import-"))
        .collect();
    assert_eq!(imported.len(), 18, "{boston:?}");
    for bad in ["dr-test-import-05-fake", "dr-test-import-12-fake"] {
        assert!(!boston.contains(&bad.to_owned()));
    }

    // Scenario 4: the volunteer's token was revoked.
    assert_eq!(got["revoked_refused"], true);
}

/// Another reviewer's token, for reading what the browser left.
fn tokens_reviewer(app: &TestApp) -> String {
    app.account("Checking reviewer (fake)", Role::Reviewer)
}

both_backends!(the_console_in_a_real_browser);
