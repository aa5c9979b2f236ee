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

use common::{address_lines, given, Target};

use crate::documents::i18n::{fill, Texts};
use crate::documents::lang::Lang;

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
    pub lang: Lang,
    /// The fixed words, in `lang`.
    pub t: &'static Texts,
}

/// The choices every request may make besides its fields.
pub trait Choices {
    fn target(&self) -> &TargetRef;
    /// The `lang` field, if given.
    fn lang(&self) -> Option<&str>;
    /// The `paper` field, if given.
    fn paper(&self) -> Option<&str>;
    /// The patient's country, if given.
    fn country(&self) -> Option<&str>;
}

/// Implements [`Choices`] for a request with `target`, `lang`, `paper`
/// and a `patient` holding `country` (or, with `no_country`, none).
macro_rules! choices {
    ($req:ty) => {
        impl $crate::documents::templates::Choices for $req {
            fn target(&self) -> &$crate::documents::templates::TargetRef {
                &self.target
            }
            fn lang(&self) -> Option<&str> {
                self.lang.as_deref()
            }
            fn paper(&self) -> Option<&str> {
                self.paper.as_deref()
            }
            fn country(&self) -> Option<&str> {
                self.patient.as_ref().and_then(|p| p.country.as_deref())
            }
        }
    };
    ($req:ty, no_country) => {
        impl $crate::documents::templates::Choices for $req {
            fn target(&self) -> &$crate::documents::templates::TargetRef {
                &self.target
            }
            fn lang(&self) -> Option<&str> {
                self.lang.as_deref()
            }
            fn paper(&self) -> Option<&str> {
                self.paper.as_deref()
            }
            fn country(&self) -> Option<&str> {
                None
            }
        }
    };
}
pub(crate) use choices;

pub fn each_short(items: &[String]) -> Result<(), ValidationError> {
    if items.iter().any(|q| q.chars().count() > 300) {
        return Err(ValidationError::new("length")
            .with_message("each entry must be at most 300 characters".into()));
    }
    Ok(())
}

/// The recipient lines: the directory listing's, else the typed ones,
/// else placeholders for a blank template.
pub fn recipient_block(ctx: &Ctx, t: &TargetRef, name_placeholder: &str) -> Vec<String> {
    if let Some(target) = &ctx.target {
        let mut out = vec![target.name.clone()];
        out.extend(target.address.iter().cloned());
        return out;
    }
    let mut out = vec![given(&t.name).unwrap_or_else(|| format!("[{name_placeholder}]"))];
    out.extend(address_lines(
        &t.address,
        &format!("[{}]", ctx.t.common.address),
    ));
    out
}

/// One line naming the directory listing, with its verification.
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
pub fn verified_words(t: &Texts, v: &Verification) -> String {
    let c = &t.common;
    match (v.status, v.last_verified) {
        (VerificationStatus::Verified, Some(d)) => fill(c.verified_on, &[("date", &t.date(d))]),
        (VerificationStatus::NeedsReview, Some(d)) => fill(c.review_since, &[("date", &t.date(d))]),
        (VerificationStatus::NeedsReview, None) => c.review_never.to_owned(),
        _ => c.unverified.to_owned(),
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
        let t = crate::documents::i18n::texts(Lang::En);
        let verified_words = |v: &Verification| super::verified_words(t, v);
        let d = NaiveDate::from_ymd_opt(2026, 3, 4);
        let verified = verified_words(&v(VerificationStatus::Verified, d));
        assert!(
            verified.contains("verified with the institution on 4 March 2026"),
            "{verified}"
        );
        let review = verified_words(&v(VerificationStatus::NeedsReview, d));
        assert!(
            review.contains("under review") && review.contains("4 March 2026"),
            "{review}"
        );
        assert!(
            !review.starts_with("directory listing verified"),
            "{review}"
        );
        let never = verified_words(&v(VerificationStatus::NeedsReview, None));
        assert!(
            never.contains("under review") && never.contains("never verified"),
            "{never}"
        );
        let unverified = verified_words(&v(VerificationStatus::Unverified, None));
        assert!(unverified.contains("not yet verified"), "{unverified}");
    }
}
