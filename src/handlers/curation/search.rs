//! Curators' lists of stored listings of any status, with each one's
//! ETag revision: how a curator finds a draft or archived listing (the
//! public lists show published ones only) and a listing's facts.

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::curation::accounts::Caller;
use crate::curation::entities::Stored;
use crate::curation::model::*;
use crate::curation::search::{self, ListingQuery};
use crate::directory::model::{ListingStatus, SubjectKind};
use crate::error::ApiError;
use crate::http::problems;
use crate::http::{pagination, params};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListingParams {
    /// Words that must all occur in the id, name, institution, city or
    /// country (centres) or the id, name or discipline (clinicians);
    /// case and accents are ignored.
    #[param(
        min_length = 1,
        max_length = 200,
        pattern = "[^\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
    )]
    q: Option<String>,
    /// Only listings in this status (default: any).
    #[param(value_type = Option<ListingStatus>)]
    status: Option<String>,
    /// Page size (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FactListParams {
    /// With `subject_id`: only facts about this centre or clinician.
    #[param(value_type = Option<SubjectKind>)]
    subject_kind: Option<String>,
    /// With `subject_kind`.
    #[param(
        min_length = 1,
        max_length = 200,
        pattern = "[^\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
    )]
    subject_id: Option<String>,
    /// Page size (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// A page of stored entities, ordered by id.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoredEntityPage {
    pub items: Vec<StoredEntity>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A list position: the last id shown.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AfterKey {
    id: String,
}

async fn list(
    req: HttpRequest,
    kind: EntityKind,
    query: ListingQuery,
    limit: Option<String>,
    cursor: Option<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let limit = pagination::limit(limit.as_deref())?;
    let after = pagination::cursor::<AfterKey>(cursor.as_deref())?.map(|k| k.id);
    let rows = state
        .db
        .run(move |conn| search::page(conn, kind, &query, after.as_deref(), limit))
        .await?;
    let (rows, next_cursor) = pagination::cut(rows, limit, |s: &Stored| AfterKey {
        id: s.entity.id().to_owned(),
    });
    let items = rows
        .into_iter()
        .map(|s| StoredEntity {
            kind,
            revision: s.revision,
            created_at: s.created_at,
            updated_at: s.updated_at,
            entity: s.entity.to_json(),
        })
        .collect();
    Ok(pagination::private_page(&req, next_cursor.as_deref())
        .json(StoredEntityPage { items, next_cursor }))
}

fn listing_query(p: &ListingParams) -> Result<ListingQuery, ApiError> {
    Ok(ListingQuery {
        q: params::text("q", p.q.as_deref(), 200)?.map(str::to_owned),
        status: params::one_of::<ListingStatus>("status", p.status.as_deref())?,
        subject: None,
    })
}

macro_rules! listing_search_endpoint {
    ($fn_name:ident, $kind:ident, $what:literal, $path:literal) => {
        #[doc = concat!("Stored ", $what, "s of any status (draft, published, archived), ordered by id, each with its revision (send `\"r<revision>\"` as If-Match when proposing a change). Curators search here; the public lists show published listings only.")]
        #[utoipa::path(
            tag = "curation",
            params(ListingParams),
            security(("bearer" = [])),
            responses(
                (status = 200, body = StoredEntityPage, headers(("Link" = String, description = "RFC 8288 rel=\"next\" while there are more pages"))),
                problems::Query,
                problems::ForCurators,
                problems::Storage,
            )
        )]
        #[get($path)]
        pub async fn $fn_name(
            req: HttpRequest,
            caller: Caller,
            state: web::Data<AppState>,
        ) -> Result<HttpResponse, ApiError> {
            caller.require(Role::Curator)?;
            let p: ListingParams = params::parse(req.query_string())?;
            let query = listing_query(&p)?;
            list(req, EntityKind::$kind, query, p.limit, p.cursor, state).await
        }
    };
}

listing_search_endpoint!(search_centres, Centre, "centre", "/curation/centres");
listing_search_endpoint!(
    search_clinicians,
    Clinician,
    "clinician",
    "/curation/clinicians"
);

/// Stored facts, ordered by id, each with its revision; with
/// `subject_kind` and `subject_id`, one listing's facts (of any status).
#[utoipa::path(
    tag = "curation",
    params(FactListParams),
    security(("bearer" = [])),
    responses(
        (status = 200, body = StoredEntityPage, headers(("Link" = String, description = "RFC 8288 rel=\"next\" while there are more pages"))),
        problems::Query,
        problems::ForCurators,
        problems::Storage,
    )
)]
#[get("/curation/facts")]
pub async fn list_facts(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Curator)?;
    let p: FactListParams = params::parse(req.query_string())?;
    let kind = params::one_of::<SubjectKind>("subject_kind", p.subject_kind.as_deref())?;
    let id = params::text("subject_id", p.subject_id.as_deref(), 200)?;
    let subject = match (kind, id) {
        (Some(k), Some(id)) => Some((k, id.to_owned())),
        (None, None) => None,
        (Some(_), None) => {
            return Err(ApiError::bad_parameter(
                "subject_id",
                "required with subject_kind",
            ))
        }
        (None, Some(_)) => {
            return Err(ApiError::bad_parameter(
                "subject_kind",
                "required with subject_id",
            ))
        }
    };
    let query = ListingQuery {
        q: None,
        status: None,
        subject,
    };
    list(req, EntityKind::Fact, query, p.limit, p.cursor, state).await
}
