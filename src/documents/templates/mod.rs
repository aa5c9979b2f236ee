//! The templates: each declares its fields (a request struct, validated
//! with validator and described as JSON Schema) and builds a [`Document`].

pub mod common;
pub mod consultation_questions;
pub mod insurer_appeal;
pub mod pathology_records;
pub mod referral_request;
pub mod second_opinion;

use chrono::NaiveDate;

use crate::directory::model::{Verification, VerificationStatus};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

use common::{address_lines, given, long_date, Target};

/// The listing a letter is for: a centre or clinician from the directory
/// by id, or a name and address typed in.
#[derive(Debug, Clone, Default, serde::Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetRef {
    /// Id of a published centre (see /v1/centres).
    #[validate(length(min = 1, max = 100, message = "must be 1 to 100 characters"))]
    #[schema(
        min_length = 1,
        max_length = 100,
        example = "sarcoma-center-the-university-of-texas-md-anderson-cancer"
    )]
    pub centre_id: Option<String>,
    /// Id of a published clinician (see /v1/clinicians).
    #[validate(length(min = 1, max = 100, message = "must be 1 to 100 characters"))]
    #[schema(min_length = 1, max_length = 100)]
    pub clinician_id: Option<String>,
    /// Recipient name when not using the directory.
    #[validate(length(max = 200, message = "must be at most 200 characters"))]
    #[schema(max_length = 200)]
    pub name: Option<String>,
    #[validate(length(max = 400, message = "must be at most 400 characters"))]
    #[schema(max_length = 400)]
    pub address: Option<String>,
}

/// What a template needs besides the request.
pub struct Ctx {
    pub today: NaiveDate,
    pub target: Option<Target>,
}

pub fn each_short(items: &[String]) -> Result<(), ValidationError> {
    if items.iter().any(|q| q.chars().count() > 300) {
        return Err(ValidationError::new("length")
            .with_message("each entry must be at most 300 characters".into()));
    }
    Ok(())
}

/// The recipient lines: the directory listing's, else the typed ones,
/// else placeholders for a blank template.
pub fn recipient_block(ctx: &Ctx, t: &TargetRef, placeholder: &str) -> Vec<String> {
    if let Some(target) = &ctx.target {
        let mut out = vec![target.name.clone()];
        out.extend(target.address.iter().cloned());
        return out;
    }
    let mut out = vec![given(&t.name).unwrap_or_else(|| format!("[Name of the {placeholder}]"))];
    out.extend(address_lines(&t.address, "[Address]"));
    out
}

/// One line naming the directory listing, with when it was last verified.
pub fn target_line(ctx: &Ctx) -> Option<String> {
    let t = ctx.target.as_ref()?;
    let mut line = t.name.clone();
    if !t.address.is_empty() {
        line.push_str(&format!(", {}", t.address.join(", ")));
    }
    line.push_str(&format!(" ({})", t.verified));
    Some(line)
}

/// How a listing's verification reads in a letter: its status, and the
/// date of the last check when there was one.
pub fn verified_words(v: &Verification) -> String {
    match (v.status, v.last_verified) {
        (VerificationStatus::Verified, Some(d)) => {
            format!("directory listing verified with the institution on {}", long_date(d))
        }
        (VerificationStatus::NeedsReview, Some(d)) => format!(
            "directory listing under review (a problem was reported or its review date passed), last verified on {}",
            long_date(d)
        ),
        (VerificationStatus::NeedsReview, None) => {
            "directory listing under review (a problem was reported), never verified with the institution"
                .to_owned()
        }
        _ => "directory listing from public sources, not yet verified with the institution"
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::model::VerificationMethod;

    fn v(status: VerificationStatus, last: Option<NaiveDate>) -> Verification {
        Verification {
            status,
            last_verified: last,
            method: Some(VerificationMethod::TelephoneCall),
            next_review_due: None,
        }
    }

    #[test]
    fn verification_words_follow_status_and_date() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 4);
        let verified = verified_words(&v(VerificationStatus::Verified, d));
        assert!(verified.contains("verified with the institution on 4 March 2026"), "{verified}");
        let review = verified_words(&v(VerificationStatus::NeedsReview, d));
        assert!(review.contains("under review") && review.contains("4 March 2026"), "{review}");
        assert!(!review.starts_with("directory listing verified"), "{review}");
        let never = verified_words(&v(VerificationStatus::NeedsReview, None));
        assert!(never.contains("under review") && never.contains("never verified"), "{never}");
        let unverified = verified_words(&v(VerificationStatus::Unverified, None));
        assert!(unverified.contains("not yet verified"), "{unverified}");
    }
}
