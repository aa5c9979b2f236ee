//! Type-ahead: centres, clinicians, cities, regions and countries whose
//! names start with what was typed (accents and case ignored), from the
//! in-memory index.

use std::collections::BTreeMap;

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::directory::text::fold;
use crate::error::ApiError;
use crate::handlers::filters;
use crate::http::{params, problems};
use crate::readmodel::index::Facet;
use crate::readmodel::search::Query;
use crate::readmodel::snapshot::Snapshot;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SuggestParams {
    /// What was typed so far: every word must start a word of the name.
    /// At most 200 characters and 10 words, with a letter or digit.
    #[param(
        min_length = 1,
        max_length = 200,
        pattern = "[A-Za-z0-9]",
        example = "hous"
    )]
    q: String,
    /// How many suggestions (default 8).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 20)]
    limit: Option<String>,
}

/// What a suggestion names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionKind {
    Country,
    Region,
    City,
    Centre,
    Clinician,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Suggestion {
    pub kind: SuggestionKind,
    /// What to show.
    #[schema(example = "Houston")]
    pub label: String,
    /// The listing's id (centre, clinician), or the ISO code (country,
    /// region); absent for cities (filter with `city=LABEL`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// ISO 3166-1 country code of the place or listing (absent for a city
    /// name with centres in many places).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// ISO 3166-2 subdivision, where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Published centres there (countries, regions, cities).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub centres: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionList {
    pub items: Vec<Suggestion>,
}

/// Suggestions for a search box: published centres and clinicians, cities,
/// regions and countries with centres, whose names start with the typed
/// words (accents and case ignored). Ranked: names that start with the
/// whole text first, then places before listings, then alphabetically.
#[utoipa::path(
    tag = "directory",
    params(SuggestParams),
    responses(
        (status = 200, description = "Suggestions, best first", body = SuggestionList),
        problems::Query,
    )
)]
#[get("/suggest")]
pub async fn suggest(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let p: SuggestParams = params::parse(req.query_string())?;
    let words = filters::words("q", Some(&p.q))?;
    if words.is_empty() {
        return Err(ApiError::bad_parameter("q", "is required"));
    }
    let limit = params::bounded_int("limit", p.limit.as_deref(), 8, 1, 20)? as usize;
    let typed = fold(p.q.trim());
    let snapshot = state.snapshot();
    let mut ranked = candidates(&snapshot, &words, &typed, limit);
    ranked.sort_by(|a, b| a.0.cmp(&b.0));
    let items = ranked.into_iter().take(limit).map(|(_, s)| s).collect();
    Ok(HttpResponse::Ok().json(SuggestionList { items }))
}

/// A city with more listings than this is one suggestion without a place.
const MAX_CITY_VISIT: usize = 64;

/// Rank: whole-text prefix first, then kind, then folded label.
type Rank = (bool, SuggestionKind, String);

fn rank(kind: SuggestionKind, folded: &str, typed: &str) -> Rank {
    (!folded.starts_with(typed), kind, folded.to_owned())
}

/// Whether every typed word starts a word of `folded` (a name already
/// folded, as `tokens` splits it), without allocating.
fn matches(folded: &str, words: &[String]) -> bool {
    words.iter().all(|w| {
        folded
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|t| t.starts_with(w.as_str()))
    })
}

fn candidates(
    s: &Snapshot,
    words: &[String],
    typed: &str,
    limit: usize,
) -> Vec<(Rank, Suggestion)> {
    let mut out = Vec::new();
    for place in s.places.iter() {
        if !matches(&place.folded, words) {
            continue;
        }
        let country = place.code.len() == 2;
        let kind = if country {
            SuggestionKind::Country
        } else {
            SuggestionKind::Region
        };
        out.push((
            rank(kind, &place.folded, typed),
            Suggestion {
                kind,
                label: place.name.clone(),
                id: Some(place.code.clone()),
                country: Some(place.country.clone()),
                region: (!country).then(|| place.code.clone()),
                centres: Some(place.centres),
            },
        ));
    }
    // Cities: the index keys them folded; a city name in several regions
    // is one suggestion per region, told apart by visiting its listings,
    // unless it has too many to visit at type-ahead speed: then one
    // suggestion with the total and no place.
    for (folded, first) in s.centres.facet_values(Facet::City) {
        if !matches(folded, words) {
            continue;
        }
        let label = first
            .item
            .summary
            .city
            .as_deref()
            .unwrap_or_default()
            .to_owned();
        let total = s.centres.facet_count(Facet::City, folded);
        let city = |country: Option<&str>, region: Option<&str>, n: usize| {
            (
                rank(SuggestionKind::City, folded, typed),
                Suggestion {
                    kind: SuggestionKind::City,
                    label: label.clone(),
                    id: None,
                    country: country.map(str::to_owned),
                    region: region.map(str::to_owned),
                    centres: Some(n as u32),
                },
            )
        };
        if total > MAX_CITY_VISIT {
            out.push(city(None, None, total));
            continue;
        }
        let q = Query {
            facets: vec![(Facet::City, folded.to_owned())],
            limit: usize::MAX - 1,
            ..Default::default()
        };
        let hits = s.centres.search(&q);
        let mut by_place: BTreeMap<(&str, Option<&str>), usize> = BTreeMap::new();
        for hit in &hits {
            let a = &hit.item.summary;
            *by_place
                .entry((&*a.country, a.subdivision.as_deref()))
                .or_default() += 1;
        }
        for ((country, region), n) in by_place {
            out.push(city(Some(country), region, n));
        }
    }
    let q = Query {
        words: words.to_vec(),
        limit: limit * 4,
        ..Default::default()
    };
    for hit in s.centres.search(&q) {
        let c = &hit.item.summary;
        out.push((
            rank(SuggestionKind::Centre, hit.key.name(), typed),
            Suggestion {
                kind: SuggestionKind::Centre,
                label: c.name.to_string(),
                id: Some(c.id.to_string()),
                country: Some(c.country.to_string()),
                region: c.subdivision.as_deref().map(Into::into),
                centres: None,
            },
        ));
    }
    for hit in s.clinicians.search(&q) {
        let c = &hit.item.summary;
        let (id, name) = hit.item.id_and_name();
        let first = c.affiliations.first();
        out.push((
            rank(SuggestionKind::Clinician, hit.key.name(), typed),
            Suggestion {
                kind: SuggestionKind::Clinician,
                label: name,
                id: Some(id),
                country: first.map(|a| a.centre.country.to_string()),
                region: first.and_then(|a| a.centre.subdivision.as_deref().map(Into::into)),
                centres: None,
            },
        ));
    }
    out
}
