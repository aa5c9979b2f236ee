//! Proposing and deciding: each runs in one transaction under the write
//! lock. A proposal is checked against the stored entity it changes (its
//! revision must be the one the curator read); approving applies the
//! change, with its audit row and change-feed rows, in the same
//! transaction, so nothing is ever half-applied.

use diesel::prelude::*;

use crate::curation::accounts::{self, Caller};
use crate::curation::apply;
use crate::curation::entities::{self, changed_fields, Entity};
use crate::curation::model::*;
use crate::curation::proposals::rows::NewProposalRow;
use crate::curation::proposals::{rows, rules};
use crate::directory::model::Source;
use crate::error::ApiError;
use crate::http::etag;
use crate::store::schema::proposals;
use crate::store::{lock_writes, now_text, DbConnection};

/// Stores proposal `p` by `caller`: `entity` is the checked entity of a
/// create or update, `sent_revision` the If-Match of a change.
pub fn propose(
    conn: &mut DbConnection,
    p: NewProposal,
    entity: Option<Entity>,
    sent_revision: Option<i64>,
    caller: &Caller,
) -> Result<ProposalView, ApiError> {
    conn.transaction(|conn| {
        lock_writes(conn)?;
        let current = entities::load(conn, p.kind, &p.id)?;
        let (after, before, base_revision) = match (p.action, current) {
            (ProposalAction::Create, Some(_)) => {
                return Err(ApiError::conflict(format!(
                    "a {} with the id {:?} exists; propose an update instead",
                    p.kind.code(),
                    p.id
                )))
            }
            (ProposalAction::Create, None) => {
                if let Some(e) = &entity {
                    rules::check_verification_untouched(e, None)?;
                    rules::check_new_sources_dated(e, None)?;
                }
                (entity, None, None)
            }
            (_, None) => return Err(ApiError::no_such(p.kind.code(), &p.id)),
            (action, Some(current)) => {
                etag::check(sent_revision.unwrap_or_default(), current.revision)?;
                let after = match action {
                    ProposalAction::Revert => Some(rules::revert_content(
                        conn,
                        &current,
                        p.to_revision.unwrap_or_default(),
                    )?),
                    ProposalAction::Archive => {
                        if rules::is_archived(&current.entity) {
                            return Err(ApiError::conflict("it is archived already"));
                        }
                        None
                    }
                    _ => entity,
                };
                if let Some(e) = &after {
                    rules::check_verification_untouched(e, Some(&current.entity))?;
                    if action != ProposalAction::Revert {
                        rules::check_new_sources_dated(e, Some(&current.entity))?;
                    }
                }
                (after, Some(current.entity), Some(current.revision))
            }
        };
        if let Some(e) = &after {
            entities::check_references(conn, e, before.as_ref())?;
        }
        let after_json = after.as_ref().map(Entity::to_json);
        let before_json = before.as_ref().map(Entity::to_json);
        let fields = if p.action == ProposalAction::Archive && p.kind != EntityKind::Fact {
            vec!["status".to_owned()]
        } else {
            changed_fields(before_json.as_ref(), after_json.as_ref())
        };
        if p.action == ProposalAction::Update && fields.is_empty() {
            return Err(ApiError::invalid(
                "entity",
                "nothing differs from the current version",
            ));
        }
        let sources: &[Source] = &p.sources;
        diesel::insert_into(proposals::table)
            .values(NewProposalRow {
                entity_kind: p.kind.code().to_owned(),
                entity_id: p.id.clone(),
                action: p.action.code().to_owned(),
                payload: after_json.map(|v| v.to_string()),
                base_revision,
                changed_fields: serde_json::to_string(&fields).expect("strings serialise"),
                reason: p.reason.trim().to_owned(),
                sources: serde_json::to_string(sources).expect("sources serialise"),
                status: ProposalStatus::Open.code().to_owned(),
                proposed_by: caller.account_id.clone(),
                proposed_at: now_text(),
                revision: 1,
            })
            .execute(conn)?;
        // Writers hold the lock, so the newest id is ours.
        let id: Option<i64> = proposals::table
            .select(diesel::dsl::max(proposals::id))
            .first(conn)?;
        rows::view(conn, id.unwrap_or_default())
    })
}

/// One proposal of a bulk approval and the revision its reviewer read.
pub struct Pick {
    pub id: i64,
    pub revision: i64,
}

/// Approves `picks` in order, each as [`decide`] would. Not `atomic`: each
/// in its own transaction, so one failure leaves the others applied.
/// `atomic`: all in one transaction (each in a savepoint, so every pick is
/// checked), committed only when every pick succeeds; otherwise none is
/// applied and the results say why each failed. The error is the
/// transaction's own (a lost database), never a pick's.
pub fn approve_many(
    conn: &mut DbConnection,
    picks: &[Pick],
    caller: &Caller,
    reason: Option<String>,
    atomic: bool,
) -> Result<Vec<Result<ProposalView, ApiError>>, ApiError> {
    let approve_all = |conn: &mut DbConnection| -> Vec<Result<ProposalView, ApiError>> {
        picks
            .iter()
            .map(|p| {
                decide(
                    conn,
                    p.id,
                    p.revision,
                    caller,
                    Verdict::Approve,
                    reason.clone(),
                )
            })
            .collect()
    };
    if !atomic {
        return Ok(approve_all(conn));
    }
    let mut results = Vec::new();
    let committed = conn.transaction(|conn| {
        lock_writes(conn)?;
        results = approve_all(conn);
        if results.iter().all(Result::is_ok) {
            Ok(())
        } else {
            Err(ApiError::conflict("a pick failed; nothing applied"))
        }
    });
    match committed {
        Err(e) if results.iter().all(Result::is_ok) => Err(e),
        _ => Ok(results),
    }
}

#[derive(Clone, Copy, PartialEq)]
pub enum Verdict {
    Approve,
    Reject,
    Withdraw,
}

/// The shared path of approve, reject and withdraw: lock, check the
/// proposal's version and state, decide, and (approve) apply.
pub fn decide(
    conn: &mut DbConnection,
    id: i64,
    sent: i64,
    caller: &Caller,
    verdict: Verdict,
    reason: Option<String>,
) -> Result<ProposalView, ApiError> {
    conn.transaction(|conn| {
        lock_writes(conn)?;
        let row = rows::load(conn, id)?;
        if verdict == Verdict::Withdraw && row.proposed_by != caller.account_id {
            return Err(ApiError::forbidden("only its author withdraws a proposal"));
        }
        // Decided already is a conflict whatever version was sent:
        // of two reviewers approving at once, the second gets 409.
        if row.status()? != ProposalStatus::Open {
            return Err(ApiError::conflict(format!(
                "the proposal is {} already",
                row.status
            )));
        }
        etag::check(sent, row.revision)?;
        if verdict == Verdict::Approve && row.proposed_by == caller.account_id {
            return Err(ApiError::forbidden(
                "nobody approves their own proposal; another reviewer must",
            ));
        }
        // A token the author issued (or one issued with it) is the author's
        // to use: it must not approve the author's proposal either.
        if verdict == Verdict::Approve
            && accounts::issuers(conn, &caller.token_id)?.contains(&row.proposed_by)
        {
            return Err(ApiError::forbidden(
                "this token descends from one the proposal's author issued, so it cannot \
                 approve the author's proposals; approve with a token issued on the server \
                 (create-account) or by another administrator",
            ));
        }
        let now = now_text();
        let status = match verdict {
            Verdict::Approve => {
                apply::approved(conn, &row, &caller.account_id, &now)?;
                ProposalStatus::Approved
            }
            Verdict::Reject => ProposalStatus::Rejected,
            Verdict::Withdraw => ProposalStatus::Withdrawn,
        };
        diesel::update(proposals::table.find(id))
            .set((
                proposals::status.eq(status.code()),
                proposals::decided_by.eq(&caller.account_id),
                proposals::decided_at.eq(&now),
                proposals::decision_reason.eq(reason),
                proposals::revision.eq(row.revision + 1),
            ))
            .execute(conn)?;
        rows::view(conn, id)
    })
}
