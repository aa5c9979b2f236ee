//! A centre as HSDS objects: one organization that provides one service at
//! one location (and the service_at_location joining them). Clinicians and
//! the referral route are the service's contacts; programmes, services,
//! sources and verification status are attributes; a confirmed
//! verification is a metadata entry.
//!
//! HSDS types its fields as plain strings, so an unknown value is left out
//! (never an empty or guessed string); an address is given only when all
//! the fields HSDS requires of one are known.

use serde_json::{json, Map, Value};

use crate::directory::model::{is_web_url, Centre, Source, VerificationStatus};
use crate::handlers::hsds::terms::{self, id, Term};
use crate::readmodel::entries::CentreEntry;
use crate::readmodel::snapshot::Snapshot;

type Object = Map<String, Value>;

fn put(o: &mut Object, key: &str, value: Option<impl Into<Value>>) {
    if let Some(v) = value {
        o.insert(key.to_owned(), v.into());
    }
}

fn web(url: &Option<String>) -> Option<String> {
    url.clone().filter(|u| is_web_url(u))
}

/// The four ids of a centre's objects.
pub struct Ids {
    pub organization: String,
    pub service: String,
    pub location: String,
    pub service_at_location: String,
}

pub fn ids(centre_id: &str) -> Ids {
    Ids {
        organization: id("organization", centre_id),
        service: id("service", centre_id),
        location: id("location", centre_id),
        service_at_location: id("service_at_location", centre_id),
    }
}

/// An attribute of `link_entity` `link_id` with `term` and `value`.
fn attribute(link_entity: &str, link_id: &str, term: &Term, value: &str, n: usize) -> Value {
    json!({
        "id": id("attribute", &format!("{link_id}:{}:{n}", term.code)),
        "link_id": link_id,
        "link_type": link_entity,
        "link_entity": link_entity,
        "taxonomy_term_id": term.id(),
        "value": value,
        "taxonomy_term": term.to_json(),
    })
}

fn source_text(s: &Source) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(s.url.clone());
    parts.extend(s.citation.clone());
    if !s.listed_by.is_empty() {
        parts.push(format!("listed by {}", s.listed_by.join(", ")));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Sources and verification status, which every object of a listing shows.
fn provenance(c: &Centre, entity: &str, link_id: &str) -> Vec<Value> {
    let mut out = vec![attribute(
        entity,
        link_id,
        &terms::verification(c.verification.status),
        c.verification.status.code(),
        0,
    )];
    out.push(attribute(entity, link_id, &terms::directory_id(), &c.id, 0));
    out.extend(
        c.sources
            .iter()
            .filter_map(source_text)
            .enumerate()
            .map(|(n, text)| attribute(entity, link_id, &terms::source(), &text, n)),
    );
    out
}

/// A confirmed verification, as HSDS metadata (who changed what, when).
fn metadata(c: &Centre, resource_type: &str, resource_id: &str) -> Vec<Value> {
    let v = &c.verification;
    let Some(date) = v.last_verified else {
        return Vec::new();
    };
    if v.status == VerificationStatus::Unverified {
        return Vec::new();
    }
    let action = match v.method {
        Some(m) => format!("verified ({})", m.code()),
        None => "verified".to_owned(),
    };
    vec![json!({
        "id": id("metadata", &format!("{resource_id}:verification")),
        "resource_id": resource_id,
        "resource_type": resource_type,
        "last_action_date": date.to_string(),
        "last_action_type": action,
        "field_name": "verification.status",
        "previous_value": "unverified",
        "replacement_value": v.status.code(),
        "updated_by": "a reviewer of the Sarcoma Centre Directory",
    })]
}

pub fn organization_core(c: &Centre) -> Object {
    let ids = ids(&c.id);
    let mut o = Object::new();
    o.insert("id".into(), ids.organization.into());
    o.insert("name".into(), c.name.clone().into());
    put(&mut o, "alternate_name", c.institution.clone());
    o.insert(
        "description".into(),
        format!(
            "Sarcoma centre listed in the Sarcoma Centre Directory; verification status: {}. \
             Listings are compiled from public sources and unverified until a reviewer confirms them.",
            c.verification.status.code()
        )
        .into(),
    );
    put(&mut o, "website", web(&c.website));
    o
}

pub fn service_core(c: &Centre) -> Object {
    let ids = ids(&c.id);
    let mut o = Object::new();
    o.insert("id".into(), ids.service.into());
    o.insert("organization_id".into(), ids.organization.into());
    o.insert("name".into(), format!("Sarcoma care at {}", c.name).into());
    let programmes: Vec<String> = c
        .programmes
        .iter()
        .map(|p| p.code().replace('_', " "))
        .collect();
    let services: Vec<String> = c
        .services
        .iter()
        .map(|s| s.kind.code().replace('_', " "))
        .collect();
    let mut description = String::from("Sarcoma diagnosis and treatment.");
    if !programmes.is_empty() {
        description.push_str(&format!(" Programmes recorded: {}.", programmes.join(", ")));
    }
    if !services.is_empty() {
        description.push_str(&format!(" Services recorded: {}.", services.join(", ")));
    }
    o.insert("description".into(), description.into());
    put(&mut o, "url", web(&c.website));
    put(&mut o, "email", c.referral.email.clone());
    o.insert("status".into(), "active".into());
    put(
        &mut o,
        "application_process",
        web(&c.referral.web_form).map(|f| format!("Referral form: {f}")),
    );
    if c.verification.status == VerificationStatus::Verified {
        put(
            &mut o,
            "assured_date",
            c.verification.last_verified.map(|d| d.to_string()),
        );
    }
    o
}

pub fn location_core(c: &Centre) -> Object {
    let ids = ids(&c.id);
    let mut o = Object::new();
    o.insert("id".into(), ids.location.into());
    o.insert("location_type".into(), "physical".into());
    o.insert("organization_id".into(), ids.organization.into());
    o.insert("name".into(), c.name.clone().into());
    let a = &c.address;
    let place: Vec<&str> = [
        a.city.as_deref(),
        a.subdivision.as_deref(),
        Some(&a.country),
    ]
    .into_iter()
    .flatten()
    .collect();
    o.insert("description".into(), place.join(", ").into());
    if let Some(p) = &c.coordinates {
        o.insert("latitude".into(), p.lat.into());
        o.insert("longitude".into(), p.lon.into());
    }
    o
}

/// The address, only when HSDS's required fields are all known.
fn addresses(c: &Centre, location_id: &str) -> Vec<Value> {
    let a = &c.address;
    let (Some(street), Some(city), Some(sub), Some(postal)) =
        (&a.street, &a.city, &a.subdivision, &a.postal_code)
    else {
        return Vec::new();
    };
    vec![json!({
        "id": id("address", &c.id),
        "location_id": location_id,
        "address_1": street,
        "city": city,
        "state_province": sub,
        "postal_code": postal,
        "country": a.country,
        "address_type": "physical",
    })]
}

pub fn location_full(c: &Centre) -> Object {
    let mut o = location_core(c);
    let location_id = ids(&c.id).location;
    o.insert("addresses".into(), addresses(c, &location_id).into());
    let mut attributes = Vec::new();
    if let Some(p) = &c.coordinates {
        let text = format!("{} (precision: {})", p.source, p.precision.code());
        attributes.push(attribute(
            "location",
            &location_id,
            &terms::coordinate_source(),
            &text,
            0,
        ));
    }
    o.insert("attributes".into(), attributes.into());
    o.insert(
        "languages".into(),
        languages(c, "location_id", &location_id).into(),
    );
    o
}

fn languages(c: &Centre, link: &str, link_id: &str) -> Vec<Value> {
    c.languages
        .iter()
        .map(|code| json!({"id": id("language", &format!("{link_id}:{code}")), link: link_id, "code": code}))
        .collect()
}

fn phone(owner: &str, owner_id: &str, number: &str, description: &str) -> Value {
    json!({
        "id": id("phone", &format!("{owner_id}:{number}")),
        owner: owner_id,
        "number": number,
        "type": "voice",
        "description": description,
    })
}

/// Clinicians (with their affiliation's sources) and the referral route.
fn contacts(snapshot: &Snapshot, e: &CentreEntry, service_id: &str) -> Vec<Value> {
    let c = &e.centre();
    let mut out = Vec::new();
    let r = &c.referral;
    if r.email.is_some() || r.phone.is_some() {
        let contact_id = id("contact", &format!("{}:referral", c.id));
        let mut o = Object::new();
        o.insert("id".into(), contact_id.clone().into());
        o.insert("service_id".into(), service_id.into());
        o.insert("name".into(), "Referrals for new patients".into());
        put(&mut o, "email", r.email.clone());
        let phones: Vec<Value> = r
            .phone
            .iter()
            .map(|p| phone("contact_id", &contact_id, p, "referrals"))
            .collect();
        o.insert("phones".into(), phones.into());
        out.push(Value::Object(o));
    }
    for cl in &e.clinician_views() {
        let contact_id = id("contact", &format!("{}:{}:{}", c.id, cl.id, cl.role.code()));
        let mut attributes = vec![attribute(
            "contact",
            &contact_id,
            &terms::directory_id(),
            &cl.id,
            0,
        )];
        let sources = snapshot
            .clinician(&cl.id)
            .and_then(|entry| {
                entry
                    .clinician()
                    .affiliations
                    .into_iter()
                    .find(|a| a.centre_id == c.id && a.role == cl.role)
                    .map(|a| a.sources)
            })
            .unwrap_or_default();
        attributes.extend(
            sources
                .iter()
                .filter_map(source_text)
                .enumerate()
                .map(|(n, text)| attribute("contact", &contact_id, &terms::source(), &text, n)),
        );
        out.push(json!({
            "id": contact_id,
            "service_id": service_id,
            "name": cl.name,
            "title": cl.role.code().replace('_', " "),
            "department": cl.discipline.code().replace('_', " "),
            "attributes": attributes,
        }));
    }
    out
}

fn service_attributes(c: &Centre, service_id: &str) -> Vec<Value> {
    let mut out = provenance(c, "service", service_id);
    out.extend(
        c.programmes
            .iter()
            .map(|p| attribute("service", service_id, &terms::programme(*p), p.code(), 0)),
    );
    out.extend(c.services.iter().map(|s| {
        let mut value = s.kind.code().to_owned();
        if let Some(d) = &s.detail {
            value.push_str(&format!(": {d}"));
        }
        if let Some(src) = &s.source {
            value.push_str(&format!(" (source: {src})"));
        }
        attribute("service", service_id, &terms::service(s.kind), &value, 0)
    }));
    out
}

pub fn sal_core(c: &Centre) -> Object {
    let ids = ids(&c.id);
    let mut o = Object::new();
    o.insert("id".into(), ids.service_at_location.into());
    o.insert("service_id".into(), ids.service.into());
    o.insert("location_id".into(), ids.location.into());
    o.insert(
        "description".into(),
        format!("Sarcoma care at {}", c.name).into(),
    );
    o
}

pub fn service_full(snapshot: &Snapshot, e: &CentreEntry) -> Value {
    let c = &e.centre();
    let ids = ids(&c.id);
    let mut o = service_core(c);
    o.insert("organization".into(), organization_core(c).into());
    let phones: Vec<Value> = c
        .phone
        .iter()
        .map(|p| phone("service_id", &ids.service, p, "main number"))
        .collect();
    o.insert("phones".into(), phones.into());
    o.insert(
        "languages".into(),
        languages(c, "service_id", &ids.service).into(),
    );
    o.insert(
        "contacts".into(),
        contacts(snapshot, e, &ids.service).into(),
    );
    let mut sal = sal_core(c);
    sal.insert("location".into(), location_full(c).into());
    o.insert(
        "service_at_locations".into(),
        vec![Value::Object(sal)].into(),
    );
    o.insert(
        "attributes".into(),
        service_attributes(c, &ids.service).into(),
    );
    o.insert(
        "metadata".into(),
        metadata(c, "service", &ids.service).into(),
    );
    Value::Object(o)
}

pub fn organization_full(snapshot: &Snapshot, e: &CentreEntry, full_service: bool) -> Value {
    let c = &e.centre();
    let ids = ids(&c.id);
    let mut o = organization_core(c);
    o.insert("locations".into(), vec![location_full(c)].into());
    o.insert(
        "attributes".into(),
        provenance(c, "organization", &ids.organization).into(),
    );
    o.insert(
        "metadata".into(),
        metadata(c, "organization", &ids.organization).into(),
    );
    let service = if full_service {
        service_full(snapshot, e)
    } else {
        Value::Object(service_core(c))
    };
    o.insert("services".into(), vec![service].into());
    Value::Object(o)
}

pub fn sal_full(snapshot: &Snapshot, e: &CentreEntry) -> Value {
    let c = &e.centre();
    let ids = ids(&c.id);
    let mut o = sal_core(c);
    o.insert("location".into(), location_full(c).into());
    o.insert("service".into(), service_full(snapshot, e));
    o.insert(
        "attributes".into(),
        provenance(c, "service_at_location", &ids.service_at_location).into(),
    );
    o.insert(
        "metadata".into(),
        metadata(c, "service_at_location", &ids.service_at_location).into(),
    );
    Value::Object(o)
}

/// A `/service_at_locations` list item: one-to-one fields with the
/// location and service (their own one-to-one fields).
pub fn sal_list_item(c: &Centre) -> Value {
    let mut o = sal_core(c);
    o.insert("location".into(), location_core(c).into());
    o.insert("service".into(), service_core(c).into());
    Value::Object(o)
}

/// A `/services` list item: one-to-one fields with the organization's.
pub fn service_list_item(c: &Centre) -> Value {
    let mut o = service_core(c);
    o.insert("organization".into(), organization_core(c).into());
    Value::Object(o)
}

/// Whether the centre's service has an attribute of term `code` (one that
/// not every listing carries: sources, coordinates, the directory id).
pub fn carries(c: &Centre, code: &str) -> bool {
    match code {
        "source" => c.sources.iter().any(|s| source_text(s).is_some()),
        "coordinate_source" => c.coordinates.is_some(),
        "directory_id" => true,
        _ => false,
    }
}
