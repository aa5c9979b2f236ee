//! Faults: the server killed with SIGKILL under write load (`crash`), the
//! database refusing writes (`storage`: a full disk on SQLite, a read-only
//! database on PostgreSQL), the database unreachable behind a proxy that
//! cuts it off (`outage`, PostgreSQL only: SQLite has no network), and a
//! start against a missing database (`startup`). The helpers here check
//! that the stored data is whole (every entity's revision, audit rows,
//! change-feed rows and the data version agree) and that an outage is
//! answered cleanly (503 or 507 problem+json that names what failed and
//! nothing internal).

mod crash;
mod outage;
mod startup;
mod storage;

use std::collections::{BTreeMap, BTreeSet};

use diesel::prelude::*;
use sarcoma_directory::store::schema::{audit_log, centres, changes, clinicians, facts, proposals};
use sarcoma_directory::store::{data_version, Database};
use serde_json::Value;

use crate::helpers::Response;

/// What the database holds, counted, to compare before and after a fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts {
    pub data_version: i64,
    pub audit_rows: usize,
    pub change_rows: usize,
    pub proposals: usize,
    pub approved: usize,
}

/// Checks that the stored data is whole and returns its counts:
///
/// - every centre, clinician and fact has audit rows for revisions 1 to
///   its revision, once each, and the newest one's `after` is its content
///   (no entity change without an audit row, no audit row without one);
/// - every audit row of a proposal belongs to an approved proposal, and
///   every approved proposal has exactly one audit row;
/// - every change-feed row names an audited revision of its listing, and
///   every approved change of a published listing is in the feed;
/// - the data version moved by one per approval since `base_version`.
pub fn assert_whole(db: &Database, base_version: i64, base_approved: usize) -> Counts {
    let mut conn = db.get().expect("a connection");
    let conn = &mut *conn;
    type AuditKey = (String, String, i64);
    /// Kind, id, revision, proposal, after.
    type AuditRow = (String, String, i64, Option<i64>, Option<String>);
    let audit: Vec<AuditRow> = audit_log::table
        .select((
            audit_log::entity_kind,
            audit_log::entity_id,
            audit_log::entity_revision,
            audit_log::proposal_id,
            audit_log::after_json,
        ))
        .order(audit_log::seq)
        .load(conn)
        .unwrap();
    let mut revisions: BTreeMap<(String, String), Vec<i64>> = BTreeMap::new();
    let mut newest_after: BTreeMap<(String, String), Option<String>> = BTreeMap::new();
    let audited: BTreeSet<AuditKey> = audit
        .iter()
        .map(|(k, id, rev, _, _)| (k.clone(), id.clone(), *rev))
        .collect();
    for (kind, id, rev, _, after) in &audit {
        revisions
            .entry((kind.clone(), id.clone()))
            .or_default()
            .push(*rev);
        newest_after.insert((kind.clone(), id.clone()), after.clone());
    }
    let mut entities: Vec<(String, String, i64, Option<String>)> = Vec::new();
    let centre_rows: Vec<(String, i64, Option<String>, String)> = centres::table
        .select((
            centres::id,
            centres::revision,
            centres::notes,
            centres::status,
        ))
        .load(conn)
        .unwrap();
    for (id, rev, notes, _) in &centre_rows {
        entities.push(("centre".into(), id.clone(), *rev, notes.clone()));
    }
    for (id, rev) in clinicians::table
        .select((clinicians::id, clinicians::revision))
        .load::<(String, i64)>(conn)
        .unwrap()
    {
        entities.push(("clinician".into(), id, rev, None));
    }
    for (id, rev) in facts::table
        .select((facts::id, facts::revision))
        .load::<(String, i64)>(conn)
        .unwrap()
    {
        entities.push(("fact".into(), id, rev, None));
    }
    assert!(!entities.is_empty(), "the database holds listings");
    for (kind, id, rev, notes) in &entities {
        let key = (kind.clone(), id.clone());
        let mut revs = revisions.remove(&key).unwrap_or_default();
        revs.sort_unstable();
        assert_eq!(
            revs,
            (1..=*rev).collect::<Vec<_>>(),
            "{kind} {id} at revision {rev}: its audit rows' revisions"
        );
        if kind == "centre" {
            // The newest audit row holds what is stored now.
            let after: Value = serde_json::from_str(
                newest_after[&key]
                    .as_deref()
                    .expect("a centre's newest audit row has an after"),
            )
            .unwrap();
            assert_eq!(
                after["notes"].as_str(),
                notes.as_deref(),
                "centre {id}: stored notes and its newest audit row"
            );
        }
    }
    assert!(
        revisions.is_empty(),
        "audit rows for entities that are not stored: {revisions:?}"
    );

    let decided: Vec<(i64, String)> = proposals::table
        .select((proposals::id, proposals::status))
        .load(conn)
        .unwrap();
    let approved: BTreeSet<i64> = decided
        .iter()
        .filter(|(_, s)| s == "approved")
        .map(|(id, _)| *id)
        .collect();
    let mut applied: Vec<i64> = audit.iter().filter_map(|a| a.3).collect();
    applied.sort_unstable();
    assert_eq!(
        applied,
        approved.iter().copied().collect::<Vec<_>>(),
        "proposals with an audit row (once each) are exactly the approved ones"
    );

    let feed: Vec<(String, String, i64)> = changes::table
        .select((changes::entity_kind, changes::entity_id, changes::revision))
        .load(conn)
        .unwrap();
    let fed: BTreeSet<AuditKey> = feed.iter().cloned().collect();
    for row in &feed {
        assert!(
            audited.contains(row),
            "a change-feed row without an audited revision: {row:?}"
        );
    }
    let published: BTreeSet<&str> = centre_rows
        .iter()
        .filter(|(_, _, _, status)| status == "published")
        .map(|(id, _, _, _)| id.as_str())
        .collect();
    for (kind, id, rev, proposal, _) in &audit {
        if proposal.is_some() && kind == "centre" && published.contains(id.as_str()) {
            assert!(
                fed.contains(&(kind.clone(), id.clone(), *rev)),
                "approved change of {kind} {id} (revision {rev}) is not in the change feed"
            );
        }
    }
    let version = data_version(conn).unwrap();
    assert_eq!(
        version - base_version,
        (approved.len() - base_approved) as i64,
        "the data version moves by one per approval"
    );
    Counts {
        data_version: version,
        audit_rows: audit.len(),
        change_rows: feed.len(),
        proposals: decided.len(),
        approved: approved.len(),
    }
}

/// Counts only (see `assert_whole`): the data version and the number of
/// approved proposals.
pub fn baseline(db: &Database) -> (i64, usize) {
    let mut conn = db.get().expect("a connection");
    let conn = &mut *conn;
    let approved: i64 = proposals::table
        .filter(proposals::status.eq("approved"))
        .count()
        .get_result(conn)
        .unwrap();
    (data_version(conn).unwrap(), approved as usize)
}

/// Asserts a clean answer to a request the database could not serve: one
/// of `statuses`, problem+json, `Retry-After` in whole seconds (1 to 300),
/// a detail that names the database, and none of `secrets` (hosts, ports,
/// file paths, driver text) anywhere in the body.
pub fn assert_clean_outage(res: &Response, statuses: &[u16], secrets: &[&str]) -> Value {
    assert!(
        statuses.contains(&res.status),
        "expected one of {statuses:?}, got {}: {}",
        res.status,
        res.text
    );
    let body = res.assert_problem(res.status, None);
    let retry: u64 = res
        .header("retry-after")
        .unwrap_or_else(|| panic!("no Retry-After on {}: {}", res.status, res.text))
        .parse()
        .expect("Retry-After in seconds");
    assert!((1..=300).contains(&retry), "Retry-After {retry}");
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("database"), "names what failed: {detail}");
    for secret in
        secrets
            .iter()
            .chain(&["FATAL", "sqlite", "SQLite", "diesel", "I/O error", "errno"])
    {
        assert!(
            !res.text.contains(secret),
            "the answer shows {secret:?}: {}",
            res.text
        );
    }
    body
}
