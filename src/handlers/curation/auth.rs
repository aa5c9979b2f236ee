//! Authentication: a [`Caller`] handler argument, from the request's
//! bearer token. The token's shape is checked before any lookup; only its
//! hash is looked up.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};

use crate::curation::accounts::{hash_token, lookup, well_formed, Caller};
use crate::error::ApiError;
use crate::state::AppState;

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
