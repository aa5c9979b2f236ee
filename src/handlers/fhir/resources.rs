//! Directory listings as FHIR R4 resources (plain JSON values: the shapes
//! are FHIR's, not ours, so a typed model would add nothing here).

use serde_json::{json, Value};

use crate::directory::model::{Centre, Source};
use crate::readmodel::entries::{CentreEntry, ClinicianEntry};

/// Base URL of this directory's identifiers.
pub const SYSTEM: &str = "https://sarcoma-directory.example/id";

/// FHIR ids are at most 64 of [A-Za-z0-9-.]; a clinician-at-centre id is
/// a stable FNV-1a hash of both slugs.
pub fn role_id(clinician: &str, centre: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in clinician.bytes().chain([b'|']).chain(centre.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("role-{h:016x}")
}

fn address(c: &Centre) -> Value {
    let a = &c.address;
    let mut v = json!({"use": "work", "country": a.country});
    if let Some(city) = &a.city {
        v["city"] = json!(city);
    }
    if let Some(s) = &a.subdivision {
        v["state"] = json!(s);
    }
    if let Some(p) = &a.postal_code {
        v["postalCode"] = json!(p);
    }
    if let Some(s) = &a.street {
        v["line"] = json!([s]);
    }
    v
}

fn telecom(phone: &Option<String>, email: &Option<String>, url: &Option<String>) -> Vec<Value> {
    let mut out = Vec::new();
    if let Some(p) = phone {
        out.push(json!({"system": "phone", "value": p, "use": "work"}));
    }
    if let Some(e) = email {
        out.push(json!({"system": "email", "value": e, "use": "work"}));
    }
    if let Some(u) = url {
        out.push(json!({"system": "url", "value": u, "use": "work"}));
    }
    out
}

/// FHIR's `meta.source` holds one URI: the first source read. The full
/// list, with citations, is in the /v1 listing.
fn meta(sources: &[Source]) -> Value {
    let mut m = json!({});
    if let Some(url) = sources.iter().find_map(|s| s.url.clone()) {
        m["source"] = json!(url);
    }
    m
}

/// Languages as BCP 47 codings.
fn communication(languages: &[String]) -> Value {
    json!(languages
        .iter()
        .map(|l| json!({"coding": [{"system": "urn:ietf:bcp:47", "code": l}]}))
        .collect::<Vec<_>>())
}

fn identifier(kind: &str, id: &str) -> Value {
    json!([{"system": format!("{SYSTEM}/{kind}"), "value": id}])
}

pub fn organization(e: &CentreEntry) -> Value {
    let c = &e.centre();
    let mut v = json!({
        "resourceType": "Organization",
        "id": c.id,
        "meta": meta(&c.sources),
        "identifier": identifier("centre", &c.id),
        "active": true,
        "type": [{"text": "Sarcoma centre or programme"}],
        "name": c.name,
        "address": [address(c)],
    });
    if let Some(inst) = &c.institution {
        v["alias"] = json!([inst]);
    }
    let t = telecom(&c.phone, &None, &c.website);
    if !t.is_empty() {
        v["telecom"] = json!(t);
    }
    v
}

pub fn location(e: &CentreEntry) -> Value {
    let c = &e.centre();
    let mut v = json!({
        "resourceType": "Location",
        "id": c.id,
        "meta": meta(&c.sources),
        "identifier": identifier("centre", &c.id),
        "status": "active",
        "name": c.name,
        "mode": "instance",
        "address": address(c),
        "managingOrganization": {"reference": format!("Organization/{}", c.id), "display": c.name},
    });
    if let Some(p) = &c.coordinates {
        v["position"] = json!({"latitude": p.lat, "longitude": p.lon});
        v["description"] = json!(format!(
            "Position precision: {} ({})",
            p.precision.code(),
            p.source
        ));
    }
    v
}

pub fn healthcare_service(e: &CentreEntry) -> Value {
    let c = &e.centre();
    let mut v = json!({
        "resourceType": "HealthcareService",
        "id": c.id,
        "meta": meta(&c.sources),
        "identifier": identifier("centre", &c.id),
        "active": true,
        "providedBy": {"reference": format!("Organization/{}", c.id), "display": c.name},
        "category": [{"text": "Sarcoma care"}],
        "name": format!("Sarcoma services: {}", c.name),
        "location": [{"reference": format!("Location/{}", c.id)}],
    });
    if !c.programmes.is_empty() {
        v["type"] = json!(c
            .programmes
            .iter()
            .map(|p| json!({"text": p.code()}))
            .collect::<Vec<_>>());
    }
    if !c.services.is_empty() {
        v["characteristic"] = json!(c
            .services
            .iter()
            .map(|s| json!({"text": s.kind.code()}))
            .collect::<Vec<_>>());
    }
    if !c.languages.is_empty() {
        v["communication"] = communication(&c.languages);
    }
    let t = telecom(&c.referral.phone, &c.referral.email, &c.referral.web_form);
    if !t.is_empty() {
        v["telecom"] = json!(t);
    }
    v
}

pub fn practitioner(e: &ClinicianEntry) -> Value {
    let c = &e.clinician();
    let mut v = json!({
        "resourceType": "Practitioner",
        "id": c.id,
        "meta": meta(&c.sources),
        "identifier": identifier("clinician", &c.id),
        "active": true,
        "name": [{"text": c.name}],
    });
    if !c.languages.is_empty() {
        v["communication"] = communication(&c.languages);
    }
    v
}

/// One PractitionerRole per published affiliation.
pub fn practitioner_roles(e: &ClinicianEntry) -> Vec<Value> {
    let c = &e.clinician();
    c.affiliations
        .iter()
        .map(|a| {
            json!({
                "resourceType": "PractitionerRole",
                "id": role_id(&c.id, &a.centre_id),
                "meta": meta(&a.sources),
                "active": true,
                "practitioner": {"reference": format!("Practitioner/{}", c.id), "display": c.name},
                "organization": {"reference": format!("Organization/{}", a.centre_id), "display": a.centre_name},
                "location": [{"reference": format!("Location/{}", a.centre_id)}],
                "code": [{"text": a.role.code()}],
                "specialty": [{"text": c.discipline.code()}],
            })
        })
        .collect()
}
