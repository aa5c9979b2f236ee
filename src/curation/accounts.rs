//! Accounts and bearer tokens. A token is 32 random bytes shown once as
//! `sdt_<base64url>`; only its SHA-256 is stored, so a leaked database
//! does not leak usable tokens. Tokens can expire and be revoked; an
//! inactive account's tokens stop working at once.
//!
//! Handlers take a [`Caller`] argument (extracted from the request in
//! `handlers::curation::auth`) and call [`Caller::require`] for a role.
//! Tokens are never logged: the access log writes only method, path and
//! status.

use std::collections::HashMap;

use base64::Engine;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::curation::model::{
    AccountChange, AccountDetail, AccountView, NewToken, Role, TokenView,
};
use crate::error::ApiError;
use crate::store::schema::{accounts, api_tokens};
use crate::store::{lock_writes, now_text, DbConnection, StoreError};

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
    /// The token this one was issued with; null when issued on the server
    /// (`create-account`). Backups from before it was recorded have none.
    #[serde(default)]
    pub issued_with: Option<String>,
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
pub fn well_formed(raw: &str) -> bool {
    raw.strip_prefix(TOKEN_PREFIX).is_some_and(|rest| {
        rest.len() == 43
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// Stores a new token's hash and returns the secret, once. `issued_with`
/// is the token of the request that asks for it (`None` on the server).
pub fn issue_token(
    conn: &mut DbConnection,
    account_id: &str,
    label: Option<&str>,
    expires_at: Option<DateTime<Utc>>,
    issued_with: Option<&str>,
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
        issued_with: issued_with.map(str::to_owned),
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

/// Creates an account with its first token, issued with `issued_with`
/// (the administrator's token; `None` on the server).
pub fn create_account(
    conn: &mut DbConnection,
    display_name: &str,
    role: Role,
    expires_at: Option<DateTime<Utc>>,
    issued_with: Option<&str>,
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
        let token = issue_token(conn, &row.id, Some("first token"), expires_at, issued_with)?;
        Ok((row.view()?, token))
    })
}

pub fn expiry_in_days(days: Option<u32>) -> Option<DateTime<Utc>> {
    days.map(|d| Utc::now() + chrono::Duration::days(i64::from(d)))
}

/// The active account holding a live token with this hash.
pub fn lookup(conn: &mut DbConnection, hash: &str) -> Result<Option<Caller>, StoreError> {
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

/// Display names of all accounts by id, for attributing audit entries,
/// proposals and reports.
pub fn display_names(conn: &mut DbConnection) -> Result<HashMap<String, String>, StoreError> {
    Ok(accounts::table
        .select((accounts::id, accounts::display_name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

/// One account, or 404.
pub fn account(conn: &mut DbConnection, id: &str) -> Result<AccountRow, ApiError> {
    accounts::table
        .find(id)
        .select(AccountRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::no_such("account", id))
}

/// One account with its tokens, or 404.
pub fn detail(conn: &mut DbConnection, id: &str) -> Result<AccountDetail, ApiError> {
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

/// Up to `limit + 1` accounts after `after` (created_at, id), oldest
/// first (the extra one tells the caller a next page exists).
pub fn page(
    conn: &mut DbConnection,
    after: Option<(String, String)>,
    limit: usize,
) -> Result<Vec<AccountView>, StoreError> {
    let mut q = accounts::table
        .order((accounts::created_at, accounts::id))
        .limit(limit as i64 + 1)
        .select(AccountRow::as_select())
        .into_boxed();
    if let Some((at, id)) = after {
        q = q.filter(
            accounts::created_at
                .gt(at.clone())
                .or(accounts::created_at.eq(at).and(accounts::id.gt(id))),
        );
    }
    let rows: Vec<AccountRow> = q.load(conn)?;
    rows.iter().map(AccountRow::view).collect()
}

/// Changes an account's role and/or active flag.
pub fn change(
    conn: &mut DbConnection,
    id: &str,
    change: &AccountChange,
) -> Result<AccountDetail, ApiError> {
    conn.transaction(|conn| {
        lock_writes(conn)?;
        account(conn, id)?;
        if let Some(role) = change.role {
            diesel::update(accounts::table.find(id))
                .set(accounts::role.eq(role.code()))
                .execute(conn)?;
        }
        if let Some(active) = change.active {
            diesel::update(accounts::table.find(id))
                .set(accounts::active.eq(active))
                .execute(conn)?;
        }
        detail(conn, id)
    })
}

/// Issues another token for an existing account, with `issued_with`.
pub fn issue_token_for(
    conn: &mut DbConnection,
    id: &str,
    label: Option<&str>,
    expires_at: Option<DateTime<Utc>>,
    issued_with: &str,
) -> Result<NewToken, ApiError> {
    conn.transaction(|conn| {
        lock_writes(conn)?;
        account(conn, id)?;
        Ok(issue_token(conn, id, label, expires_at, Some(issued_with))?)
    })
}

/// Tokens at most followed back through `issued_with`; lineages are short
/// (each step is a person issuing a token by hand), so a longer one is
/// corrupt and refused.
const MAX_LINEAGE: usize = 64;

/// The accounts whose tokens `token_id` descends from: the account of the
/// token it was issued with, of the token that one was issued with, and so
/// on. Whoever held one of those could have issued it, so it must not
/// approve their proposals.
pub fn issuers(conn: &mut DbConnection, token_id: &str) -> Result<Vec<String>, StoreError> {
    let mut accounts = Vec::new();
    let mut next: Option<String> = api_tokens::table
        .find(token_id)
        .select(api_tokens::issued_with)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten();
    while let Some(id) = next {
        if accounts.len() >= MAX_LINEAGE {
            return Err(StoreError::Corrupt(format!(
                "token {token_id} descends from more than {MAX_LINEAGE} tokens"
            )));
        }
        let (account, parent): (String, Option<String>) = api_tokens::table
            .find(&id)
            .select((api_tokens::account_id, api_tokens::issued_with))
            .first(conn)?;
        accounts.push(account);
        next = parent;
    }
    Ok(accounts)
}

/// Revokes a token; `caller` must own it or be an admin.
pub fn revoke_token(conn: &mut DbConnection, id: &str, caller: &Caller) -> Result<(), ApiError> {
    conn.transaction(|conn| {
        lock_writes(conn)?;
        let token: TokenRow = api_tokens::table
            .find(id)
            .select(TokenRow::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| ApiError::no_such("token", id))?;
        if token.account_id != caller.account_id {
            caller.require(Role::Admin)?;
        }
        if token.revoked_at.is_some() {
            return Err(ApiError::conflict("the token is revoked already"));
        }
        diesel::update(api_tokens::table.find(id))
            .set(api_tokens::revoked_at.eq(now_text()))
            .execute(conn)?;
        Ok(())
    })
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
