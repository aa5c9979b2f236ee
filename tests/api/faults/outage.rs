//! The database becomes unreachable and comes back (PostgreSQL only:
//! SQLite is a local file with no network; its counterpart is the full
//! disk of `storage`). The server reaches PostgreSQL through a TCP proxy
//! in the test that can cut every connection and refuse new ones (it
//! accepts and closes them at once), then let them through again.
//!
//! In `pg_only`, not `postgres`, so that CI's per-backend test counts
//! still pair up.

use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::assert_clean_outage;
use crate::curation::{approve, approve_ok, proposal, propose, propose_update, stored};
use crate::helpers::{eventually, Backend, Data, TestApp};
use sarcoma_directory::curation::model::Role;
use sarcoma_directory::store::DatabaseUrl;

/// A TCP proxy on 127.0.0.1 to `upstream`, on a thread and runtime of its
/// own (the server under test connects through it from blocking code, so
/// it must not wait for the test's runtime).
struct Proxy {
    port: u16,
    cut: watch::Sender<bool>,
}

impl Proxy {
    fn start(upstream: String) -> Proxy {
        let (cut, cut_rx) = watch::channel(false);
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let mut dropped = cut_rx.clone();
                let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                port_tx.send(listener.local_addr().unwrap().port()).unwrap();
                loop {
                    tokio::select! {
                        accepted = listener.accept() => {
                            let Ok((mut inbound, _)) = accepted else { return };
                            if *cut_rx.borrow() {
                                continue; // refused: closed at once
                            }
                            let mut cut = cut_rx.clone();
                            let upstream = upstream.clone();
                            tokio::spawn(async move {
                                let Ok(mut outbound) = TcpStream::connect(&upstream).await else {
                                    return;
                                };
                                tokio::select! {
                                    _ = copy_bidirectional(&mut inbound, &mut outbound) => {}
                                    _ = cut.wait_for(|cut| *cut) => {}
                                }
                            });
                        }
                        // The test is over: the sender was dropped.
                        changed = dropped.changed() => if changed.is_err() { return },
                    }
                }
            });
        });
        let port = port_rx
            .recv_timeout(Duration::from_secs(5))
            .expect("the proxy listens");
        Proxy { port, cut }
    }

    /// Closes every proxied connection and refuses new ones.
    fn cut(&self) {
        self.cut.send_replace(true);
    }

    fn restore(&self) {
        self.cut.send_replace(false);
    }
}

/// `host:port` of a `postgres://[user@]host:port/db` URL, and the URL with
/// them replaced by `with`.
fn split_authority(url: &str, with: &str) -> (String, String) {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let (authority, path) = rest.split_once('/').expect("a database in the URL");
    let (user, host) = match authority.rsplit_once('@') {
        Some((user, host)) => (format!("{user}@"), host),
        None => (String::new(), authority),
    };
    (host.to_owned(), format!("{scheme}://{user}{with}/{path}"))
}

/// While PostgreSQL is cut off: `/readyz` says 503 within a second, public
/// reads answer 200 from the in-memory directory, writes answer 503 with
/// `Retry-After` within a few seconds (not 500, not a long hang). Once it
/// is back, with no restart: `/readyz` 200, writes succeed, and reads see
/// them.
async fn database_outage_keeps_reads_and_recovers_without_restart() {
    let server = std::env::var("TEST_POSTGRES_URL").expect("TEST_POSTGRES_URL (see README)");
    let (upstream, _) = split_authority(&server, "");
    let proxy = Proxy::start(upstream);
    let proxied = format!("127.0.0.1:{}", proxy.port);
    let app = TestApp::spawn_with(Backend::Postgres, Data::Fixtures, |s| {
        let DatabaseUrl::Postgres { url } = &s.database_url else {
            panic!("a PostgreSQL test database")
        };
        s.database_url = DatabaseUrl::Postgres {
            url: split_authority(url, &proxied).1,
        };
    })
    .await;
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    // Through the proxy: a write, and another proposal left open.
    let phone = "+44 20 0000 0002 (fictional)";
    let p = propose_update(&app, &curator, "fake-london", |c| c["phone"] = json!(phone)).await;
    approve_ok(&app, &reviewer, &p).await;
    let open = propose_update(&app, &curator, "fake-paris", |c| {
        c["website"] = json!("https://example.org/fake-paris-after-the-outage")
    })
    .await;
    let (mut boston, boston_etag) = stored(&app, &curator, "centre", "fake-boston").await;
    boston["notes"] = json!("Fictional note written after the outage");
    let boston_proposal = proposal("centre", "update", "fake-boston", Some(boston));

    proxy.cut();
    let secrets = [proxied.as_str(), "127.0.0.1", "server closed", "timed out"];
    let started = Instant::now();
    let ready = app.get("/readyz").await;
    let took = started.elapsed();
    assert_clean_outage(&ready, &[503], &secrets);
    assert!(took < Duration::from_secs(1), "/readyz took {took:?}");
    // Public reads answer from memory, at once.
    let started = Instant::now();
    assert_eq!(app.get_ok("/v1/centres/fake-london").await["phone"], phone);
    assert_eq!(app.get("/v1/centres?country=GB").await.status, 200);
    assert_eq!(app.get("/v1/regions").await.status, 200);
    assert_eq!(app.get("/fhir/Organization").await.status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    // Writes: a clean 503 within a few seconds, twice over (the second
    // finds no stale connection left to fail on).
    for attempt in 0..2 {
        let started = Instant::now();
        let res = propose(&app, &curator, Some(&boston_etag), &boston_proposal).await;
        let took = started.elapsed();
        assert_clean_outage(&res, &[503], &secrets);
        assert!(took < Duration::from_secs(4), "attempt {attempt}: {took:?}");
        let started = Instant::now();
        let res = approve(&app, &reviewer, &open).await;
        assert_clean_outage(&res, &[503], &secrets);
        assert!(started.elapsed() < Duration::from_secs(4));
    }
    // Still cut: readiness keeps answering quickly.
    let started = Instant::now();
    assert_eq!(app.get("/readyz").await.status, 503);
    assert!(started.elapsed() < Duration::from_secs(1));

    proxy.restore();
    eventually(
        "/readyz says 200 once the database is back",
        Duration::from_secs(10),
        || async {
            let res = app.get("/readyz").await;
            if res.status == 200 {
                Ok(())
            } else {
                Err(res.text)
            }
        },
    )
    .await;
    approve_ok(&app, &reviewer, &open).await;
    let res = propose(&app, &curator, Some(&boston_etag), &boston_proposal).await;
    assert_eq!(res.status, 201, "{}", res.text);
    approve_ok(&app, &reviewer, &res).await;
    app.wait_for("/v1/centres/fake-paris", |c| {
        c["website"] == "https://example.org/fake-paris-after-the-outage"
    })
    .await;
    assert_eq!(
        stored(&app, &curator, "centre", "fake-boston").await.0["notes"],
        "Fictional note written after the outage"
    );
}

mod pg_only {
    #[tokio::test]
    async fn database_outage_keeps_reads_and_recovers_without_restart() {
        super::database_outage_keeps_reads_and_recovers_without_restart().await
    }
}
