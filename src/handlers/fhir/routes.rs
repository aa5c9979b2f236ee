//! FHIR endpoints: read by id, search with Bundle `searchset` paging, and
//! the CapabilityStatement that lists exactly what is supported.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

use crate::directory::text::tokens;
use crate::handlers::filters;
use crate::readmodel::entries::{CentreEntry, ClinicianEntry};
use crate::readmodel::index::Facet;
use crate::readmodel::search::{Near, Query};
use crate::readmodel::snapshot::Snapshot;

use crate::handlers::fhir::resources;
use crate::http::pagination;
use crate::state::AppState;

const FHIR_JSON: &str = "application/fhir+json; fhirVersion=4.0";

/// (name, FHIR search type, documentation)
type Param = (&'static str, &'static str, &'static str);

/// Search parameters per resource type, as the CapabilityStatement states.
const SEARCH: [(&str, &[Param]); 5] = [
    ("Organization", &[
        ("name", "string", "Words starting the organisation's name, institution or city (case and accents ignored)"),
        ("address-country", "string", "ISO 3166-1 alpha-2 code"),
        ("address-state", "string", "ISO 3166-2 code, e.g. US-TX"),
        ("address-city", "string", "City name (case and accents ignored)"),
    ]),
    ("Location", &[
        ("name", "string", "Words starting the location's name"),
        ("address-country", "string", "ISO 3166-1 alpha-2 code"),
        ("address-state", "string", "ISO 3166-2 code, e.g. US-TX"),
        ("address-city", "string", "City name (case and accents ignored)"),
        ("near", "special", "LAT|LON|DIST|km (distance in km only, at most 20000); results nearest first"),
    ]),
    ("HealthcareService", &[
        ("name", "string", "Words starting the centre's name"),
        ("organization", "reference", "Organization/{id} or {id}"),
    ]),
    ("Practitioner", &[
        ("name", "string", "Words starting the practitioner's name"),
        ("address-country", "string", "Country of an affiliated centre (ISO 3166-1 alpha-2)"),
        ("address-state", "string", "Subdivision of an affiliated centre (ISO 3166-2)"),
    ]),
    ("PractitionerRole", &[
        ("practitioner", "reference", "Practitioner/{id} or {id}"),
        ("organization", "reference", "Organization/{id} or {id}"),
    ]),
];

/// Result parameters every search takes.
const PAGING: [(&str, &str); 2] = [
    ("_count", "Page size, 1 to 100 (default 20)"),
    ("_cursor", "Opaque; from a Bundle's next link"),
];

fn respond(status: StatusCode, body: &Value) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(FHIR_JSON)
        .body(body.to_string())
}

fn outcome(status: StatusCode, code: &str, diagnostics: String) -> HttpResponse {
    respond(
        status,
        &json!({"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}]}),
    )
}

/// A refused search, rendered as an OperationOutcome with 400.
struct Invalid(String);

/// The shared filters' errors, as FHIR reports them.
impl From<crate::error::ApiError> for Invalid {
    fn from(e: crate::error::ApiError) -> Self {
        Invalid(e.problem().detail)
    }
}

fn invalid(msg: impl Into<String>) -> Invalid {
    Invalid(msg.into())
}

impl Invalid {
    fn response(self) -> HttpResponse {
        outcome(StatusCode::BAD_REQUEST, "invalid", self.0)
    }
}

/// The server's CapabilityStatement.
#[utoipa::path(tag = "fhir", responses(
        (status = 200, description = "FHIR R4 CapabilityStatement", content_type = "application/fhir+json", body = Object),
        (status = 400, description = "OperationOutcome: parameters given", content_type = "application/fhir+json", body = Object),
    ))]
#[get("/metadata")]
pub async fn metadata(req: HttpRequest) -> HttpResponse {
    if !req.query_string().is_empty() {
        return invalid("metadata takes no parameters").response();
    }
    let resource: Vec<Value> =
        SEARCH
            .iter()
            .map(|(kind, params)| {
                let mut search_params: Vec<Value> = params
                .iter()
                .map(|(name, kind, doc)| json!({"name": name, "type": kind, "documentation": doc}))
                .collect();
                search_params.extend(PAGING.iter().map(
                    |(name, doc)| json!({"name": name, "type": "number", "documentation": doc}),
                ));
                json!({
                    "type": kind,
                    "interaction": [{"code": "read"}, {"code": "search-type"}],
                    "searchParam": search_params,
                })
            })
            .collect();
    respond(
        StatusCode::OK,
        &json!({
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": "2026-11-28",
            "publisher": "Sarcoma Centre Directory",
            "kind": "instance",
            "software": {"name": "sarcoma-directory", "version": env!("CARGO_PKG_VERSION")},
            "implementation": {"description": "Read-only FHIR R4 view of the sarcoma centre directory"},
            "fhirVersion": "4.0.1",
            "format": ["json"],
            "rest": [{
                "mode": "server",
                "documentation": "Read and search only. Unsupported parameters are refused with an OperationOutcome (400).",
                "resource": resource,
            }],
        }),
    )
}

/// Read one resource by id.
#[utoipa::path(tag = "fhir",
    params(("type" = String, Path, description = "Organization, Location, HealthcareService, Practitioner or PractitionerRole (any other type: 404)"), ("id" = String, Path)),
    responses(
        (status = 200, description = "The resource", content_type = "application/fhir+json", body = Object),
        (status = 400, description = "OperationOutcome: parameters given", content_type = "application/fhir+json", body = Object),
        (status = 404, description = "OperationOutcome: no such resource", content_type = "application/fhir+json", body = Object),
    ))]
#[get("/{type}/{id}")]
pub async fn read(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (kind, id) = path.into_inner();
    if !req.query_string().is_empty() {
        return invalid("read takes no parameters").response();
    }
    let s = state.snapshot();
    let found = match kind.as_str() {
        "Organization" => s.centre(&id).map(|e| resources::organization(e)),
        "Location" => s.centre(&id).map(|e| resources::location(e)),
        "HealthcareService" => s.centre(&id).map(|e| resources::healthcare_service(e)),
        "Practitioner" => s.clinician(&id).map(|e| resources::practitioner(e)),
        "PractitionerRole" => s
            .clinicians
            .iter()
            // The index's sort key holds the id: no listing is parsed.
            .find(|d| {
                d.item
                    .summary
                    .affiliations
                    .iter()
                    .any(|a| resources::role_id(d.key.id(), &a.centre.id) == id)
            })
            .and_then(|d| {
                resources::practitioner_roles(&d.item)
                    .into_iter()
                    .find(|r| r["id"] == id.as_str())
            }),
        other => {
            return outcome(
                StatusCode::NOT_FOUND,
                "not-supported",
                format!("resource type {other} is not supported; see /fhir/metadata"),
            )
        }
    };
    match found {
        Some(r) => respond(StatusCode::OK, &r),
        None => outcome(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("{kind}/{id} is not known"),
        ),
    }
}

/// Search one resource type; the answer is a `searchset` Bundle with a
/// `next` link while there are more pages.
#[utoipa::path(tag = "fhir",
    params(("type" = String, Path, description = "Organization, Location, HealthcareService, Practitioner or PractitionerRole (any other type: 404)")),
    responses(
        (status = 200, description = "Bundle of type searchset", content_type = "application/fhir+json", body = Object),
        (status = 400, description = "OperationOutcome naming an unsupported or malformed parameter", content_type = "application/fhir+json", body = Object),
        (status = 404, description = "OperationOutcome: the resource type is not supported", content_type = "application/fhir+json", body = Object),
    ))]
#[get("/{type}")]
pub async fn search(
    req: HttpRequest,
    kind: web::Path<String>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let Some((_, supported)) = SEARCH.iter().find(|(k, _)| *k == kind.as_str()) else {
        return outcome(
            StatusCode::NOT_FOUND,
            "not-supported",
            format!("resource type {kind} is not supported; see /fhir/metadata"),
        );
    };
    let pairs: Vec<(String, String)> = match serde_urlencoded::from_str(req.query_string()) {
        Ok(p) => p,
        Err(_) => return invalid("the query string is malformed").response(),
    };
    let mut params: BTreeMap<&str, &str> = BTreeMap::new();
    for (k, v) in &pairs {
        let known = supported.iter().any(|(n, _, _)| n == k) || PAGING.iter().any(|(n, _)| n == k);
        if !known {
            return invalid(format!(
                "search parameter {k:?} is not supported for {kind}; see /fhir/metadata"
            ))
            .response();
        }
        if params.insert(k.as_str(), v.as_str()).is_some() {
            return invalid(format!("search parameter {k:?} is given more than once")).response();
        }
    }
    let snapshot = state.snapshot();
    match run_search(&kind, &params, &snapshot) {
        Ok((entries, next)) => {
            let base = format!("/fhir/{kind}");
            let self_link = if req.query_string().is_empty() {
                base.clone()
            } else {
                format!("{base}?{}", req.query_string())
            };
            let mut links = vec![json!({"relation": "self", "url": self_link})];
            if let Some(cursor) = next {
                // FHIR puts the next page in the Bundle, not a Link header.
                let url = pagination::next_url(&base, req.query_string(), "_cursor", &cursor);
                links.push(json!({"relation": "next", "url": url}));
            }
            // Resources come serialised (made once per listing and kept):
            // the Bundle is written around them, as /v1 writes its pages.
            let mut body = String::with_capacity(entries.len() * 2048 + 256);
            body.push_str(r#"{"resourceType":"Bundle","type":"searchset","link":"#);
            body.push_str(&Value::Array(links).to_string());
            body.push_str(r#","entry":["#);
            for (i, r) in entries.iter().enumerate() {
                if i > 0 {
                    body.push(',');
                }
                let full = format!("/fhir/{}/{}", r.kind, r.id);
                body.push_str(r#"{"fullUrl":"#);
                body.push_str(&Value::String(full).to_string());
                body.push_str(r#","resource":"#);
                body.push_str(&r.json);
                body.push_str(r#","search":{"mode":"match"}}"#);
            }
            body.push_str("]}");
            HttpResponse::build(StatusCode::OK)
                .content_type(FHIR_JSON)
                .body(body)
        }
        Err(e) => e.response(),
    }
}

/// A serialised resource of a searchset, with its type and id.
struct Found<'a> {
    kind: &'a str,
    id: String,
    json: std::borrow::Cow<'a, str>,
}

impl Found<'_> {
    fn owned(r: Value) -> Found<'static> {
        Found {
            kind: match r["resourceType"].as_str() {
                Some("Organization") => "Organization",
                Some("Location") => "Location",
                Some("HealthcareService") => "HealthcareService",
                Some("Practitioner") => "Practitioner",
                _ => "PractitionerRole",
            },
            id: r["id"].as_str().unwrap_or_default().to_owned(),
            json: r.to_string().into(),
        }
    }
}

type Page<'a> = (Vec<Found<'a>>, Option<String>);

fn reference<'a>(v: &'a str, kind: &str) -> &'a str {
    v.strip_prefix(kind)
        .and_then(|r| r.strip_prefix('/'))
        .unwrap_or(v)
}

fn run_search<'s>(
    kind: &str,
    p: &BTreeMap<&str, &str>,
    s: &'s Snapshot,
) -> Result<Page<'s>, Invalid> {
    let limit = match p.get("_count") {
        None => 20,
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| invalid("_count must be a whole number from 1 to 100"))?,
    };
    if kind == "PractitionerRole" {
        return roles(p, s, limit);
    }
    let mut q = Query {
        limit,
        ..Default::default()
    };
    // The same filters, checked the same way, as /v1's lists.
    q.words = filters::words("name", p.get("name").copied())?;
    q.facets.extend(filters::country(
        "address-country",
        p.get("address-country").copied(),
    )?);
    q.facets.extend(filters::region(
        "address-state",
        p.get("address-state").copied(),
    )?);
    q.facets.extend(filters::city(
        "address-city",
        p.get("address-city").copied(),
    )?);
    if let Some(near) = p.get("near") {
        q.near = Some(parse_near(near)?);
    }
    q.after = filters::after("_cursor", p.get("_cursor").copied(), q.near.is_some())?;
    let centre_kind = matches!(kind, "Organization" | "Location" | "HealthcareService");
    if let Some(org) = p.get("organization") {
        // A centre has one HealthcareService, with the centre's id.
        let id = reference(org, "Organization");
        let found = s.centre(id).map(|e| resources::healthcare_service(e));
        let name_ok = q.words.iter().all(|w| {
            found.as_ref().is_some_and(|f| {
                tokens(f["name"].as_str().unwrap_or_default()).any(|t| t.starts_with(w.as_str()))
            })
        });
        let found = found.filter(|_| name_ok).map(Found::owned);
        return Ok((found.into_iter().collect(), None));
    }
    if centre_kind {
        let hits = s.centres.search(&q);
        let shown = &hits[..hits.len().min(limit)];
        let next = filters::next_cursor(shown, hits.len() > limit);
        let resources = shown
            .iter()
            .map(|h| {
                let e: &'s CentreEntry = h.item;
                let (slot, kind): (usize, &'static str) = match kind {
                    "Organization" => (0, "Organization"),
                    "Location" => (1, "Location"),
                    _ => (2, "HealthcareService"),
                };
                let json = e.renderings.get(slot, || {
                    let r = match slot {
                        0 => resources::organization(e),
                        1 => resources::location(e),
                        _ => resources::healthcare_service(e),
                    };
                    r.to_string()
                });
                Found {
                    kind,
                    id: e.summary.id.to_string(),
                    json: json.into(),
                }
            })
            .collect();
        Ok((resources, next))
    } else {
        let hits = s.clinicians.search(&q);
        let shown = &hits[..hits.len().min(limit)];
        let next = filters::next_cursor(shown, hits.len() > limit);
        let resources = shown
            .iter()
            .map(|h| {
                let e: &'s ClinicianEntry = h.item;
                let json = e
                    .renderings
                    .get(0, || resources::practitioner(e).to_string());
                Found {
                    kind: "Practitioner",
                    id: h.key.id().to_owned(),
                    json: json.into(),
                }
            })
            .collect();
        Ok((resources, next))
    }
}

/// `near=LAT|LON|DIST|km`: FHIR's form; only km are supported.
fn parse_near(raw: &str) -> Result<Near, Invalid> {
    let bad = || {
        invalid("near must be LAT|LON|DIST|km with latitude -90..90, longitude -180..180 and a distance of 0 to 20000 km")
    };
    let parts: Vec<&str> = raw.split('|').collect();
    let (lat, lon, dist) = match parts.as_slice() {
        [lat, lon] => (*lat, *lon, "100"),
        [lat, lon, dist] | [lat, lon, dist, "km"] => (*lat, *lon, *dist),
        _ => return Err(bad()),
    };
    let lat: f64 = lat.parse().map_err(|_| bad())?;
    let lon: f64 = lon.parse().map_err(|_| bad())?;
    let radius_km: f64 = dist.parse().map_err(|_| bad())?;
    let ok = lat.is_finite()
        && lon.is_finite()
        && radius_km.is_finite()
        && (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon)
        && (0.0..=20000.0).contains(&radius_km);
    if !ok {
        return Err(bad());
    }
    Ok(Near {
        lat,
        lon,
        radius_km,
    })
}

/// Where a page of PractitionerRoles ends: roles are listed from the
/// snapshot in a stable order, so a page is a position in it.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RolePosition {
    at: usize,
}

/// PractitionerRole search: by practitioner and/or organization, paged
/// by position in the (stable) list of matching roles.
fn roles(p: &BTreeMap<&str, &str>, s: &Snapshot, limit: usize) -> Result<Page<'static>, Invalid> {
    let practitioner = p.get("practitioner").map(|v| reference(v, "Practitioner"));
    let organization = p.get("organization").map(|v| reference(v, "Organization"));
    let offset = match p.get("_cursor") {
        None => 0,
        Some(c) => pagination::decode::<RolePosition>("_cursor", c)?.at,
    };
    // The clinicians to look at: one, those at one centre, or all.
    let candidates: Vec<&ClinicianEntry> = match (practitioner, organization) {
        (Some(id), _) => s.clinician(id).map(|e| &**e).into_iter().collect(),
        (None, Some(org)) => {
            let q = Query {
                facets: vec![(Facet::Centre, org.to_owned())],
                limit: usize::MAX - 1,
                ..Default::default()
            };
            s.clinicians
                .search(&q)
                .into_iter()
                .map(|h| &**h.item)
                .collect()
        }
        (None, None) => s.clinicians.iter().map(|d| &*d.item).collect(),
    };
    let matching = candidates
        .into_iter()
        .flat_map(resources::practitioner_roles)
        .filter(|role| {
            let at = role["organization"]["reference"]
                .as_str()
                .unwrap_or_default()
                .trim_start_matches("Organization/");
            organization.is_none_or(|id| id == at)
        });
    let page: Vec<Value> = matching.skip(offset).take(limit + 1).collect();
    let next =
        (page.len() > limit).then(|| pagination::encode(&RolePosition { at: offset + limit }));
    Ok((
        page.into_iter().take(limit).map(Found::owned).collect(),
        next,
    ))
}
