//! The patient site at /: its files are served from the binary with the
//! console's strict security headers and ETags; then the browser test
//! (tests/browser/site_test.py, Playwright for Python driving Debian's
//! Chromium, axe-core injected) finds a centre near a city, opens it and
//! prepares letters, and the downloads are checked here again. SQLite only:
//! the site reads the public API, which tests on both backends cover.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use reqwest::Method;
use serde_json::Value;

use crate::helpers::{python, run_python, Backend, Data, TestApp};
use crate::sqlite_once;
use sarcoma_directory::config::MapTiles;

const POLICY: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

fn assert_site_headers(res: &crate::helpers::Response, what: &str) {
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

async fn the_site_is_served_with_its_headers(b: Backend) {
    let app = TestApp::spawn(b, Data::Empty).await;
    let page = app.get("/").await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_site_headers(&page, "the page");
    assert!(page
        .text
        .contains(r#"<script type="module" src="site/app.js"></script>"#));
    assert!(!page.text.contains("<script>") && !page.text.contains("style="));
    // The disclaimer is in the page itself, before any script runs.
    assert!(page.text.contains("it is not medical advice"));
    assert!(page.text.contains("Listings are unverified"));
    // Every file the page and its modules name is served with the headers.
    let mut files = vec!["site.css".to_owned(), "app.js".to_owned()];
    let mut i = 0;
    while i < files.len() {
        let res = app.get(&format!("/site/{}", files[i])).await;
        assert_eq!(res.status, 200, "{}", files[i]);
        assert_site_headers(&res, &files[i]);
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
    assert!(files.len() >= 8, "{files:?}");
    let etag = page.header("etag").expect("an ETag").to_owned();
    assert_eq!(page.header("cache-control"), Some("no-cache"));
    let again = app
        .req(Method::GET, "/")
        .header("if-none-match", &etag)
        .send()
        .await;
    assert_eq!(again.status, 304);
    assert_site_headers(&again, "a 304");
    let missing = app.get("/site/nothing.js").await;
    missing.assert_problem(404, None);
    assert_site_headers(&missing, "a 404");
    app.req(Method::POST, "/")
        .send()
        .await
        .assert_problem(405, None);
    // No tile server by default: the script is told there is no map.
    let config = app.get("/site/config.json").await;
    assert_eq!(config.status, 200);
    assert_site_headers(&config, "config.json");
    assert_eq!(config.json(), serde_json::json!({ "map": null }));
    // The API keeps its own answers: no site policy on JSON.
    let api = app.get("/v1/centres").await;
    assert_eq!(api.header("content-security-policy"), None);
}

/// A stand-in tile server on its own port (so its own origin): every
/// request gets a one-pixel PNG; returns the URL template and the count of
/// tiles served.
fn tile_server() -> (String, Arc<AtomicUsize>) {
    const PNG: [u8; 70] = [
        137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6,
        0, 0, 0, 31, 21, 196, 137, 0, 0, 0, 13, 73, 68, 65, 84, 120, 218, 99, 124, 255, 159, 161,
        30, 0, 7, 130, 2, 127, 61, 200, 72, 239, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
    ];
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let served = Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let n = stream.read(&mut buf).unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]);
            let tile = request.starts_with("GET /") && request.contains(".png");
            if tile {
                count.fetch_add(1, Ordering::SeqCst);
            }
            let head = if tile {
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    PNG.len()
                )
            } else {
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into()
            };
            let _ = stream.write_all(head.as_bytes());
            if tile {
                let _ = stream.write_all(&PNG);
            }
        }
    });
    (
        format!("http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png"),
        served,
    )
}

async fn the_site_in_a_real_browser(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    // A second server with a tile server configured, for the map.
    let (tiles, served) = tile_server();
    let origin = tiles.split("/{z}").next().unwrap().to_owned();
    let mapped = TestApp::spawn_with(b, Data::Fixtures, |s| {
        s.map_tiles = Some(MapTiles {
            url: tiles.clone(),
            origin: origin.clone(),
            attribution: "Test tiles (fake)".into(),
        });
    })
    .await;
    let page = mapped.get("/").await;
    assert_eq!(
        page.header("content-security-policy"),
        Some(
            POLICY
                .replace(
                    "img-src 'self' data:",
                    &format!("img-src 'self' data: {origin}")
                )
                .as_str()
        )
    );
    let out = std::env::temp_dir().join(format!("sarcoma-site-{}", uuid::Uuid::new_v4()));
    let address = app.address.clone();
    let map_address = mapped.address.clone();
    let dir = out.clone();
    let run = tokio::task::spawn_blocking(move || {
        run_python(
            python()
                .arg(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tests/browser/site_test.py"
                ))
                .arg(&address)
                .arg(&dir)
                .arg(&map_address),
        )
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    eprintln!("site screenshots and downloads: {}", out.display());
    assert!(
        run.status.success(),
        "the browser test failed:\n{stdout}\n{stderr}"
    );
    let got: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("no result ({e}): {stdout}\n{stderr}"));
    assert_eq!(got["violations"], serde_json::json!([]), "axe: {got}");
    assert_eq!(got["page_errors"], serde_json::json!([]), "{got}");
    for needed in [
        "find",
        "find-suggestions",
        "results-near-city",
        "results-region",
        "centre",
        "letter",
        "letter-errors",
        "letter-de",
        "centre-de",
        "map",
    ] {
        assert!(
            got["screens"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s == needed),
            "{needed} not scanned: {got}"
        );
        for width in [1280, 360] {
            let shot = out.join(format!("{needed}-{width}.png"));
            let len = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
            assert!(len > 1000, "{} missing or empty", shot.display());
        }
    }
    assert_eq!(
        got["near_dallas"][0], "Fictional Sarcoma Clinic Dallas",
        "{got}"
    );
    // Without tiles no map at all; with them, the tiles came from the
    // configured server and each centre with coordinates has a marker.
    assert_eq!(got["map_without_tiles"], 0, "{got}");
    assert_eq!(got["map_markers"], 2, "{got}");
    assert!(got["map_tiles"].as_u64().unwrap() >= 2, "{got}");
    assert!(served.load(Ordering::SeqCst) >= 2, "no tile was fetched");

    // The downloads, read again here: a PDF, and a DOCX in German when the
    // templates offer German, holding the name the browser typed.
    let pdf = std::fs::read(out.join("letter-en.pdf")).expect("the PDF was saved");
    assert!(pdf.starts_with(b"%PDF"), "not a PDF");
    let offered: Vec<&str> = got["letter_languages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    let lang = got["docx_lang"].as_str().unwrap();
    if offered.contains(&"de") {
        assert_eq!(lang, "de", "{got}");
    }
    let docx = std::fs::File::open(out.join(format!("letter-{lang}.docx"))).expect("the DOCX");
    let mut zip = zip::ZipArchive::new(docx).expect("a DOCX is a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    assert!(xml.contains("Zed Testperson (fake)"), "typed name missing");
    if lang == "de" {
        assert!(
            got["docx"]["german_words"] == true,
            "the German DOCX has no German salutation: {got}"
        );
    }
}

sqlite_once!(
    the_site_is_served_with_its_headers,
    the_site_in_a_real_browser
);
