//! A read-only FHIR R4 (4.0.1) facade over the directory, JSON only:
//! Organization, Location and HealthcareService for centres, Practitioner
//! and PractitionerRole for clinicians. Built from the same snapshot as
//! the /v1 API; search reuses its index. Anything not listed in
//! `/fhir/metadata` is refused with an OperationOutcome, never ignored.

pub mod resources;
pub mod routes;
