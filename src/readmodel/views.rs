//! What the read API returns: listings joined with what a front-end needs
//! next to them (a centre's clinicians and facts, a clinician's centres).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::directory::model::*;

/// A centre in a list; `distance_km` only on `near` searches.
#[derive(Debug, Serialize, ToSchema)]
pub struct CentreListItem {
    #[serde(flatten)]
    pub centre: Centre,
    /// Great-circle distance from the `near` point, in km.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    /// Only when the list was asked for `assessment=PROFILE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment: Option<AssessmentBadge>,
}

/// A listing's overall outcome for one criteria profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentBadge {
    pub profile: String,
    pub outcome: crate::criteria::evaluate::Outcome,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CentrePage {
    pub items: Vec<CentreListItem>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A published clinician affiliated with a centre.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CentreClinician {
    pub id: String,
    pub name: String,
    pub discipline: Discipline,
    pub role: AffiliationRole,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CentreDetail {
    #[serde(flatten)]
    pub centre: Centre,
    pub clinicians: Vec<CentreClinician>,
    /// Dated, sourced facts for the criteria, newest first per metric.
    pub facts: Vec<Fact>,
}

/// A clinician's affiliation with the centre's name and place.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ClinicianAffiliation {
    pub centre_id: String,
    pub centre_name: String,
    pub city: Option<String>,
    pub subdivision: Option<String>,
    pub country: String,
    pub role: AffiliationRole,
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ClinicianView {
    pub id: String,
    pub name: String,
    pub discipline: Discipline,
    pub subtypes: Vec<String>,
    pub languages: Vec<String>,
    pub takes_phone_consultations: Option<bool>,
    pub status: ListingStatus,
    pub verification: Verification,
    pub sources: Vec<Source>,
    pub notes: Option<String>,
    /// Affiliations with published centres.
    pub affiliations: Vec<ClinicianAffiliation>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClinicianListItem {
    #[serde(flatten)]
    pub clinician: ClinicianView,
    /// Distance from the `near` point to the nearest affiliated centre, in km.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    /// Only when the list was asked for `assessment=PROFILE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment: Option<AssessmentBadge>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClinicianPage {
    pub items: Vec<ClinicianListItem>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClinicianDetail {
    #[serde(flatten)]
    pub clinician: ClinicianView,
    pub facts: Vec<Fact>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubdivisionCount {
    #[schema(example = "US-TX")]
    pub code: String,
    #[schema(example = "Texas")]
    pub name: String,
    pub centres: u32,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CountryCount {
    #[schema(example = "US")]
    pub country: String,
    #[schema(example = "United States of America")]
    pub name: String,
    pub centres: u32,
    pub subdivisions: Vec<SubdivisionCount>,
    /// Centres whose sources state no subdivision.
    pub centres_without_subdivision: u32,
}

/// Countries and subdivisions with published centres, for pickers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegionList {
    pub items: Vec<CountryCount>,
}
