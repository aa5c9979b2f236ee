//! A checklist of questions to take to a consultation, drawn from the
//! patient guide's advice.

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::common::*;
use super::{target_line, Ctx, TargetRef};
use crate::documents::model::Document;

#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsultationQuestionsRequest {
    /// Optional here: the list works without a name.
    #[validate(nested)]
    pub patient: Option<PatientName>,
    #[validate(length(max = 120, message = "must be at most 120 characters"))]
    #[schema(max_length = 120, example = "leiomyosarcoma")]
    pub subtype: Option<String>,
    /// From today to two years ahead.
    #[validate(custom(function = "upcoming_date"))]
    #[schema(format = Date)]
    pub appointment_date: Option<String>,
    #[validate(nested)]
    #[serde(default)]
    pub target: TargetRef,
    /// The patient's own extra questions, one per entry.
    #[validate(
        length(max = 15, message = "at most 15 entries"),
        custom(function = "super::each_short")
    )]
    #[schema(max_items = 15)]
    pub own_questions: Option<Vec<String>>,
}

/// Just a name, for the heading of the list.
#[derive(Debug, Clone, Default, serde::Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatientName {
    #[validate(length(max = 200, message = "must be at most 200 characters"))]
    #[schema(max_length = 200)]
    pub name: Option<String>,
}

pub const ID: &str = "consultation-questions";
pub const TITLE: &str = "Questions for my sarcoma consultation";
pub const PURPOSE: &str = "A checklist of questions to take to an appointment with a sarcoma team.";

pub fn build(r: &ConsultationQuestionsRequest, ctx: &Ctx) -> Document {
    let name = r
        .patient
        .as_ref()
        .and_then(|p| given(&p.name))
        .unwrap_or_else(|| "[Your name]".into());
    let mut doc = document(
        TITLE,
        "consultation-questions",
        ctx.today,
        vec![name],
        Vec::new(),
    );
    let subtype = given(&r.subtype).unwrap_or_else(|| "my sarcoma".into());
    let mut about = vec![("Diagnosis".to_owned(), subtype.clone())];
    about.push((
        "Appointment".into(),
        long_date_str(&r.appointment_date).unwrap_or_else(|| "[date and time]".into()),
    ));
    about.push((
        "With".into(),
        target_line(ctx).unwrap_or_else(|| "[doctor and centre]".into()),
    ));
    doc.fields(about);
    doc.heading("Diagnosis and pathology");
    doc.checklist(vec![
        "Has a sarcoma pathologist reviewed my slides? What did the review find?".into(),
        "Has my tumour been tested (molecular or genetic tests)? Would any result change my options?".into(),
    ]);
    doc.heading("Surgery and margins");
    doc.checklist(vec![
        "Were the margins clear, and how wide were they?".into(),
        "If not, can further surgery clear them?".into(),
        "If surgery is planned: when is the best window for it, and who will operate?".into(),
    ]);
    doc.heading("Chemotherapy and radiotherapy");
    doc.checklist(vec![
        format!("Has adjuvant chemotherapy or radiotherapy been shown to help for {subtype} at this site? Which study shows it?"),
        "What are the lasting side effects, and would this treatment use up an option I may need later?".into(),
    ]);
    doc.heading("Follow-up and next steps");
    doc.checklist(vec![
        "What is my surveillance schedule: which scans, how often, and for how long?".into(),
        "Are there clinical trials I could join, here or elsewhere?".into(),
        "If this treatment stops working, what would we try next, and can we plan that now?".into(),
        "Can you work with my local oncologist, for example by telephone?".into(),
        "What psychological and practical support is available to me and my family?".into(),
    ]);
    if let Some(own) = &r.own_questions {
        doc.heading("My own questions");
        doc.checklist(
            own.iter()
                .map(|q| q.trim().to_owned())
                .filter(|q| !q.is_empty())
                .collect(),
        );
    }
    doc.heading("Notes");
    doc.paragraph("______________________________________________________________________________");
    doc.paragraph("______________________________________________________________________________");
    doc
}
