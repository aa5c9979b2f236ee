//! Concurrency: stale ETags (412), missing If-Match (428), conflicting
//! approvals (exactly one applies, the other 409), and parallel writers
//! that lose no update.

use reqwest::Method;
use serde_json::json;

use super::{approve, approve_ok, proposal, propose, stored};
use crate::both_backends;
use crate::helpers::{Backend, Data, TestApp};
use sarcoma_directory::curation::model::Role;

async fn stale_versions_and_conflicting_approvals(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let (centre, etag) = stored(&app, &curator, "centre", "fake-boston").await;
    let mut one = centre.clone();
    one["phone"] = json!("+1 555 0101 (fictional)");
    let mut two = centre.clone();
    two["phone"] = json!("+1 555 0102 (fictional)");
    let body_one = proposal("centre", "update", "fake-boston", Some(one));
    // No If-Match: 428; a malformed one: 400.
    propose(&app, &curator, None, &body_one)
        .await
        .assert_problem(428, None);
    propose(&app, &curator, Some("r1"), &body_one)
        .await
        .assert_problem(400, Some("If-Match"));
    let p1 = propose(&app, &curator, Some(&etag), &body_one).await;
    let p2 = propose(
        &app,
        &curator,
        Some(&etag),
        &proposal("centre", "update", "fake-boston", Some(two)),
    )
    .await;
    assert_eq!((p1.status, p2.status), (201, 201));
    // Both approved at once: exactly one applies, the other gets 409.
    let (a1, a2) = tokio::join!(approve(&app, &reviewer, &p1), approve(&app, &reviewer, &p2));
    let mut statuses = [a1.status, a2.status];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{} / {}", a1.text, a2.text);
    // Two reviewers approving one proposal at once: one applies, one 409.
    let second_reviewer = app.account("Fake Second Reviewer", Role::Reviewer);
    let (mut c, e) = stored(&app, &curator, "centre", "fake-boston").await;
    c["website"] = json!("https://example.org/fake-boston-2");
    let p = propose(
        &app,
        &curator,
        Some(&e),
        &proposal("centre", "update", "fake-boston", Some(c)),
    )
    .await;
    let (a1, a2) = tokio::join!(
        approve(&app, &reviewer, &p),
        approve(&app, &second_reviewer, &p)
    );
    let mut statuses = [a1.status, a2.status];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{} / {}", a1.text, a2.text);
    // A proposal against the old version is refused with the current ETag.
    let stale = propose(&app, &curator, Some(&etag), &body_one).await;
    stale.assert_problem(412, None);
    assert_eq!(stale.header("etag"), Some("\"r3\""));
    // Approving with a stale proposal ETag: 412; deciding twice: 409.
    let (c, e) = stored(&app, &curator, "centre", "fake-boston").await;
    let mut c = c;
    c["notes"] = json!("Fictional note");
    let p3 = propose(
        &app,
        &curator,
        Some(&e),
        &proposal("centre", "update", "fake-boston", Some(c)),
    )
    .await;
    let id = p3.json()["id"].as_i64().unwrap();
    app.send(
        Method::POST,
        &format!("/v1/curation/proposals/{id}/approve"),
        Some(&reviewer),
        Some("\"r9\""),
        None,
    )
    .await
    .assert_problem(412, None);
    approve_ok(&app, &reviewer, &p3).await;
    assert_eq!(
        stored(&app, &curator, "centre", "fake-boston").await.0["notes"],
        "Fictional note"
    );
    app.send(
        Method::POST,
        &format!("/v1/curation/proposals/{id}/approve"),
        Some(&reviewer),
        Some("\"r1\""),
        None,
    )
    .await
    .assert_problem(409, None);
}

/// Writers race to append to one listing, retrying on 412/409 as a client
/// should. No update may be lost.
async fn parallel_writers_lose_no_update(b: Backend) {
    let app = std::sync::Arc::new(TestApp::spawn(b, Data::Fixtures).await);
    let curator = app.account("Fake Curator", Role::Curator);
    let reviewer = app.account("Fake Reviewer", Role::Reviewer);
    let writers = 6;
    let mut tasks = Vec::new();
    for i in 0..writers {
        let (app, curator, reviewer) = (app.clone(), curator.clone(), reviewer.clone());
        tasks.push(tokio::spawn(async move {
            for _attempt in 0..100 {
                let (mut centre, etag) = stored(&app, &curator, "centre", "fake-paris").await;
                let notes = centre["notes"].as_str().unwrap_or_default().to_owned();
                centre["notes"] = json!(format!("{notes} [writer-{i}]"));
                let p = propose(
                    &app,
                    &curator,
                    Some(&etag),
                    &proposal("centre", "update", "fake-paris", Some(centre)),
                )
                .await;
                if p.status == 412 {
                    continue;
                }
                assert_eq!(p.status, 201, "{}", p.text);
                match approve(&app, &reviewer, &p).await.status {
                    200 => return,
                    409 => continue,
                    other => panic!("approve answered {other}"),
                }
            }
            panic!("writer {i} never got its change in");
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let (centre, etag) = stored(&app, &curator, "centre", "fake-paris").await;
    let notes = centre["notes"].as_str().unwrap();
    for i in 0..writers {
        assert_eq!(
            notes.matches(&format!("[writer-{i}]")).count(),
            1,
            "{notes}"
        );
    }
    assert_eq!(etag, format!("\"r{}\"", 1 + writers));
}

both_backends!(
    stale_versions_and_conflicting_approvals,
    parallel_writers_lose_no_update,
);
