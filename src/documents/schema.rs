//! What each template asks for, as self-contained JSON Schemas built from
//! the OpenAPI components, so a front-end can build a form and the schema
//! and the server's validation never disagree.

use serde::Serialize;
use utoipa::ToSchema;

use crate::documents::format;
use crate::documents::i18n::texts;
use crate::documents::lang::{self, Lang};
use crate::documents::templates::*;

/// A template: what it is for and the fields it takes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TemplateInfo {
    #[schema(example = "second-opinion")]
    pub id: String,
    /// In English; each language's title is under `languages`.
    pub title: String,
    pub purpose: String,
    /// Where to POST the fields.
    pub generate: String,
    /// A blank, fillable download.
    pub blank: String,
    pub formats: Vec<String>,
    /// The languages the template is written in (pick one with `lang`,
    /// or `Accept-Language`).
    pub languages: Vec<LanguageInfo>,
    /// The fields as JSON Schema (2020-12), self-contained.
    #[schema(value_type = Object)]
    pub fields: serde_json::Value,
}

/// One language a template is written in.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LanguageInfo {
    #[schema(example = "de")]
    pub code: String,
    /// The language's own name for itself.
    #[schema(example = "Deutsch")]
    pub name: String,
    pub title: String,
    pub purpose: String,
    /// Whether a native speaker has reviewed the text: true only for the
    /// English original so far.
    pub reviewed: bool,
    /// For a translation, how it was made, in that language and English;
    /// null for the original.
    pub translation: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateList {
    pub items: Vec<TemplateInfo>,
}

/// (id, request schema name), in listing order.
const TEMPLATES: [(&str, &str); 5] = [
    (second_opinion::ID, "SecondOpinionRequest"),
    (referral_request::ID, "ReferralRequest"),
    (insurer_appeal::ID, "InsurerAppealRequest"),
    (pathology_records::ID, "PathologyRecordsRequest"),
    (consultation_questions::ID, "ConsultationQuestionsRequest"),
];

/// The languages `id` is written in.
pub fn languages(id: &str) -> &'static [Lang] {
    if id == insurer_appeal::ID {
        insurer_appeal::LANGUAGES
    } else {
        &lang::ALL
    }
}

/// A template's title and purpose in `lang`.
pub fn title_and_purpose(id: &str, lang: Lang) -> (&'static str, &'static str) {
    let t = texts(lang);
    match id {
        second_opinion::ID => (t.second_opinion.title, t.second_opinion.purpose),
        referral_request::ID => (t.referral.title, t.referral.purpose),
        pathology_records::ID => (t.pathology.title, t.pathology.purpose),
        consultation_questions::ID => (t.questions.title, t.questions.purpose),
        _ => (insurer_appeal::TITLE, insurer_appeal::PURPOSE),
    }
}

/// Template descriptions with self-contained JSON Schemas, built once from
/// the OpenAPI components so the two never disagree.
pub fn template_infos(spec: &utoipa::openapi::OpenApi) -> Vec<TemplateInfo> {
    let spec = serde_json::to_value(spec).expect("spec serialises");
    let components = &spec["components"]["schemas"];
    TEMPLATES
        .iter()
        .map(|(id, schema)| {
            let (title, purpose) = title_and_purpose(id, Lang::En);
            TemplateInfo {
                id: (*id).into(),
                title: title.into(),
                purpose: purpose.into(),
                generate: format!("/v1/documents/{id}"),
                blank: format!("/v1/templates/{id}/blank"),
                formats: format::ALL
                    .iter()
                    .map(|f| f.extension().to_owned())
                    .collect(),
                languages: languages(id)
                    .iter()
                    .map(|l| {
                        let (title, purpose) = title_and_purpose(id, *l);
                        let translation = texts(*l).translation;
                        LanguageInfo {
                            code: l.code().into(),
                            name: l.name().into(),
                            title: title.into(),
                            purpose: purpose.into(),
                            reviewed: translation.is_none(),
                            translation: translation.map(str::to_owned),
                        }
                    })
                    .collect(),
                fields: json_schema(components, schema),
            }
        })
        .collect()
}

/// `name`'s schema with every component it reaches under `$defs`.
fn json_schema(components: &serde_json::Value, name: &str) -> serde_json::Value {
    fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(|r| r.as_str()) {
                    out.push(r.trim_start_matches("#/components/schemas/").to_owned());
                }
                m.values().for_each(|x| refs(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut defs = serde_json::Map::new();
    let mut todo = Vec::new();
    refs(&components[name], &mut todo);
    while let Some(next) = todo.pop() {
        if defs.contains_key(&next) {
            continue;
        }
        let schema = components[&next].clone();
        refs(&schema, &mut todo);
        defs.insert(next, schema);
    }
    let mut root = components[name].clone();
    root["$schema"] = "https://json-schema.org/draft/2020-12/schema".into();
    root["$defs"] = serde_json::Value::Object(defs);
    let text = serde_json::to_string(&root)
        .expect("schema serialises")
        .replace("#/components/schemas/", "#/$defs/");
    serde_json::from_str(&text).expect("schema parses")
}
