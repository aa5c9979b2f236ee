//! Public read endpoints of the directory. Every answer comes from the
//! current in-memory snapshot; nothing here touches the database.

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::criteria::evaluate::Outcome;
use crate::criteria::profile::{CentreProfileId, ClinicianProfileId};
use crate::directory::model::{Discipline, Programme, ServiceKind, SubjectKind};
use crate::error::{ApiError, Problem};
use crate::handlers::filters::{self, CountryCode, RegionCode};
use crate::handlers::geojson::{self, CentreFeatureCollection};
use crate::http::problems;
use crate::http::{pagination, params};
use crate::readmodel::entries::{CentreEntry, ClinicianEntry};
use crate::readmodel::index::Facet;
use crate::readmodel::json::SharedJson;
use crate::readmodel::search::{Hit, Near, Query};
use crate::readmodel::snapshot::Snapshot;
use crate::readmodel::views::*;
use crate::state::AppState;

const MAX_RADIUS_KM: f64 = 20_000.0;
const DEFAULT_RADIUS_KM: f64 = 100.0;

/// Filters of `GET /v1/centres`. All are optional and combine with AND.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CentreListParams {
    /// ISO 3166-1 alpha-2 country code, e.g. `US`.
    #[param(value_type = Option<CountryCode>, example = "US")]
    country: Option<String>,
    /// ISO 3166-2 subdivision code, e.g. `US-TX`.
    #[param(value_type = Option<RegionCode>, example = "US-TX")]
    region: Option<String>,
    /// City name; case and accents are ignored (`koln` finds Köln). Not
    /// blank; at most 200 characters.
    #[param(
        min_length = 1,
        max_length = 200,
        pattern = "[^\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
    )]
    city: Option<String>,
    /// Words to find in the centre's name, institution or city; every word
    /// must match the start of a word there; case and accents are ignored.
    /// At most 200 characters and 10 different words, with a letter or digit.
    #[param(max_length = 200, pattern = "[A-Za-z0-9]")]
    q: Option<String>,
    /// A programme code.
    #[param(value_type = Option<Programme>)]
    programme: Option<String>,
    /// A service code.
    #[param(value_type = Option<ServiceKind>)]
    service: Option<String>,
    /// `LAT,LON` in decimal degrees: only centres with known coordinates
    /// within `radius_km`, nearest first, each with `distance_km`.
    #[param(
        example = "29.76,-95.36",
        pattern = "^[-+]?0*(90(\\.0*)?|[0-8]?[0-9](\\.[0-9]*)?|\\.[0-9]+),[-+]?0*(180(\\.0*)?|(1[0-7][0-9]|[0-9]?[0-9])(\\.[0-9]*)?|\\.[0-9]+)$"
    )]
    near: Option<String>,
    /// Radius for `near`, in km (default 100).
    #[param(value_type = Option<f64>, minimum = 0, maximum = 20000)]
    radius_km: Option<String>,
    /// Page size (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Only centres whose outcome for this criteria profile (a centre
    /// profile id, see `/v1/criteria`) is `meets`.
    #[param(value_type = Option<CentreProfileId>, example = "guide-sarcoma-centre")]
    meets: Option<String>,
    /// Add each item's `assessment` (`{profile, outcome}`) for this centre
    /// profile, so a list can show a badge without a request per item.
    #[param(value_type = Option<CentreProfileId>, example = "guide-sarcoma-centre")]
    assessment: Option<String>,
}

/// Filters of `GET /v1/clinicians`. All are optional and combine with AND.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ClinicianListParams {
    #[param(value_type = Option<Discipline>)]
    discipline: Option<String>,
    /// Id of a centre the clinician is affiliated with (not blank; at most
    /// 100 characters).
    #[param(
        min_length = 1,
        max_length = 100,
        pattern = "[^\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
    )]
    centre: Option<String>,
    /// Country of an affiliated centre (ISO 3166-1 alpha-2).
    #[param(value_type = Option<CountryCode>, example = "US")]
    country: Option<String>,
    /// Subdivision of an affiliated centre (ISO 3166-2).
    #[param(value_type = Option<RegionCode>, example = "US-TX")]
    region: Option<String>,
    /// Words to find in the clinician's name (at most 200 characters and 10
    /// different words, with a letter or digit).
    #[param(max_length = 200, pattern = "[A-Za-z0-9]")]
    q: Option<String>,
    /// `LAT,LON`: clinicians with an affiliated centre within `radius_km`,
    /// nearest first.
    #[param(
        example = "29.76,-95.36",
        pattern = "^[-+]?0*(90(\\.0*)?|[0-8]?[0-9](\\.[0-9]*)?|\\.[0-9]+),[-+]?0*(180(\\.0*)?|(1[0-7][0-9]|[0-9]?[0-9])(\\.[0-9]*)?|\\.[0-9]+)$"
    )]
    near: Option<String>,
    #[param(value_type = Option<f64>, minimum = 0, maximum = 20000)]
    radius_km: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    cursor: Option<String>,
    /// Only clinicians whose outcome for this clinician profile is `meets`.
    #[param(value_type = Option<ClinicianProfileId>, example = "guide-sarcoma-oncologist")]
    meets: Option<String>,
    /// Add each item's `assessment` (`{profile, outcome}`) for this
    /// clinician profile.
    #[param(value_type = Option<ClinicianProfileId>, example = "guide-sarcoma-oncologist")]
    assessment: Option<String>,
}

/// The centre filters a list and its facet counts share.
pub struct CentreFilters<'a> {
    pub country: Option<&'a str>,
    pub region: Option<&'a str>,
    pub city: Option<&'a str>,
    pub q: Option<&'a str>,
    pub programme: Option<&'a str>,
    pub service: Option<&'a str>,
}

/// A centre query from its filters (each checked, named when wrong).
pub fn centre_filters(f: CentreFilters<'_>) -> Result<Query, ApiError> {
    let mut q = Query::default();
    q.facets.extend(filters::country("country", f.country)?);
    q.facets.extend(filters::region("region", f.region)?);
    q.facets.extend(filters::city("city", f.city)?);
    if let Some(prog) = params::one_of::<Programme>("programme", f.programme)? {
        q.facets.push((Facet::Programme, prog.code().to_owned()));
    }
    if let Some(s) = params::one_of::<ServiceKind>("service", f.service)? {
        q.facets.push((Facet::Service, s.code().to_owned()));
    }
    q.words = filters::words("q", f.q)?;
    Ok(q)
}

/// `near`, `radius_km`, `limit` and `cursor`, shared by both lists.
pub fn paging(
    near: Option<&str>,
    radius: Option<&str>,
    limit: Option<&str>,
    cursor: Option<&str>,
    q: &mut Query,
) -> Result<(), ApiError> {
    q.near = match near {
        Some(raw) => {
            let (lat, lon) = params::lat_lon("near", raw)?;
            let radius_km =
                params::bounded_float("radius_km", radius, DEFAULT_RADIUS_KM, 0.0, MAX_RADIUS_KM)?;
            Some(Near {
                lat,
                lon,
                radius_km,
            })
        }
        None if radius.is_some() => {
            return Err(ApiError::bad_parameter(
                "radius_km",
                "only applies together with near",
            ))
        }
        None => None,
    };
    q.limit = pagination::limit(limit)?;
    q.after = filters::after("cursor", cursor, q.near.is_some())?;
    Ok(())
}

/// A criteria profile named by a list parameter; it must exist and apply
/// to the listed kind.
pub fn list_profile(
    snapshot: &Snapshot,
    name: &str,
    raw: Option<&str>,
    kind: SubjectKind,
) -> Result<Option<String>, ApiError> {
    let Some(id) = raw else { return Ok(None) };
    match snapshot.profile(id) {
        Some(p) if p.applies_to == kind => Ok(Some(p.id.clone())),
        Some(_) => Err(ApiError::bad_parameter(
            name,
            format!("profile {id:?} does not apply to a {}", kind.code()),
        )),
        None => Err(ApiError::bad_parameter(
            name,
            format!("no criteria profile {id:?}; see /v1/criteria"),
        )),
    }
}

/// What both lists share once their own filters are in `q`: the criteria
/// filter and badge, the search, and the page (centres as GeoJSON when
/// `geo`).
fn list_page(
    req: &HttpRequest,
    snapshot: &Snapshot,
    mut q: Query,
    kind: SubjectKind,
    meets: Option<&str>,
    badge: Option<&str>,
    geo: bool,
) -> Result<HttpResponse, ApiError> {
    if let Some(profile) = list_profile(snapshot, "meets", meets, kind)? {
        q.facets.push((Facet::Meets, profile));
    }
    let badge = list_profile(snapshot, "assessment", badge, kind)?;
    let slot = |id: &str| snapshot.profiles.slot(kind, id).expect("checked above");
    Ok(match kind {
        SubjectKind::Centre => {
            let hits = snapshot.centres.search(&q);
            let assessment = badge.as_deref().map(|id| (id, slot(id)));
            if geo {
                return Ok(geojson::page(req, &hits, q.limit, assessment));
            }
            page_response(req, &hits, q.limit, assessment, |e: &CentreEntry| {
                (e.item_json(), &e.outcomes)
            })
        }
        SubjectKind::Clinician => {
            let hits = snapshot.clinicians.search(&q);
            let assessment = badge.as_deref().map(|id| (id, slot(id)));
            page_response(req, &hits, q.limit, assessment, |e: &ClinicianEntry| {
                (e.item_json(), &e.outcomes)
            })
        }
    })
}

/// Writes `{"items":[...],"next_cursor":...}` from pre-serialised items,
/// adding `distance_km` and `assessment` (profile id, outcome slot) where
/// asked.
fn page_response<T>(
    req: &HttpRequest,
    hits: &[Hit<'_, T>],
    limit: usize,
    assessment: Option<(&str, usize)>,
    parts: impl Fn(&T) -> (&SharedJson, &[Outcome]),
) -> HttpResponse {
    let more = hits.len() > limit;
    let shown = &hits[..hits.len().min(limit)];
    let mut body = String::with_capacity(shown.len() * 1024 + 64);
    body.push_str("{\"items\":[");
    for (i, hit) in shown.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        let (item_json, outcomes) = parts(hit.item);
        item_json.write_to(&mut body);
        if let Some(d) = hit.distance_km {
            body.push_str(&format!(",\"distance_km\":{d:.2}"));
        }
        if let Some((profile, slot)) = assessment {
            let outcome = outcomes[slot].code();
            body.push_str(&format!(
                ",\"assessment\":{{\"profile\":\"{profile}\",\"outcome\":\"{outcome}\"}}"
            ));
        }
        body.push('}');
    }
    body.push_str("],\"next_cursor\":");
    let next_cursor = filters::next_cursor(shown, more);
    match &next_cursor {
        Some(cursor) => {
            body.push('"');
            body.push_str(cursor);
            body.push('"');
        }
        None => body.push_str("null"),
    }
    body.push('}');
    pagination::page(req, next_cursor.as_deref())
        .content_type("application/json")
        .body(body)
}

/// List published centres.
///
/// Filters combine with AND. Without `near` the order is by name (accents
/// and case ignored), then id; with `near` it is by distance, then id, and
/// only centres with known coordinates are listed.
///
/// With `Accept: application/geo+json` the same page is a GeoJSON
/// FeatureCollection (as `/v1/centres.geojson`).
#[utoipa::path(
    tag = "directory",
    params(CentreListParams),
    responses(
        (status = 200, description = "A page of centres; GeoJSON when `Accept` prefers `application/geo+json`",
            content((CentrePage = "application/json"), (CentreFeatureCollection = "application/geo+json"))),
        problems::Query,
    )
)]
#[get("/centres")]
pub async fn list_centres(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    centres(&req, &state, geojson::wanted(&req))
}

/// List published centres as a GeoJSON FeatureCollection (RFC 7946).
///
/// The filters, order and paging of `/v1/centres`. Each feature is a
/// centre with coordinates (a Point, `[lon, lat]`) and its id, name, city,
/// region, country, verification status, coordinate precision, and with
/// `assessment=` its outcome. Centres of the page without coordinates are
/// left out and counted in `without_coordinates`.
#[utoipa::path(
    tag = "directory",
    params(CentreListParams),
    responses(
        (status = 200, description = "A page of centres as GeoJSON", body = CentreFeatureCollection, content_type = "application/geo+json"),
        problems::Query,
    )
)]
#[get("/centres.geojson")]
pub async fn list_centres_geojson(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    centres(&req, &state, true)
}

fn centres(req: &HttpRequest, state: &AppState, geo: bool) -> Result<HttpResponse, ApiError> {
    let p: CentreListParams = params::parse(req.query_string())?;
    let mut q = centre_filters(CentreFilters {
        country: p.country.as_deref(),
        region: p.region.as_deref(),
        city: p.city.as_deref(),
        q: p.q.as_deref(),
        programme: p.programme.as_deref(),
        service: p.service.as_deref(),
    })?;
    paging(
        p.near.as_deref(),
        p.radius_km.as_deref(),
        p.limit.as_deref(),
        p.cursor.as_deref(),
        &mut q,
    )?;
    list_page(
        req,
        &state.snapshot(),
        q,
        SubjectKind::Centre,
        p.meets.as_deref(),
        p.assessment.as_deref(),
        geo,
    )
}

/// One published centre, with its published clinicians and its facts.
#[utoipa::path(
    tag = "directory",
    params(("id" = String, Path, description = "Centre id (slug)")),
    responses(
        (status = 200, description = "The centre", body = CentreDetail),
        problems::Query,
        (status = 404, description = "No published centre has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/centres/{id}")]
pub async fn get_centre(
    req: HttpRequest,
    id: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    params::none(req.query_string())?;
    let snapshot = state.snapshot();
    let entry = snapshot
        .centre(&id)
        .ok_or_else(|| ApiError::not_found("centre", &id))?;
    Ok(json_response(entry.detail_json()))
}

/// A listing's detail, serialised by the read model (the schema is
/// [`CentreDetail`] or [`ClinicianDetail`]).
fn json_response(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(body)
}

/// List published clinicians.
///
/// Country, region and `near` apply to the clinician's affiliated centres.
/// Order as for centres: by name, or by distance with `near`.
#[utoipa::path(
    tag = "directory",
    params(ClinicianListParams),
    responses(
        (status = 200, description = "A page of clinicians", body = ClinicianPage),
        problems::Query,
    )
)]
#[get("/clinicians")]
pub async fn list_clinicians(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let p: ClinicianListParams = params::parse(req.query_string())?;
    let mut q = Query::default();
    if let Some(d) = params::one_of::<Discipline>("discipline", p.discipline.as_deref())? {
        q.facets.push((Facet::Discipline, d.code().to_owned()));
    }
    if let Some(centre) = params::text("centre", p.centre.as_deref(), 100)? {
        q.facets.push((Facet::Centre, centre.to_owned()));
    }
    q.facets
        .extend(filters::country("country", p.country.as_deref())?);
    q.facets
        .extend(filters::region("region", p.region.as_deref())?);
    q.words = filters::words("q", p.q.as_deref())?;
    paging(
        p.near.as_deref(),
        p.radius_km.as_deref(),
        p.limit.as_deref(),
        p.cursor.as_deref(),
        &mut q,
    )?;
    list_page(
        &req,
        &state.snapshot(),
        q,
        SubjectKind::Clinician,
        p.meets.as_deref(),
        p.assessment.as_deref(),
        false,
    )
}

/// One published clinician, with affiliations and facts.
#[utoipa::path(
    tag = "directory",
    params(("id" = String, Path, description = "Clinician id (slug)")),
    responses(
        (status = 200, description = "The clinician", body = ClinicianDetail),
        problems::Query,
        (status = 404, description = "No published clinician has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/clinicians/{id}")]
pub async fn get_clinician(
    req: HttpRequest,
    id: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    params::none(req.query_string())?;
    let snapshot = state.snapshot();
    let entry = snapshot
        .clinician(&id)
        .ok_or_else(|| ApiError::not_found("clinician", &id))?;
    Ok(json_response(entry.detail_json()))
}

/// Countries and subdivisions that have published centres, with counts.
#[utoipa::path(
    tag = "directory",
    responses(
        (status = 200, description = "Countries with their subdivisions", body = RegionList),
        problems::Query,
    )
)]
#[get("/regions")]
pub async fn list_regions(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    params::none(req.query_string())?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(state.snapshot().regions_json.to_string()))
}
