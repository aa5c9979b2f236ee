//! The request path as the router matches it. The router decodes
//! percent-encoded characters before matching, so `/v1/%63uration/me`
//! reaches the curation handler; decisions taken before routing (CORS,
//! caching) must read the same path, or an encoded path would pass as
//! public.

use std::borrow::Cow;

/// `raw` with percent-encoded bytes decoded (invalid UTF-8 replaced).
pub fn decoded(raw: &str) -> Cow<'_, str> {
    percent_encoding::percent_decode_str(raw).decode_utf8_lossy()
}

/// Whether `raw` is a curation path (`/v1/curation/...`), however encoded.
pub fn is_curation(raw: &str) -> bool {
    decoded(raw).starts_with("/v1/curation/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_curation_paths_are_curation_paths() {
        assert!(is_curation("/v1/curation/me"));
        assert!(is_curation("/v1/%63uration/me"));
        assert!(is_curation("/v1/%63%75ration/queue"));
        assert!(!is_curation("/v1/centres"));
        assert_eq!(decoded("/v1/centres/k%C3%B6ln"), "/v1/centres/köln");
    }
}
