//! A request to a sarcoma centre or sarcoma oncologist for a second opinion.

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::common::*;
use super::{recipient_block, Ctx, TargetRef};
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
}

pub const ID: &str = "second-opinion";
pub const TITLE: &str = "Request for a sarcoma specialist second opinion";
pub const PURPOSE: &str = "Ask a sarcoma centre or sarcoma oncologist to review your diagnosis, pathology and treatment plan.";

pub fn build(r: &SecondOpinionRequest, ctx: &Ctx) -> Document {
    let p = r.patient.clone().unwrap_or_default();
    let d = r.diagnosis.clone().unwrap_or_default();
    let mut doc = document(
        TITLE,
        "second-opinion-request",
        ctx.today,
        sender(&p),
        recipient_block(ctx, &r.target, "sarcoma centre or sarcoma oncologist"),
    );
    doc.subject = Some(format!(
        "Second opinion request: {}, {}",
        val(&p.name, "your name"),
        val(&d.subtype, "sarcoma subtype")
    ));
    doc.paragraph("Dear Doctor,");
    doc.paragraph(format!(
        "I have been diagnosed with {} and I am asking for a second opinion from your sarcoma team. \
Sarcomas are rare, and I would like a team that treats them regularly to review my diagnosis and the plan \
proposed to me before treatment goes further.",
        val(&d.subtype, "sarcoma subtype")
    ));
    doc.heading("About me");
    doc.fields(patient_fields(&p));
    doc.heading("Diagnosis and treatment so far");
    doc.fields(d.fields());
    doc.heading("What I am asking for");
    doc.bullets(vec![
        "A review of my diagnosis and of the treatment plan proposed to me.".into(),
        "A review of my tumour slides by a sarcoma pathologist.".into(),
        "Your opinion on surgery: whether the margins achieved are adequate, or whether further surgery could clear them.".into(),
        "Your opinion on whether any adjuvant chemotherapy or radiotherapy has been shown to help for this subtype and site, and which study shows it.".into(),
        "If possible, a telephone or video discussion with my local oncologist so that care can be shared.".into(),
    ]);
    if let Some(q) = given(&r.additional_questions) {
        doc.paragraph(format!("I would also like to ask: {q}"));
    }
    doc.heading("Records enclosed or to be sent");
    doc.checklist(records(
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
    if let Some(t) = &ctx.target {
        doc.paragraph(format!(
            "I found your team in the Sarcoma Centre Directory: {}.",
            t.verified
        ));
        if !t.referral.is_empty() {
            doc.paragraph(format!(
                "I understand new patients are referred to you via: {}.",
                t.referral.join("; ")
            ));
        }
    }
    let cited = cite(
        &r.evidence,
        &[
            "specialist-centre-care",
            "pathology-review",
            "multidisciplinary-team",
        ],
    );
    if !cited.support.is_empty() {
        doc.paragraph(format!(
            "The publications {} listed below report on specialist sarcoma care; they are enclosed for anyone who needs them.",
            cited.support_numbers()
        ));
    }
    doc.paragraph(format!(
        "Please contact me at {} or {} to tell me what you need and how to send it. Thank you for your time.",
        val(&p.phone, "your telephone"),
        val(&p.email, "your email")
    ));
    doc.closing = vec![
        "Yours sincerely,".into(),
        String::new(),
        val(&p.name, "your name"),
    ];
    doc.references = cited.references;
    doc
}
