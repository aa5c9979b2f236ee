//! Database rows of the directory and their conversion to and from the
//! public model. Lists and sources are JSON text; enums are their codes;
//! dates are ISO-8601 text, so one schema fits SQLite and PostgreSQL.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::directory::model::*;
use crate::store::schema::{affiliations, centres, clinicians, facts};
use crate::store::StoreError;

#[derive(
    Debug,
    Clone,
    PartialEq,
    Queryable,
    Selectable,
    Insertable,
    AsChangeset,
    serde::Serialize,
    serde::Deserialize,
)]
#[diesel(table_name = centres, treat_none_as_null = true)]
pub struct CentreRow {
    pub id: String,
    pub name: String,
    pub institution: Option<String>,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub subdivision: Option<String>,
    pub country: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub coordinate_precision: Option<String>,
    pub coordinate_source: Option<String>,
    pub website: Option<String>,
    pub phone: Option<String>,
    pub referral_phone: Option<String>,
    pub referral_email: Option<String>,
    pub referral_web_form: Option<String>,
    pub programmes: String,
    pub services: String,
    pub languages: String,
    pub status: String,
    pub verification_status: String,
    pub last_verified: Option<String>,
    pub verification_method: Option<String>,
    pub next_review_due: Option<String>,
    pub sources: String,
    pub notes: Option<String>,
    pub revision: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(
    Debug,
    Clone,
    PartialEq,
    Queryable,
    Selectable,
    Insertable,
    AsChangeset,
    serde::Serialize,
    serde::Deserialize,
)]
#[diesel(table_name = clinicians, treat_none_as_null = true)]
pub struct ClinicianRow {
    pub id: String,
    pub name: String,
    pub discipline: String,
    pub subtypes: String,
    pub languages: String,
    pub takes_phone_consultations: Option<bool>,
    pub status: String,
    pub verification_status: String,
    pub last_verified: Option<String>,
    pub verification_method: Option<String>,
    pub next_review_due: Option<String>,
    pub sources: String,
    pub notes: Option<String>,
    pub revision: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize,
)]
#[diesel(table_name = affiliations)]
pub struct AffiliationRow {
    pub clinician_id: String,
    pub centre_id: String,
    pub role: String,
    pub sources: String,
}

#[derive(
    Debug,
    Clone,
    PartialEq,
    Queryable,
    Selectable,
    Insertable,
    AsChangeset,
    serde::Serialize,
    serde::Deserialize,
)]
#[diesel(table_name = facts, treat_none_as_null = true)]
pub struct FactRow {
    pub id: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub metric: String,
    pub value_number: Option<f64>,
    pub value_bool: Option<bool>,
    pub as_of: String,
    pub source_url: Option<String>,
    pub source_citation: Option<String>,
    pub source_retrieved: Option<String>,
    pub attestation: String,
    pub note: Option<String>,
    pub recorded_at: String,
    pub revision: i64,
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("plain data serialises")
}

fn from_json<T: DeserializeOwned>(column: &str, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

fn code<T>(column: &str, text: &str, parse: fn(&str) -> Option<T>) -> Result<T, StoreError> {
    parse(text).ok_or_else(|| StoreError::Corrupt(format!("{column}: unknown code {text:?}")))
}

fn date(column: &str, text: Option<&str>) -> Result<Option<NaiveDate>, StoreError> {
    text.map(|t| {
        NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
    })
    .transpose()
}

fn verification(
    status: &str,
    last_verified: Option<&str>,
    method: Option<&str>,
    next_review_due: Option<&str>,
) -> Result<Verification, StoreError> {
    Ok(Verification {
        status: code("verification_status", status, VerificationStatus::from_code)?,
        last_verified: date("last_verified", last_verified)?,
        method: method
            .map(|m| code("verification_method", m, VerificationMethod::from_code))
            .transpose()?,
        next_review_due: date("next_review_due", next_review_due)?,
    })
}

impl CentreRow {
    pub fn from_model(c: &Centre, now: &str) -> Self {
        let coords = c.coordinates.as_ref();
        Self {
            id: c.id.clone(),
            name: c.name.clone(),
            institution: c.institution.clone(),
            street: c.address.street.clone(),
            postal_code: c.address.postal_code.clone(),
            city: c.address.city.clone(),
            subdivision: c.address.subdivision.clone(),
            country: c.address.country.clone(),
            latitude: coords.map(|p| p.lat),
            longitude: coords.map(|p| p.lon),
            coordinate_precision: coords.map(|p| p.precision.code().to_owned()),
            coordinate_source: coords.map(|p| p.source.clone()),
            website: c.website.clone(),
            phone: c.phone.clone(),
            referral_phone: c.referral.phone.clone(),
            referral_email: c.referral.email.clone(),
            referral_web_form: c.referral.web_form.clone(),
            programmes: json(&c.programmes),
            services: json(&c.services),
            languages: json(&c.languages),
            status: c.status.code().to_owned(),
            verification_status: c.verification.status.code().to_owned(),
            last_verified: c.verification.last_verified.map(|d| d.to_string()),
            verification_method: c.verification.method.map(|m| m.code().to_owned()),
            next_review_due: c.verification.next_review_due.map(|d| d.to_string()),
            sources: json(&c.sources),
            notes: c.notes.clone(),
            revision: 1,
            created_at: now.to_owned(),
            updated_at: now.to_owned(),
        }
    }

    pub fn into_model(self) -> Result<Centre, StoreError> {
        let coordinates = match (self.latitude, self.longitude) {
            (Some(lat), Some(lon)) => Some(Coordinates {
                lat,
                lon,
                precision: code(
                    "coordinate_precision",
                    self.coordinate_precision.as_deref().unwrap_or_default(),
                    CoordinatePrecision::from_code,
                )?,
                source: self.coordinate_source.unwrap_or_default(),
            }),
            _ => None,
        };
        Ok(Centre {
            verification: verification(
                &self.verification_status,
                self.last_verified.as_deref(),
                self.verification_method.as_deref(),
                self.next_review_due.as_deref(),
            )?,
            status: code("status", &self.status, ListingStatus::from_code)?,
            programmes: from_json("programmes", &self.programmes)?,
            services: from_json("services", &self.services)?,
            languages: from_json("languages", &self.languages)?,
            sources: from_json("sources", &self.sources)?,
            id: self.id,
            name: self.name,
            institution: self.institution,
            address: Address {
                street: self.street,
                postal_code: self.postal_code,
                city: self.city,
                subdivision: self.subdivision,
                country: self.country,
            },
            coordinates,
            website: self.website,
            phone: self.phone,
            referral: Referral {
                phone: self.referral_phone,
                email: self.referral_email,
                web_form: self.referral_web_form,
            },
            notes: self.notes,
        })
    }
}

impl ClinicianRow {
    pub fn from_model(c: &Clinician, now: &str) -> Self {
        Self {
            id: c.id.clone(),
            name: c.name.clone(),
            discipline: c.discipline.code().to_owned(),
            subtypes: json(&c.subtypes),
            languages: json(&c.languages),
            takes_phone_consultations: c.takes_phone_consultations,
            status: c.status.code().to_owned(),
            verification_status: c.verification.status.code().to_owned(),
            last_verified: c.verification.last_verified.map(|d| d.to_string()),
            verification_method: c.verification.method.map(|m| m.code().to_owned()),
            next_review_due: c.verification.next_review_due.map(|d| d.to_string()),
            sources: json(&c.sources),
            notes: c.notes.clone(),
            revision: 1,
            created_at: now.to_owned(),
            updated_at: now.to_owned(),
        }
    }

    pub fn into_model(self, affiliations: Vec<Affiliation>) -> Result<Clinician, StoreError> {
        Ok(Clinician {
            discipline: code("discipline", &self.discipline, Discipline::from_code)?,
            subtypes: from_json("subtypes", &self.subtypes)?,
            languages: from_json("languages", &self.languages)?,
            status: code("status", &self.status, ListingStatus::from_code)?,
            verification: verification(
                &self.verification_status,
                self.last_verified.as_deref(),
                self.verification_method.as_deref(),
                self.next_review_due.as_deref(),
            )?,
            sources: from_json("sources", &self.sources)?,
            id: self.id,
            name: self.name,
            takes_phone_consultations: self.takes_phone_consultations,
            notes: self.notes,
            affiliations,
        })
    }
}

impl AffiliationRow {
    pub fn from_model(clinician_id: &str, a: &Affiliation) -> Self {
        Self {
            clinician_id: clinician_id.to_owned(),
            centre_id: a.centre_id.clone(),
            role: a.role.code().to_owned(),
            sources: json(&a.sources),
        }
    }

    pub fn into_model(self) -> Result<Affiliation, StoreError> {
        Ok(Affiliation {
            role: code("role", &self.role, AffiliationRole::from_code)?,
            sources: from_json("sources", &self.sources)?,
            centre_id: self.centre_id,
        })
    }
}

impl FactRow {
    pub fn from_model(f: &Fact, now: &str) -> Self {
        let (value_number, value_bool) = match f.value {
            FactValue::Number(n) => (Some(n), None),
            FactValue::Boolean(b) => (None, Some(b)),
        };
        Self {
            id: f.id.clone(),
            subject_kind: f.subject.kind.code().to_owned(),
            subject_id: f.subject.id.clone(),
            metric: f.metric.code().to_owned(),
            value_number,
            value_bool,
            as_of: f.as_of.to_string(),
            source_url: f.source.url.clone(),
            source_citation: f.source.citation.clone(),
            source_retrieved: f.source.retrieved.map(|d| d.to_string()),
            attestation: f.attestation.code().to_owned(),
            note: f.note.clone(),
            recorded_at: now.to_owned(),
            revision: 1,
        }
    }

    pub fn into_model(self) -> Result<Fact, StoreError> {
        let value = match (self.value_bool, self.value_number) {
            (Some(b), _) => FactValue::Boolean(b),
            (None, Some(n)) => FactValue::Number(n),
            (None, None) => {
                return Err(StoreError::Corrupt(format!(
                    "fact {} has no value",
                    self.id
                )))
            }
        };
        Ok(Fact {
            subject: FactSubject {
                kind: code("subject_kind", &self.subject_kind, SubjectKind::from_code)?,
                id: self.subject_id,
            },
            metric: code("metric", &self.metric, Metric::from_code)?,
            value,
            as_of: date("as_of", Some(&self.as_of))?.expect("as_of is not null"),
            source: Source {
                url: self.source_url,
                citation: self.source_citation,
                retrieved: date("source_retrieved", self.source_retrieved.as_deref())?,
                listed_by: Vec::new(),
            },
            attestation: code("attestation", &self.attestation, Attestation::from_code)?,
            note: self.note,
            id: self.id,
        })
    }
}
