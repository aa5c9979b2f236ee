//! Search filters shared by the `/v1` lists and FHIR search, so a filter
//! means the same, and is checked the same way, wherever it is offered.
//! Each takes the parameter's name, which errors name.

use crate::directory::text::{fold, tokens};
use crate::error::ApiError;
use crate::http::{pagination, params};
use crate::readmodel::index::Facet;
use crate::readmodel::search::{After, Hit};

/// Longest free-text search accepted, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;
/// Most words a free-text search may have: each word narrows the result,
/// and a bound keeps the work per request bounded.
pub const MAX_SEARCH_WORDS: usize = 10;

/// The ISO 3166-1 alpha-2 codes `country` filters take (schema only: an
/// enum in the OpenAPI document; the filters also accept lower case).
pub struct CountryCode;

impl utoipa::PartialSchema for CountryCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let mut codes: Vec<&str> = rust_iso3166::ALL.iter().map(|c| c.alpha2).collect();
        codes.sort_unstable();
        code_schema("An ISO 3166-1 alpha-2 country code", codes)
    }
}

impl utoipa::ToSchema for CountryCode {}

/// The ISO 3166-2 codes `region` filters take (schema only, as
/// [`CountryCode`]).
pub struct RegionCode;

impl utoipa::PartialSchema for RegionCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let mut codes: Vec<&str> = rust_iso3166::iso3166_2::SUBDIVISION_MAP
            .keys()
            .copied()
            .collect();
        codes.sort_unstable();
        code_schema("An ISO 3166-2 subdivision code", codes)
    }
}

impl utoipa::ToSchema for RegionCode {}

fn code_schema(
    what: &str,
    codes: Vec<&str>,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(what))
        .enum_values(Some(codes))
        .into()
}

/// An ISO 3166-1 alpha-2 country code.
pub fn country(name: &str, raw: Option<&str>) -> Result<Option<(Facet, String)>, ApiError> {
    let Some(raw) = raw else { return Ok(None) };
    let code = raw.trim().to_ascii_uppercase();
    if code.len() != 2 || rust_iso3166::from_alpha2(&code).is_none() {
        return Err(ApiError::bad_parameter(
            name,
            "must be an ISO 3166-1 alpha-2 code such as US or DE",
        ));
    }
    Ok(Some((Facet::Country, code)))
}

/// An ISO 3166-2 subdivision code.
pub fn region(name: &str, raw: Option<&str>) -> Result<Option<(Facet, String)>, ApiError> {
    let Some(raw) = raw else { return Ok(None) };
    let code = raw.trim().to_ascii_uppercase();
    if rust_iso3166::iso3166_2::from_code(&code).is_none() {
        return Err(ApiError::bad_parameter(
            name,
            "must be an ISO 3166-2 subdivision code such as US-TX or CA-ON",
        ));
    }
    Ok(Some((Facet::Region, code)))
}

/// A city name; case and accents are ignored.
pub fn city(name: &str, raw: Option<&str>) -> Result<Option<(Facet, String)>, ApiError> {
    Ok(params::text(name, raw, MAX_SEARCH_CHARS)?.map(|c| (Facet::City, fold(c))))
}

/// Search words: each must start a word of the listing's name (or its
/// institution or city); case and accents are ignored. Repeated words
/// count once.
pub fn words(name: &str, raw: Option<&str>) -> Result<Vec<String>, ApiError> {
    let Some(raw) = params::text(name, raw, MAX_SEARCH_CHARS)? else {
        return Ok(Vec::new());
    };
    let mut words: Vec<String> = tokens(raw).collect();
    if words.is_empty() {
        return Err(ApiError::bad_parameter(
            name,
            "must contain a letter or digit",
        ));
    }
    words.sort();
    words.dedup();
    if words.len() > MAX_SEARCH_WORDS {
        return Err(ApiError::bad_parameter(
            name,
            format!("must have at most {MAX_SEARCH_WORDS} different words"),
        ));
    }
    Ok(words)
}

/// A keyset cursor of a directory search, back to where its page ended;
/// `by_distance` is whether the search is ordered by distance.
pub fn after(name: &str, raw: Option<&str>, by_distance: bool) -> Result<Option<After>, ApiError> {
    let Some(raw) = raw else { return Ok(None) };
    let position = pagination::decode(name, raw)?;
    After::from_position(position, by_distance)
        .map(Some)
        .ok_or_else(|| {
            ApiError::bad_parameter(
                name,
                "not a cursor this list issued; start again without it",
            )
        })
}

/// The cursor of the page after `shown` when `more` follow.
pub fn next_cursor<T>(shown: &[Hit<'_, T>], more: bool) -> Option<String> {
    match (more, shown.last()) {
        (true, Some(last)) => Some(pagination::encode(&After::of(last).position())),
        _ => None,
    }
}
