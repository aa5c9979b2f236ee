//! Pieces every template shares: the patient and diagnosis blocks, the
//! target listing from the directory, evidence, dates and validation.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

use crate::documents::evidence::{self, Evidence};
use crate::documents::model::{Document, DISCLAIMER};

/// A value the patient gave, or a fill-in placeholder on blank templates.
pub fn val(value: &Option<String>, label: &str) -> String {
    match value.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => v.to_owned(),
        _ => format!("[{label}]"),
    }
}

/// Only values the patient gave (optional lines are left out when empty).
pub fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

pub fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

fn parse_date(s: &str) -> Result<NaiveDate, ValidationError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        ValidationError::new("date").with_message("must be a date as YYYY-MM-DD".into())
    })
}

/// A date in the past (or today), not before 1900.
pub fn past_date(s: &str) -> Result<(), ValidationError> {
    let d = parse_date(s)?;
    let today = chrono::Utc::now().date_naive();
    if d > today || d < NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid") {
        return Err(ValidationError::new("date")
            .with_message("must be a date between 1900-01-01 and today".into()));
    }
    Ok(())
}

/// A date from today to two years ahead.
pub fn upcoming_date(s: &str) -> Result<(), ValidationError> {
    let d = parse_date(s)?;
    let today = chrono::Utc::now().date_naive();
    if d < today || d > today + chrono::Days::new(731) {
        return Err(ValidationError::new("date")
            .with_message("must be a date from today to two years ahead".into()));
    }
    Ok(())
}

pub fn long_date_str(s: &Option<String>) -> Option<String> {
    given(s).map(|v| {
        NaiveDate::parse_from_str(&v, "%Y-%m-%d")
            .map(long_date)
            .unwrap_or(v)
    })
}

macro_rules! choice {
    ($(#[$m:meta])* $name:ident, $check:ident { $($variant:ident = $code:tt => $label:tt),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, ::serde::Serialize, ::serde::Deserialize, ::utoipa::ToSchema)]
        pub enum $name { $(#[serde(rename = $code)] $variant),+ }

        impl $name {
            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        pub fn $check(code: &str) -> Result<(), ::validator::ValidationError> {
            $name::parse(code).map(|_| ()).ok_or_else(|| {
                ::validator::ValidationError::new("choice").with_message(concat!("must be one of: ", $($code, " "),+).trim_end().to_owned().into())
            })
        }
    };
}
pub(crate) use choice;

choice!(
    /// Tumour grade as the pathology report states it.
    Grade, check_grade {
        Low = "low" => "low grade",
        Intermediate = "intermediate" => "intermediate grade",
        High = "high" => "high grade",
        Unknown = "unknown" => "not known",
    }
);

choice!(
    /// Surgical margins as the pathology report states them.
    Margins, check_margins {
        Clear = "clear" => "clear (R0)",
        Microscopic = "microscopic_positive" => "microscopically positive (R1)",
        Macroscopic = "macroscopic_positive" => "macroscopically positive (R2)",
        Unknown = "unknown" => "not known",
        NotOperated = "not_operated" => "no surgery yet",
    }
);

choice!(
    /// Records a patient sends or asks to have sent.
    Record, check_record {
        PathologyReport = "pathology_report" => "Pathology report(s)",
        SlidesAndBlocks = "slides_and_blocks" => "Tumour slides and paraffin blocks",
        ImagingDiscs = "imaging_discs" => "Imaging (MRI, CT, PET) on disc or by image transfer",
        ImagingReports = "imaging_reports" => "Imaging reports",
        OperativeNote = "operative_note" => "Operative note(s)",
        TreatmentSummary = "treatment_summary" => "Summary of treatment so far (chemotherapy, radiotherapy)",
        ClinicLetters = "clinic_letters" => "Recent clinic letters",
        BloodTests = "blood_tests" => "Recent blood test results",
        Denial = "denial_letter" => "The denial letter",
        ReferralLetter = "referral_letter" => "The referring doctor's letter",
    }
);

pub fn check_records(codes: &[String]) -> Result<(), ValidationError> {
    codes.iter().try_for_each(|c| check_record(c))
}

pub fn records(codes: &Option<Vec<String>>, default: &[Record]) -> Vec<String> {
    match codes {
        Some(list) if !list.is_empty() => list
            .iter()
            .filter_map(|c| Record::parse(c))
            .map(|r| r.label().to_owned())
            .collect(),
        _ => default.iter().map(|r| r.label().to_owned()).collect(),
    }
}

/// Who the patient is.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Patient {
    /// Full name as on medical records. Required when generating.
    #[validate(
        required(message = "is required"),
        length(min = 1, max = 200, message = "must be 1 to 200 characters")
    )]
    #[schema(value_type = String, min_length = 1, max_length = 200, example = "Zoë Müller-Øvergård")]
    pub name: Option<String>,
    /// From 1900-01-01 to today.
    #[validate(custom(function = "past_date"))]
    #[schema(format = Date, example = "1968-04-02")]
    pub date_of_birth: Option<String>,
    /// Postal address, one line per line.
    #[validate(length(max = 400, message = "must be at most 400 characters"))]
    #[schema(max_length = 400)]
    pub address: Option<String>,
    #[validate(length(max = 50, message = "must be at most 50 characters"))]
    #[schema(max_length = 50)]
    pub phone: Option<String>,
    #[validate(
        email(message = "must be an email address"),
        length(max = 200, message = "must be at most 200 characters")
    )]
    #[schema(format = Email, max_length = 200)]
    pub email: Option<String>,
    /// Hospital or clinic number, if the patient wants it quoted.
    #[validate(length(max = 60, message = "must be at most 60 characters"))]
    #[schema(max_length = 60)]
    pub hospital_number: Option<String>,
}

/// A short summary of the diagnosis and treatment so far, in the patient's
/// own words or copied from reports.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Diagnosis {
    /// Sarcoma subtype, e.g. leiomyosarcoma.
    #[validate(length(min = 1, max = 120, message = "must be 1 to 120 characters"))]
    #[schema(min_length = 1, max_length = 120, example = "leiomyosarcoma")]
    pub subtype: Option<String>,
    /// Where the tumour started, e.g. uterus, thigh, retroperitoneum.
    #[validate(length(max = 120, message = "must be at most 120 characters"))]
    #[schema(max_length = 120, example = "uterus")]
    pub primary_site: Option<String>,
    /// From 1900-01-01 to today.
    #[validate(custom(function = "past_date"))]
    #[schema(format = Date)]
    pub diagnosed_on: Option<String>,
    #[validate(custom(function = "check_grade"))]
    #[schema(value_type = Option<Grade>)]
    pub grade: Option<String>,
    /// Largest dimension in cm.
    #[validate(range(min = 0.0, max = 100.0, message = "must be from 0 to 100 cm"))]
    #[schema(minimum = 0, maximum = 100)]
    pub size_cm: Option<f64>,
    /// Operation(s) so far: date and what was done.
    #[validate(length(max = 500, message = "must be at most 500 characters"))]
    #[schema(max_length = 500)]
    pub surgery: Option<String>,
    #[validate(custom(function = "check_margins"))]
    #[schema(value_type = Option<Margins>)]
    pub margins: Option<String>,
    /// Chemotherapy, radiotherapy or other treatment so far.
    #[validate(length(max = 1000, message = "must be at most 1000 characters"))]
    #[schema(max_length = 1000)]
    pub treatments_so_far: Option<String>,
}

impl Diagnosis {
    pub fn fields(&self) -> Vec<(String, String)> {
        vec![
            (
                "Sarcoma subtype".into(),
                val(&self.subtype, "subtype, e.g. leiomyosarcoma"),
            ),
            (
                "Primary site".into(),
                val(&self.primary_site, "where the tumour started"),
            ),
            (
                "Date of diagnosis".into(),
                long_date_str(&self.diagnosed_on).unwrap_or_else(|| "[date]".into()),
            ),
            (
                "Grade".into(),
                self.grade
                    .as_deref()
                    .and_then(Grade::parse)
                    .map_or("[grade]".into(), |g| g.label().to_owned()),
            ),
            (
                "Size".into(),
                self.size_cm
                    .map_or("[largest dimension, cm]".into(), |s| format!("{s} cm")),
            ),
            (
                "Surgery so far".into(),
                val(&self.surgery, "date and operation, or none yet"),
            ),
            (
                "Margins".into(),
                self.margins
                    .as_deref()
                    .and_then(Margins::parse)
                    .map_or("[margins]".into(), |m| m.label().to_owned()),
            ),
            (
                "Treatment so far".into(),
                val(&self.treatments_so_far, "chemotherapy, radiotherapy, other"),
            ),
        ]
    }
}

/// The listing a letter is addressed to, from the directory.
pub struct Target {
    pub name: String,
    pub address: Vec<String>,
    pub referral: Vec<String>,
    /// When the directory last verified the listing, in words.
    pub verified: String,
}

/// A typed address as lines (blank lines dropped), or one placeholder
/// line when none was given.
pub fn address_lines(address: &Option<String>, placeholder: &str) -> Vec<String> {
    match given(address) {
        Some(a) => a
            .lines()
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect(),
        None => vec![placeholder.to_owned()],
    }
}

/// Sender block: name, address lines, phone, email.
pub fn sender(p: &Patient) -> Vec<String> {
    let mut out = vec![val(&p.name, "Your full name")];
    out.extend(address_lines(&p.address, "[Your address]"));
    out.push(format!("Telephone: {}", val(&p.phone, "your telephone")));
    out.push(format!("Email: {}", val(&p.email, "your email")));
    out
}

pub fn patient_fields(p: &Patient) -> Vec<(String, String)> {
    let mut out = vec![("Patient".to_owned(), val(&p.name, "full name"))];
    out.push((
        "Date of birth".into(),
        long_date_str(&p.date_of_birth).unwrap_or_else(|| "[date of birth]".into()),
    ));
    if let Some(n) = given(&p.hospital_number) {
        out.push(("Hospital number".into(), n));
    }
    out
}

/// A new document with the shared parts filled in.
pub fn document(
    title: &str,
    stem: &str,
    today: NaiveDate,
    sender: Vec<String>,
    recipient: Vec<String>,
) -> Document {
    Document {
        title: title.to_owned(),
        file_stem: format!("{stem}-{today}"),
        date: long_date(today),
        sender,
        recipient,
        subject: None,
        blocks: Vec::new(),
        closing: Vec::new(),
        references: Vec::new(),
        disclaimer: DISCLAIMER.to_owned(),
    }
}

/// Evidence ids a request may pick; unknown ids fail validation.
pub fn check_evidence_ids(ids: &[String]) -> Result<(), ValidationError> {
    for id in ids {
        if evidence::find(id).is_none() {
            return Err(ValidationError::new("evidence")
                .with_message(format!("no evidence entry {id:?}; see /v1/evidence").into()));
        }
    }
    Ok(())
}

/// What a letter cites: the numbered references, and which of them the
/// letter's text may lean on.
pub struct Cited {
    /// Formatted citations, numbered in order; an unverified entry carries
    /// a visible mark.
    pub references: Vec<String>,
    /// The numbers (1-based) of the verified entries about the letter's
    /// claims: only these are named as support in the text. Unverified,
    /// counter-evidence and off-topic entries are listed, never leaned on.
    pub support: Vec<(usize, &'static Evidence)>,
}

pub const NOT_VERIFIED: &str = "[NOT VERIFIED: the directory has not confirmed this entry's details; this letter does not rely on it]";

impl Cited {
    /// "[1], [3]"
    pub fn support_numbers(&self) -> String {
        self.support
            .iter()
            .map(|(n, _)| format!("[{n}]"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The entries to cite: those the request picked (an unverified pick is
/// listed with a visible mark and never used as support), else verified
/// entries for `claims`.
pub fn cite(picked: &Option<Vec<String>>, claims: &[&str]) -> Cited {
    let entries: Vec<&'static Evidence> = match picked {
        Some(ids) => ids.iter().filter_map(|id| evidence::find(id)).collect(),
        None => evidence::default_for(claims),
    };
    Cited {
        references: entries
            .iter()
            .map(|e| {
                if e.citable() {
                    e.citation()
                } else {
                    format!("{} {NOT_VERIFIED}", e.citation())
                }
            })
            .collect(),
        support: entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.supports_any(claims))
            .map(|(i, e)| (i + 1, *e))
            .collect(),
    }
}
