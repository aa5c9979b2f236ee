//! SIGKILL during concurrent propose/approve load: no acknowledged write
//! is lost and nothing is half-applied.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use serde_json::{json, Value};

use super::{assert_whole, baseline};
use crate::both_backends;
use crate::curation::proposal;
use crate::helpers::{eventually, Backend, Data, ServerProcess, TestApp};
use sarcoma_directory::curation::model::Role;
use sarcoma_directory::store::DatabaseUrl;

/// Listings the writers change; two writers share each, so some of their
/// proposals lose races (412 or 409) as well.
const CENTRES: [&str; 2] = ["fake-paris", "fake-london"];
const WRITERS: usize = 4;
/// Approvals acknowledged before the kill, at least.
const ACKED_BEFORE_KILL: usize = 12;

/// What one writer saw answered.
#[derive(Default)]
struct Acks {
    /// Proposals answered 201: (id, centre).
    proposed: Vec<(i64, String)>,
    /// Approvals answered 200: (proposal id, centre, the tag it added).
    approved: Vec<(i64, String, String)>,
}

enum Round {
    Applied,
    LostRace,
    /// The server did not answer (it was killed).
    NoAnswer,
}

/// One writer's round on `centre`: read it, propose appending `tag` to its
/// notes, approve. Records what was acknowledged; a status other than the
/// expected ones fails the test.
async fn round(
    http: &reqwest::Client,
    base: &str,
    (curator, reviewer): (&str, &str),
    centre: &str,
    tag: &str,
    acks: &Mutex<Acks>,
) -> Round {
    let Ok(res) = http
        .get(format!("{base}/v1/curation/centres/{centre}"))
        .bearer_auth(curator)
        .send()
        .await
    else {
        return Round::NoAnswer;
    };
    assert_eq!(res.status(), 200, "read {centre}");
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let Ok(stored) = res.json::<Value>().await else {
        return Round::NoAnswer;
    };
    let mut entity = stored["entity"].clone();
    let notes = entity["notes"].as_str().unwrap_or_default().to_owned();
    entity["notes"] = json!(format!("{notes} [{tag}]"));
    let Ok(res) = http
        .post(format!("{base}/v1/curation/proposals"))
        .bearer_auth(curator)
        .header("If-Match", &etag)
        .json(&proposal("centre", "update", centre, Some(entity)))
        .send()
        .await
    else {
        return Round::NoAnswer;
    };
    match res.status().as_u16() {
        201 => {}
        412 => return Round::LostRace,
        other => panic!("propose answered {other}"),
    }
    let p_etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let Ok(p) = res.json::<Value>().await else {
        return Round::NoAnswer;
    };
    let id = p["id"].as_i64().unwrap();
    acks.lock().unwrap().proposed.push((id, centre.to_owned()));
    let Ok(res) = http
        .post(format!("{base}/v1/curation/proposals/{id}/approve"))
        .bearer_auth(reviewer)
        .header("If-Match", &p_etag)
        .send()
        .await
    else {
        return Round::NoAnswer;
    };
    match res.status().as_u16() {
        // Acknowledged once the status line arrived: the body may be cut.
        200 => {
            acks.lock()
                .unwrap()
                .approved
                .push((id, centre.to_owned(), tag.to_owned()));
            Round::Applied
        }
        409 => Round::LostRace,
        other => panic!("approve answered {other}"),
    }
}

/// PostgreSQL sessions of the node to be killed carry this name.
const NODE_SESSIONS: &str = "sarcoma_killed_node";

/// The node's `DATABASE_URL`: on PostgreSQL, naming its sessions.
fn tagged(url: &DatabaseUrl) -> DatabaseUrl {
    match url {
        DatabaseUrl::Sqlite { .. } => url.clone(),
        DatabaseUrl::Postgres { url } => DatabaseUrl::Postgres {
            url: format!("{url}?application_name={NODE_SESSIONS}"),
        },
    }
}

/// How many PostgreSQL sessions the node has (`None` on SQLite).
fn node_sessions(url: &DatabaseUrl) -> Option<i64> {
    let DatabaseUrl::Postgres { url } = url else {
        return None;
    };
    let mut admin = PgConnection::establish(url).expect("connect");
    let query = format!(
        "(SELECT count(*) FROM pg_stat_activity WHERE application_name = '{NODE_SESSIONS}')"
    );
    Some(
        diesel::select(diesel::dsl::sql::<BigInt>(&query))
            .get_result(&mut admin)
            .unwrap(),
    )
}

/// Waits until nothing of the killed node can still commit. SQLite: its
/// writes died with it. PostgreSQL: a COMMIT the node sent just before
/// the kill is still carried out by its server session, which notices
/// the closed connection only after it; so wait until its sessions end.
async fn settled(url: &DatabaseUrl) {
    eventually(
        "the killed node's PostgreSQL sessions end",
        Duration::from_secs(10),
        || async {
            match node_sessions(url) {
                None | Some(0) => Ok(()),
                Some(n) => Err(format!("{n} left")),
            }
        },
    )
    .await;
}

/// The real binary as its own process takes propose/approve rounds from
/// four writers; once a dozen approvals are acknowledged it is killed with
/// SIGKILL mid-load. Right after (before any restart could repair
/// anything: startup backfills missing audit rows) the database must be
/// whole (`assert_whole`); after a restart every acknowledged proposal
/// exists and every acknowledged approval is applied and served.
async fn sigkill_under_write_load_loses_no_acknowledged_write(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let (base_version, base_approved) = baseline(&app.db);
    let mut node = ServerProcess::start(&tagged(&app.db_url), &[]).await;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let acks = Arc::new(Mutex::new(Acks::default()));
    let applied = Arc::new(AtomicUsize::new(0));
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let (http, base, acks, applied) = (
            http.clone(),
            node.address.clone(),
            acks.clone(),
            applied.clone(),
        );
        let tokens = (curator.clone(), reviewer.clone());
        writers.push(tokio::spawn(async move {
            let centre = CENTRES[w % CENTRES.len()];
            for n in 0..2000 {
                let tag = format!("w{w}-{n}");
                let tokens = (tokens.0.as_str(), tokens.1.as_str());
                match round(&http, &base, tokens, centre, &tag, &acks).await {
                    Round::Applied => {
                        applied.fetch_add(1, Ordering::SeqCst);
                    }
                    Round::LostRace => {}
                    Round::NoAnswer => return,
                }
            }
            panic!("writer {w} still ran when the server should have been killed");
        }));
    }
    eventually(
        "approvals acknowledged under load",
        Duration::from_secs(60),
        || async {
            let n = applied.load(Ordering::SeqCst);
            if n >= ACKED_BEFORE_KILL {
                Ok(())
            } else {
                Err(format!("{n} so far"))
            }
        },
    )
    .await;
    if let Some(n) = node_sessions(&app.db_url) {
        assert!(n > 0, "the node's sessions are named {NODE_SESSIONS}");
    }
    node.kill();
    for w in writers {
        w.await.expect("a writer failed");
    }
    settled(&app.db_url).await;
    let acks = std::mem::take(&mut *acks.lock().unwrap());
    assert!(acks.approved.len() >= ACKED_BEFORE_KILL);

    // Whole right after the kill, before anything restarts.
    let counts = assert_whole(&app.db, base_version, base_approved);
    assert!(counts.approved >= base_approved + acks.approved.len());

    // A restarted node serves every acknowledged write.
    let restarted = app
        .adopt_peer(ServerProcess::start(&app.db_url, &[]).await)
        .await;
    for (id, centre) in &acks.proposed {
        let p = restarted
            .get_json(&format!("/v1/curation/proposals/{id}"), &curator)
            .await
            .expect(200);
        assert_eq!(&p["entity_id"], centre.as_str(), "{p}");
    }
    for (id, centre, tag) in &acks.approved {
        let p = restarted
            .get_json(&format!("/v1/curation/proposals/{id}"), &curator)
            .await
            .expect(200);
        assert_eq!(p["status"], "approved", "acknowledged approval {id}: {p}");
        let stored = restarted
            .get_json(&format!("/v1/curation/centres/{centre}"), &curator)
            .await
            .expect(200);
        let notes = stored["entity"]["notes"].as_str().unwrap_or_default();
        assert_eq!(
            notes.matches(&format!("[{tag}]")).count(),
            1,
            "{centre} holds acknowledged tag {tag} once: {notes}"
        );
    }
    let ready = restarted.get_ok("/readyz").await;
    assert_eq!(ready["data_version"], counts.data_version, "{ready}");
    assert_eq!(assert_whole(&app.db, base_version, base_approved), counts);
}

both_backends!(sigkill_under_write_load_loses_no_acknowledged_write);
