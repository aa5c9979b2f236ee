//! The centre list as a GeoJSON (RFC 7946) FeatureCollection, for map
//! layers: `GET /v1/centres` with `Accept: application/geo+json`, or
//! `GET /v1/centres.geojson`. Same filters, order and paging as the JSON
//! list (`handlers/directory.rs` parses them and hands over the page);
//! a listing without coordinates has no place on a map, so it is left out
//! of `features` and counted in `without_coordinates`, never given a
//! guessed position.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::directory::model::{CoordinatePrecision, VerificationStatus};
use crate::handlers::filters;
use crate::http::pagination;
use crate::readmodel::entries::CentreEntry;
use crate::readmodel::search::Hit;
use crate::readmodel::views::AssessmentBadge;

pub const GEO_JSON: &str = "application/geo+json";

/// Whether `Accept` prefers GeoJSON: `application/geo+json` with a
/// quality above zero and at least that of JSON (`application/json`,
/// `application/*`, `*/*`).
pub fn wanted(req: &HttpRequest) -> bool {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let (mut geo, mut json) = (0.0_f32, 0.0_f32);
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or_default().to_ascii_lowercase();
        let q = parts
            .find_map(|p| p.strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        match media.as_str() {
            GEO_JSON => geo = geo.max(q),
            "application/json" | "application/*" | "*/*" => json = json.max(q),
            _ => {}
        }
    }
    geo > 0.0 && geo >= json
}

#[derive(Serialize, ToSchema)]
pub enum FeatureCollectionType {
    FeatureCollection,
}

#[derive(Serialize, ToSchema)]
pub enum FeatureType {
    Feature,
}

#[derive(Serialize, ToSchema)]
pub enum PointType {
    Point,
}

/// A page of centres as a GeoJSON FeatureCollection (RFC 7946), with two
/// foreign members: `without_coordinates` and `next_cursor`.
#[derive(Serialize, ToSchema)]
pub struct CentreFeatureCollection {
    #[serde(rename = "type")]
    kind: FeatureCollectionType,
    /// The page's centres that have coordinates, in the list's order.
    features: Vec<CentreFeature>,
    /// The page's centres left out because their coordinates are not
    /// known (the JSON list shows them with `coordinates: null`).
    without_coordinates: usize,
    /// Pass as `cursor` for the next page; null on the last page.
    next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CentreFeature {
    #[serde(rename = "type")]
    kind: FeatureType,
    /// The centre id.
    id: String,
    geometry: Point,
    properties: CentreFeatureProperties,
}

/// WGS84 position, `[longitude, latitude]` as RFC 7946 orders them.
#[derive(Serialize, ToSchema)]
pub struct Point {
    #[serde(rename = "type")]
    kind: PointType,
    #[schema(min_items = 2, max_items = 2, example = json!([-95.36327, 29.76328]))]
    coordinates: [f64; 2],
}

#[derive(Serialize, ToSchema)]
pub struct CentreFeatureProperties {
    id: String,
    name: String,
    city: Option<String>,
    /// ISO 3166-2 code, or null when no source stated it.
    region: Option<String>,
    /// ISO 3166-1 alpha-2 code.
    country: String,
    verification_status: VerificationStatus,
    /// `city`: the position is the city's centre, not the building.
    coordinate_precision: CoordinatePrecision,
    /// Only on `near` searches.
    #[serde(skip_serializing_if = "Option::is_none")]
    distance_km: Option<f64>,
    /// Only with `assessment=PROFILE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    assessment: Option<AssessmentBadge>,
}

/// One page (`hits` holds up to `limit + 1`, as the search returns them),
/// with each feature's outcome for `assessment` (profile id, outcome slot).
pub fn page(
    req: &HttpRequest,
    hits: &[Hit<'_, CentreEntry>],
    limit: usize,
    assessment: Option<(&str, usize)>,
) -> HttpResponse {
    let more = hits.len() > limit;
    let shown = &hits[..hits.len().min(limit)];
    let mut features = Vec::with_capacity(shown.len());
    for hit in shown {
        let e: &CentreEntry = hit.item;
        let c = &e.summary;
        let (Some((lat, lon)), Some(precision)) = (c.coordinates, c.precision) else {
            continue;
        };
        features.push(CentreFeature {
            kind: FeatureType::Feature,
            id: c.id.to_string(),
            geometry: Point {
                kind: PointType::Point,
                coordinates: [lon, lat],
            },
            properties: CentreFeatureProperties {
                id: c.id.to_string(),
                name: c.name.to_string(),
                city: c.city.as_deref().map(Into::into),
                region: c.subdivision.as_deref().map(Into::into),
                country: c.country.to_string(),
                verification_status: c.verification,
                coordinate_precision: precision,
                distance_km: hit.distance_km.map(|d| (d * 100.0).round() / 100.0),
                assessment: assessment.map(|(profile, slot)| AssessmentBadge {
                    profile: profile.to_owned(),
                    outcome: e.outcomes[slot],
                }),
            },
        });
    }
    let next_cursor = filters::next_cursor(shown, more);
    let body = CentreFeatureCollection {
        kind: FeatureCollectionType::FeatureCollection,
        without_coordinates: shown.len() - features.len(),
        features,
        next_cursor: next_cursor.clone(),
    };
    pagination::page(req, next_cursor.as_deref())
        .content_type(GEO_JSON)
        .body(serde_json::to_string(&body).expect("GeoJSON serialises"))
}
