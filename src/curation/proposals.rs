//! Proposals: every change to the directory is proposed with a reason and
//! sources, and applied only when a reviewer other than its author
//! approves it. Public reads do not change until then.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::curation::auth::Caller;
use crate::curation::entities::{self, changed_fields, Entity};
use crate::curation::etag::{self, versioned_json};
use crate::curation::model::*;
use crate::curation::{apply, audit, MAX_BODY_BYTES};
use crate::directory::model::{ListingStatus, Source, VerificationStatus};
use crate::error::{ApiError, Problem};
use crate::http::{body, params};
use crate::startup::AppState;
use crate::store::schema::{accounts, proposals};
use crate::store::{lock_writes, now_text, DbConnection, StoreError};

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize,
)]
#[diesel(table_name = proposals)]
pub struct ProposalRow {
    pub id: i64,
    pub entity_kind: String,
    pub entity_id: String,
    pub action: String,
    pub payload: Option<String>,
    pub base_revision: Option<i64>,
    pub changed_fields: String,
    pub reason: String,
    pub sources: String,
    pub status: String,
    pub proposed_by: String,
    pub proposed_at: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub decision_reason: Option<String>,
    pub revision: i64,
}

#[derive(Insertable)]
#[diesel(table_name = proposals)]
struct NewProposalRow {
    entity_kind: String,
    entity_id: String,
    action: String,
    payload: Option<String>,
    base_revision: Option<i64>,
    changed_fields: String,
    reason: String,
    sources: String,
    status: String,
    proposed_by: String,
    proposed_at: String,
    revision: i64,
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("proposal {what} {value:?}"))
}

impl ProposalRow {
    pub fn kind(&self) -> Result<EntityKind, StoreError> {
        EntityKind::from_code(&self.entity_kind).ok_or_else(|| corrupt("kind", &self.entity_kind))
    }

    pub fn action(&self) -> Result<ProposalAction, StoreError> {
        ProposalAction::from_code(&self.action).ok_or_else(|| corrupt("action", &self.action))
    }

    pub fn status(&self) -> Result<ProposalStatus, StoreError> {
        ProposalStatus::from_code(&self.status).ok_or_else(|| corrupt("status", &self.status))
    }

    pub fn payload_entity(&self) -> Result<Entity, StoreError> {
        let text = self
            .payload
            .as_deref()
            .ok_or_else(|| corrupt("payload", "null"))?;
        Entity::from_stored_json(self.kind()?, text)
    }

    fn view(&self, names: &HashMap<String, String>) -> Result<ProposalView, StoreError> {
        let person = |id: &str| Person {
            id: id.to_owned(),
            display_name: names.get(id).cloned().unwrap_or_default(),
        };
        let json_err = |e: serde_json::Error| StoreError::Corrupt(e.to_string());
        Ok(ProposalView {
            id: self.id,
            kind: self.kind()?,
            entity_id: self.entity_id.clone(),
            action: self.action()?,
            status: self.status()?,
            entity: self
                .payload
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(json_err)?,
            base_revision: self.base_revision,
            changed_fields: serde_json::from_str(&self.changed_fields).map_err(json_err)?,
            reason: self.reason.clone(),
            sources: serde_json::from_str(&self.sources).map_err(json_err)?,
            proposed_by: person(&self.proposed_by),
            proposed_at: self.proposed_at.clone(),
            decided_by: self.decided_by.as_deref().map(person),
            decided_at: self.decided_at.clone(),
            decision_reason: self.decision_reason.clone(),
            revision: self.revision,
        })
    }
}

fn views(conn: &mut DbConnection, rows: &[ProposalRow]) -> Result<Vec<ProposalView>, StoreError> {
    let ids: Vec<&str> = rows
        .iter()
        .flat_map(|r| [Some(r.proposed_by.as_str()), r.decided_by.as_deref()])
        .flatten()
        .collect();
    let names: HashMap<String, String> = accounts::table
        .filter(accounts::id.eq_any(ids))
        .select((accounts::id, accounts::display_name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    rows.iter().map(|r| r.view(&names)).collect()
}

fn load(conn: &mut DbConnection, id: i64) -> Result<ProposalRow, ApiError> {
    proposals::table
        .find(id)
        .select(ProposalRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::no_such("proposal", &id.to_string()))
}

/// Source rules for a proposal: each needs an http(s) URL or a citation;
/// a new or changed entity needs at least one.
fn check_sources(p: &NewProposal) -> Result<(), ApiError> {
    let needs = matches!(p.action, ProposalAction::Create | ProposalAction::Update);
    if needs && p.sources.is_empty() {
        return Err(ApiError::invalid(
            "sources",
            "give at least one source for the new or changed facts",
        ));
    }
    for (i, s) in p.sources.iter().enumerate() {
        if !s.is_usable() {
            return Err(ApiError::invalid(
                &format!("sources[{i}]"),
                "a source needs an http(s) URL or a citation",
            ));
        }
    }
    Ok(())
}

/// The entity a create or update proposes, checked on its own.
fn proposed_entity(p: &mut NewProposal) -> Result<Option<Entity>, ApiError> {
    let wants_entity = matches!(p.action, ProposalAction::Create | ProposalAction::Update);
    match (wants_entity, p.entity.take()) {
        (true, None) => Err(ApiError::invalid(
            "entity",
            "required for create and update",
        )),
        (false, Some(_)) => Err(ApiError::invalid(
            "entity",
            "only create and update take an entity",
        )),
        (false, None) => Ok(None),
        (true, Some(value)) => {
            let entity = Entity::from_json(p.kind, value)?;
            if entity.id() != p.id {
                return Err(ApiError::invalid("entity.id", "must equal id"));
            }
            entity.check(Utc::now().date_naive())?;
            if let Entity::Centre(c) = &entity {
                if c.status == ListingStatus::Archived {
                    return Err(ApiError::invalid(
                        "entity.status",
                        "use the archive action to archive",
                    ));
                }
            }
            if let Entity::Clinician(c) = &entity {
                if c.status == ListingStatus::Archived {
                    return Err(ApiError::invalid(
                        "entity.status",
                        "use the archive action to archive",
                    ));
                }
            }
            Ok(Some(entity))
        }
    }
}

/// Verification is recorded by reviewers (`.../verifications`), never
/// through a proposal: a new listing starts unverified, an update keeps
/// the current verification.
fn check_verification_untouched(entity: &Entity, current: Option<&Entity>) -> Result<(), ApiError> {
    let Some(v) = entity.verification() else {
        return Ok(());
    };
    let ok = match current.and_then(Entity::verification) {
        Some(now) => v == now,
        None => {
            v.status == VerificationStatus::Unverified
                && v.last_verified.is_none()
                && v.method.is_none()
                && v.next_review_due.is_none()
        }
    };
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "entity.verification",
            "verifications are recorded by reviewers at /v1/curation/{kind}s/{id}/verifications; \
             send the current verification unchanged (a new listing: unverified, with nulls)",
        ))
    }
}

/// Propose a change (create, update, archive or revert a centre,
/// clinician or fact). Update, archive and revert need `If-Match` with the
/// entity's ETag from `GET /v1/curation/{kind}s/{id}`.
#[utoipa::path(
    tag = "curation",
    request_body(content = NewProposal, content_type = "application/json"),
    params(("If-Match" = Option<String>, Header, description = "The entity's ETag (not for create)")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Proposed; Location names it, ETag is its version", body = ProposalView),
        (status = 400, description = "Malformed JSON, an unknown field or a malformed If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entity to change", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Creating an id already in use, or archiving what is archived", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "If-Match is stale; the current ETag is in ETag", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 256 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields fail validation; each is listed", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/curation/proposals")]
pub async fn create_proposal(
    req: HttpRequest,
    payload: web::Payload,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Curator)?;
    let mut p: NewProposal =
        body::read_json(&req, payload, MAX_BODY_BYTES, "/openapi.json").await?;
    body::validate(&p)?;
    check_sources(&p)?;
    let entity = proposed_entity(&mut p)?;
    let sent_revision = match p.action {
        ProposalAction::Create => None,
        _ => Some(etag::if_match(&req)?),
    };
    match (p.action, p.to_revision) {
        (ProposalAction::Revert, None) => {
            return Err(ApiError::invalid("to_revision", "required to revert"))
        }
        (ProposalAction::Revert, Some(_)) | (_, None) => {}
        (_, Some(_)) => {
            return Err(ApiError::invalid(
                "to_revision",
                "only revert takes to_revision",
            ))
        }
    }
    let row = state
        .db
        .run_with(move |conn| -> Result<ProposalView, ApiError> {
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
                            check_verification_untouched(e, None)?;
                        }
                        (entity, None, None)
                    }
                    (_, None) => return Err(ApiError::no_such(p.kind.code(), &p.id)),
                    (action, Some(current)) => {
                        etag::check(sent_revision.unwrap_or_default(), current.revision)?;
                        let after = match action {
                            ProposalAction::Revert => Some(revert_content(
                                conn,
                                &current,
                                p.to_revision.unwrap_or_default(),
                            )?),
                            ProposalAction::Archive => {
                                if is_archived(&current.entity) {
                                    return Err(ApiError::conflict("it is archived already"));
                                }
                                None
                            }
                            _ => entity,
                        };
                        if let Some(e) = &after {
                            check_verification_untouched(e, Some(&current.entity))?;
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
                let row = load(conn, id.unwrap_or_default())?;
                Ok(views(conn, std::slice::from_ref(&row))?.remove(0))
            })
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/v1/curation/proposals/{}", row.id),
        ))
        .insert_header((header::ETAG, etag::etag(row.revision)))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(row))
}

fn is_archived(e: &Entity) -> bool {
    match e {
        Entity::Centre(c) => c.status == ListingStatus::Archived,
        Entity::Clinician(c) => c.status == ListingStatus::Archived,
        Entity::Fact(_) => false,
    }
}

/// The content of an earlier revision, to restore. Verification is a dated
/// record rather than content, so the current one is kept.
fn revert_content(
    conn: &mut DbConnection,
    current: &entities::Stored,
    to: i64,
) -> Result<Entity, ApiError> {
    if to >= current.revision {
        return Err(ApiError::invalid(
            "to_revision",
            format!(
                "must be earlier than the current revision {}",
                current.revision
            ),
        ));
    }
    let kind = current.entity.kind();
    let mut old = audit::content_at(conn, kind, current.entity.id(), to)?.ok_or_else(|| {
        ApiError::invalid(
            "to_revision",
            format!("no recorded content for revision {to}"),
        )
    })?;
    if let (Some(v), Some(now)) = (old.verification_mut(), current.entity.verification()) {
        *v = now.clone();
    }
    Ok(old)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProposalParams {
    /// `open`, `approved`, `rejected` or `withdrawn`.
    status: Option<String>,
    /// `centre`, `clinician` or `fact`.
    kind: Option<String>,
    entity_id: Option<String>,
    /// An account id. Curators see only their own proposals.
    proposed_by: Option<String>,
    /// 1 to 200, default 50.
    limit: Option<String>,
    cursor: Option<String>,
}

/// Proposals, oldest first. Reviewers see all; curators their own.
#[utoipa::path(
    tag = "curation",
    params(ProposalParams),
    security(("bearer" = [])),
    responses(
        (status = 200, body = ProposalPage),
        (status = 400, description = "A parameter is unknown or malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A curator asked for others' proposals", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/curation/proposals")]
pub async fn list_proposals(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Curator)?;
    let p: ProposalParams = params::parse(req.query_string())?;
    let status = p
        .status
        .as_deref()
        .map(|s| {
            ProposalStatus::from_code(s).ok_or_else(|| {
                ApiError::bad_parameter("status", "must be open, approved, rejected or withdrawn")
            })
        })
        .transpose()?;
    let kind = p
        .kind
        .as_deref()
        .map(|k| {
            EntityKind::from_code(k)
                .ok_or_else(|| ApiError::bad_parameter("kind", "must be centre, clinician or fact"))
        })
        .transpose()?;
    let proposed_by = if caller.role.includes(Role::Reviewer) {
        p.proposed_by
    } else {
        match p.proposed_by {
            Some(a) if a != caller.account_id => {
                return Err(ApiError::forbidden(
                    "curators see their own proposals; reviewers see all",
                ))
            }
            _ => Some(caller.account_id.clone()),
        }
    };
    let limit = i64::from(params::bounded_int(
        "limit",
        p.limit.as_deref(),
        50,
        1,
        200,
    )?);
    let after =
        match p.cursor.as_deref() {
            Some(raw) => raw.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                ApiError::bad_parameter("cursor", "not a cursor this endpoint gave")
            })?,
            None => 0,
        };
    let entity_id = p.entity_id;
    let page = state
        .db
        .run(move |conn| {
            let mut q = proposals::table
                .filter(proposals::id.gt(after))
                .order(proposals::id)
                .limit(limit + 1)
                .select(ProposalRow::as_select())
                .into_boxed();
            if let Some(s) = status {
                q = q.filter(proposals::status.eq(s.code()));
            }
            if let Some(k) = kind {
                q = q.filter(proposals::entity_kind.eq(k.code()));
            }
            if let Some(id) = entity_id {
                q = q.filter(proposals::entity_id.eq(id));
            }
            if let Some(by) = proposed_by {
                q = q.filter(proposals::proposed_by.eq(by));
            }
            let mut rows: Vec<ProposalRow> = q.load(conn)?;
            let more = rows.len() as i64 > limit;
            rows.truncate(limit as usize);
            let next_cursor = more
                .then(|| rows.last().map(|r| r.id.to_string()))
                .flatten();
            Ok(ProposalPage {
                items: views(conn, &rows)?,
                next_cursor,
            })
        })
        .await?;
    Ok(etag::private_json(&page))
}

fn proposal_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::no_such("proposal", raw))
}

/// One proposal, with its ETag. Curators may read only their own.
#[utoipa::path(
    tag = "curation",
    params(("id" = i64, Path, description = "Proposal id")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = ProposalView, headers(("ETag" = String, description = "The proposal's version"))),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another curator's proposal", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such proposal", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/curation/proposals/{id}")]
pub async fn get_proposal(
    req: HttpRequest,
    path: web::Path<String>,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Curator)?;
    params::none(req.query_string())?;
    let id = proposal_id(&path)?;
    let view = state
        .db
        .run_with(move |conn| -> Result<ProposalView, ApiError> {
            let row = load(conn, id)?;
            if row.proposed_by != caller.account_id && !caller.role.includes(Role::Reviewer) {
                return Err(ApiError::forbidden(
                    "curators see their own proposals; reviewers see all",
                ));
            }
            Ok(views(conn, std::slice::from_ref(&row))?.remove(0))
        })
        .await?;
    Ok(versioned_json(&view, view.revision))
}

/// Reads the optional JSON body of approve (an empty body is no note).
async fn optional_decision(req: &HttpRequest, payload: web::Payload) -> Result<Decision, ApiError> {
    let empty = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .is_some_and(|v| v == "0")
        || (req.headers().get(header::CONTENT_TYPE).is_none()
            && req.headers().get(header::CONTENT_LENGTH).is_none()
            && req.headers().get(header::TRANSFER_ENCODING).is_none());
    if empty {
        return Ok(Decision { reason: None });
    }
    let d: Decision = body::read_json(req, payload, MAX_BODY_BYTES, "/openapi.json").await?;
    body::validate(&d)?;
    Ok(d)
}

#[derive(Clone, Copy, PartialEq)]
enum Verdict {
    Approve,
    Reject,
    Withdraw,
}

/// The shared path of approve, reject and withdraw: lock, check the
/// proposal's version and state, decide, and (approve) apply.
async fn decide(
    req: HttpRequest,
    id: String,
    caller: Caller,
    state: web::Data<AppState>,
    verdict: Verdict,
    reason: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let id = proposal_id(&id)?;
    let sent = etag::if_match(&req)?;
    let view = state
        .db
        .run_with(move |conn| -> Result<ProposalView, ApiError> {
            conn.transaction(|conn| {
                lock_writes(conn)?;
                let row = load(conn, id)?;
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
                let row = load(conn, id)?;
                Ok(views(conn, std::slice::from_ref(&row))?.remove(0))
            })
        })
        .await?;
    if verdict == Verdict::Approve {
        // Read-your-writes on this node; a failure here only delays it.
        if let Err(e) = state.refresh().await {
            log::warn!("refresh after a write failed: {e}");
        }
    }
    Ok(versioned_json(&view, view.revision))
}

/// Approve a proposal: the change applies atomically and is published.
/// Not one's own; needs `If-Match` with the proposal's ETag. An optional
/// JSON body `{"reason": ...}` records a note.
#[utoipa::path(
    tag = "curation",
    params(
        ("id" = i64, Path, description = "Proposal id"),
        ("If-Match" = String, Header, description = "The proposal's ETag"),
    ),
    request_body(content = Decision, description = "Optional: a note for the record", content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Approved and applied", body = ProposalView),
        (status = 400, description = "Malformed JSON or If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the reviewer role, or it is one's own proposal", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such proposal", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Decided already, or the entity changed since it was proposed", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "If-Match is stale", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The change is no longer valid (e.g. a referenced centre was archived)", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/curation/proposals/{id}/approve")]
pub async fn approve_proposal(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Reviewer)?;
    params::none(req.query_string())?;
    let d = optional_decision(&req, payload).await?;
    decide(
        req,
        path.into_inner(),
        caller,
        state,
        Verdict::Approve,
        d.reason,
    )
    .await
}

/// Reject a proposal with a reason (`{"reason": ...}`); needs `If-Match`.
#[utoipa::path(
    tag = "curation",
    params(
        ("id" = i64, Path, description = "Proposal id"),
        ("If-Match" = String, Header, description = "The proposal's ETag"),
    ),
    request_body(content = Decision, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Rejected", body = ProposalView),
        (status = 400, description = "Malformed JSON or If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the reviewer role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such proposal", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Decided already", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "If-Match is stale", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason given", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/curation/proposals/{id}/reject")]
pub async fn reject_proposal(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Reviewer)?;
    params::none(req.query_string())?;
    let d: Decision = body::read_json(&req, payload, MAX_BODY_BYTES, "/openapi.json").await?;
    body::validate(&d)?;
    let reason = d
        .reason
        .ok_or_else(|| ApiError::invalid("reason", "required to reject"))?;
    decide(
        req,
        path.into_inner(),
        caller,
        state,
        Verdict::Reject,
        Some(reason),
    )
    .await
}

/// Withdraw one's own open proposal; needs `If-Match`.
#[utoipa::path(
    tag = "curation",
    params(
        ("id" = i64, Path, description = "Proposal id"),
        ("If-Match" = String, Header, description = "The proposal's ETag"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Withdrawn", body = ProposalView),
        (status = 400, description = "Malformed If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the author", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such proposal", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Decided already", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "If-Match is stale", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/curation/proposals/{id}/withdraw")]
pub async fn withdraw_proposal(
    req: HttpRequest,
    path: web::Path<String>,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Curator)?;
    params::none(req.query_string())?;
    decide(
        req,
        path.into_inner(),
        caller,
        state,
        Verdict::Withdraw,
        None,
    )
    .await
}
