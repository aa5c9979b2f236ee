//! Curators' view of stored entities (any status, with their ETag), and
//! reviewers' verifications of listings.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{Months, Utc};

use crate::curation::accounts::Caller;
use crate::curation::model::*;
use crate::curation::{entities, verifications};
use crate::error::{ApiError, Problem};
use crate::handlers::curation::MAX_BODY_BYTES;
use crate::http::etag::{self, versioned_json};
use crate::http::problems;
use crate::http::{body, params};
use crate::state::AppState;

fn kind_of(segment: &str) -> Result<EntityKind, ApiError> {
    match segment {
        "centres" => Ok(EntityKind::Centre),
        "clinicians" => Ok(EntityKind::Clinician),
        "facts" => Ok(EntityKind::Fact),
        other => Err(ApiError::no_route(&format!("/v1/curation/{other}"))),
    }
}

async fn read(
    req: HttpRequest,
    kind: EntityKind,
    id: String,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Curator)?;
    params::none(req.query_string())?;
    let stored = state
        .db
        .run_with(move |conn| -> Result<_, ApiError> {
            entities::load(conn, kind, &id)?.ok_or_else(|| ApiError::no_such(kind.code(), &id))
        })
        .await?;
    let body = StoredEntity {
        kind,
        revision: stored.revision,
        created_at: stored.created_at,
        updated_at: stored.updated_at,
        entity: stored.entity.to_json(),
    };
    Ok(versioned_json(&body, body.revision))
}

macro_rules! stored_entity_endpoint {
    ($fn_name:ident, $segment:literal, $kind:literal, $path:literal) => {
        #[doc = concat!("A stored ", $kind, " of any status (draft, published, archived) with its ETag: the starting point of an update proposal.")]
        #[utoipa::path(
            tag = "curation",
            params(("id" = String, Path)),
            security(("bearer" = [])),
            responses(
                (status = 200, body = StoredEntity, headers(("ETag" = String, description = "Send as If-Match when proposing a change"))),
                problems::Query,
                problems::ForCurators,
                problems::Storage,
                (status = 404, description = "Nothing stored with this id", body = Problem, content_type = "application/problem+json"),
            )
        )]
        #[get($path)]
        pub async fn $fn_name(
            req: HttpRequest,
            path: web::Path<String>,
            caller: Caller,
            state: web::Data<AppState>,
        ) -> Result<HttpResponse, ApiError> {
            read(req, kind_of($segment)?, path.into_inner(), caller, state).await
        }
    };
}

stored_entity_endpoint!(stored_centre, "centres", "centre", "/curation/centres/{id}");
stored_entity_endpoint!(
    stored_clinician,
    "clinicians",
    "clinician",
    "/curation/clinicians/{id}"
);
stored_entity_endpoint!(stored_fact, "facts", "fact", "/curation/facts/{id}");

async fn verify(
    req: HttpRequest,
    payload: web::Payload,
    kind: EntityKind,
    id: String,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Reviewer)?;
    params::none(req.query_string())?;
    let v: NewVerification =
        body::read_json(&req, payload, MAX_BODY_BYTES, "/openapi.json").await?;
    body::validate(&v)?;
    let today = Utc::now().date_naive();
    if v.verified_on > today {
        return Err(ApiError::invalid(
            "verified_on",
            "must not be in the future",
        ));
    }
    let next = match v.next_review_due {
        Some(d) if d <= v.verified_on => {
            return Err(ApiError::invalid(
                "next_review_due",
                "must be after verified_on",
            ))
        }
        Some(d) => d,
        None => v
            .verified_on
            .checked_add_months(Months::new(12))
            .ok_or_else(|| ApiError::invalid("verified_on", "is out of range"))?,
    };
    if !v.source.is_usable() {
        return Err(ApiError::invalid(
            "source",
            "needs an http(s) URL or a citation",
        ));
    }
    crate::curation::proposals::rules::check_retrieved("source.retrieved", &v.source)?;
    let sent = etag::if_match(&req)?;
    let (view, revision) = state
        .db
        .run_with(move |conn| verifications::record(conn, kind, id, v, next, sent, caller))
        .await?;
    // Read-your-writes on this node; a failure here only delays it.
    if let Err(e) = state.refresh().await {
        log::warn!("refresh after a write failed: {e}");
    }
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag::etag(revision)))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(view))
}

macro_rules! verification_endpoint {
    ($fn_name:ident, $segment:literal, $kind:literal, $path:literal) => {
        #[doc = concat!("Record that a reviewer verified this ", $kind, " (by telephone, the institution's own page, its written attestation, or a published list). The listing then shows the date and when the next review is due (default 12 months on). Needs `If-Match` with the listing's ETag.")]
        #[utoipa::path(
            tag = "curation",
            params(
                ("id" = String, Path),
                ("If-Match" = String, Header, description = "The listing's ETag from GET /v1/curation/...", pattern = "^\"r[0-9]{1,18}\"$")
            ),
            request_body(content = NewVerification, description = "At most 256 KiB", content_type = "application/json"),
            security(("bearer" = [])),
            responses(
                (status = 201, description = "Recorded; ETag is the listing's new version", body = VerificationView),
                problems::JsonBody,
                problems::IfMatch,
                problems::ForReviewers,
                problems::Storage,
                (status = 404, description = "Nothing stored with this id", body = Problem, content_type = "application/problem+json"),
            )
        )]
        #[post($path)]
        pub async fn $fn_name(
            req: HttpRequest,
            payload: web::Payload,
            path: web::Path<String>,
            caller: Caller,
            state: web::Data<AppState>,
        ) -> Result<HttpResponse, ApiError> {
            verify(req, payload, kind_of($segment)?, path.into_inner(), caller, state).await
        }
    };
}

verification_endpoint!(
    verify_centre,
    "centres",
    "centre",
    "/curation/centres/{id}/verifications"
);
verification_endpoint!(
    verify_clinician,
    "clinicians",
    "clinician",
    "/curation/clinicians/{id}/verifications"
);
