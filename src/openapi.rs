//! The OpenAPI document, built from the real routes (utoipa-actix-web), so
//! a route cannot exist without its documentation. `openapi/openapi.json`
//! is a committed copy; a test fails when the two differ.

use actix_web::App;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::criteria::profile::{CentreProfileId, ClinicianProfileId};
use crate::directory::model::{Affiliation, Clinician};
use crate::documents::format::FormatCode;
use crate::error::{FieldError, Problem};
use crate::handlers::filters::{CountryCode, RegionCode};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sarcoma centre directory",
        description = "A directory of sarcoma centres and sarcoma oncologists compiled from \
public sources: each listing carries the sources it rests on and stays `unverified` until a \
reviewer confirms it with the institution.\n\nThe directory informs and helps patients ask; it is not \
medical advice and it does not recommend a treatment.\n\nErrors are RFC 9457 \
`application/problem+json`; a 4xx names the parameter or field at fault. Unknown query \
parameters are rejected, never ignored. Strings in JSON bodies may not contain control characters other than tab, line feed and carriage return.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
        version = env!("CARGO_PKG_VERSION"),
    ),
    tags(
        (name = "directory", description = "Centres, clinicians and regions (public, read-only)"),
        (name = "criteria", description = "Published criteria sets and criterion-by-criterion assessments of listings"),
        (name = "documents", description = "Letters and checklists for patients, blank templates and the evidence library. Nothing sent is stored or logged; responses are never cached."),
        (name = "interop", description = "Bulk exports and the change feed, for directories and apps that keep a copy"),
        (name = "fhir", description = "Read-only FHIR R4 (JSON): Organization, Location, HealthcareService, Practitioner, PractitionerRole; see /fhir/metadata"),
        (name = "hsds", description = "Open Referral HSDS 3.0 read API (the HSDA protocol): each centre as an organization providing a service at a location, clinicians as the service's contacts, sources and verification as attributes and metadata. HSDS schemas and protocol © Open Referral, CC BY-SA 4.0."),
        (name = "operations", description = "Liveness and readiness"),
        (name = "curation", description = "For volunteer curators, reviewers and administrators (bearer token). Every change is a proposal with a reason and sources, applied only when another reviewer approves it; changes need If-Match with the ETag read."),
    ),
    // Schemas that only query parameters name (utoipa collects those of
    // bodies and responses by itself), and the stored clinician, which a
    // proposal's free-form `entity` carries (the console builds its form
    // from it, as from `Centre` and `Fact`).
    components(schemas(
        Clinician,
        Affiliation,
        Problem,
        FieldError,
        FormatCode,
        CentreProfileId,
        ClinicianProfileId,
        CountryCode,
        RegionCode
    )),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

/// The curation endpoints' `bearer` security scheme.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token (`sdt_...`) from `sarcoma-directory create-account` or an \
                         administrator; send `Authorization: Bearer TOKEN`.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The full document, as served at `/openapi.json`.
pub fn spec() -> utoipa::openapi::OpenApi {
    let (_app, spec) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::routes)
        .split_for_parts();
    let mut spec = spec;
    open_extended_schemas(&mut spec);
    // utoipa 5.5 writes `#[schema(min_properties = N)]` as `maxProperties`.
    if let Some(components) = spec.components.as_mut() {
        if let Some(utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::Object(o))) =
            components.schemas.get_mut("AccountChange")
        {
            o.min_properties = Some(1);
        }
    }
    spec
}

/// A type that denies unknown fields (`Centre`: seed files and proposals
/// must not carry typos) has `additionalProperties: false`; an answer that
/// flattens it and adds fields (`allOf`: `CentreDetail`, `CentreListItem`)
/// would then forbid its own additions. Inside such an `allOf` the closed
/// schema is replaced by an open copy of it.
fn open_extended_schemas(spec: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::schema::{AdditionalProperties, Schema};
    use utoipa::openapi::RefOr;
    let Some(components) = spec.components.as_mut() else {
        return;
    };
    let closed: Vec<(String, Schema)> = components
        .schemas
        .iter()
        .filter_map(|(name, schema)| match schema {
            RefOr::T(Schema::Object(o))
                if matches!(
                    o.additional_properties.as_deref(),
                    Some(AdditionalProperties::FreeForm(false))
                ) =>
            {
                let mut open = o.clone();
                open.additional_properties = None;
                Some((format!("#/components/schemas/{name}"), Schema::Object(open)))
            }
            _ => None,
        })
        .collect();
    for schema in components.schemas.values_mut() {
        let RefOr::T(Schema::AllOf(all)) = schema else {
            continue;
        };
        for item in &mut all.items {
            if let RefOr::Ref(r) = item {
                if let Some((_, open)) = closed.iter().find(|(at, _)| *at == r.ref_location) {
                    *item = RefOr::T(open.clone());
                }
            }
        }
    }
}

/// The document as pretty JSON with a trailing newline, as committed.
pub fn spec_json() -> String {
    to_json(&spec())
}

pub fn to_json(spec: &utoipa::openapi::OpenApi) -> String {
    let mut s = spec
        .to_pretty_json()
        .expect("the OpenAPI document serialises");
    s.push('\n');
    s
}
