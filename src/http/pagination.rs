//! The one toolkit for list endpoints: `limit`, an opaque cursor, and the
//! page writer that sets `next_cursor`'s `Link` header.
//!
//! A cursor is a list's own position type (a keyset such as "the last
//! name and id shown", or a row id), serialised as JSON and base64url
//! encoded, so clients treat it as opaque and a list can change its
//! position type without changing its API. Keyset positions keep pages
//! free of duplicates and gaps when the data changes between requests.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ApiError;
use crate::http::params;

/// Page size when a list is asked without `limit`.
pub const DEFAULT_LIMIT: u32 = 20;
/// The largest `limit` any list accepts.
pub const MAX_LIMIT: u32 = 100;

/// The position of a list ordered by a numeric row id (proposals, reports,
/// the audit trail): the last id shown.
#[derive(Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AfterId {
    pub id: i64,
}

impl AfterId {
    /// The id after which the page named by `cursor` starts (0: the first).
    pub fn from_cursor(cursor: Option<&str>) -> Result<i64, ApiError> {
        Ok(self::cursor::<AfterId>(cursor)?.map_or(0, |c| c.id))
    }
}

/// The `limit` parameter: a whole number from 1 to [`MAX_LIMIT`].
pub fn limit(raw: Option<&str>) -> Result<usize, ApiError> {
    params::bounded_int("limit", raw, DEFAULT_LIMIT, 1, MAX_LIMIT).map(|n| n as usize)
}

/// The opaque form of a list position.
pub fn encode<P: Serialize>(position: &P) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(position).expect("a cursor position serialises"))
}

/// A position back from the cursor `param` carried; a 400 naming `param`
/// when it is not one this list issued (another list's position type does
/// not decode).
pub fn decode<P: DeserializeOwned>(param: &str, raw: &str) -> Result<P, ApiError> {
    let bad = || {
        ApiError::bad_parameter(
            param,
            "not a cursor this list issued; start again without it",
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(raw.as_bytes()).map_err(|_| bad())?;
    serde_json::from_slice(&bytes).map_err(|_| bad())
}

/// The optional `cursor` parameter, decoded.
pub fn cursor<P: DeserializeOwned>(raw: Option<&str>) -> Result<Option<P>, ApiError> {
    raw.map(|c| decode("cursor", c)).transpose()
}

/// Cuts a fetch of up to `limit + 1` items to `limit`, and gives the
/// cursor of the last one shown when more follow (none on the last page,
/// so there is never an empty last page).
pub fn cut<T, P: Serialize>(
    mut items: Vec<T>,
    limit: usize,
    position: impl Fn(&T) -> P,
) -> (Vec<T>, Option<String>) {
    if items.len() <= limit {
        return (items, None);
    }
    items.truncate(limit);
    let next = items.last().map(|last| encode(&position(last)));
    (items, next)
}

/// A `200` for a page: with `Link: <...>; rel="next"` (RFC 8288) when a
/// next page exists. The caller adds caching headers and the body, whose
/// `next_cursor` must be the same cursor.
pub fn page(req: &HttpRequest, next_cursor: Option<&str>) -> HttpResponseBuilder {
    page_at(req, "cursor", next_cursor)
}

/// [`page`] for lists of curation data, which no cache may keep.
pub fn private_page(req: &HttpRequest, next_cursor: Option<&str>) -> HttpResponseBuilder {
    let mut response = page(req, next_cursor);
    response.insert_header((header::CACHE_CONTROL, "private, no-store"));
    response
}

/// [`page`] for a list whose cursor travels in another parameter (the
/// change feed's `since`).
pub fn page_at(req: &HttpRequest, param: &str, next_cursor: Option<&str>) -> HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    if let Some(cursor) = next_cursor {
        response.insert_header((
            header::LINK,
            next_link(req.path(), req.query_string(), param, cursor),
        ));
    }
    response
}

/// The `Link` header value pointing at the next page: the same path and
/// parameters with `param` (the cursor) replaced.
pub fn next_link(path: &str, query: &str, param: &str, cursor: &str) -> String {
    format!("<{}>; rel=\"next\"", next_url(path, query, param, cursor))
}

/// The next page's URL (path and query): FHIR puts it in the Bundle.
pub fn next_url(path: &str, query: &str, param: &str, cursor: &str) -> String {
    let mut pairs: Vec<(String, String)> =
        serde_urlencoded::from_str::<Vec<(String, String)>>(query)
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| k != param)
            .collect();
    pairs.push((param.into(), cursor.into()));
    let qs = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    format!("{path}?{qs}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct ById {
        id: i64,
    }

    #[derive(Debug, PartialEq, Serialize, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct ByName {
        name: String,
    }

    #[test]
    fn round_trips_and_refuses_another_lists_cursor() {
        let c = encode(&ById { id: 42 });
        assert_eq!(decode::<ById>("cursor", &c).unwrap(), ById { id: 42 });
        let e = decode::<ByName>("cursor", &c).unwrap_err();
        assert_eq!(e.problem().errors[0].field, "cursor");
        assert!(decode::<ById>("since", "not-base64!").is_err());
    }

    #[test]
    fn cut_gives_a_cursor_only_when_more_follow() {
        let (items, next) = cut(vec![1, 2, 3], 2, |n| ById { id: *n });
        assert_eq!(items, vec![1, 2]);
        assert_eq!(
            decode::<ById>("cursor", &next.unwrap()).unwrap(),
            ById { id: 2 }
        );
        let (items, next) = cut(vec![1, 2], 2, |n| ById { id: *n });
        assert_eq!((items, next), (vec![1, 2], None));
    }

    #[test]
    fn limit_is_strict() {
        assert_eq!(limit(None).unwrap(), 20);
        assert_eq!(limit(Some("100")).unwrap(), 100);
        for bad in ["0", "101", "-1", "ten", ""] {
            assert!(limit(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn link_replaces_the_cursor() {
        let l = next_link(
            "/v1/centres",
            "country=US&cursor=old&limit=2",
            "cursor",
            "new",
        );
        assert_eq!(
            l,
            "</v1/centres?country=US&limit=2&cursor=new>; rel=\"next\""
        );
    }
}
