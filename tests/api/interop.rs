//! CORS, HTTP caching, bulk exports and the change feed.

use std::collections::BTreeMap;

use reqwest::Method;
use sarcoma_directory::curation::seed;
use sarcoma_directory::directory::seed::SeedDocument;
use serde_json::Value;

use crate::both_backends;
use crate::helpers::{fixtures, Backend, Data, TestApp};

async fn cors_preflight_and_exposed_headers(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let pre = app
        .client
        .request(
            Method::OPTIONS,
            format!("{}/v1/centres?country=US", app.address),
        )
        .header("Origin", "https://front-end.example")
        .header("Access-Control-Request-Method", "GET")
        .header("Access-Control-Request-Headers", "if-none-match")
        .send()
        .await
        .unwrap();
    assert_eq!(pre.status().as_u16(), 200);
    assert_eq!(
        pre.headers()["access-control-allow-origin"],
        "https://front-end.example"
    );
    assert!(pre.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("GET"));
    let get = app
        .client
        .get(format!("{}/v1/centres?limit=1", app.address))
        .header("Origin", "https://front-end.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        get.headers()["access-control-allow-origin"],
        "https://front-end.example"
    );
    let exposed = get.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        exposed.contains("link") && exposed.contains("etag"),
        "{exposed}"
    );
}

async fn configured_origins_only(b: Backend) {
    let app = TestApp::spawn_with(b, Data::Fixtures, |s| {
        s.cors_origins = Some(vec!["https://allowed.example".into()])
    })
    .await;
    let preflight = |origin: &'static str| {
        app.client
            .request(Method::OPTIONS, format!("{}/v1/centres", app.address))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "GET")
            .send()
    };
    let ok = preflight("https://allowed.example").await.unwrap();
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "https://allowed.example"
    );
    let refused = preflight("https://elsewhere.example").await.unwrap();
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none(),
        "no grant for other origins"
    );
}

async fn etags_answer_304_until_the_data_changes(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let url = format!("{}/v1/centres?country=US", app.address);
    let first = app.client.get(&url).send().await.unwrap();
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(first.headers()["cache-control"], "public, no-cache");
    let again = app
        .client
        .get(&url)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 304);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    assert!(again.bytes().await.unwrap().is_empty());
    let other = app
        .client
        .get(format!("{url}&limit=1"))
        .send()
        .await
        .unwrap();
    assert_ne!(
        other.headers()["etag"].to_str().unwrap(),
        etag,
        "another query, another tag"
    );
    // New data: the old tag no longer matches.
    let mut more = SeedDocument::default();
    let mut c = fixtures().centres.remove(0);
    c.id = "fake-houston-annex".into();
    c.name = "Fictional Sarcoma Unit Houston Annex".into();
    more.centres.push(c);
    load(&app, more).await;
    wait_for(&app, "/v1/centres?country=US", |v| {
        v["items"].as_array().unwrap().len() == 5
    })
    .await;
    let changed = app
        .client
        .get(&url)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status().as_u16(), 200);
    // Blank templates depend on Accept; patient documents are never cached.
    let blank = app.get("/v1/templates/second-opinion/blank").await;
    assert!(blank.header("vary").unwrap().contains("Accept"));
    let doc = app
        .client
        .post(format!(
            "{}/v1/documents/consultation-questions?format=md",
            app.address
        ))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(doc.headers()["cache-control"], "no-store");
    assert!(doc.headers().get("etag").is_none());
}

async fn load(app: &TestApp, doc: SeedDocument) {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || seed::load(&mut db.get().unwrap(), &doc).unwrap())
        .await
        .unwrap();
}

async fn wait_for(app: &TestApp, path: &str, ready: impl Fn(&Value) -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !ready(&app.get_ok(path).await) {
        assert!(std::time::Instant::now() < deadline, "{path} never changed");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// An NDJSON export as id -> line.
async fn export(app: &TestApp, kind: &str) -> (BTreeMap<String, Value>, String) {
    let res = app.get(&format!("/v1/export/{kind}.ndjson")).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("application/x-ndjson"));
    assert_eq!(
        res.header("link"),
        Some("<https://creativecommons.org/licenses/by/4.0/>; rel=\"license\"")
    );
    assert!(res.header("attribution").unwrap().contains("GeoNames"));
    let cursor = res
        .header("changes-cursor")
        .expect("an export says where the feed stands")
        .to_owned();
    let lines = res
        .text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|v| (v["id"].as_str().unwrap().to_owned(), v))
        .collect();
    (lines, cursor)
}

async fn exports_hold_every_published_listing(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let (centres, _) = export(&app, "centres").await;
    assert_eq!(centres.len(), 8, "published only");
    for (id, line) in &centres {
        assert_eq!(
            line,
            &app.get_ok(&format!("/v1/centres/{id}")).await,
            "a line is the centre as the API shows it"
        );
    }
    let (clinicians, _) = export(&app, "clinicians").await;
    assert_eq!(
        clinicians.keys().collect::<Vec<_>>(),
        ["fake-dr-alpha", "fake-dr-bravo", "fake-dr-delta"]
    );
    let csv = app.get("/v1/export/centres.csv").await;
    assert_eq!(csv.status, 200);
    let mut reader = csv::Reader::from_reader(csv.text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "id");
    assert!(
        headers.iter().any(|h| h == "sources")
            && headers.iter().any(|h| h == "last_verified")
            && headers.iter().any(|h| h == "facts")
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 8);
    let koln = rows.iter().find(|r| &r[0] == "fake-koln").unwrap();
    assert_eq!(&koln[5], "Köln");
    let csv = app.get("/v1/export/clinicians.csv").await;
    assert_eq!(
        csv::Reader::from_reader(csv.text.as_bytes())
            .records()
            .count(),
        3
    );
    app.get("/v1/export/centres.ndjson?since=1")
        .await
        .assert_problem(400, Some("since"));
}

/// Replaying the feed from an export's cursor onto that export gives the
/// current export.
async fn replaying_the_feed_onto_an_export_reproduces_the_directory(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let (mut copy, cursor) = export(&app, "centres").await;
    let (mut clinician_copy, clinician_cursor) = export(&app, "clinicians").await;
    assert_eq!(cursor, clinician_cursor);
    // Changes: a new centre, a new clinician at an existing centre, a new
    // fact about another, and a draft that must not show.
    let base = fixtures();
    let mut more = SeedDocument::default();
    let mut centre = base.centres[0].clone();
    centre.id = "fake-houston-annex".into();
    centre.name = "Fictional Sarcoma Unit Houston Annex".into();
    more.centres.push(centre);
    let mut clinician = base.clinicians[0].clone();
    clinician.id = "fake-dr-echo".into();
    clinician.name = "Dr Echo Newperson (fictional)".into();
    clinician.affiliations[0].centre_id = "fake-paris".into();
    more.clinicians.push(clinician);
    let mut fact = base.facts[0].clone();
    fact.id = "fake-fact-koln-volume".into();
    fact.subject.id = "fake-koln".into();
    more.facts.push(fact);
    let mut draft = base.centres[8].clone();
    draft.id = "fake-draft-two".into();
    draft.name = "Fictional Second Draft".into();
    more.centres.push(draft);
    load(&app, more).await;
    wait_for(&app, "/v1/centres?limit=100", |v| {
        v["items"].as_array().unwrap().len() == 9
    })
    .await;

    let mut since = cursor;
    let mut seen = Vec::new();
    loop {
        let page = app
            .get_ok(&format!("/v1/changes?since={since}&limit=2"))
            .await;
        for change in page["items"].as_array().unwrap() {
            seen.push(format!(
                "{} {} {}",
                change["action"].as_str().unwrap(),
                change["entity"]["kind"].as_str().unwrap(),
                change["entity"]["id"].as_str().unwrap()
            ));
            let (kind, id) = (
                change["entity"]["kind"].as_str().unwrap(),
                change["entity"]["id"].as_str().unwrap().to_owned(),
            );
            let (path, target) = match kind {
                "centre" => (format!("/v1/centres/{id}"), &mut copy),
                _ => (format!("/v1/clinicians/{id}"), &mut clinician_copy),
            };
            let res = app.get(&path).await;
            if res.status == 404 {
                target.remove(&id);
            } else {
                target.insert(id, res.json());
            }
        }
        since = page["cursor"].as_str().unwrap().to_owned();
        if page["has_more"] == false {
            break;
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            "created centre fake-houston-annex",
            "created clinician fake-dr-echo",
            "updated centre fake-koln",
            "updated centre fake-paris"
        ],
        "only what changed after the export, and no draft"
    );
    let (now, _) = export(&app, "centres").await;
    assert_eq!(
        copy, now,
        "centres: the replayed copy equals a fresh export"
    );
    let (now, _) = export(&app, "clinicians").await;
    assert_eq!(
        clinician_copy, now,
        "clinicians: the replayed copy equals a fresh export"
    );
    let idle = app.get_ok(&format!("/v1/changes?since={since}")).await;
    assert!(idle["items"].as_array().unwrap().is_empty());
    assert_eq!(
        idle["cursor"].as_str().unwrap(),
        since,
        "an idle feed keeps the cursor"
    );
}

async fn cursors_before_the_purge_horizon_are_gone(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let first = app.get_ok("/v1/changes?limit=1").await;
    let early = first["cursor"].as_str().unwrap().to_owned();
    let (_, latest) = export(&app, "centres").await;
    let all = app.get_ok("/v1/changes?limit=1000").await;
    let count = all["items"].as_array().unwrap().len() as i64;
    assert!(count >= 11, "fixtures created 8 centres and 3 clinicians");
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        sarcoma_directory::store::changes::purge(&mut db.get().unwrap(), count).unwrap()
    })
    .await
    .unwrap();
    let gone = app.get(&format!("/v1/changes?since={early}")).await;
    let problem = gone.assert_problem(410, None);
    assert!(problem["detail"].as_str().unwrap().contains("export"));
    app.get("/v1/changes").await.assert_problem(410, None);
    let ok = app.get_ok(&format!("/v1/changes?since={latest}")).await;
    assert!(ok["items"].as_array().unwrap().is_empty());
    app.get("/v1/changes?since=%%%")
        .await
        .assert_problem(400, Some("since"));
    app.get("/v1/changes?limit=0")
        .await
        .assert_problem(400, Some("limit"));
}

both_backends!(
    cors_preflight_and_exposed_headers,
    configured_origins_only,
    etags_answer_304_until_the_data_changes,
    exports_hold_every_published_listing,
    replaying_the_feed_onto_an_export_reproduces_the_directory,
    cursors_before_the_purge_horizon_are_gone,
);
