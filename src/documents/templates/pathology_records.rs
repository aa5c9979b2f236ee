//! A request to a pathology department to send slides, blocks and reports
//! for sarcoma pathology review, and to flash-freeze tissue from an
//! upcoming operation.

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::common::*;
use super::{choices, target_line, Ctx, TargetRef};
use crate::documents::i18n::fill;
use crate::documents::model::Document;

#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PathologyRecordsRequest {
    #[validate(required(message = "is required"), nested)]
    #[schema(value_type = Patient)]
    pub patient: Option<Patient>,
    #[validate(nested)]
    pub diagnosis: Option<Diagnosis>,
    /// The pathology department holding the specimens.
    #[validate(
        required(message = "is required"),
        length(min = 1, max = 200, message = "must be 1 to 200 characters")
    )]
    #[schema(value_type = String, min_length = 1, max_length = 200)]
    pub pathology_department: Option<String>,
    #[validate(length(max = 400, message = "must be at most 400 characters"))]
    #[schema(max_length = 400)]
    pub department_address: Option<String>,
    /// Specimen or accession numbers, if known.
    #[validate(length(max = 300, message = "must be at most 300 characters"))]
    #[schema(max_length = 300)]
    pub specimen_numbers: Option<String>,
    /// Where to send them: a centre or clinician from the directory, or a
    /// name and address given here.
    #[validate(nested)]
    #[serde(default)]
    pub target: TargetRef,
    /// Ask that tissue from an upcoming operation be flash-frozen and stored.
    pub flash_freeze: Option<bool>,
    /// From today to two years ahead.
    #[validate(custom(function = "upcoming_date"))]
    #[schema(format = Date)]
    pub upcoming_surgery_date: Option<String>,
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

choices!(PathologyRecordsRequest);

pub const ID: &str = "pathology-records";

pub fn build(r: &PathologyRecordsRequest, ctx: &Ctx) -> Document {
    let t = ctx.t;
    let w = &t.pathology;
    let c = &t.common;
    let p = r.patient.clone().unwrap_or_default();
    let mut recipient = vec![val(&r.pathology_department, w.department_ph)];
    recipient.extend(address_lines(
        &r.department_address,
        &format!("[{}]", w.address_ph),
    ));
    let mut doc = document(
        t,
        ctx.lang,
        w.title,
        "pathology-records-request",
        ctx.today,
        sender(t, &p),
        recipient,
    );
    doc.subject = Some(fill(w.subject, &[("name", &val(&p.name, c.your_name))]));
    doc.paragraph(w.dear);
    doc.paragraph(w.intro);
    let mut fields = patient_fields(t, &p);
    fields.push((w.specimens.into(), val(&r.specimen_numbers, w.specimens_ph)));
    doc.fields(fields);
    if let Some(d) = &r.diagnosis {
        doc.fields(d.fields(t));
    }
    doc.heading(w.send);
    doc.checklist(w.send_items.iter().map(|i| (*i).to_owned()).collect());
    doc.heading(w.send_to);
    match target_line(ctx) {
        Some(line) => doc.paragraph(line),
        None => {
            let typed: Vec<String> = [&r.target.name, &r.target.address]
                .into_iter()
                .filter_map(given)
                .collect();
            doc.paragraph(if typed.is_empty() {
                format!("[{}]", w.send_to_ph)
            } else {
                typed.join(", ")
            })
        }
    }
    if r.flash_freeze != Some(false) {
        doc.heading(w.freeze_heading);
        let when = long_date_str(t, &r.upcoming_surgery_date)
            .unwrap_or_else(|| format!("[{}]", w.surgery_date_ph));
        doc.paragraph(fill(w.freeze, &[("date", &when)]));
    }
    doc.paragraph(fill(
        w.notify,
        &[
            ("phone", &val(&p.phone, c.your_telephone)),
            ("email", &val(&p.email, c.your_email)),
        ],
    ));
    doc.closing = vec![c.sincerely.into(), String::new(), val(&p.name, c.your_name)];
    doc
}
