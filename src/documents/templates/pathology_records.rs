//! A request to a pathology department to send slides, blocks and reports
//! for sarcoma pathology review, and to flash-freeze tissue from an
//! upcoming operation.

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::common::*;
use super::{target_line, Ctx, TargetRef};
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
}

pub const ID: &str = "pathology-records";
pub const TITLE: &str = "Request to send pathology material for sarcoma review";
pub const PURPOSE: &str = "Ask a pathology department to send slides, blocks and reports to a sarcoma pathologist, and to flash-freeze tissue from an upcoming operation.";

pub fn build(r: &PathologyRecordsRequest, ctx: &Ctx) -> Document {
    let p = r.patient.clone().unwrap_or_default();
    let mut recipient = vec![val(&r.pathology_department, "Pathology department")];
    recipient.extend(address_lines(
        &r.department_address,
        "[Hospital and address]",
    ));
    let mut doc = document(
        TITLE,
        "pathology-records-request",
        ctx.today,
        sender(&p),
        recipient,
    );
    doc.subject = Some(format!(
        "Release of pathology material: {}",
        val(&p.name, "your name")
    ));
    doc.paragraph("Dear colleagues in pathology,");
    doc.paragraph("I am asking for my pathology material to be sent for review by a sarcoma pathologist, as part of a specialist second opinion.");
    let mut fields = patient_fields(&p);
    fields.push((
        "Specimen numbers".into(),
        val(
            &r.specimen_numbers,
            "specimen or accession numbers, if known",
        ),
    ));
    doc.fields(fields);
    if let Some(d) = &r.diagnosis {
        doc.fields(d.fields());
    }
    doc.heading("Please send");
    doc.checklist(vec![
        "All stained slides (H&E and immunohistochemistry)".into(),
        "Representative paraffin blocks, or unstained sections if blocks cannot leave the department".into(),
        "The pathology report(s), including any molecular or genetic test results".into(),
    ]);
    doc.heading("Send to");
    match target_line(ctx) {
        Some(line) => doc.paragraph(line),
        None => {
            let typed: Vec<String> = [&r.target.name, &r.target.address]
                .into_iter()
                .filter_map(given)
                .collect();
            doc.paragraph(if typed.is_empty() {
                "[Name and address of the sarcoma pathologist or centre]".to_owned()
            } else {
                typed.join(", ")
            })
        }
    }
    if r.flash_freeze != Some(false) {
        doc.heading("Tissue from my upcoming operation");
        let when =
            long_date_str(&r.upcoming_surgery_date).unwrap_or_else(|| "[date of operation]".into());
        doc.paragraph(format!(
            "I am due to have surgery on {when}. I ask that, with my consent, a sample of fresh tumour tissue be \
flash-frozen and stored, so that it can be used for tumour testing or research later. Please tell me if a consent form is needed."
        ));
    }
    doc.paragraph(format!(
        "Please let me know when the material has been sent, at {} or {}. Thank you.",
        val(&p.phone, "your telephone"),
        val(&p.email, "your email")
    ));
    doc.closing = vec![
        "Yours sincerely,".into(),
        String::new(),
        val(&p.name, "your name"),
    ];
    doc
}
