//! Pieces every template shares: the patient and diagnosis blocks, the
//! target listing from the directory, evidence, dates and validation.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

use crate::documents::evidence::{self, Evidence};
use crate::documents::i18n::Texts;
use crate::documents::lang::{Lang, Paper};
use crate::documents::model::{Document, Labels};

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

/// A date the patient gave (YYYY-MM-DD), as the language writes it.
pub fn long_date_str(t: &Texts, s: &Option<String>) -> Option<String> {
    given(s).map(|v| {
        NaiveDate::parse_from_str(&v, "%Y-%m-%d")
            .map(|d| t.date(d))
            .unwrap_or(v)
    })
}

/// A closed set of codes; each language's words for them are in
/// `i18n`, in the order the variants are declared (`index`).
macro_rules! choice {
    ($(#[$m:meta])* $name:ident, $check:ident { $($variant:ident = $code:tt),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, ::serde::Serialize, ::serde::Deserialize, ::utoipa::ToSchema)]
        pub enum $name { $(#[serde(rename = $code)] $variant),+ }

        impl $name {
            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
            /// Its place in the declaration, where its words are.
            pub fn index(self) -> usize {
                self as usize
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
        Low = "low",
        Intermediate = "intermediate",
        High = "high",
        Unknown = "unknown",
    }
);

choice!(
    /// Surgical margins as the pathology report states them.
    Margins, check_margins {
        Clear = "clear",
        Microscopic = "microscopic_positive",
        Macroscopic = "macroscopic_positive",
        Unknown = "unknown",
        NotOperated = "not_operated",
    }
);

choice!(
    /// Records a patient sends or asks to have sent.
    Record, check_record {
        PathologyReport = "pathology_report",
        SlidesAndBlocks = "slides_and_blocks",
        ImagingDiscs = "imaging_discs",
        ImagingReports = "imaging_reports",
        OperativeNote = "operative_note",
        TreatmentSummary = "treatment_summary",
        ClinicLetters = "clinic_letters",
        BloodTests = "blood_tests",
        Denial = "denial_letter",
        ReferralLetter = "referral_letter",
    }
);

pub fn check_records(codes: &[String]) -> Result<(), ValidationError> {
    codes.iter().try_for_each(|c| check_record(c))
}

pub fn records(t: &Texts, codes: &Option<Vec<String>>, default: &[Record]) -> Vec<String> {
    let label = |r: Record| t.common.records[r.index()].to_owned();
    match codes {
        Some(list) if !list.is_empty() => list
            .iter()
            .filter_map(|c| Record::parse(c))
            .map(label)
            .collect(),
        _ => default.iter().copied().map(label).collect(),
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
    /// The country of the address (ISO 3166-1 alpha-2, e.g. `US`). Not
    /// printed (write it in the address when the letter goes abroad); it
    /// chooses the paper: US Letter for the United States and Canada, A4
    /// elsewhere, unless `paper` says otherwise.
    #[validate(custom(function = "check_country"))]
    #[schema(value_type = Option<crate::documents::lang::CountryCode>, example = "US")]
    pub country: Option<String>,
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

pub fn check_country(code: &str) -> Result<(), ValidationError> {
    if code.len() == 2 && rust_iso3166::from_alpha2(code).is_some() {
        Ok(())
    } else {
        Err(ValidationError::new("country")
            .with_message("must be an ISO 3166-1 alpha-2 country code in capitals, e.g. US".into()))
    }
}

impl Diagnosis {
    pub fn fields(&self, t: &Texts) -> Vec<(String, String)> {
        let c = &t.common;
        vec![
            (c.subtype.into(), val(&self.subtype, c.subtype_ph)),
            (
                c.primary_site.into(),
                val(&self.primary_site, c.primary_site_ph),
            ),
            (
                c.diagnosed_on.into(),
                long_date_str(t, &self.diagnosed_on).unwrap_or_else(|| format!("[{}]", c.date_ph)),
            ),
            (
                c.grade.into(),
                self.grade
                    .as_deref()
                    .and_then(Grade::parse)
                    .map_or(format!("[{}]", c.grade_ph), |g| {
                        c.grades[g.index()].to_owned()
                    }),
            ),
            (
                c.size.into(),
                self.size_cm.map_or(format!("[{}]", c.size_ph), |s| {
                    format!("{} cm", t.number(s))
                }),
            ),
            (c.surgery.into(), val(&self.surgery, c.surgery_ph)),
            (
                c.margins.into(),
                self.margins
                    .as_deref()
                    .and_then(Margins::parse)
                    .map_or(format!("[{}]", c.margins_ph), |m| {
                        c.margin_labels[m.index()].to_owned()
                    }),
            ),
            (
                c.treatments.into(),
                val(&self.treatments_so_far, c.treatments_ph),
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
pub fn sender(t: &Texts, p: &Patient) -> Vec<String> {
    let c = &t.common;
    let mut out = vec![val(&p.name, c.your_full_name)];
    out.extend(address_lines(&p.address, &format!("[{}]", c.your_address)));
    out.push(format!(
        "{}{}{}",
        c.telephone,
        c.colon,
        val(&p.phone, c.your_telephone)
    ));
    out.push(format!(
        "{}{}{}",
        c.email,
        c.colon,
        val(&p.email, c.your_email)
    ));
    out
}

pub fn patient_fields(t: &Texts, p: &Patient) -> Vec<(String, String)> {
    let c = &t.common;
    let mut out = vec![(c.patient.to_owned(), val(&p.name, c.full_name))];
    out.push((
        c.date_of_birth.into(),
        long_date_str(t, &p.date_of_birth).unwrap_or_else(|| format!("[{}]", c.date_of_birth_ph)),
    ));
    if let Some(n) = given(&p.hospital_number) {
        out.push((c.hospital_number.into(), n));
    }
    out
}

/// A new document with the shared parts filled in (A4 until the handler
/// sets the patient's paper).
pub fn document(
    t: &Texts,
    lang: Lang,
    title: &str,
    stem: &str,
    today: NaiveDate,
    sender: Vec<String>,
    recipient: Vec<String>,
) -> Document {
    Document {
        lang,
        paper: Paper::A4,
        title: title.to_owned(),
        file_stem: format!("{stem}-{today}"),
        date: t.date(today),
        sender,
        recipient,
        subject: None,
        blocks: Vec::new(),
        closing: Vec::new(),
        references: Vec::new(),
        disclaimer: t.common.disclaimer.to_owned(),
        labels: Labels {
            colon: t.common.colon.to_owned(),
            references: t.common.references.to_owned(),
            page: t.common.page.to_owned(),
            page_of: t.common.page_of.to_owned(),
        },
        translation: t.translation.map(str::to_owned),
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
pub fn cite(t: &Texts, picked: &Option<Vec<String>>, claims: &[&str]) -> Cited {
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
                    format!("{} {}", e.citation(), t.common.not_verified)
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
