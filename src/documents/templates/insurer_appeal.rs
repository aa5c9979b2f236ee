//! An authorisation request or appeal to an insurer or health plan for a
//! specialist (possibly out-of-network) second opinion.

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::common::*;
use super::{choices, target_line, Ctx, TargetRef};
use crate::documents::model::Document;

choice!(
    /// What the plan is asked to do.
    RequestedAction, check_action {
        Authorise = "authorise_second_opinion",
        OutOfNetwork = "authorise_out_of_network",
        Reconsider = "reconsider_denial",
    }
);

/// The actions in words, in the order of [`RequestedAction`]. The patient
/// can only say they could not find an in-network provider, not that none
/// exists.
const ACTIONS: [&str; 3] = [
    "authorise a second opinion from a sarcoma specialist team",
    "authorise an out-of-network second opinion at a sarcoma specialist centre, as I have not been able to find an in-network provider with equivalent sarcoma expertise",
    "reconsider the denial and authorise a second opinion from a sarcoma specialist team",
];

#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InsurerAppealRequest {
    #[validate(required(message = "is required"), nested)]
    #[schema(value_type = Patient)]
    pub patient: Option<Patient>,
    #[validate(required(message = "is required"), nested)]
    #[schema(value_type = Diagnosis)]
    pub diagnosis: Option<Diagnosis>,
    #[validate(
        required(message = "is required"),
        length(min = 1, max = 200, message = "must be 1 to 200 characters")
    )]
    #[schema(value_type = String, min_length = 1, max_length = 200)]
    pub insurer_name: Option<String>,
    #[validate(length(max = 400, message = "must be at most 400 characters"))]
    #[schema(max_length = 400)]
    pub insurer_address: Option<String>,
    #[validate(
        required(message = "is required"),
        length(min = 1, max = 60, message = "must be 1 to 60 characters")
    )]
    #[schema(value_type = String, min_length = 1, max_length = 60)]
    pub member_id: Option<String>,
    #[validate(length(max = 120, message = "must be at most 120 characters"))]
    #[schema(max_length = 120)]
    pub plan_name: Option<String>,
    #[validate(length(max = 60, message = "must be at most 60 characters"))]
    #[schema(max_length = 60)]
    pub group_number: Option<String>,
    #[validate(length(max = 60, message = "must be at most 60 characters"))]
    #[schema(max_length = 60)]
    pub claim_number: Option<String>,
    /// The plan's reason for denial, quoted exactly, if there was one.
    #[validate(length(max = 1500, message = "must be at most 1500 characters"))]
    #[schema(max_length = 1500)]
    pub denial_reason: Option<String>,
    /// From 1900-01-01 to today.
    #[validate(custom(function = "past_date"))]
    #[schema(format = Date)]
    pub denial_date: Option<String>,
    #[validate(required(message = "is required"), custom(function = "check_action"))]
    #[schema(value_type = RequestedAction)]
    pub requested_action: Option<String>,
    /// Ask for an expedited (urgent) review.
    pub expedited: Option<bool>,
    #[validate(nested)]
    #[serde(default)]
    pub target: TargetRef,
    #[validate(
        custom(function = "check_records"),
        length(max = 10, message = "at most 10 entries")
    )]
    #[schema(value_type = Option<Vec<Record>>, max_items = 10)]
    pub enclosures: Option<Vec<String>>,
    #[validate(
        custom(function = "check_evidence_ids"),
        length(max = 12, message = "at most 12 entries")
    )]
    #[schema(value_type = Option<Vec<crate::documents::evidence::EvidenceId>>, max_items = 12)]
    pub evidence: Option<Vec<String>>,
    /// The letter's language. This letter is written for US-style health
    /// plans and offered in English only (en, en-US, ...): a German,
    /// French, Spanish or Italian request is refused rather than
    /// literally translated (see `languages` in /v1/templates).
    #[validate(custom(function = "crate::documents::lang::check_lang"))]
    #[schema(pattern = "^en(-[A-Za-z]{2})?$", example = "en-US")]
    pub lang: Option<String>,
    /// `a4` or `letter`. Without it: US Letter when the patient's country
    /// or the language's region is US or CA, else A4.
    #[validate(custom(function = "crate::documents::lang::check_paper"))]
    #[schema(value_type = Option<crate::documents::lang::Paper>)]
    pub paper: Option<String>,
}

choices!(InsurerAppealRequest);

/// What this letter asks evidence to support.
const CLAIMS: &[&str] = &[
    "specialist-centre-care",
    "pathology-review",
    "multidisciplinary-team",
    "volume-outcome",
];

pub const ID: &str = "insurer-appeal";
pub const TITLE: &str = "Request for authorisation of a sarcoma specialist second opinion";
pub const PURPOSE: &str = "Ask an insurer or health plan to authorise (or to reconsider a denial of) a specialist second opinion, with numbered references.";

/// Written for US-style health plans (prior authorisation, networks,
/// appeals): in English only. Other languages' health systems work
/// differently, and a literal translation would ask for things those
/// systems do not have.
pub const LANGUAGES: &[crate::documents::lang::Lang] = &[crate::documents::lang::Lang::En];

pub fn build(r: &InsurerAppealRequest, ctx: &Ctx) -> Document {
    let t = ctx.t;
    let c = &t.common;
    let p = r.patient.clone().unwrap_or_default();
    let d = r.diagnosis.clone().unwrap_or_default();
    let mut recipient = vec![val(&r.insurer_name, "Insurer or health plan")];
    recipient.extend(address_lines(
        &r.insurer_address,
        "[Appeals or prior authorisation address]",
    ));
    let mut doc = document(
        t,
        ctx.lang,
        TITLE,
        "insurer-authorisation-request",
        ctx.today,
        sender(t, &p),
        recipient,
    );
    let expedited = r.expedited == Some(true);
    doc.subject = Some(format!(
        "{}Member {}: authorisation of a sarcoma specialist second opinion",
        if expedited {
            "EXPEDITED REVIEW REQUESTED. "
        } else {
            ""
        },
        val(&r.member_id, "member ID")
    ));
    let mut ids = vec![
        ("Member".to_owned(), val(&p.name, "member name")),
        (
            c.date_of_birth.into(),
            long_date_str(t, &p.date_of_birth)
                .unwrap_or_else(|| format!("[{}]", c.date_of_birth_ph)),
        ),
        ("Member ID".into(), val(&r.member_id, "member ID")),
    ];
    if let Some(n) = given(&p.hospital_number) {
        ids.push((c.hospital_number.into(), n));
    }
    ids.push(("Plan".into(), val(&r.plan_name, "plan name")));
    ids.push(("Group number".into(), val(&r.group_number, "group number")));
    ids.push((
        "Claim or reference number".into(),
        val(&r.claim_number, "claim number, if any"),
    ));
    if let Some(dd) = long_date_str(t, &r.denial_date) {
        ids.push(("Date of denial".into(), dd));
    }
    doc.fields(ids);
    doc.paragraph("To the reviewer,");
    let action = r
        .requested_action
        .as_deref()
        .and_then(RequestedAction::parse)
        .map_or("[the action you ask for]", |a| ACTIONS[a.index()]);
    doc.paragraph(format!("I am writing to ask you to {action}."));
    if let Some(reason) = given(&r.denial_reason) {
        doc.paragraph(format!(
            "Your letter gave this reason for the denial: \u{201c}{reason}\u{201d}"
        ));
    }
    let cited = cite(t, &r.evidence, CLAIMS);
    doc.heading("Why specialist review is needed");
    doc.paragraph(format!(
        "I have {}, a rare cancer. Sarcomas are uncommon and varied, and I ask that my diagnosis and planned \
treatment be reviewed by a specialist sarcoma team before treatment continues.",
        val(&d.subtype, "a sarcoma")
    ));
    // The letter claims no more than the verified entries it cites report,
    // in the library's own words; without one, it makes no claim at all.
    if !cited.support.is_empty() {
        doc.paragraph("The publications cited below report:");
        doc.bullets(
            cited
                .support
                .iter()
                .map(|(n, e)| format!("[{n}] {}", e.finding))
                .collect(),
        );
    }
    doc.fields(d.fields(t));
    if let Some(line) = target_line(ctx) {
        doc.paragraph(format!("The specialist team I am asking to see: {line}"));
    }
    if expedited {
        doc.heading("Expedited review");
        doc.paragraph("I ask for an expedited review because treatment decisions are being made now and waiting could affect my options.");
    }
    doc.heading("Enclosures");
    doc.checklist(records(
        t,
        &r.enclosures,
        &[
            Record::PathologyReport,
            Record::ClinicLetters,
            Record::ReferralLetter,
            Record::Denial,
        ],
    ));
    doc.paragraph(format!(
        "Please send your decision in writing. I can be reached at {} or {}.",
        val(&p.phone, c.your_telephone),
        val(&p.email, c.your_email)
    ));
    doc.closing = vec![
        "Yours faithfully,".into(),
        String::new(),
        val(&p.name, c.your_name),
    ];
    doc.references = cited.references;
    doc
}
