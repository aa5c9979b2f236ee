//! Accounts and bearer tokens. A token is 32 random bytes shown once as
//! `sdt_<base64url>`; only its SHA-256 is stored, so a leaked database
//! does not leak usable tokens. Tokens can expire and be revoked; an
//! inactive account's tokens stop working at once.
//!
//! Handlers take a [`Caller`] argument to require authentication and call
//! [`Caller::require`] for a role. Tokens are never logged: the access log
//! writes only method, path and status.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use base64::Engine;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::curation::model::{AccountView, NewToken, Role, TokenView};
use crate::error::ApiError;
use crate::startup::AppState;
use crate::store::schema::{accounts, api_tokens};
use crate::store::{now_text, DbConnection, StoreError};

const TOKEN_PREFIX: &str = "sdt_";

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize,
)]
#[diesel(table_name = accounts)]
pub struct AccountRow {
    pub id: String,
    pub display_name: String,
    pub role: String,
    pub active: bool,
    pub created_at: String,
}

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize,
)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub id: String,
    pub account_id: String,
    pub token_hash: String,
    pub label: Option<String>,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
}

impl AccountRow {
    pub fn view(&self) -> Result<AccountView, StoreError> {
        Ok(AccountView {
            id: self.id.clone(),
            display_name: self.display_name.clone(),
            role: role(&self.role)?,
            active: self.active,
            created_at: self.created_at.clone(),
        })
    }
}

impl TokenRow {
    pub fn view(&self) -> TokenView {
        TokenView {
            id: self.id.clone(),
            label: self.label.clone(),
            created_at: self.created_at.clone(),
            expires_at: self.expires_at.clone(),
            revoked_at: self.revoked_at.clone(),
        }
    }
}

fn role(code: &str) -> Result<Role, StoreError> {
    Role::from_code(code).ok_or_else(|| StoreError::Corrupt(format!("unknown role {code:?}")))
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).expect("the operating system provides randomness");
    buf
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Whether `raw` has the shape of one of our tokens.
fn well_formed(raw: &str) -> bool {
    raw.strip_prefix(TOKEN_PREFIX).is_some_and(|rest| {
        rest.len() == 43
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// Stores a new token's hash and returns the secret, once.
pub fn issue_token(
    conn: &mut DbConnection,
    account_id: &str,
    label: Option<&str>,
    expires_at: Option<DateTime<Utc>>,
) -> Result<NewToken, StoreError> {
    let secret = format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>())
    );
    let row = TokenRow {
        id: format!("tok-{}", hex(&random_bytes::<8>())),
        account_id: account_id.to_owned(),
        token_hash: hash_token(&secret),
        label: label.map(str::to_owned),
        created_at: now_text(),
        expires_at: expires_at.map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
        revoked_at: None,
    };
    diesel::insert_into(api_tokens::table)
        .values(&row)
        .execute(conn)?;
    Ok(NewToken {
        id: row.id,
        token: secret,
        label: row.label,
        expires_at: row.expires_at,
    })
}

/// Creates an account with its first token.
pub fn create_account(
    conn: &mut DbConnection,
    display_name: &str,
    role: Role,
    expires_at: Option<DateTime<Utc>>,
) -> Result<(AccountView, NewToken), StoreError> {
    conn.transaction(|conn| {
        let row = AccountRow {
            id: format!("acct-{}", hex(&random_bytes::<8>())),
            display_name: display_name.trim().to_owned(),
            role: role.code().to_owned(),
            active: true,
            created_at: now_text(),
        };
        diesel::insert_into(accounts::table)
            .values(&row)
            .execute(conn)?;
        let token = issue_token(conn, &row.id, Some("first token"), expires_at)?;
        Ok((row.view()?, token))
    })
}

pub fn expiry_in_days(days: Option<u32>) -> Option<DateTime<Utc>> {
    days.map(|d| Utc::now() + chrono::Duration::days(i64::from(d)))
}

/// The active account holding a live token with this hash.
fn lookup(conn: &mut DbConnection, hash: &str) -> Result<Option<Caller>, StoreError> {
    let found: Option<(TokenRow, AccountRow)> = api_tokens::table
        .inner_join(accounts::table)
        .filter(api_tokens::token_hash.eq(hash))
        .select((TokenRow::as_select(), AccountRow::as_select()))
        .first(conn)
        .optional()?;
    let Some((token, account)) = found else {
        return Ok(None);
    };
    let now = now_text();
    let live = token.revoked_at.is_none()
        && token.expires_at.as_deref().is_none_or(|t| t > now.as_str())
        && account.active;
    if !live {
        return Ok(None);
    }
    Ok(Some(Caller {
        role: role(&account.role)?,
        account_id: account.id,
        display_name: account.display_name,
        token_id: token.id,
        token_expires_at: token.expires_at,
    }))
}

/// The authenticated account behind a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: String,
    pub display_name: String,
    pub role: Role,
    pub token_id: String,
    /// When the token in use expires (null: never).
    pub token_expires_at: Option<String>,
}

impl Caller {
    /// 403 unless the caller's role includes `needed`.
    pub fn require(&self, needed: Role) -> Result<(), ApiError> {
        if self.role.includes(needed) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "this needs the {} role; this account is a {}",
                needed.code(),
                self.role.code()
            )))
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let header = req.headers().get(header::AUTHORIZATION).cloned();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let Some(header) = header else {
                return Err(ApiError::unauthorized(
                    None,
                    "this endpoint needs an API token: Authorization: Bearer TOKEN",
                ));
            };
            let token = header
                .to_str()
                .ok()
                .and_then(|v| {
                    let (scheme, rest) = v.split_once(' ')?;
                    scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
                })
                .filter(|t| well_formed(t))
                .ok_or_else(|| {
                    ApiError::unauthorized(
                        Some("invalid_request"),
                        "the Authorization header is not a well-formed bearer token",
                    )
                })?;
            let hash = hash_token(token);
            let state = state.ok_or_else(|| ApiError::internal("application state missing"))?;
            state
                .db
                .run(move |conn| lookup(conn, &hash))
                .await?
                .ok_or_else(|| {
                    ApiError::unauthorized(
                        Some("invalid_token"),
                        "the token is unknown, revoked or expired, or its account is inactive",
                    )
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_shape_is_checked_before_any_lookup() {
        let good = format!("{TOKEN_PREFIX}{}", "a".repeat(43));
        assert!(well_formed(&good));
        assert!(!well_formed("sdt_short"));
        assert!(!well_formed(&format!("xyz_{}", "a".repeat(43))));
        assert!(!well_formed(&format!("{TOKEN_PREFIX}{}", "!".repeat(43))));
    }

    #[test]
    fn hashes_are_hex_sha256() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
