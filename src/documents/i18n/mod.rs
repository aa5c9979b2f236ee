//! Every fixed word of the letters, one file per language, so templates
//! hold no prose of their own. `{name}` marks where a value goes; [`fill`]
//! puts values in (in one pass, so a value containing braces is never
//! read as a marker).
//!
//! The English text is the original. The others were written with machine
//! assistance and have not yet been reviewed by a native speaker; each says
//! so in `translation` (listed by `GET /v1/templates`, and in each
//! document's metadata).

mod de;
mod en;
mod es;
mod fr;
mod it;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::documents::lang::Lang;

pub type S = &'static str;

#[derive(Debug, Serialize)]
pub struct Texts {
    /// January to December.
    pub months: [S; 12],
    /// e.g. "{d} {month} {y}".
    pub date: S,
    /// How day 1 is written ("1er" in French).
    pub day_one: S,
    pub decimal_comma: bool,
    /// Who wrote the translation and whether anyone reviewed it; None for
    /// the English original.
    pub translation: Option<S>,
    pub common: Common,
    pub second_opinion: SecondOpinion,
    pub referral: Referral,
    pub pathology: Pathology,
    pub questions: Questions,
}

#[derive(Debug, Serialize)]
pub struct Common {
    /// Between a label and its value: ": ", in French " : ".
    pub colon: S,
    pub disclaimer: S,
    pub references: S,
    pub page: S,
    pub page_of: S,
    pub not_verified: S,
    pub your_full_name: S,
    pub your_name: S,
    pub your_address: S,
    pub telephone: S,
    pub email: S,
    pub your_telephone: S,
    pub your_email: S,
    pub address: S,
    pub patient: S,
    pub full_name: S,
    pub date_of_birth: S,
    pub date_of_birth_ph: S,
    pub hospital_number: S,
    pub subtype: S,
    pub subtype_ph: S,
    pub primary_site: S,
    pub primary_site_ph: S,
    pub diagnosed_on: S,
    pub date_ph: S,
    pub grade: S,
    pub grade_ph: S,
    pub size: S,
    pub size_ph: S,
    pub surgery: S,
    pub surgery_ph: S,
    pub margins: S,
    pub margins_ph: S,
    pub treatments: S,
    pub treatments_ph: S,
    /// low, intermediate, high, unknown.
    pub grades: [S; 4],
    /// clear, microscopic, macroscopic, unknown, not operated.
    pub margin_labels: [S; 5],
    /// In the order of `Record`.
    pub records: [S; 10],
    /// "{date}"
    pub verified_on: S,
    pub review_since: S,
    pub review_never: S,
    pub unverified: S,
    pub referral_phone: S,
    pub referral_email: S,
    pub referral_form: S,
    pub sincerely: S,
}

#[derive(Debug, Serialize)]
pub struct SecondOpinion {
    pub title: S,
    pub purpose: S,
    pub recipient_ph: S,
    /// "{name}", "{subtype}"
    pub subject: S,
    pub subtype_ph: S,
    pub dear: S,
    /// "{subtype}"
    pub intro: S,
    pub about_me: S,
    pub diagnosis: S,
    pub asking: S,
    pub asks: [S; 5],
    /// "{question}"
    pub also_ask: S,
    pub records: S,
    /// "{verified}"
    pub found: S,
    /// "{via}"
    pub referred_via: S,
    /// "{refs}"
    pub evidence: S,
    /// "{phone}", "{email}"
    pub contact: S,
}

#[derive(Debug, Serialize)]
pub struct Referral {
    pub title: S,
    pub purpose: S,
    pub doctor_ph: S,
    pub address_ph: S,
    /// "{name}"
    pub subject: S,
    /// "{doctor}"
    pub dear: S,
    pub dear_ph: S,
    /// "{subtype}"
    pub intro: S,
    pub subtype_ph: S,
    pub asking: S,
    /// referral, shared care, telephone consultation.
    pub asks: [S; 3],
    /// "{line}"
    pub in_mind: S,
    /// "{refs}"
    pub evidence: S,
    pub discuss: S,
}

#[derive(Debug, Serialize)]
pub struct Pathology {
    pub title: S,
    pub purpose: S,
    pub department_ph: S,
    pub address_ph: S,
    /// "{name}"
    pub subject: S,
    pub dear: S,
    pub intro: S,
    pub specimens: S,
    pub specimens_ph: S,
    pub send: S,
    pub send_items: [S; 3],
    pub send_to: S,
    pub send_to_ph: S,
    pub freeze_heading: S,
    /// "{date}"
    pub freeze: S,
    pub surgery_date_ph: S,
    /// "{phone}", "{email}"
    pub notify: S,
}

#[derive(Debug, Serialize)]
pub struct Questions {
    pub title: S,
    pub purpose: S,
    pub subtype_default: S,
    pub diagnosis: S,
    pub appointment: S,
    pub appointment_ph: S,
    pub with: S,
    pub with_ph: S,
    pub pathology: S,
    pub pathology_items: [S; 2],
    pub surgery: S,
    pub surgery_items: [S; 3],
    pub treatment: S,
    /// "{subtype}"
    pub treatment_first: S,
    pub treatment_second: S,
    pub follow_up: S,
    pub follow_up_items: [S; 5],
    pub own: S,
    pub notes: S,
}

pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::En => &en::TEXTS,
        Lang::De => &de::TEXTS,
        Lang::Fr => &fr::TEXTS,
        Lang::Es => &es::TEXTS,
        Lang::It => &it::TEXTS,
    }
}

impl Texts {
    /// A date as the language writes it, e.g. "28. November 2026".
    pub fn date(&self, d: NaiveDate) -> String {
        let day = if d.day() == 1 {
            self.day_one.to_owned()
        } else {
            d.day().to_string()
        };
        fill(
            self.date,
            &[
                ("d", &day),
                ("month", self.months[d.month0() as usize]),
                ("y", &d.year().to_string()),
            ],
        )
    }

    /// A number as the language writes it: "8.5" or "8,5".
    pub fn number(&self, n: f64) -> String {
        let s = format!("{n}");
        if self.decimal_comma {
            s.replace('.', ",")
        } else {
            s
        }
    }
}

/// `template` with each `{key}` replaced by its value, in one pass.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| {
            let key = &after[..close];
            values
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (close, *v))
        }) {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::lang::ALL;

    #[test]
    fn fill_is_one_pass() {
        assert_eq!(
            fill("Dear {name}, {x}", &[("name", "{x}"), ("x", "1")]),
            "Dear {x}, 1"
        );
        assert_eq!(fill("{unknown}", &[]), "{unknown}");
    }

    #[test]
    fn dates_and_numbers_per_language() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let got: Vec<String> = ALL.iter().map(|l| texts(*l).date(d)).collect();
        assert_eq!(
            got,
            [
                "1 March 2026",
                "1. März 2026",
                "1er mars 2026",
                "1 de marzo de 2026",
                "1º marzo 2026"
            ]
        );
        assert_eq!(texts(Lang::De).number(8.5), "8,5");
        assert_eq!(texts(Lang::En).number(8.5), "8.5");
    }

    /// Every text of every language names the same markers as English, so
    /// no value is lost in translation.
    #[test]
    fn translations_keep_every_marker() {
        fn markers(v: &serde_json::Value, path: &str, out: &mut Vec<(String, Vec<String>)>) {
            match v {
                serde_json::Value::String(s) => {
                    let mut m: Vec<String> = s
                        .split('{')
                        .skip(1)
                        .filter_map(|p| p.split_once('}').map(|(k, _)| k.to_owned()))
                        .collect();
                    m.sort();
                    out.push((path.to_owned(), m));
                }
                serde_json::Value::Array(a) => a
                    .iter()
                    .enumerate()
                    .for_each(|(i, x)| markers(x, &format!("{path}[{i}]"), out)),
                serde_json::Value::Object(o) => o
                    .iter()
                    .for_each(|(k, x)| markers(x, &format!("{path}.{k}"), out)),
                _ => {}
            }
        }
        let mut english = Vec::new();
        markers(
            &serde_json::to_value(texts(Lang::En)).unwrap(),
            "",
            &mut english,
        );
        for lang in &ALL[1..] {
            let t = texts(*lang);
            assert!(t.translation.is_some(), "{lang:?} says it is a translation");
            let mut other = Vec::new();
            markers(&serde_json::to_value(t).unwrap(), "", &mut other);
            let other: Vec<_> = other
                .into_iter()
                .filter(|(p, _)| p != ".translation")
                .collect();
            let english: Vec<_> = english
                .iter()
                .filter(|(p, _)| p != ".translation")
                .cloned()
                .collect();
            assert_eq!(english, other, "{lang:?}");
        }
    }
}
