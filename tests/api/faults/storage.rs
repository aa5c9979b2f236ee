//! The database refuses writes while the server runs: writes fail cleanly
//! (503 with `Retry-After`, or 507, problem+json naming the database and
//! nothing internal), public reads go on, nothing stored is lost or
//! half-applied, and writes work again once the fault is gone, with no
//! restart.
//!
//! SQLite: a full disk. The tests run as root, whom file modes do not
//! stop (and `chattr +i` or a read-only mount need privileges or file
//! systems a CI container may lack), so the server process gets a
//! file-size limit of 0 bytes (`RLIMIT_FSIZE`, set on the running process
//! with `prlimit`, which the kernel enforces for root too): every write()
//! it makes to the database's files fails (EFBIG, SIGXFSZ ignored), as on
//! a full disk, through the server's own write path (SQLite's commit into
//! the WAL). Reads do not write, so they go on. SQLite reports EFBIG as an
//! I/O error (503 "storage failed"); a real full disk (ENOSPC) is
//! SQLITE_FULL, a 507, which `store`'s unit tests map.
//!
//! PostgreSQL: a read-only database, as after a failover onto a standby:
//! `ALTER DATABASE ... SET default_transaction_read_only = on` and its
//! sessions ended, so the server's new connections cannot write (SQLSTATE
//! 25006). Restoring turns it off and ends the sessions again (as the
//! failover back would); the server reconnects by itself.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde_json::json;

use super::{assert_clean_outage, assert_whole, baseline};
use crate::both_backends;
use crate::curation::{approve, approve_ok, proposal, propose, propose_update, stored};
use crate::helpers::{eventually, Backend, Data, ServerProcess, TestApp};
use sarcoma_directory::curation::model::Role;
use sarcoma_directory::store::DatabaseUrl;

/// Turns the fault on or off.
fn set_fault(b: Backend, node: &TestApp, on: bool) {
    match (b, &node.db_url) {
        (Backend::Sqlite, _) => node
            .process()
            .expect("a node process")
            .limit_file_size(if on { Some(0) } else { None }),
        (Backend::Postgres, DatabaseUrl::Postgres { url }) => {
            let (_, name) = url.rsplit_once('/').unwrap();
            let server = std::env::var("TEST_POSTGRES_URL").expect("TEST_POSTGRES_URL");
            let mut admin = PgConnection::establish(&server).expect("connect as admin");
            diesel::sql_query(format!(
                "ALTER DATABASE {name} SET default_transaction_read_only = {}",
                if on { "on" } else { "off" }
            ))
            .execute(&mut admin)
            .unwrap();
            diesel::sql_query(format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            ))
            .execute(&mut admin)
            .unwrap();
        }
        other => panic!("backend and URL disagree: {other:?}"),
    }
}

async fn writes_fail_cleanly_while_storage_refuses_them(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let (base_version, base_approved) = baseline(&app.db);
    let node = match b {
        Backend::Sqlite => ServerProcess::start_ignoring_sigxfsz(&app.db_url, &[]).await,
        Backend::Postgres => ServerProcess::start(&app.db_url, &[]).await,
    };
    let node = app.adopt_peer(node).await;
    // Stored before the fault: one applied change, one open proposal.
    let phone = "+44 20 0000 0001 (fictional)";
    let p = propose_update(&node, &curator, "fake-london", |c| {
        c["phone"] = json!(phone)
    })
    .await;
    approve_ok(&node, &reviewer, &p).await;
    let open = propose_update(&node, &curator, "fake-paris", |c| {
        c["website"] = json!("https://example.org/fake-paris-after-the-fault")
    })
    .await;
    let (mut boston, boston_etag) = stored(&node, &curator, "centre", "fake-boston").await;
    boston["notes"] = json!("Fictional note written once storage is back");
    let boston_proposal = proposal("centre", "update", "fake-boston", Some(boston));
    let before = assert_whole(&app.db, base_version, base_approved);

    set_fault(b, &node, true);
    let secrets: Vec<String> = match &app.db_url {
        DatabaseUrl::Sqlite { path } => vec![path.clone(), "readonly".into()],
        DatabaseUrl::Postgres { url } => vec![
            url.rsplit_once('/').unwrap().1.to_owned(),
            "read-only transaction".into(),
        ],
    };
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    // A new proposal and the approval of the open one both fail cleanly
    // and quickly. (On PostgreSQL the first request after the sessions
    // ended may also find its connection gone: still a clean 503.)
    for attempt in 0..3 {
        let started = Instant::now();
        let res = propose(&node, &curator, Some(&boston_etag), &boston_proposal).await;
        assert_clean_outage(&res, &[503, 507], &secrets);
        let res = approve(&node, &reviewer, &open).await;
        assert_clean_outage(&res, &[503, 507], &secrets);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "attempt {attempt}: two refused writes took {:?}",
            started.elapsed()
        );
    }
    // Public reads go on, with what was stored before.
    let london = node.get_ok("/v1/centres/fake-london").await;
    assert_eq!(london["phone"], phone);
    assert_eq!(node.get("/v1/centres?country=GB").await.status, 200);
    assert_eq!(node.get("/v1/regions").await.status, 200);
    // Nothing was written, nothing lost.
    assert_eq!(assert_whole(&app.db, base_version, base_approved), before);

    set_fault(b, &node, false);
    // No restart: the same node takes writes again.
    let approved = eventually(
        "the open proposal is approved once storage is back",
        Duration::from_secs(10),
        || async {
            let res = approve(&node, &reviewer, &open).await;
            match res.status {
                200 => Ok(res),
                503 | 507 => Err(res.text),
                other => panic!("approve answered {other}: {}", res.text),
            }
        },
    )
    .await;
    assert_eq!(approved.json()["status"], "approved");
    let res = propose(&node, &curator, Some(&boston_etag), &boston_proposal).await;
    approve_ok(&node, &reviewer, &res).await;
    node.wait_for("/v1/centres/fake-paris", |c| {
        c["website"] == "https://example.org/fake-paris-after-the-fault"
    })
    .await;
    assert_eq!(
        stored(&node, &curator, "centre", "fake-boston").await.0["notes"],
        "Fictional note written once storage is back"
    );
    assert_eq!(node.get_ok("/v1/centres/fake-london").await["phone"], phone);
    let after = assert_whole(&app.db, base_version, base_approved);
    assert_eq!(after.approved, before.approved + 2);
}

both_backends!(writes_fail_cleanly_while_storage_refuses_them);
