//! What a criteria profile is, and the checks a profile must pass before
//! it is loaded.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::directory::model::{Metric, MetricKind, Source, SubjectKind};

/// How a criterion compares the fact's value with its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum Comparator {
    /// The value is at least the threshold.
    #[serde(rename = ">=")]
    AtLeast,
    /// The value is more than the threshold.
    #[serde(rename = ">")]
    MoreThan,
    /// A yes/no fact must be yes.
    #[serde(rename = "is_true")]
    IsTrue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProfileKind {
    /// From the patient guide this directory serves.
    PatientGuide,
    /// A patient organisation's listing criteria.
    PatientOrganisation,
    /// An accreditation or designation scheme.
    Accreditation,
    /// A definition used in a research study, not an accreditation rule.
    StudyDefinition,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// Stable id, unique within the profile.
    #[schema(example = "guide-volume")]
    pub id: String,
    /// The criterion as shown to users.
    pub text: String,
    /// The fact this criterion reads.
    pub metric: Metric,
    pub comparator: Comparator,
    /// The number compared against; null for yes/no criteria. Published
    /// numbers are kept exactly as their source states them.
    pub threshold: Option<f64>,
    /// Required criteria decide the outcome; optional ("desired") ones are
    /// reported only.
    pub required: bool,
    /// The source states no number or no requirement here, so the
    /// criterion shows how the project reads it (`interpretation`) for
    /// information only: evaluated and shown, never required, never
    /// deciding the outcome. (Absent in profiles stored before it
    /// existed: not informative.)
    #[serde(default)]
    pub informative: bool,
    /// Where the source is qualitative, how this project reads it, in
    /// words and numbers.
    pub interpretation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[schema(example = "guide-sarcoma-oncologist")]
    pub id: String,
    /// Changes whenever a criterion, threshold or interpretation changes.
    #[schema(example = "2026-11-28")]
    pub version: String,
    pub name: String,
    pub issuer: String,
    pub kind: ProfileKind,
    /// Whether the profile judges centres or clinicians.
    pub applies_to: SubjectKind,
    pub description: String,
    pub source: Source,
    /// Facts older than this many months count as unknown.
    #[schema(example = 24, minimum = 1, maximum = 120)]
    pub max_fact_age_months: u32,
    pub criteria: Vec<Criterion>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileDocument {
    pub profiles: Vec<Profile>,
}

/// The profiles shipped with the service.
pub const BUILTIN_PROFILES: &str = include_str!("../../seed/criteria.json");

/// The ids of the built-in profiles that judge `kind`, for the OpenAPI
/// document: list filters take only these.
fn builtin_ids_schema(
    kind: SubjectKind,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    let ids: Vec<String> = ProfileDocument::parse(BUILTIN_PROFILES)
        .expect("the built-in profiles are valid")
        .profiles
        .into_iter()
        .filter(|p| p.applies_to == kind)
        .map(|p| p.id)
        .collect();
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(format!(
            "A criteria profile that judges a {}; see /v1/criteria",
            kind.code()
        )))
        .enum_values(Some(ids))
        .into()
}

/// The id of a centre profile (schema only).
pub struct CentreProfileId;

impl utoipa::PartialSchema for CentreProfileId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        builtin_ids_schema(SubjectKind::Centre)
    }
}

impl utoipa::ToSchema for CentreProfileId {}

/// The id of a clinician profile (schema only).
pub struct ClinicianProfileId;

impl utoipa::PartialSchema for ClinicianProfileId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        builtin_ids_schema(SubjectKind::Clinician)
    }
}

impl utoipa::ToSchema for ClinicianProfileId {}

impl ProfileDocument {
    pub fn parse(text: &str) -> Result<Self, String> {
        let doc: Self = serde_json::from_str(text)
            .map_err(|e| format!("criteria profiles are not valid: {e}"))?;
        let mut problems = Vec::new();
        let mut ids = std::collections::HashSet::new();
        for p in &doc.profiles {
            if !ids.insert(p.id.as_str()) {
                problems.push(format!("profile {}: duplicate id", p.id));
            }
            problems.extend(p.problems());
        }
        if problems.is_empty() {
            Ok(doc)
        } else {
            Err(format!(
                "criteria profiles are not valid:\n- {}",
                problems.join("\n- ")
            ))
        }
    }
}

impl Profile {
    pub fn problems(&self) -> Vec<String> {
        let at = format!("profile {}", self.id);
        let mut out = Vec::new();
        if !crate::directory::rules::is_slug(&self.id) {
            out.push(format!("{at}: id must be a slug"));
        }
        if self.source.url.is_none() && self.source.citation.is_none() {
            out.push(format!("{at}: no source"));
        }
        if !(1..=120).contains(&self.max_fact_age_months) {
            out.push(format!("{at}: max_fact_age_months must be from 1 to 120"));
        }
        if !self.criteria.iter().any(|c| c.required) {
            out.push(format!("{at}: needs at least one required criterion"));
        }
        let mut ids = std::collections::HashSet::new();
        for c in &self.criteria {
            let at = format!("{at} criterion {}", c.id);
            if !ids.insert(c.id.as_str()) {
                out.push(format!("{at}: duplicate id"));
            }
            if c.informative && (c.required || c.interpretation.is_none()) {
                out.push(format!(
                    "{at}: an informative criterion is not required and states its interpretation"
                ));
            }
            let numeric = matches!(c.metric.kind(), MetricKind::Count | MetricKind::Rate);
            match (c.comparator, c.threshold, numeric) {
                (Comparator::IsTrue, None, false) => {}
                (Comparator::AtLeast | Comparator::MoreThan, Some(t), true) if t.is_finite() => {}
                _ => out.push(format!(
                    "{at}: {} needs {}",
                    c.metric.code(),
                    if numeric {
                        "'>=' or '>' with a threshold"
                    } else {
                        "'is_true' without a threshold"
                    }
                )),
            }
        }
        out
    }
}
