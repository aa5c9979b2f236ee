//! Account administration (admins), one's own account, and tokens. New
//! tokens are returned once, with `Cache-Control: no-store`.

use actix_web::http::header;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use crate::curation::accounts::{self, Caller};
use crate::curation::model::*;
use crate::error::{ApiError, Problem};
use crate::handlers::curation::MAX_BODY_BYTES;
use crate::http::etag::private_json;
use crate::http::problems;
use crate::http::{body, pagination, params};
use crate::state::AppState;

fn created<T: serde::Serialize>(location: String, body: &T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// The caller's own account and tokens.
#[utoipa::path(
    tag = "curation",
    security(("bearer" = [])),
    responses(
        (status = 200, body = AccountDetail),
        problems::Query,
        problems::ForCurators,
        problems::Storage,
    )
)]
#[get("/curation/me")]
pub async fn me(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    params::none(req.query_string())?;
    let d = state
        .db
        .run_with(move |conn| accounts::detail(conn, &caller.account_id))
        .await?;
    Ok(private_json(&d))
}

/// Paging of the account list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AccountParams {
    /// Page size (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// A page of accounts ends at this account (accounts are listed by
/// creation time, then id).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AfterAccount {
    created_at: String,
    id: String,
}

/// All accounts, oldest first (admins).
#[utoipa::path(
    tag = "curation",
    params(AccountParams),
    security(("bearer" = [])),
    responses(
        (status = 200, body = AccountList, headers(("Link" = String, description = "RFC 8288 rel=\"next\" while there are more pages"))),
        problems::Query,
        problems::ForAdmins,
        problems::Storage,
    )
)]
#[get("/curation/accounts")]
pub async fn list_accounts(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Admin)?;
    let p: AccountParams = params::parse(req.query_string())?;
    let limit = pagination::limit(p.limit.as_deref())?;
    let after =
        pagination::cursor::<AfterAccount>(p.cursor.as_deref())?.map(|a| (a.created_at, a.id));
    let rows = state
        .db
        .run(move |conn| accounts::page(conn, after, limit))
        .await?;
    let (items, next_cursor) = pagination::cut(rows, limit, |a| AfterAccount {
        created_at: a.created_at.clone(),
        id: a.id.clone(),
    });
    Ok(pagination::private_page(&req, next_cursor.as_deref())
        .json(AccountList { items, next_cursor }))
}

/// Create an account (admins). Its first token is in the answer, once.
#[utoipa::path(
    tag = "curation",
    request_body(content = NewAccount, description = "At most 256 KiB", content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created; the token is shown only now", body = AccountWithToken),
        problems::JsonBody,
        problems::ForAdmins,
        problems::Storage,
    )
)]
#[post("/curation/accounts")]
pub async fn create_account(
    req: HttpRequest,
    payload: web::Payload,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Admin)?;
    params::none(req.query_string())?;
    let a: NewAccount = body::read_json(&req, payload, MAX_BODY_BYTES, "/openapi.json").await?;
    body::validate(&a)?;
    if a.display_name.trim().is_empty() {
        return Err(ApiError::invalid("display_name", "must not be blank"));
    }
    let (account, token) = state
        .db
        .run(move |conn| {
            accounts::create_account(
                conn,
                &a.display_name,
                a.role,
                accounts::expiry_in_days(a.token_expires_in_days),
                Some(&caller.token_id),
            )
        })
        .await?;
    Ok(created(
        format!("/v1/curation/accounts/{}", account.id),
        &AccountWithToken { account, token },
    ))
}

/// One account with its tokens (admins).
#[utoipa::path(
    tag = "curation",
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, body = AccountDetail),
        problems::Query,
        problems::ForAdmins,
        problems::Storage,
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/curation/accounts/{id}")]
pub async fn get_account(
    req: HttpRequest,
    path: web::Path<String>,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Admin)?;
    params::none(req.query_string())?;
    let id = path.into_inner();
    let d = state
        .db
        .run_with(move |conn| accounts::detail(conn, &id))
        .await?;
    Ok(private_json(&d))
}

/// Change an account's role or deactivate it (admins; not oneself, so
/// an administrator cannot lock everyone out by accident).
#[utoipa::path(
    tag = "curation",
    params(("id" = String, Path)),
    request_body(content = AccountChange, description = "At most 256 KiB", content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 200, body = AccountDetail),
        problems::JsonBody,
        problems::ForCurators,
        problems::Storage,
        (status = 403, description = "Needs the admin role, or it is one's own account", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Nothing to change", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/curation/accounts/{id}")]
pub async fn change_account(
    req: HttpRequest,
    payload: web::Payload,
    path: web::Path<String>,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Admin)?;
    params::none(req.query_string())?;
    let change: AccountChange =
        body::read_json(&req, payload, MAX_BODY_BYTES, "/openapi.json").await?;
    if change.role.is_none() && change.active.is_none() {
        return Err(ApiError::invalid("role", "give role and/or active"));
    }
    let id = path.into_inner();
    if id == caller.account_id {
        return Err(ApiError::forbidden(
            "administrators do not change their own role or status; ask another admin",
        ));
    }
    let d = state
        .db
        .run_with(move |conn| accounts::change(conn, &id, &change))
        .await?;
    Ok(private_json(&d))
}

/// Issue another token for an account (admins, or the account itself).
#[utoipa::path(
    tag = "curation",
    params(("id" = String, Path)),
    request_body(content = TokenRequest, description = "At most 256 KiB", content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Issued; the token is shown only now", body = NewToken),
        problems::JsonBody,
        problems::ForCurators,
        problems::Storage,
        (status = 403, description = "Another account, and not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/curation/accounts/{id}/tokens")]
pub async fn issue_token(
    req: HttpRequest,
    payload: web::Payload,
    path: web::Path<String>,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    params::none(req.query_string())?;
    let id = path.into_inner();
    if id != caller.account_id {
        caller.require(Role::Admin)?;
    }
    let t: TokenRequest = body::read_json(&req, payload, MAX_BODY_BYTES, "/openapi.json").await?;
    body::validate(&t)?;
    let expires_at = accounts::expiry_in_days(t.expires_in_days);
    // Expiry would mean little if a token could mint a longer-lived one.
    if !caller.role.includes(Role::Admin) {
        if let Some(limit) = caller.token_expires_at.as_deref() {
            let within = expires_at
                .is_some_and(|e| e.format("%Y-%m-%dT%H:%M:%SZ").to_string().as_str() <= limit);
            if !within {
                return Err(ApiError::invalid(
                    "expires_in_days",
                    format!(
                        "a token you issue yourself may not outlive the one you are using \
                         (it expires {limit}); ask an administrator for longer"
                    ),
                ));
            }
        }
    }
    let token = state
        .db
        .run_with(move |conn| {
            accounts::issue_token_for(conn, &id, t.label.as_deref(), expires_at, &caller.token_id)
        })
        .await?;
    Ok(created(format!("/v1/curation/tokens/{}", token.id), &token))
}

/// Revoke a token at once (admins, or the token's own account).
#[utoipa::path(
    tag = "curation",
    params(("id" = String, Path, description = "Token id (not the secret)")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked"),
        problems::Query,
        problems::ForCurators,
        problems::Storage,
        (status = 403, description = "Another account's token, and not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Revoked already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/curation/tokens/{id}")]
pub async fn revoke_token(
    req: HttpRequest,
    path: web::Path<String>,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    params::none(req.query_string())?;
    let id = path.into_inner();
    state
        .db
        .run_with(move |conn| accounts::revoke_token(conn, &id, &caller))
        .await?;
    Ok(HttpResponse::NoContent()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}
