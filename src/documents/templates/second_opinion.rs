//! A request to a sarcoma centre or sarcoma oncologist for a second opinion.

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::common::*;
use super::{choices, recipient_block, Ctx, TargetRef};
use crate::documents::i18n::fill;
use crate::documents::model::Document;

#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecondOpinionRequest {
    #[validate(required(message = "is required"), nested)]
    #[schema(value_type = Patient)]
    pub patient: Option<Patient>,
    #[validate(required(message = "is required"), nested)]
    #[schema(value_type = Diagnosis)]
    pub diagnosis: Option<Diagnosis>,
    #[validate(nested)]
    #[serde(default)]
    pub target: TargetRef,
    /// What else the patient wants to ask, in their own words.
    #[validate(length(max = 1500, message = "must be at most 1500 characters"))]
    #[schema(max_length = 1500)]
    pub additional_questions: Option<String>,
    /// Records enclosed or to be sent (default: the usual set).
    #[validate(
        custom(function = "check_records"),
        length(max = 10, message = "at most 10 entries")
    )]
    #[schema(value_type = Option<Vec<Record>>, max_items = 10)]
    pub records: Option<Vec<String>>,
    /// Evidence ids to cite instead of the verified defaults.
    #[validate(
        custom(function = "check_evidence_ids"),
        length(max = 12, message = "at most 12 entries")
    )]
    #[schema(value_type = Option<Vec<crate::documents::evidence::EvidenceId>>, max_items = 12)]
    pub evidence: Option<Vec<String>>,
    /// The letter's language: en, de, fr, es or it, optionally with a
    /// region (e.g. en-US). Without it, `Accept-Language`, else English.
    #[validate(custom(function = "crate::documents::lang::check_lang"))]
    #[schema(pattern = "^(en|de|fr|es|it)(-[A-Za-z]{2})?$", example = "de")]
    pub lang: Option<String>,
    /// `a4` or `letter`. Without it: US Letter when the patient's country
    /// or the language's region is US or CA, else A4.
    #[validate(custom(function = "crate::documents::lang::check_paper"))]
    #[schema(value_type = Option<crate::documents::lang::Paper>)]
    pub paper: Option<String>,
}

choices!(SecondOpinionRequest);

pub const ID: &str = "second-opinion";

/// Claims this letter's evidence may support.
const CLAIMS: &[&str] = &[
    "specialist-centre-care",
    "pathology-review",
    "multidisciplinary-team",
];

pub fn build(r: &SecondOpinionRequest, ctx: &Ctx) -> Document {
    let t = ctx.t;
    let w = &t.second_opinion;
    let c = &t.common;
    let p = r.patient.clone().unwrap_or_default();
    let d = r.diagnosis.clone().unwrap_or_default();
    let mut doc = document(
        t,
        ctx.lang,
        w.title,
        "second-opinion-request",
        ctx.today,
        sender(t, &p),
        recipient_block(ctx, &r.target, w.recipient_ph),
    );
    let subtype = val(&d.subtype, w.subtype_ph);
    doc.subject = Some(fill(
        w.subject,
        &[("name", &val(&p.name, c.your_name)), ("subtype", &subtype)],
    ));
    doc.paragraph(w.dear);
    doc.paragraph(fill(w.intro, &[("subtype", &subtype)]));
    doc.heading(w.about_me);
    doc.fields(patient_fields(t, &p));
    doc.heading(w.diagnosis);
    doc.fields(d.fields(t));
    doc.heading(w.asking);
    doc.bullets(w.asks.iter().map(|a| (*a).to_owned()).collect());
    if let Some(q) = given(&r.additional_questions) {
        doc.paragraph(fill(w.also_ask, &[("question", &q)]));
    }
    doc.heading(w.records);
    doc.checklist(records(
        t,
        &r.records,
        &[
            Record::PathologyReport,
            Record::SlidesAndBlocks,
            Record::ImagingDiscs,
            Record::ImagingReports,
            Record::OperativeNote,
            Record::TreatmentSummary,
        ],
    ));
    if let Some(target) = &ctx.target {
        doc.paragraph(fill(w.found, &[("verified", &target.verified)]));
        if !target.referral.is_empty() {
            doc.paragraph(fill(
                w.referred_via,
                &[("via", &target.referral.join("; "))],
            ));
        }
    }
    let cited = cite(t, &r.evidence, CLAIMS);
    if !cited.support.is_empty() {
        doc.paragraph(fill(w.evidence, &[("refs", &cited.support_numbers())]));
    }
    doc.paragraph(fill(
        w.contact,
        &[
            ("phone", &val(&p.phone, c.your_telephone)),
            ("email", &val(&p.email, c.your_email)),
        ],
    ));
    doc.closing = vec![c.sincerely.into(), String::new(), val(&p.name, c.your_name)];
    doc.references = cited.references;
    doc
}
