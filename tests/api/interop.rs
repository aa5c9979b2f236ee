//! Bulk exports (with their licence, attribution and feed position) and
//! the change feed.

use std::collections::BTreeMap;

use sarcoma_directory::curation::model::Role;
use sarcoma_directory::directory::seed::SeedDocument;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{cli_ok, fixtures, items, some_items, Backend, Data, Response, TestApp};

/// Asserts an export's licence, attribution and feed position; the
/// position.
fn export_headers(res: &Response) -> String {
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(
        res.header("link"),
        Some("<https://creativecommons.org/licenses/by/4.0/>; rel=\"license\"")
    );
    let attribution = res.header("attribution").expect("an Attribution header");
    assert!(
        attribution
            .starts_with("Sarcoma Centre Directory contributors; city coordinates from GeoNames")
            && attribution.contains("CC BY 4.0"),
        "{attribution}"
    );
    let cursor = res
        .header("changes-cursor")
        .expect("an export says where the feed stands")
        .to_owned();
    assert!(!cursor.is_empty());
    cursor
}

/// An NDJSON export as id -> line.
async fn export(app: &TestApp, kind: &str) -> (BTreeMap<String, Value>, String) {
    let res = app.get(&format!("/v1/export/{kind}.ndjson")).await;
    assert_eq!(res.header("content-type"), Some("application/x-ndjson"));
    let cursor = export_headers(&res);
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
    let (centres, cursor) = export(&app, "centres").await;
    assert_eq!(centres.len(), 8, "published only");
    // The export's position is where the feed stands: nothing after it.
    let feed = app.get_ok(&format!("/v1/changes?since={cursor}")).await;
    assert!(items(&feed).is_empty(), "{feed}");
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
    let csv_cursor = export_headers(&csv);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
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
    assert_eq!(export_headers(&csv), csv_cursor, "one feed position");
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
    app.load(more).await;
    app.wait_for("/v1/centres?limit=100", |v| items(v).len() == 9)
        .await;

    let mut since = cursor;
    let mut seen = Vec::new();
    loop {
        let page = app
            .get_ok(&format!("/v1/changes?since={since}&limit=2"))
            .await;
        for change in items(&page) {
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
    let count = some_items(&all).len() as i64;
    assert!(count >= 11, "fixtures created 8 centres and 3 clinicians");
    // One more change after the export, so its cursor has something to see.
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let (mut centre, etag) =
        crate::curation::stored(&app, &curator, "centre", "fake-houston").await;
    centre["phone"] = json!("+1 555 0102 (fictional)");
    let p = crate::curation::propose(
        &app,
        &curator,
        Some(&etag),
        &crate::curation::proposal("centre", "update", "fake-houston", Some(centre)),
    )
    .await;
    crate::curation::approve_ok(&app, &reviewer, &p).await;
    // The `purge-changes` command, as an operator runs it, through the
    // export's position: what a client holding that cursor has seen.
    let printed = cli_ok(&app.db_url, &["purge-changes", "--through", &latest]);
    assert!(
        printed.contains(&format!("purged {count} change(s)")),
        "{printed}"
    );
    let gone = app.get(&format!("/v1/changes?since={early}")).await;
    let problem = gone.assert_problem(410, None);
    assert!(problem["detail"].as_str().unwrap().contains("export"));
    app.get("/v1/changes").await.assert_problem(410, None);
    // The export's own cursor still works: nothing after it was purged.
    let after = app.get_ok(&format!("/v1/changes?since={latest}")).await;
    let ids: Vec<&str> = some_items(&after)
        .iter()
        .map(|c| c["entity"]["id"].as_str().unwrap())
        .collect();
    // The centre, then its clinicians, whose public view shows the centre.
    assert_eq!(ids[0], "fake-houston", "{ids:?}");
    // Purging everything (through the newest position) still leaves a
    // fresh export whose cursor works: the remedy the 410 names.
    let newest = after["cursor"].as_str().unwrap().to_owned();
    cli_ok(&app.db_url, &["purge-changes", "--through", &newest]);
    let (_, fresh) = export(&app, "centres").await;
    let ok = app.get_ok(&format!("/v1/changes?since={fresh}")).await;
    assert!(ok["items"].as_array().unwrap().is_empty(), "{ok}");
    assert_eq!(ok["has_more"], false);
    // A cursor that is not one is refused by name.
    let bad = crate::helpers::cli(
        Some(&app.db_url),
        &["purge-changes", "--through", "42"],
        &[],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--through"));
    app.get("/v1/changes?since=%%%")
        .await
        .assert_problem(400, Some("since"));
    app.get("/v1/changes?limit=0")
        .await
        .assert_problem(400, Some("limit"));
}

both_backends!(
    exports_hold_every_published_listing,
    replaying_the_feed_onto_an_export_reproduces_the_directory,
    cursors_before_the_purge_horizon_are_gone,
);
