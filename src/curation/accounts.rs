//! Account administration (admins), one's own account, and tokens. New
//! tokens are returned once, with `Cache-Control: no-store`.

use actix_web::http::header;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use diesel::prelude::*;

use crate::curation::auth::{self, AccountRow, Caller, TokenRow};
use crate::curation::etag::private_json;
use crate::curation::model::*;
use crate::curation::MAX_BODY_BYTES;
use crate::error::{ApiError, Problem};
use crate::http::{body, params};
use crate::startup::AppState;
use crate::store::schema::{accounts, api_tokens};
use crate::store::{lock_writes, now_text, DbConnection};

fn account(conn: &mut DbConnection, id: &str) -> Result<AccountRow, ApiError> {
    accounts::table
        .find(id)
        .select(AccountRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::no_such("account", id))
}

fn detail(conn: &mut DbConnection, id: &str) -> Result<AccountDetail, ApiError> {
    let row = account(conn, id)?;
    let tokens: Vec<TokenRow> = api_tokens::table
        .filter(api_tokens::account_id.eq(id))
        .order(api_tokens::created_at)
        .select(TokenRow::as_select())
        .load(conn)?;
    Ok(AccountDetail {
        account: row.view()?,
        tokens: tokens.iter().map(TokenRow::view).collect(),
    })
}

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
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
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
        .run_with(move |conn| detail(conn, &caller.account_id))
        .await?;
    Ok(private_json(&d))
}

/// All accounts (admins).
#[utoipa::path(
    tag = "curation",
    security(("bearer" = [])),
    responses(
        (status = 200, body = AccountList),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the admin role", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/curation/accounts")]
pub async fn list_accounts(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Admin)?;
    params::none(req.query_string())?;
    let items = state
        .db
        .run_with(move |conn| -> Result<_, ApiError> {
            let rows: Vec<AccountRow> = accounts::table
                .order(accounts::created_at)
                .select(AccountRow::as_select())
                .load(conn)?;
            Ok(rows
                .iter()
                .map(AccountRow::view)
                .collect::<Result<Vec<_>, _>>()?)
        })
        .await?;
    Ok(private_json(&AccountList { items }))
}

/// Create an account (admins). Its first token is in the answer, once.
#[utoipa::path(
    tag = "curation",
    request_body(content = NewAccount, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created; the token is shown only now", body = AccountWithToken),
        (status = 400, description = "Malformed JSON or an unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the admin role", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields fail validation; each is listed", body = Problem, content_type = "application/problem+json"),
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
            auth::create_account(
                conn,
                &a.display_name,
                a.role,
                auth::expiry_in_days(a.token_expires_in_days),
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
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the admin role", body = Problem, content_type = "application/problem+json"),
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
    let d = state.db.run_with(move |conn| detail(conn, &id)).await?;
    Ok(private_json(&d))
}

/// Change an account's role or deactivate it (admins; not oneself, so
/// an administrator cannot lock everyone out by accident).
#[utoipa::path(
    tag = "curation",
    params(("id" = String, Path)),
    request_body(content = AccountChange, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 200, body = AccountDetail),
        (status = 400, description = "Malformed JSON or an unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the admin role, or it is one's own account", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
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
        .run_with(move |conn| -> Result<_, ApiError> {
            conn.transaction(|conn| {
                lock_writes(conn)?;
                account(conn, &id)?;
                if let Some(role) = change.role {
                    diesel::update(accounts::table.find(&id))
                        .set(accounts::role.eq(role.code()))
                        .execute(conn)?;
                }
                if let Some(active) = change.active {
                    diesel::update(accounts::table.find(&id))
                        .set(accounts::active.eq(active))
                        .execute(conn)?;
                }
                detail(conn, &id)
            })
        })
        .await?;
    Ok(private_json(&d))
}

/// Issue another token for an account (admins, or the account itself).
#[utoipa::path(
    tag = "curation",
    params(("id" = String, Path)),
    request_body(content = TokenRequest, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Issued; the token is shown only now", body = NewToken),
        (status = 400, description = "Malformed JSON or an unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another account, and not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields fail validation; each is listed", body = Problem, content_type = "application/problem+json"),
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
    let expires_at = auth::expiry_in_days(t.expires_in_days);
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
        .run_with(move |conn| -> Result<_, ApiError> {
            conn.transaction(|conn| {
                lock_writes(conn)?;
                account(conn, &id)?;
                Ok(auth::issue_token(
                    conn,
                    &id,
                    t.label.as_deref(),
                    expires_at,
                )?)
            })
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
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
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
        .run_with(move |conn| -> Result<_, ApiError> {
            conn.transaction(|conn| {
                lock_writes(conn)?;
                let token: TokenRow = api_tokens::table
                    .find(&id)
                    .select(TokenRow::as_select())
                    .first(conn)
                    .optional()?
                    .ok_or_else(|| ApiError::no_such("token", &id))?;
                if token.account_id != caller.account_id {
                    caller.require(Role::Admin)?;
                }
                if token.revoked_at.is_some() {
                    return Err(ApiError::conflict("the token is revoked already"));
                }
                diesel::update(api_tokens::table.find(&id))
                    .set(api_tokens::revoked_at.eq(now_text()))
                    .execute(conn)?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}
