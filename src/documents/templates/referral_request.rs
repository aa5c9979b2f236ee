//! A letter to the patient's own oncologist or GP asking for referral to,
//! or shared care with, a sarcoma oncologist.

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::common::*;
use super::{target_line, Ctx, TargetRef};
use crate::documents::model::Document;

choice!(
    /// What the patient asks their doctor for.
    Ask, check_ask {
        Referral = "referral" => "Please refer me to a sarcoma centre or sarcoma oncologist for assessment.",
        SharedCare = "shared_care" => "Please work together with a sarcoma oncologist, who would oversee my care while you treat me locally.",
        TelephoneConsultation = "telephone_consultation" => "Please consider a telephone consultation with a sarcoma oncologist about my case; many offer this to other doctors, at home and abroad.",
    }
);

pub fn check_asks(codes: &[String]) -> Result<(), validator::ValidationError> {
    codes.iter().try_for_each(|c| check_ask(c))
}

#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralRequest {
    #[validate(required(message = "is required"), nested)]
    #[schema(value_type = Patient)]
    pub patient: Option<Patient>,
    #[validate(nested)]
    pub diagnosis: Option<Diagnosis>,
    /// The patient's oncologist or GP.
    #[validate(
        required(message = "is required"),
        length(min = 1, max = 200, message = "must be 1 to 200 characters")
    )]
    #[schema(value_type = String, min_length = 1, max_length = 200, example = "Dr A. Example")]
    pub doctor_name: Option<String>,
    #[validate(length(max = 400, message = "must be at most 400 characters"))]
    #[schema(max_length = 400)]
    pub doctor_address: Option<String>,
    /// The sarcoma centre or oncologist proposed, if the patient has one in mind.
    #[validate(nested)]
    #[serde(default)]
    pub target: TargetRef,
    /// What to ask for (default: all three).
    #[validate(
        custom(function = "check_asks"),
        length(min = 1, max = 3, message = "1 to 3 entries")
    )]
    #[schema(value_type = Option<Vec<Ask>>, min_items = 1, max_items = 3)]
    pub asks: Option<Vec<String>>,
    #[validate(
        custom(function = "check_evidence_ids"),
        length(max = 12, message = "at most 12 entries")
    )]
    #[schema(value_type = Option<Vec<crate::documents::evidence::EvidenceId>>, max_items = 12)]
    pub evidence: Option<Vec<String>>,
}

pub const ID: &str = "referral-request";
pub const TITLE: &str = "Request for referral to a sarcoma specialist";
pub const PURPOSE: &str =
    "Ask your own oncologist or GP for referral to, or shared care with, a sarcoma oncologist.";

pub fn build(r: &ReferralRequest, ctx: &Ctx) -> Document {
    let p = r.patient.clone().unwrap_or_default();
    let d = r.diagnosis.clone().unwrap_or_default();
    let mut recipient = vec![val(&r.doctor_name, "Your doctor's name")];
    recipient.extend(address_lines(
        &r.doctor_address,
        "[Practice or hospital address]",
    ));
    let mut doc = document(TITLE, "referral-request", ctx.today, sender(&p), recipient);
    doc.subject = Some(format!(
        "Referral to a sarcoma specialist: {}",
        val(&p.name, "your name")
    ));
    doc.paragraph(format!("Dear {},", val(&r.doctor_name, "Doctor")));
    doc.paragraph(format!(
        "Thank you for your care so far. Because sarcomas such as {} are rare, I would like my care to be provided, \
or overseen, by a doctor who sees many sarcoma patients every year, works with a sarcoma pathologist \
and a multidisciplinary sarcoma team.",
        val(&d.subtype, "my sarcoma")
    ));
    doc.fields(patient_fields(&p));
    if r.diagnosis.is_some() {
        doc.fields(d.fields());
    }
    doc.heading("What I am asking");
    let asks: Vec<String> = match &r.asks {
        Some(list) => list
            .iter()
            .filter_map(|c| Ask::parse(c))
            .map(|a| a.label().to_owned())
            .collect(),
        None => [Ask::Referral, Ask::SharedCare, Ask::TelephoneConsultation]
            .iter()
            .map(|a| a.label().to_owned())
            .collect(),
    };
    doc.bullets(asks);
    if let Some(line) = target_line(ctx) {
        doc.paragraph(format!("The specialist team I have in mind is: {line}"));
    }
    let cited = cite(
        &r.evidence,
        &["specialist-centre-care", "multidisciplinary-team"],
    );
    if !cited.support.is_empty() {
        doc.paragraph(format!(
            "Publications on specialist sarcoma care that I would like us to consider are listed below: {}.",
            cited.support_numbers()
        ));
    }
    doc.paragraph("I would be grateful if we could discuss this at my next appointment, or sooner if treatment decisions are near.");
    doc.closing = vec![
        "Yours sincerely,".into(),
        String::new(),
        val(&p.name, "your name"),
    ];
    doc.references = cited.references;
    doc
}
