//! A letter to the patient's own oncologist or GP asking for referral to,
//! or shared care with, a sarcoma oncologist.

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::common::*;
use super::{choices, target_line, Ctx, TargetRef};
use crate::documents::i18n::fill;
use crate::documents::model::Document;

choice!(
    /// What the patient asks their doctor for.
    Ask, check_ask {
        Referral = "referral",
        SharedCare = "shared_care",
        TelephoneConsultation = "telephone_consultation",
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

choices!(ReferralRequest);

pub const ID: &str = "referral-request";

/// Claims this letter's evidence may support.
const CLAIMS: &[&str] = &["specialist-centre-care", "multidisciplinary-team"];

pub fn build(r: &ReferralRequest, ctx: &Ctx) -> Document {
    let t = ctx.t;
    let w = &t.referral;
    let c = &t.common;
    let p = r.patient.clone().unwrap_or_default();
    let d = r.diagnosis.clone().unwrap_or_default();
    let mut recipient = vec![val(&r.doctor_name, w.doctor_ph)];
    recipient.extend(address_lines(
        &r.doctor_address,
        &format!("[{}]", w.address_ph),
    ));
    let mut doc = document(
        t,
        ctx.lang,
        w.title,
        "referral-request",
        ctx.today,
        sender(t, &p),
        recipient,
    );
    doc.subject = Some(fill(w.subject, &[("name", &val(&p.name, c.your_name))]));
    doc.paragraph(fill(w.dear, &[("doctor", &val(&r.doctor_name, w.dear_ph))]));
    doc.paragraph(fill(
        w.intro,
        &[("subtype", &val(&d.subtype, w.subtype_ph))],
    ));
    doc.fields(patient_fields(t, &p));
    if r.diagnosis.is_some() {
        doc.fields(d.fields(t));
    }
    doc.heading(w.asking);
    let asks: Vec<Ask> = match &r.asks {
        Some(list) => list.iter().filter_map(|c| Ask::parse(c)).collect(),
        None => vec![Ask::Referral, Ask::SharedCare, Ask::TelephoneConsultation],
    };
    doc.bullets(asks.iter().map(|a| w.asks[a.index()].to_owned()).collect());
    if let Some(line) = target_line(ctx) {
        doc.paragraph(fill(w.in_mind, &[("line", &line)]));
    }
    let cited = cite(t, &r.evidence, CLAIMS);
    if !cited.support.is_empty() {
        doc.paragraph(fill(w.evidence, &[("refs", &cited.support_numbers())]));
    }
    doc.paragraph(w.discuss);
    doc.closing = vec![c.sincerely.into(), String::new(), val(&p.name, c.your_name)];
    doc.references = cited.references;
    doc
}
