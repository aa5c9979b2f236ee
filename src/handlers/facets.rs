//! Filter counts for "find a centre" pages: how many published centres
//! each country, region, programme, service, verification status and
//! (with `assessment=`) outcome would give, for any combination of the
//! list's filters. Answered from the in-memory index: without filters from
//! the posting lists' lengths, with filters by one pass over the matches.

use std::collections::{BTreeMap, HashMap};

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::criteria::evaluate::Outcome;
use crate::criteria::profile::CentreProfileId;
use crate::directory::model::{Programme, ServiceKind, SubjectKind};
use crate::error::ApiError;
use crate::handlers::directory::{centre_filters, list_profile, paging, CentreFilters};
use crate::handlers::filters::{CountryCode, RegionCode};
use crate::http::{params, problems};
use crate::readmodel::entries::{outcome_term, CentreEntry};
use crate::readmodel::index::Facet;
use crate::readmodel::snapshot::Snapshot;
use crate::state::AppState;

/// The filters of `GET /v1/centres`, without paging.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CentreFacetParams {
    #[param(value_type = Option<CountryCode>, example = "DE")]
    country: Option<String>,
    #[param(value_type = Option<RegionCode>, example = "US-TX")]
    region: Option<String>,
    /// City name; case and accents are ignored.
    #[param(
        min_length = 1,
        max_length = 200,
        pattern = "[^\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
    )]
    city: Option<String>,
    /// Words starting words of the name, institution or city.
    #[param(max_length = 200, pattern = "[A-Za-z0-9]")]
    q: Option<String>,
    #[param(value_type = Option<Programme>)]
    programme: Option<String>,
    #[param(value_type = Option<ServiceKind>)]
    service: Option<String>,
    /// `LAT,LON`: only centres within `radius_km`.
    #[param(
        example = "29.76,-95.36",
        pattern = "^[-+]?0*(90(\\.0*)?|[0-8]?[0-9](\\.[0-9]*)?|\\.[0-9]+),[-+]?0*(180(\\.0*)?|(1[0-7][0-9]|[0-9]?[0-9])(\\.[0-9]*)?|\\.[0-9]+)$"
    )]
    near: Option<String>,
    #[param(value_type = Option<f64>, minimum = 0, maximum = 20000)]
    radius_km: Option<String>,
    /// Only centres meeting this centre profile.
    #[param(value_type = Option<CentreProfileId>)]
    meets: Option<String>,
    /// Also count outcomes for this centre profile.
    #[param(value_type = Option<CentreProfileId>, example = "guide-sarcoma-centre")]
    assessment: Option<String>,
}

/// One value of a facet and how many matching centres have it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacetCount {
    #[schema(example = "US-TX")]
    pub value: String,
    /// A display name where the value is a code (countries, regions).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "Texas")]
    pub label: Option<String>,
    pub count: usize,
}

/// Counts per facet for the centres the filters match; each list is
/// ordered by count, then value. A centre with several programmes (or
/// services) counts once for each.
#[derive(Debug, Serialize, ToSchema)]
pub struct CentreFacets {
    /// Centres matching the filters.
    pub total: usize,
    pub country: Vec<FacetCount>,
    pub region: Vec<FacetCount>,
    pub programme: Vec<FacetCount>,
    pub service: Vec<FacetCount>,
    pub verification_status: Vec<FacetCount>,
    /// Only with `assessment`: outcomes for that profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Vec<FacetCount>>,
}

/// Counts for filter checkboxes: per country, region, programme, service,
/// verification status and (with `assessment`) outcome, among the
/// published centres the filters match (the filters of `GET /v1/centres`).
#[utoipa::path(
    tag = "directory",
    params(CentreFacetParams),
    responses(
        (status = 200, description = "Counts per facet", body = CentreFacets),
        problems::Query,
    )
)]
#[get("/centres/facets")]
pub async fn centre_facets(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let p: CentreFacetParams = params::parse(req.query_string())?;
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
        None,
        None,
        &mut q,
    )?;
    let snapshot = state.snapshot();
    let kind = SubjectKind::Centre;
    if let Some(profile) = list_profile(&snapshot, "meets", p.meets.as_deref(), kind)? {
        q.facets.push((Facet::Meets, profile));
    }
    let assessment = list_profile(&snapshot, "assessment", p.assessment.as_deref(), kind)?;
    // Counting visits every match; the same question on the same snapshot
    // is answered from the snapshot's memo.
    let body = snapshot.facet_answers.get_or_make(req.query_string(), || {
        let counts = if q.facets.is_empty() && q.words.is_empty() && q.near.is_none() {
            whole_directory(&snapshot)
        } else {
            q.limit = usize::MAX - 1;
            matching(&snapshot, &q)
        };
        serde_json::to_string(&counts.answer(assessment.as_deref())).expect("counts serialise")
    });
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(body.to_string()))
}

/// Raw counts per facet and value.
#[derive(Default)]
struct Counts {
    total: usize,
    by: BTreeMap<Facet, BTreeMap<String, usize>>,
}

impl Counts {
    fn add(&mut self, facet: Facet, value: &str, n: usize) {
        *self
            .by
            .entry(facet)
            .or_default()
            .entry(value.to_owned())
            .or_default() += n;
    }

    fn list(&self, facet: Facet, label: impl Fn(&str) -> Option<String>) -> Vec<FacetCount> {
        let mut out: Vec<FacetCount> = self
            .by
            .get(&facet)
            .into_iter()
            .flatten()
            .filter(|(_, n)| **n > 0)
            .map(|(value, n)| FacetCount {
                value: value.clone(),
                label: label(value),
                count: *n,
            })
            .collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        out
    }

    fn answer(&self, assessment: Option<&str>) -> CentreFacets {
        let none = |_: &str| None;
        let outcome = assessment.map(|profile| {
            let prefix = format!("{profile}=");
            let mut list: Vec<FacetCount> = self
                .list(Facet::Outcome, none)
                .into_iter()
                .filter_map(|mut c| {
                    c.value = c.value.strip_prefix(&prefix)?.to_owned();
                    Some(c)
                })
                .collect();
            list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            list
        });
        CentreFacets {
            total: self.total,
            country: self.list(Facet::Country, |c| {
                rust_iso3166::from_alpha2(c).map(|c| c.name.to_owned())
            }),
            region: self.list(Facet::Region, |r| {
                rust_iso3166::iso3166_2::from_code(r).map(|s| s.name.to_owned())
            }),
            programme: self.list(Facet::Programme, none),
            service: self.list(Facet::Service, none),
            verification_status: self.list(Facet::Verification, none),
            outcome,
        }
    }
}

const COUNTED: [Facet; 6] = [
    Facet::Country,
    Facet::Region,
    Facet::Programme,
    Facet::Service,
    Facet::Verification,
    Facet::Outcome,
];

/// No filter: each value's count is its posting list's length.
fn whole_directory(s: &Snapshot) -> Counts {
    let mut counts = Counts {
        total: s.centres.len(),
        ..Default::default()
    };
    for facet in COUNTED {
        for (value, n) in s.centres.facet_counts(facet) {
            counts.add(facet, value, n);
        }
    }
    counts
}

/// Filters: one pass over the matching centres, counting what each has
/// (the same values its index terms hold), borrowing the values.
fn matching(s: &Snapshot, q: &crate::readmodel::search::Query) -> Counts {
    let profiles: Vec<&str> = s
        .profiles
        .for_kind(SubjectKind::Centre)
        .map(|p| p.id.as_str())
        .collect();
    let mut total = 0;
    let mut seen: HashMap<(Facet, &str), usize> = HashMap::new();
    let mut outcomes: HashMap<(usize, Outcome), usize> = HashMap::new();
    let hits = s.centres.search(q);
    for hit in &hits {
        let e: &CentreEntry = hit.item;
        let c = &e.summary;
        total += 1;
        let mut add = |facet, value| *seen.entry((facet, value)).or_default() += 1;
        add(Facet::Country, &*c.country);
        if let Some(sub) = &c.subdivision {
            add(Facet::Region, &**sub);
        }
        // Once per value, as the index holds it.
        for (i, p) in c.programmes.iter().enumerate() {
            if !c.programmes[..i].contains(p) {
                add(Facet::Programme, p.code());
            }
        }
        for (i, svc) in c.services.iter().enumerate() {
            if !c.services[..i].contains(svc) {
                add(Facet::Service, svc.code());
            }
        }
        add(Facet::Verification, c.verification.code());
        for (i, outcome) in e.outcomes.iter().enumerate() {
            *outcomes.entry((i, *outcome)).or_default() += 1;
        }
    }
    let mut counts = Counts {
        total,
        ..Default::default()
    };
    for ((facet, value), n) in seen {
        counts.add(facet, value, n);
    }
    for ((i, outcome), n) in outcomes {
        if let Some(profile) = profiles.get(i) {
            counts.add(Facet::Outcome, &outcome_term(profile, outcome), n);
        }
    }
    counts
}
