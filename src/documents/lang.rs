//! The languages letters are written in, how a request picks one (a `lang`
//! field or parameter, else `Accept-Language`, else English), and the paper
//! size that goes with the patient.

use actix_web::http::header::{self, HeaderMap};
use serde::Serialize;
use validator::ValidationError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    De,
    Fr,
    Es,
    It,
}

pub const ALL: [Lang; 5] = [Lang::En, Lang::De, Lang::Fr, Lang::Es, Lang::It];

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::It => "it",
        }
    }

    /// The language's own name for itself.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::De => "Deutsch",
            Lang::Fr => "Français",
            Lang::Es => "Español",
            Lang::It => "Italiano",
        }
    }

    /// Exactly `en`, `de`, `fr`, `es` or `it` (lower case, as the schema
    /// says).
    pub fn from_code(code: &str) -> Option<Self> {
        ALL.into_iter().find(|l| l.code() == code)
    }
}

/// A language tag as a request gives it: `de`, `en-US`, `fr-CA`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub lang: Lang,
    /// ISO 3166-1 alpha-2 region, upper case, when the tag has one.
    pub region: Option<String>,
}

/// `ll` or `ll-RR` (the language in lower case, the region in either) for
/// one of the five languages; nothing else.
pub fn parse_tag(tag: &str) -> Option<Tag> {
    let mut parts = tag.split('-');
    let lang = Lang::from_code(parts.next()?)?;
    let region = match parts.next() {
        None => None,
        Some(r) if r.len() == 2 && r.chars().all(|c| c.is_ascii_alphabetic()) => {
            Some(r.to_ascii_uppercase())
        }
        Some(_) => return None,
    };
    parts.next().is_none().then_some(Tag { lang, region })
}

/// The values `lang` takes, for messages and the schema.
pub const LANG_HELP: &str =
    "must be en, de, fr, es or it, optionally with a region (e.g. en-US, fr-CA)";
pub const LANG_PATTERN: &str = "^(en|de|fr|es|it)(-[A-Za-z]{2})?$";

pub fn check_lang(tag: &str) -> Result<(), ValidationError> {
    parse_tag(tag)
        .map(|_| ())
        .ok_or_else(|| ValidationError::new("lang").with_message(LANG_HELP.into()))
}

/// The first language of `Accept-Language`, by quality, that letters are
/// written in; `*` means English. None when it names none of them.
pub fn from_accept_language(headers: &HeaderMap) -> Option<Tag> {
    let value = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    let mut ranges: Vec<(f32, &str)> = value
        .split(',')
        .filter_map(|range| {
            let mut parts = range.split(';').map(str::trim);
            let tag = parts.next()?;
            let q = parts
                .find_map(|p| p.strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (q > 0.0).then_some((q, tag))
        })
        .collect();
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranges.into_iter().find_map(|(_, tag)| {
        if tag == "*" {
            return Some(Tag {
                lang: Lang::En,
                region: None,
            });
        }
        // Header tags are case-insensitive; `de-DE-1996` and the like:
        // the language and region are enough.
        let tag = tag.to_ascii_lowercase();
        let short: Vec<&str> = tag.split('-').take(2).collect();
        parse_tag(&short.join("-")).or_else(|| parse_tag(short[0]))
    })
}

/// Paper size: `a4` or `letter` (US Letter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    A4,
    Letter,
}

pub fn check_paper(value: &str) -> Result<(), ValidationError> {
    match value {
        "a4" | "letter" => Ok(()),
        _ => Err(ValidationError::new("paper").with_message("must be a4 or letter".into())),
    }
}

/// An ISO 3166-1 alpha-2 code, upper case (schema only: an enum in the
/// OpenAPI document, so the schema and the check agree).
pub struct CountryCode;

impl utoipa::PartialSchema for CountryCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let mut codes: Vec<&str> = rust_iso3166::ALL.iter().map(|c| c.alpha2).collect();
        codes.sort_unstable();
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("An ISO 3166-1 alpha-2 country code"))
            .enum_values(Some(codes))
            .into()
    }
}

impl utoipa::ToSchema for CountryCode {}

/// Countries whose letters are printed on US Letter.
const LETTER_COUNTRIES: [&str; 2] = ["US", "CA"];

/// The paper for a letter: the request's `paper`, else US Letter when the
/// patient's country or the language's region is the United States or
/// Canada, else A4.
pub fn paper_for(explicit: Option<&str>, country: Option<&str>, tag: Option<&Tag>) -> Paper {
    match explicit {
        Some("letter") => return Paper::Letter,
        Some("a4") => return Paper::A4,
        _ => {}
    }
    let region = tag.and_then(|t| t.region.as_deref());
    let us_or_canada = [country, region]
        .into_iter()
        .flatten()
        .any(|c| LETTER_COUNTRIES.contains(&c));
    if us_or_canada {
        Paper::Letter
    } else {
        Paper::A4
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    #[test]
    fn tags_parse_strictly() {
        assert_eq!(parse_tag("de").unwrap().lang, Lang::De);
        let us = parse_tag("en-us").unwrap();
        assert_eq!((us.lang, us.region.as_deref()), (Lang::En, Some("US")));
        for bad in ["", "ja", "EN", "en-", "en-USA", "en-US-x", "english"] {
            assert!(parse_tag(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn accept_language_picks_the_best_offered() {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("ja;q=1, fr-CH;q=0.8, de;q=0.9"),
        );
        assert_eq!(from_accept_language(&h).unwrap().lang, Lang::De);
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("FR-ca"));
        let fr = from_accept_language(&h).unwrap();
        assert_eq!((fr.lang, fr.region.as_deref()), (Lang::Fr, Some("CA")));
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("ja, ko"));
        assert!(from_accept_language(&h).is_none());
    }

    #[test]
    fn paper_follows_the_patient() {
        assert_eq!(paper_for(None, None, None), Paper::A4);
        assert_eq!(paper_for(None, Some("US"), None), Paper::Letter);
        assert_eq!(paper_for(None, Some("CA"), None), Paper::Letter);
        assert_eq!(
            paper_for(None, None, parse_tag("en-US").as_ref()),
            Paper::Letter
        );
        assert_eq!(
            paper_for(None, None, parse_tag("fr-CA").as_ref()),
            Paper::Letter
        );
        assert_eq!(
            paper_for(None, Some("DE"), parse_tag("en-GB").as_ref()),
            Paper::A4
        );
        assert_eq!(paper_for(Some("a4"), Some("US"), None), Paper::A4);
        assert_eq!(paper_for(Some("letter"), None, None), Paper::Letter);
    }
}
