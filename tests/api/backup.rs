//! Backup round trips: export with the CLI, import into an empty database
//! of the other backend, export again: the same document; and back.

use diesel::RunQueryDsl;
use reqwest::Method;
use sarcoma_directory::curation::backup::{self, Backup};
use sarcoma_directory::curation::model::Role;
use sarcoma_directory::store::Database;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{cli, cli_ok, Backend, Data, TestApp, TestDb};

fn read(path: &std::path::Path) -> Backup {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Some of everything: accounts, an approved and an open proposal, audit
/// rows, a verification, a report, change-feed rows.
async fn curated_app(b: Backend) -> TestApp {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    for (i, id) in ["fake-koln", "fake-montreal"].into_iter().enumerate() {
        let read = app
            .send(
                Method::GET,
                &format!("/v1/curation/centres/{id}"),
                Some(&curator),
                None,
                None,
            )
            .await;
        let mut centre = read.json()["entity"].clone();
        centre["notes"] = json!(format!("Fictional note {i} with ünïcödé"));
        let p = app
            .send(Method::POST, "/v1/curation/proposals", Some(&curator), read.header("etag"),
                Some(&json!({"kind": "centre", "action": "update", "id": id, "entity": centre,
                    "reason": "Fictional reason for the test", "sources": [{"url": null, "citation": "Fictional citation", "retrieved": "2026-11-01"}]})))
            .await;
        assert_eq!(p.status, 201, "{}", p.text);
        if i == 0 {
            let pid = p.json()["id"].as_i64().unwrap();
            let res = app
                .send(
                    Method::POST,
                    &format!("/v1/curation/proposals/{pid}/approve"),
                    Some(&reviewer),
                    p.header("etag"),
                    None,
                )
                .await;
            assert_eq!(res.status, 200, "{}", res.text);
        }
    }
    let read = app
        .send(
            Method::GET,
            "/v1/curation/centres/fake-houston",
            Some(&reviewer),
            None,
            None,
        )
        .await;
    let res = app
        .send(
            Method::POST,
            "/v1/curation/centres/fake-houston/verifications",
            Some(&reviewer),
            read.header("etag"),
            Some(
                &json!({"method": "published_list", "verified_on": "2026-01-15",
                "source": {"url": "https://example.org/list", "citation": null, "retrieved": "2026-11-01"}, "note": null}),
            ),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let res = app
        .send(
            Method::POST,
            "/v1/centres/fake-paris/reports",
            None,
            None,
            Some(&json!({"category": "wrong_address", "details": "Fictional: the unit moved."})),
        )
        .await;
    assert_eq!(res.status, 202, "{}", res.text);
    app
}

async fn export_import_round_trips_across_backends(b: Backend) {
    let other = match b {
        Backend::Sqlite => Backend::Postgres,
        Backend::Postgres => Backend::Sqlite,
    };
    let source = curated_app(b).await;
    let dir =
        std::env::temp_dir().join(format!("sarcoma-backup-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let first = dir.join("first.json");
    cli_ok(
        &source.db_url,
        &["export", "--file", first.to_str().unwrap()],
    );
    let original = read(&first);
    assert_eq!(
        original,
        backup::export(&mut source.db.get().unwrap()).unwrap()
    );
    assert!(
        original.accounts.len() == 2
            && original.proposals.len() == 2
            && original.reports.len() == 1
    );
    assert!(original.audit_log.iter().any(|r| r.action == "verified"));

    // Into the other backend, and out again: identical.
    let target = TestDb::new(other);
    let out = cli(
        Some(&target.url),
        &["import", "--file", first.to_str().unwrap()],
        &[("RUST_LOG", "info")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("imported"), "{printed}");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(&format!(" migration(s) on {}", other.code())),
        "the import ran on {}: {said}",
        other.code()
    );
    let second = dir.join("second.json");
    cli_ok(&target.url, &["export", "--file", second.to_str().unwrap()]);
    assert_eq!(read(&second), original);

    // And back into a new database of the first backend.
    let back = TestDb::new(b);
    cli_ok(&back.url, &["import", "--file", second.to_str().unwrap()]);
    let third = backup::export(&mut Database::connect(&back.url).unwrap().get().unwrap()).unwrap();
    assert_eq!(third, original);

    // Importing into a database that holds data is refused, untouched.
    let refused = cli(
        Some(&back.url),
        &["import", "--file", first.to_str().unwrap()],
        &[],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not empty"));

    // New rows in the restored database get fresh ids (sequences moved on).
    let mut conn = Database::connect(&target.url).unwrap().get().unwrap();
    diesel::sql_query(
        "INSERT INTO reports (entity_kind, entity_id, category, details, status, created_at) \
         VALUES ('centre', 'fake-paris', 'other', 'Fictional', 'open', '2026-01-01T00:00:00Z')",
    )
    .execute(&mut *conn)
    .expect("a new report gets an unused id");
    drop(conn);
    std::fs::remove_dir_all(&dir).ok();
}

both_backends!(export_import_round_trips_across_backends);
