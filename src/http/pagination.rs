//! Opaque keyset cursors and RFC 8288 `Link` headers for list endpoints.
//!
//! A cursor names the last item of the previous page by its sort key, not
//! by an offset, so pages stay free of duplicates and gaps even when the
//! directory changes between two requests.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::directory::index::After;
use crate::error::ApiError;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    /// Folded name of the last item (name order).
    #[serde(skip_serializing_if = "Option::is_none")]
    n: Option<String>,
    /// Distance of the last item (distance order).
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<f64>,
    i: String,
}

pub fn encode(after: &After) -> String {
    let wire = match after {
        After::Name { key, id } => Wire {
            n: Some(key.clone()),
            d: None,
            i: id.clone(),
        },
        After::Distance { km, id } => Wire {
            n: None,
            d: Some(*km),
            i: id.clone(),
        },
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&wire).expect("cursor serialises"))
}

/// Decodes a cursor; `by_distance` says which order the request asks for,
/// so a cursor from a `near` list cannot be replayed on a name-ordered one.
pub fn decode(raw: &str, by_distance: bool) -> Result<After, ApiError> {
    let bad = || {
        ApiError::bad_parameter(
            "cursor",
            "not a cursor this list issued; start again without it",
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(raw.as_bytes()).map_err(|_| bad())?;
    let wire: Wire = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    match (wire.n, wire.d, by_distance) {
        (Some(key), None, false) => Ok(After::Name { key, id: wire.i }),
        (None, Some(km), true) if km.is_finite() && km >= 0.0 => {
            Ok(After::Distance { km, id: wire.i })
        }
        _ => Err(bad()),
    }
}

/// The `Link` header value pointing at the next page: the same path and
/// parameters with `cursor` replaced.
pub fn next_link(path: &str, query: &str, cursor: &str) -> String {
    let mut pairs: Vec<(String, String)> =
        serde_urlencoded::from_str::<Vec<(String, String)>>(query)
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| k != "cursor")
            .collect();
    pairs.push(("cursor".into(), cursor.into()));
    let qs = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    format!("<{path}?{qs}>; rel=\"next\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_the_other_order() {
        let after = After::Distance {
            km: 12.345678901234,
            id: "x".into(),
        };
        let c = encode(&after);
        assert_eq!(decode(&c, true).unwrap(), after);
        assert!(decode(&c, false).is_err());
        assert!(decode("not-base64!", false).is_err());
    }

    #[test]
    fn link_replaces_the_cursor() {
        let l = next_link("/v1/centres", "country=US&cursor=old&limit=2", "new");
        assert_eq!(
            l,
            "</v1/centres?country=US&limit=2&cursor=new>; rel=\"next\""
        );
    }
}
