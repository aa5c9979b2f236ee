//! A checklist of questions to take to a consultation, drawn from the
//! patient guide's advice.

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::common::*;
use super::{choices, target_line, Ctx, TargetRef};
use crate::documents::i18n::fill;
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

choices!(ConsultationQuestionsRequest, no_country);

/// Just a name, for the heading of the list.
#[derive(Debug, Clone, Default, serde::Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatientName {
    #[validate(length(max = 200, message = "must be at most 200 characters"))]
    #[schema(max_length = 200)]
    pub name: Option<String>,
}

pub const ID: &str = "consultation-questions";

pub fn build(r: &ConsultationQuestionsRequest, ctx: &Ctx) -> Document {
    let t = ctx.t;
    let w = &t.questions;
    let name = r
        .patient
        .as_ref()
        .and_then(|p| given(&p.name))
        .unwrap_or_else(|| format!("[{}]", t.common.your_full_name));
    let mut doc = document(
        t,
        ctx.lang,
        w.title,
        "consultation-questions",
        ctx.today,
        vec![name],
        Vec::new(),
    );
    let subtype = given(&r.subtype).unwrap_or_else(|| w.subtype_default.into());
    doc.fields(vec![
        (w.diagnosis.to_owned(), subtype.clone()),
        (
            w.appointment.into(),
            long_date_str(t, &r.appointment_date)
                .unwrap_or_else(|| format!("[{}]", w.appointment_ph)),
        ),
        (
            w.with.into(),
            target_line(ctx).unwrap_or_else(|| format!("[{}]", w.with_ph)),
        ),
    ]);
    let list = |items: &[&str]| items.iter().map(|i| (*i).to_owned()).collect::<Vec<_>>();
    doc.heading(w.pathology);
    doc.checklist(list(&w.pathology_items));
    doc.heading(w.surgery);
    doc.checklist(list(&w.surgery_items));
    doc.heading(w.treatment);
    doc.checklist(vec![
        fill(w.treatment_first, &[("subtype", &subtype)]),
        w.treatment_second.into(),
    ]);
    doc.heading(w.follow_up);
    doc.checklist(list(&w.follow_up_items));
    if let Some(own) = &r.own_questions {
        doc.heading(w.own);
        doc.checklist(
            own.iter()
                .map(|q| q.trim().to_owned())
                .filter(|q| !q.is_empty())
                .collect(),
        );
    }
    doc.heading(w.notes);
    doc.paragraph("______________________________________________________________________________");
    doc.paragraph("______________________________________________________________________________");
    doc
}
