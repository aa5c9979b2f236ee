//! The directory's public vocabulary: what a centre, a clinician and a fact
//! are, as the API returns them and as seed files state them.
//!
//! Unknown stays unknown: optional facts are `null`, never a guessed value.
//! Lists (programmes, services, languages) hold what has been recorded so
//! far; an empty list means nothing is recorded, not that a centre lacks it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Postal address. Country is ISO 3166-1 alpha-2, subdivision ISO 3166-2.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// ISO 3166-2 code, e.g. `US-TX`; null when no source stated it.
    #[schema(example = "US-TX")]
    pub subdivision: Option<String>,
    /// ISO 3166-1 alpha-2 code.
    #[schema(example = "US")]
    pub country: String,
}

/// WGS84 position with how precise it is and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Coordinates {
    #[schema(example = 29.76328, minimum = -90, maximum = 90)]
    pub lat: f64,
    #[schema(example = -95.36327, minimum = -180, maximum = 180)]
    pub lon: f64,
    pub precision: CoordinatePrecision,
    /// Where the position came from (gazetteer and record id, or geocoder).
    pub source: String,
}

/// How a new patient is referred. Any may be null when not yet recorded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Referral {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub web_form: Option<String>,
}

macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $code:tt),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $code)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The snake_case code used in JSON, query parameters and storage.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl $crate::http::params::Code for $name {
            const ALL: &'static [$name] = $name::ALL;
            fn code(self) -> &'static str {
                $name::code(self)
            }
        }
    };
}
pub(crate) use code_enum;

code_enum! {
    CoordinatePrecision {
        /// Geocoded street address.
        Address = "address",
        /// Centroid of the city from a gazetteer: good for "near", not for a map pin.
        City = "city",
    }
}

code_enum! {
    /// Sarcoma programmes a centre runs.
    Programme {
        SoftTissue = "soft_tissue", Bone = "bone", Gynaecological = "gynaecological", Retroperitoneal = "retroperitoneal", Paediatric = "paediatric", TeenageYoungAdult = "teenage_young_adult",
        Adult = "adult", Gist = "gist", Desmoid = "desmoid", Spine = "spine", HeadAndNeck = "head_and_neck",
    }
}

code_enum! {
    /// Services a centre offers.
    ServiceKind {
        /// Multidisciplinary sarcoma tumour board (`detail` says how often it meets).
        TumourBoard = "tumour_board",
        SarcomaPathologyReview = "sarcoma_pathology_review",
        /// Remote review of slides and imaging sent from elsewhere.
        RemoteReview = "remote_review",
        /// Telephone or video consultation with patients' local oncologists.
        TeleconsultationDomestic = "teleconsultation_domestic",
        /// The same with oncologists abroad.
        TeleconsultationInternational = "teleconsultation_international",
        InternationalPatients = "international_patients",
        ClinicalTrials = "clinical_trials",
        InterventionalRadiology = "interventional_radiology",
        Cryoablation = "cryoablation",
        ThoracicSurgery = "thoracic_surgery",
        IsolatedLimbPerfusion = "isolated_limb_perfusion",
        ProtonTherapy = "proton_therapy",
        TissueBanking = "tissue_banking",
        GenomicProfiling = "genomic_profiling",
        PsychoOncology = "psycho_oncology",
    }
}

code_enum! {
    ListingStatus { Draft = "draft", Published = "published", Archived = "archived" }
}

code_enum! {
    VerificationStatus {
        /// Taken from public sources; nobody has confirmed it with the institution yet.
        Unverified = "unverified",
        /// A reviewer confirmed the listing on `last_verified`.
        Verified = "verified",
        /// A problem was reported or the review date passed.
        NeedsReview = "needs_review",
    }
}

code_enum! {
    VerificationMethod { TelephoneCall = "telephone_call", InstitutionWebsite = "institution_website", WrittenAttestation = "written_attestation", PublishedList = "published_list" }
}

code_enum! {
    Discipline {
        MedicalOncology = "medical_oncology", SurgicalOncology = "surgical_oncology", OrthopaedicOncology = "orthopaedic_oncology", GynaecologicalOncology = "gynaecological_oncology",
        RadiationOncology = "radiation_oncology", PaediatricOncology = "paediatric_oncology", Pathology = "pathology", Radiology = "radiology", InterventionalRadiology = "interventional_radiology",
        ThoracicSurgery = "thoracic_surgery", Other = "other",
    }
}

code_enum! {
    AffiliationRole { Lead = "lead", Member = "member", VisitingConsultant = "visiting_consultant" }
}

code_enum! {
    /// Who vouches for a fact.
    Attestation {
        /// Stated by the institution itself (its website, a brochure, an email).
        SelfReported = "self_reported",
        /// Confirmed by one of the directory's reviewers.
        CuratorConfirmed = "curator_confirmed",
        /// Taken from a published list or registry.
        PublishedList = "published_list",
    }
}

code_enum! {
    /// What a fact measures. Counts are whole numbers per year, rates are
    /// per month, the rest are yes/no. The criteria profiles read these.
    Metric {
        /// Sarcoma patients seen per year (a centre's, or one clinician's own).
        SarcomaPatientsSeenPerYear = "sarcoma_patients_seen_per_year",
        NewSarcomaReferralsPerYear = "new_sarcoma_referrals_per_year",
        SarcomaClinicsPerMonth = "sarcoma_clinics_per_month",
        TumorBoardMeetingsPerMonth = "tumor_board_meetings_per_month",
        /// Tumour slides are double-checked by a sarcoma pathologist.
        SarcomaPathologistReview = "sarcoma_pathologist_review",
        TeleconsultationLocalOncologists = "teleconsultation_local_oncologists",
        TeleconsultationInternational = "teleconsultation_international",
        MultidisciplinaryTeamComplete = "multidisciplinary_team_complete",
        MemberOfSarcomaSociety = "member_of_sarcoma_society",
        PeerReviewedSarcomaPublications = "peer_reviewed_sarcoma_publications",
        MriAvailable = "mri_available",
        ClinicalTrialEnrollment = "clinical_trial_enrollment",
        PsychosocialSupportStaff = "psychosocial_support_staff",
        SarcomaSupportGroup = "sarcoma_support_group",
        SarcomaResearchInvolvement = "sarcoma_research_involvement",
        AccessToMultidisciplinaryExperts = "access_to_multidisciplinary_experts",
        AccessSpecialisedServices = "access_specialised_services",
        RegularTumorBoard = "regular_tumor_board",
    }
}

code_enum! {
    SubjectKind { Centre = "centre", Clinician = "clinician" }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    Count,
    Rate,
    Boolean,
}

impl Metric {
    pub fn kind(self) -> MetricKind {
        match self {
            Metric::SarcomaPatientsSeenPerYear | Metric::NewSarcomaReferralsPerYear => {
                MetricKind::Count
            }
            Metric::SarcomaClinicsPerMonth | Metric::TumorBoardMeetingsPerMonth => MetricKind::Rate,
            _ => MetricKind::Boolean,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub kind: ServiceKind,
    /// Free text such as "meets weekly".
    pub detail: Option<String>,
    /// Where this was stated.
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Verification {
    pub status: VerificationStatus,
    pub last_verified: Option<NaiveDate>,
    pub method: Option<VerificationMethod>,
    pub next_review_due: Option<NaiveDate>,
}

/// Where a listed fact comes from: a URL read, or a citation, and when it
/// was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub url: Option<String>,
    pub citation: Option<String>,
    /// The date the source was read (YYYY-MM-DD), so a reader can tell how
    /// old the information may be. `null` means unknown: the built-in seed
    /// was compiled before retrieval dates were kept, and says so with an
    /// explicit `null` on every source. Curation requires a date for every
    /// new source.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date, example = "2026-11-20")]
    pub retrieved: Option<NaiveDate>,
    /// Who lists the institution there (e.g. a national registry).
    #[serde(default)]
    pub listed_by: Vec<String>,
}

impl Source {
    /// Whether it points somewhere: a web address (see [`is_web_url`]) or
    /// a non-blank citation, and any URL given is a web address.
    pub fn is_usable(&self) -> bool {
        match self.url.as_deref() {
            Some(url) => is_web_url(url),
            None => self
                .citation
                .as_deref()
                .is_some_and(|c| !c.trim().is_empty()),
        }
    }
}

/// Whether `url` is an absolute `http` or `https` address with a host name
/// (labels of letters, digits and hyphens, at least one dot) or an IP
/// address, and no user name. Anything else (`javascript:`, `data:`,
/// `https://...`) would reach front-ends, exports and FHIR as a link.
pub fn is_web_url(url: &str) -> bool {
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return false;
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return false;
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => {
            let Some((addr, port)) = v6.split_once(']') else {
                return false;
            };
            return addr.parse::<std::net::Ipv6Addr>().is_ok()
                && (port.is_empty()
                    || port
                        .strip_prefix(':')
                        .is_some_and(|p| p.parse::<u16>().is_ok()));
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) if port.parse::<u16>().is_ok() => host,
            Some(_) => return false,
            None => authority,
        },
    };
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// A sarcoma centre or programme, as stored and as seed files state it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Centre {
    /// Stable slug.
    #[schema(example = "sarcoma-center-the-university-of-texas-md-anderson-cancer")]
    pub id: String,
    pub name: String,
    /// Parent institution.
    pub institution: Option<String>,
    pub address: Address,
    pub coordinates: Option<Coordinates>,
    pub website: Option<String>,
    pub phone: Option<String>,
    pub referral: Referral,
    pub programmes: Vec<Programme>,
    pub services: Vec<Service>,
    /// BCP 47 language tags of consultations offered.
    pub languages: Vec<String>,
    pub status: ListingStatus,
    pub verification: Verification,
    pub sources: Vec<Source>,
    /// Public notes, worded as the sources were read: what the sources say
    /// that the fields cannot hold, caveats such as weaker evidence (a news
    /// report, a thesis, an old newsletter, a third-party copy, a
    /// practice's own claim), and the institution's own figures, which are
    /// its claims, not verified facts.
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Affiliation {
    pub centre_id: String,
    pub role: AffiliationRole,
    pub sources: Vec<Source>,
}

/// A clinician with sarcoma focus, as stored and as seed files state it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Clinician {
    pub id: String,
    pub name: String,
    pub discipline: Discipline,
    /// Sarcoma subtypes of focus, e.g. `leiomyosarcoma`.
    pub subtypes: Vec<String>,
    pub languages: Vec<String>,
    /// Takes telephone consultations from other doctors; null when unknown.
    pub takes_phone_consultations: Option<bool>,
    pub status: ListingStatus,
    pub verification: Verification,
    pub sources: Vec<Source>,
    pub notes: Option<String>,
    pub affiliations: Vec<Affiliation>,
}

/// A fact's value: a number for counts and rates, true/false otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum FactValue {
    Boolean(bool),
    Number(f64),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FactSubject {
    pub kind: SubjectKind,
    pub id: String,
}

/// A dated, sourced, attested fact about a centre or clinician, read by the
/// criteria evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    pub id: String,
    pub subject: FactSubject,
    pub metric: Metric,
    #[schema(example = json!(120))]
    pub value: FactValue,
    /// The date the value describes.
    pub as_of: NaiveDate,
    pub source: Source,
    pub attestation: Attestation,
    pub note: Option<String>,
}
