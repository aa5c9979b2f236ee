//! Open Referral HSDS 3.0 read API (the HSDA protocol) under `/hsds/`, for
//! community and referral directories that exchange listings in HSDS.
//! Answers come from the read model like `/v1`; the mapping of a centre to
//! HSDS objects is in `map.rs`, ids and taxonomy terms in `terms.rs`.
//!
//! The protocol pages by page number (`page`, `per_page`) and wraps lists
//! in its `Page` envelope. Protocol parameters this directory cannot honour
//! (`modified_after`, `postcode`, `proximity`, `minimal=true`,
//! `format=ndjson`) are refused with a 400 naming them, never ignored.

pub mod map;
pub mod terms;

use std::sync::Arc;

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, Problem};
use crate::handlers::filters;
use crate::http::{params, problems};
use crate::readmodel::entries::CentreEntry;
use crate::readmodel::index::Facet;
use crate::readmodel::search::Query;
use crate::readmodel::snapshot::Snapshot;
use crate::state::AppState;

const DEFAULT_PER_PAGE: u32 = 20;
const MAX_PER_PAGE: u32 = 100;
const MAX_PAGE: u32 = 1_000_000;

/// The protocol's `Page` envelope around a list.
#[derive(Serialize, ToSchema)]
pub struct HsdsPage {
    /// Matching entities in all pages.
    total_items: usize,
    total_pages: usize,
    /// This page's number, from 1.
    page_number: u32,
    /// Entities on this page.
    size: usize,
    first_page: bool,
    last_page: bool,
    /// Whether nothing matched.
    empty: bool,
    /// HSDS objects (see the operation's description for their schema).
    #[schema(value_type = Vec<Object>)]
    contents: Vec<Value>,
}

/// Paging and search shared by the lists.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrganizationListParams {
    /// Words to find in the centre's name, institution or city; every word
    /// must start a word there (case and accents ignored).
    #[param(max_length = 200, pattern = "[A-Za-z0-9]")]
    search: Option<String>,
    /// Page number, from 1 (default 1).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000000)]
    page: Option<String>,
    /// Entities per page, 1 to 100 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    per_page: Option<String>,
    /// Only `json` (the default) is supported.
    #[param(value_type = Option<String>, pattern = "^json$")]
    format: Option<String>,
    /// `true`: each organization fully nested (as `/organizations/{id}`).
    #[param(value_type = Option<bool>)]
    full: Option<String>,
    /// `true`: each organization fully nested, its services too (implies
    /// `full`).
    #[param(value_type = Option<bool>)]
    full_service: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ServiceListParams {
    /// Words to find in the centre's name, institution or city.
    #[param(max_length = 200, pattern = "[A-Za-z0-9]")]
    search: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000000)]
    page: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    per_page: Option<String>,
    #[param(value_type = Option<String>, pattern = "^json$")]
    format: Option<String>,
    /// Only services with an attribute of this term (ids as in
    /// `attributes[].taxonomy_term_id`); no match for another id.
    #[param(value_type = Option<String>, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    taxonomy_term_id: Option<String>,
    /// Only services with a term of this taxonomy: the directory has one
    /// (`attributes[].taxonomy_term.taxonomy_id`); no match for another id.
    #[param(value_type = Option<String>, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    taxonomy_id: Option<String>,
    /// Only services of this organization.
    #[param(value_type = Option<String>, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    organization_id: Option<String>,
    /// Refused (listings carry no modification time).
    #[param(ignore)]
    modified_after: Option<String>,
    /// Refused when `true` (listings carry no modification time).
    #[param(ignore)]
    minimal: Option<String>,
    /// `true`: each service fully nested (as `/services/{id}`).
    #[param(value_type = Option<bool>)]
    full: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ServiceAtLocationListParams {
    #[param(max_length = 200, pattern = "[A-Za-z0-9]")]
    search: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000000)]
    page: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    per_page: Option<String>,
    #[param(value_type = Option<String>, pattern = "^json$")]
    format: Option<String>,
    /// As for `/hsds/services`.
    #[param(value_type = Option<String>, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    taxonomy_term_id: Option<String>,
    #[param(value_type = Option<String>, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    taxonomy_id: Option<String>,
    #[param(value_type = Option<String>, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    organization_id: Option<String>,
    #[param(ignore)]
    modified_after: Option<String>,
    /// `true`: each service_at_location fully nested.
    #[param(value_type = Option<bool>)]
    full: Option<String>,
    #[param(ignore)]
    postcode: Option<String>,
    #[param(ignore)]
    proximity: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrganizationParams {
    /// `true`: nest the organization's services fully.
    #[param(value_type = Option<bool>)]
    full_service: Option<String>,
}

fn boolean(name: &str, raw: Option<&str>) -> Result<bool, ApiError> {
    match raw {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(ApiError::bad_parameter(name, "must be true or false")),
    }
}

fn unsupported(name: &str, raw: Option<&str>, why: &str) -> Result<(), ApiError> {
    match raw {
        None => Ok(()),
        Some(_) => Err(ApiError::bad_parameter(
            name,
            format!("not supported by this server: {why}"),
        )),
    }
}

/// A UUID parameter (any version; lower or upper case hex).
fn uuid<'a>(name: &str, raw: Option<&'a str>) -> Result<Option<&'a str>, ApiError> {
    let Some(v) = raw else { return Ok(None) };
    let ok = v.len() == 36
        && v.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        });
    if !ok {
        return Err(ApiError::bad_parameter(
            name,
            "must be a UUID, e.g. as given in the answers' ids",
        ));
    }
    Ok(Some(v))
}

fn format(raw: Option<&str>) -> Result<(), ApiError> {
    match raw {
        None | Some("json") => Ok(()),
        Some(_) => Err(ApiError::bad_parameter(
            "format",
            "only json is supported; /v1/export/centres.ndjson streams every centre",
        )),
    }
}

/// Search and the filters every list shares.
struct Selection {
    query: Query,
    organization: Option<String>,
    /// A term every listing may or may not carry (sources, coordinates).
    term: Option<String>,
    /// An id of another taxonomy or term: nothing here has it.
    nothing: bool,
}

impl Selection {
    fn new(search: Option<&str>) -> Result<Self, ApiError> {
        Ok(Selection {
            query: Query {
                words: filters::words("search", search)?,
                // Every match: the envelope counts them all.
                limit: usize::MAX / 2,
                ..Query::default()
            },
            organization: None,
            term: None,
            nothing: false,
        })
    }

    fn taxonomy(&mut self, term: Option<&str>, taxonomy: Option<&str>) -> Result<(), ApiError> {
        if let Some(t) = uuid("taxonomy_id", taxonomy)? {
            if t != terms::id("taxonomy", terms::TAXONOMY) {
                self.nothing = true;
            }
        }
        let Some(raw) = uuid("taxonomy_term_id", term)? else {
            return Ok(());
        };
        let Some(t) = terms::all().into_iter().find(|t| t.id() == raw) else {
            self.nothing = true;
            return Ok(());
        };
        let (kind, code) = t.code.split_once(':').unwrap_or((t.code.as_str(), ""));
        match kind {
            "programme" => self.query.facets.push((Facet::Programme, code.to_owned())),
            "service" => self.query.facets.push((Facet::Service, code.to_owned())),
            "verification" => self
                .query
                .facets
                .push((Facet::Verification, code.to_owned())),
            _ => self.term = Some(t.code),
        }
        Ok(())
    }

    fn organization(&mut self, raw: Option<&str>) -> Result<(), ApiError> {
        self.organization = uuid("organization_id", raw)?.map(str::to_owned);
        Ok(())
    }

    fn run<'a>(&self, snapshot: &'a Snapshot) -> Vec<&'a Arc<CentreEntry>> {
        if self.nothing {
            return Vec::new();
        }
        snapshot
            .centres
            .search(&self.query)
            .into_iter()
            .map(|hit| hit.item)
            .filter(|e| {
                self.organization
                    .as_deref()
                    .is_none_or(|o| map::ids(&e.summary.id).organization == o)
            })
            .filter(|e| {
                self.term
                    .as_deref()
                    .is_none_or(|t| map::carries(&e.centre(), t))
            })
            .collect()
    }
}

/// One page of `all` in the protocol's envelope, each item made by `item`.
fn page<T>(
    all: &[T],
    page: Option<&str>,
    per_page: Option<&str>,
    item: impl Fn(&T) -> Value,
) -> Result<HttpResponse, ApiError> {
    let number = params::bounded_int("page", page, 1, 1, MAX_PAGE)?;
    let size = params::bounded_int("per_page", per_page, DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)?;
    let total_pages = all.len().div_ceil(size as usize);
    let start = (number as usize - 1).saturating_mul(size as usize);
    let contents: Vec<Value> = all
        .iter()
        .skip(start)
        .take(size as usize)
        .map(item)
        .collect();
    Ok(HttpResponse::Ok().json(HsdsPage {
        total_items: all.len(),
        total_pages,
        page_number: number,
        size: contents.len(),
        first_page: number == 1,
        last_page: number as usize >= total_pages,
        empty: all.is_empty(),
        contents,
    }))
}

/// HSDS object ids (of every kind) to the centre id they derive from, for
/// one snapshot.
type IdMap = std::collections::HashMap<String, String>;

/// The id map of the last snapshot a by-id request saw. Ids are hashes of
/// slugs, so resolving one means hashing every listing: done once per
/// snapshot (about 10 ms at 10,000 centres) rather than per request. The
/// `Weak` keeps the snapshot's allocation from being reused, so pointer
/// equality means the same snapshot.
static IDS: std::sync::Mutex<Option<(std::sync::Weak<Snapshot>, Arc<IdMap>)>> =
    std::sync::Mutex::new(None);

const KINDS: [&str; 3] = ["organization", "service", "service_at_location"];

fn id_map(snapshot: &Arc<Snapshot>) -> Arc<IdMap> {
    let mut cache = IDS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((weak, map)) = cache.as_ref() {
        if std::sync::Weak::ptr_eq(weak, &Arc::downgrade(snapshot)) {
            return map.clone();
        }
    }
    let map: IdMap = snapshot
        .centres
        .iter()
        .flat_map(|doc| {
            let centre = &doc.item.summary.id;
            KINDS.map(|kind| (terms::id(kind, centre), centre.to_string()))
        })
        .collect();
    let map = Arc::new(map);
    *cache = Some((Arc::downgrade(snapshot), map.clone()));
    map
}

/// The centre whose HSDS object `kind` has id `id`.
fn find<'a>(
    snapshot: &'a Arc<Snapshot>,
    kind: &str,
    id: &str,
) -> Result<&'a Arc<CentreEntry>, ApiError> {
    id_map(snapshot)
        .get(id)
        .and_then(|centre| snapshot.centre(centre))
        .filter(|e| terms::id(kind, &e.summary.id) == id)
        .ok_or_else(|| ApiError::not_found(kind, id))
}

/// What this API is: HSDS version and where its OpenAPI document is.
#[utoipa::path(
    tag = "hsds",
    responses(
        (status = 200, description = "`version` (3.0) and `openapi_url`", body = Object),
        problems::Query,
    )
)]
#[get("/")]
pub async fn about(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    params::none(req.query_string())?;
    // Forwarded host and scheme only from a trusted proxy; anyone else's
    // would put their host into this answer.
    let from_proxy = req
        .peer_addr()
        .is_some_and(|peer| state.trusted_proxies.contains(&peer.ip()));
    let (scheme, host) = if from_proxy {
        let info = req.connection_info();
        (info.scheme().to_owned(), info.host().to_owned())
    } else {
        let host = req
            .headers()
            .get(actix_web::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .map_or_else(|| req.app_config().host().to_owned(), str::to_owned);
        let scheme = if req.app_config().secure() {
            "https"
        } else {
            "http"
        };
        (scheme.to_owned(), host)
    };
    Ok(HttpResponse::Ok().json(json!({
        "version": "3.0",
        "openapi_url": format!("{scheme}://{host}/openapi.json"),
    })))
}

/// Organizations (one per published centre), in the directory's order.
///
/// Items validate against HSDS 3.0 `organization_list.json`
/// (`organization.json` with `full=true`). The protocol's `format=ndjson`
/// is refused (400).
#[utoipa::path(
    tag = "hsds",
    params(OrganizationListParams),
    responses(
        (status = 200, description = "A page of organizations", body = HsdsPage),
        problems::Query,
    )
)]
#[get("/organizations")]
pub async fn list_organizations(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let p: OrganizationListParams = params::parse(req.query_string())?;
    format(p.format.as_deref())?;
    let full_service = boolean("full_service", p.full_service.as_deref())?;
    let full = boolean("full", p.full.as_deref())? || full_service;
    let snapshot = state.snapshot();
    let all = Selection::new(p.search.as_deref())?.run(&snapshot);
    page(&all, p.page.as_deref(), p.per_page.as_deref(), |e| {
        if full {
            map::organization_full(&snapshot, e, full_service)
        } else {
            Value::Object(map::organization_core(&e.centre()))
        }
    })
}

/// One organization, fully nested: its location, attributes (sources,
/// verification status), metadata and services.
///
/// Validates against HSDS 3.0 `organization.json`.
#[utoipa::path(
    tag = "hsds",
    params(("id" = String, Path, description = "Organization id (a UUID)"), OrganizationParams),
    responses(
        (status = 200, description = "The organization", body = Object),
        problems::Query,
        (status = 404, description = "No organization has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organizations/{id}")]
pub async fn get_organization(
    req: HttpRequest,
    id: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let p: OrganizationParams = params::parse(req.query_string())?;
    let full_service = boolean("full_service", p.full_service.as_deref())?;
    let snapshot = state.snapshot();
    let entry = find(&snapshot, "organization", &id)?;
    Ok(HttpResponse::Ok().json(map::organization_full(&snapshot, entry, full_service)))
}

/// Services (one per published centre: its sarcoma care).
///
/// Items validate against HSDS 3.0 `service_list.json` (`service.json`
/// with `full=true`). The protocol's `modified_after`, `minimal=true` and
/// `format=ndjson` are refused (400): listings carry no modification time
/// (`/v1/changes` is the change feed).
#[utoipa::path(
    tag = "hsds",
    params(ServiceListParams),
    responses(
        (status = 200, description = "A page of services", body = HsdsPage),
        problems::Query,
    )
)]
#[get("/services")]
pub async fn list_services(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let p: ServiceListParams = params::parse(req.query_string())?;
    format(p.format.as_deref())?;
    unsupported(
        "modified_after",
        p.modified_after.as_deref(),
        "listings carry no modification time; /v1/changes is the change feed",
    )?;
    if boolean("minimal", p.minimal.as_deref())? {
        return Err(ApiError::bad_parameter(
            "minimal",
            "not supported by this server: listings carry no modification time",
        ));
    }
    let full = boolean("full", p.full.as_deref())?;
    let mut selection = Selection::new(p.search.as_deref())?;
    selection.taxonomy(p.taxonomy_term_id.as_deref(), p.taxonomy_id.as_deref())?;
    selection.organization(p.organization_id.as_deref())?;
    let snapshot = state.snapshot();
    let all = selection.run(&snapshot);
    page(&all, p.page.as_deref(), p.per_page.as_deref(), |e| {
        if full {
            map::service_full(&snapshot, e)
        } else {
            map::service_list_item(&e.centre())
        }
    })
}

/// One service, fully nested: organization, contacts (referral route and
/// clinicians), location, attributes and metadata.
///
/// Validates against HSDS 3.0 `service.json`.
#[utoipa::path(
    tag = "hsds",
    params(("id" = String, Path, description = "Service id (a UUID)")),
    responses(
        (status = 200, description = "The service", body = Object),
        problems::Query,
        (status = 404, description = "No service has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/services/{id}")]
pub async fn get_service(
    req: HttpRequest,
    id: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    params::none(req.query_string())?;
    let snapshot = state.snapshot();
    let entry = find(&snapshot, "service", &id)?;
    Ok(HttpResponse::Ok().json(map::service_full(&snapshot, entry)))
}

/// Services at locations (one per published centre).
///
/// Items validate against HSDS 3.0 `service_at_location_list.json`
/// (`service_at_location.json` with `full=true`). The protocol's
/// `modified_after`, `postcode`, `proximity` and `format=ndjson` are
/// refused (400); `/v1/centres?near=` searches by distance.
#[utoipa::path(
    tag = "hsds",
    params(ServiceAtLocationListParams),
    responses(
        (status = 200, description = "A page of services at locations", body = HsdsPage),
        problems::Query,
    )
)]
#[get("/service_at_locations")]
pub async fn list_service_at_locations(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let p: ServiceAtLocationListParams = params::parse(req.query_string())?;
    format(p.format.as_deref())?;
    unsupported(
        "modified_after",
        p.modified_after.as_deref(),
        "listings carry no modification time; /v1/changes is the change feed",
    )?;
    let nearby = "search near a place with /v1/centres?near=LAT,LON&radius_km=";
    unsupported("postcode", p.postcode.as_deref(), nearby)?;
    unsupported("proximity", p.proximity.as_deref(), nearby)?;
    let full = boolean("full", p.full.as_deref())?;
    let mut selection = Selection::new(p.search.as_deref())?;
    selection.taxonomy(p.taxonomy_term_id.as_deref(), p.taxonomy_id.as_deref())?;
    selection.organization(p.organization_id.as_deref())?;
    let snapshot = state.snapshot();
    let all = selection.run(&snapshot);
    page(&all, p.page.as_deref(), p.per_page.as_deref(), |e| {
        if full {
            map::sal_full(&snapshot, e)
        } else {
            map::sal_list_item(&e.centre())
        }
    })
}

/// One service at a location, fully nested.
///
/// Validates against HSDS 3.0 `service_at_location.json`.
#[utoipa::path(
    tag = "hsds",
    params(("id" = String, Path, description = "Service-at-location id (a UUID)")),
    responses(
        (status = 200, description = "The service at its location", body = Object),
        problems::Query,
        (status = 404, description = "No service_at_location has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/service_at_locations/{id}")]
pub async fn get_service_at_location(
    req: HttpRequest,
    id: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    params::none(req.query_string())?;
    let snapshot = state.snapshot();
    let entry = find(&snapshot, "service_at_location", &id)?;
    Ok(HttpResponse::Ok().json(map::sal_full(&snapshot, entry)))
}
