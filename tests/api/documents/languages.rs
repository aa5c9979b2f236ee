//! Letters in five languages: every template in every language it is
//! written in and every format renders, with every value the request gave
//! (dates and numbers as the language writes them), no sentence of the
//! English template left, fonts embedded, and the language said in
//! Content-Language; the insurer letter is English only; templates list
//! their languages, translations marked machine-assisted and unreviewed.

use reqwest::Method;
use serde_json::{json, Value};

use super::{body, normalise, post, text_of, FORMATS, TEMPLATES};
use crate::helpers::{Backend, Data, TestApp};
use crate::sqlite_once;
use sarcoma_directory::documents::i18n::texts;
use sarcoma_directory::documents::lang::{self, Lang};

/// The English template's sentences: the fixed text between value
/// markers, where it is at least four words long.
fn english_sentences() -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => {
                for part in s.split(['{', '}']) {
                    let part = normalise(part);
                    if part.split_whitespace().count() >= 4 {
                        out.push(part);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Value::Object(o) => o.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&serde_json::to_value(texts(Lang::En)).unwrap(), &mut out);
    assert!(
        out.len() > 60,
        "the check has sentences to look for: {}",
        out.len()
    );
    out
}

/// What the letter must show from the request built by `body`.
fn values(template: &str, lang: Lang) -> Vec<String> {
    let t = texts(lang);
    let date = |y, m, d| t.date(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap());
    let mut v: Vec<String> = vec!["Zoë".into(), "Müller-Øvergård".into(), "山田太郎".into()];
    if template == "consultation-questions" {
        v.extend(["leiomyosarcoma".into(), "Can I travel? L1".into()]);
        return v;
    }
    v.extend([
        "1 Example Street L1".to_owned(),
        "Testville".into(),
        "+00 0000 000000".into(),
        "patient@example.org".into(),
        date(1970, 1, 31),
    ]);
    let diagnosis = [
        "leiomyosarcoma".to_owned(),
        "uterus L1".into(),
        date(2026, 1, 15),
        t.common.grades[2].into(),
        format!("{} cm", t.number(8.5)),
        "hysterectomy".into(),
        t.common.margin_labels[1].into(),
        "none L1".into(),
    ];
    v.extend(diagnosis);
    match template {
        "second-opinion" => v.push("Q L1".into()),
        "referral-request" => v.push("Dr L1".into()),
        "pathology-records" => v.extend(["Pathology L1".into(), "S26-0001".into()]),
        "insurer-appeal" => v.extend([
            "Example Health Plan (fictional)".into(),
            "Gold".into(),
            "G-1".into(),
            "C-1".into(),
            "not medically necessary L1".into(),
            date(2026, 2, 1),
        ]),
        _ => {}
    }
    v
}

async fn every_template_renders_in_every_language_and_format(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let english = english_sentences();
    let listed = app.get_ok("/v1/templates").await;
    let mut rendered = 0;
    for template in TEMPLATES {
        let info = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == template)
            .unwrap();
        let codes: Vec<&str> = info["languages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["code"].as_str().unwrap())
            .collect();
        for code in codes {
            let lang = Lang::from_code(code).unwrap();
            let t = texts(lang);
            let mut request = body(template, "Zoë Müller-Øvergård 山田太郎", "L1");
            request["lang"] = json!(code);
            for (format, _) in FORMATS {
                let res = post(&app, template, &format!("?format={format}"), &request).await;
                assert_eq!(res.status, 200, "{template} {code} {format}: {}", res.text);
                assert_eq!(res.header("content-language"), Some(code));
                assert_eq!(res.header("cache-control"), Some("no-store"));
                let text = normalise(&text_of(format, &res.bytes));
                for value in values(template, lang) {
                    assert!(
                        text.contains(&normalise(&value)),
                        "{template} {code} {format} lacks {value:?}:\n{text}"
                    );
                }
                let today = t.date(chrono::Utc::now().date_naive());
                assert!(
                    text.contains(&today),
                    "{template} {code} {format} dated {today}"
                );
                let disclaimer: Vec<&str> =
                    t.common.disclaimer.split_whitespace().take(8).collect();
                assert!(
                    text.contains(&disclaimer.join(" ")),
                    "{template} {code} {format}: the disclaimer in {code}"
                );
                if lang != Lang::En {
                    for sentence in &english {
                        assert!(
                            !text.contains(sentence.as_str()),
                            "{template} {code} {format} keeps English: {sentence:?}"
                        );
                    }
                }
                if format == "pdf" {
                    assert!(text.contains(&format!("{} 1 {}", t.common.page, t.common.page_of)));
                    pdf_fonts_are_embedded(&res.bytes);
                }
                if format == "html" {
                    assert!(res.text.contains(&format!("<html lang=\"{code}\">")));
                }
                rendered += 1;
            }
        }
    }
    // Four templates in five languages and the insurer letter in English,
    // in five formats.
    assert_eq!(rendered, (4 * 5 + 1) * FORMATS.len());
}

/// Every font the PDF uses is embedded (subset), so every character
/// shows as typeset wherever the PDF is opened.
fn pdf_fonts_are_embedded(pdf: &[u8]) {
    let path = std::env::temp_dir().join(format!("fonts-{}.pdf", uuid::Uuid::new_v4()));
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdffonts")
        .arg(&path)
        .output()
        .expect("pdffonts runs (poppler-utils)");
    let _ = std::fs::remove_file(&path);
    let listing = String::from_utf8(out.stdout).unwrap();
    let fonts: Vec<&str> = listing.lines().skip(2).collect();
    assert!(!fonts.is_empty(), "{listing}");
    for f in fonts {
        // name type encoding emb sub uni object ID
        let cols: Vec<&str> = f.split_whitespace().collect();
        let n = cols.len();
        assert!(
            n >= 7 && cols[n - 5] == "yes" && cols[n - 3] == "yes",
            "embedded, with a Unicode map: {f}"
        );
    }
}

async fn languages_are_chosen_and_refused_clearly(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    // Accept-Language when the body has no lang; the best offered wins.
    let request = body("second-opinion", "Test Patient", "L2");
    let res = app
        .req(Method::POST, "/v1/documents/second-opinion?format=txt")
        .header("Accept-Language", "ja, it;q=0.8, de;q=0.9")
        .json(&request)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.header("content-language"), Some("de"));
    assert!(res.text.contains(texts(Lang::De).second_opinion.title));
    assert!(res.header("vary").unwrap().contains("Accept-Language"));
    // The body's lang wins over the header.
    let mut french = request.clone();
    french["lang"] = json!("fr");
    let res = app
        .req(Method::POST, "/v1/documents/second-opinion?format=txt")
        .header("Accept-Language", "de")
        .json(&french)
        .send()
        .await;
    assert_eq!(res.header("content-language"), Some("fr"));
    // Nothing offered in the header: English, and the answer says so.
    let res = app
        .req(Method::POST, "/v1/documents/second-opinion?format=txt")
        .header("Accept-Language", "ja")
        .json(&request)
        .send()
        .await;
    assert_eq!(res.header("content-language"), Some("en"));
    // A language letters are not written in, or a malformed tag: 422.
    for bad in ["ja", "english", "de-DE-x", ""] {
        let mut b = request.clone();
        b["lang"] = json!(bad);
        post(&app, "second-opinion", "?format=txt", &b)
            .await
            .assert_problem(422, Some("lang"));
    }
    // The insurer letter is not translated literally: asked for in German
    // it is refused, naming lang; asked for by header it stays English.
    let mut insurer = body("insurer-appeal", "Test Patient", "L2");
    insurer["lang"] = json!("de");
    let refused = post(&app, "insurer-appeal", "?format=txt", &insurer)
        .await
        .assert_problem(422, Some("lang"));
    assert!(refused["detail"]
        .as_str()
        .unwrap()
        .contains("offered in: en"));
    insurer["lang"] = json!("en-US");
    let res = post(&app, "insurer-appeal", "?format=txt", &insurer).await;
    assert_eq!(res.status, 200, "{}", res.text);
    let res = app
        .req(Method::POST, "/v1/documents/insurer-appeal?format=txt")
        .header("Accept-Language", "de")
        .json(&body("insurer-appeal", "Test Patient", "L2"))
        .send()
        .await;
    assert_eq!(res.header("content-language"), Some("en"));
    // Blank templates take lang as a parameter.
    let res = app
        .get("/v1/templates/pathology-records/blank?format=txt&lang=es")
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-language"), Some("es"));
    assert!(res.text.contains(texts(Lang::Es).pathology.title));
    assert!(res
        .text
        .contains(&format!("[{}]", texts(Lang::Es).common.your_full_name)));
    app.get("/v1/templates/insurer-appeal/blank?lang=it")
        .await
        .assert_problem(400, Some("lang"));
    app.get("/v1/templates/second-opinion/blank?lang=xx")
        .await
        .assert_problem(400, Some("lang"));
}

async fn templates_list_their_languages(b: Backend) {
    let app = TestApp::spawn(b, Data::Empty).await;
    let list = app.get_ok("/v1/templates").await;
    for t in list["items"].as_array().unwrap() {
        let id = t["id"].as_str().unwrap();
        let langs = t["languages"].as_array().unwrap();
        let codes: Vec<&str> = langs.iter().map(|l| l["code"].as_str().unwrap()).collect();
        if id == "insurer-appeal" {
            assert_eq!(codes, ["en"], "written for US-style plans only");
        } else {
            assert_eq!(codes, lang::ALL.map(|l| l.code()), "{id}");
        }
        for l in langs {
            let original = l["code"] == "en";
            assert_eq!(l["reviewed"], original, "{id} {l}");
            if original {
                assert!(l["translation"].is_null());
            } else {
                let note = l["translation"].as_str().unwrap();
                assert!(
                    note.contains("machine-assisted")
                        && note.contains("not yet reviewed by a native speaker"),
                    "{id}: {note}"
                );
            }
            assert!(!l["title"].as_str().unwrap().is_empty());
        }
    }
    // The translation note travels in each translated file's metadata.
    let html = app
        .get("/v1/templates/second-opinion/blank?format=html&lang=it")
        .await;
    assert!(html.text.contains("not yet reviewed by a native speaker"));
    let docx = app
        .get("/v1/templates/second-opinion/blank?format=docx&lang=fr")
        .await;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx.bytes.clone())).unwrap();
    let mut custom = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("docProps/custom.xml").unwrap(),
        &mut custom,
    )
    .unwrap();
    assert!(
        custom.contains("not yet reviewed by a native speaker"),
        "{custom}"
    );
}

/// Blank templates in every language and format: the title in the
/// language, placeholders in it, and no sentence of the English template.
async fn blank_templates_in_every_language(b: Backend) {
    let app = TestApp::spawn(b, Data::Empty).await;
    let english = english_sentences();
    let mut rendered = 0;
    for template in TEMPLATES {
        let offered: Vec<Lang> = if template == "insurer-appeal" {
            vec![Lang::En]
        } else {
            lang::ALL.to_vec()
        };
        for l in offered {
            let t = texts(l);
            for (format, _) in FORMATS {
                let res = app
                    .get(&format!(
                        "/v1/templates/{template}/blank?format={format}&lang={}",
                        l.code()
                    ))
                    .await;
                assert_eq!(res.status, 200, "{template} {l:?} {format}");
                assert_eq!(res.header("content-language"), Some(l.code()));
                let text = normalise(&text_of(format, &res.bytes));
                let name = format!("[{}]", t.common.your_full_name);
                let md_name = name.replace('[', "\\[").replace(']', "\\]");
                assert!(
                    text.contains(&name) || text.contains(&md_name),
                    "{template} {l:?} {format}: placeholder {name}: {text}"
                );
                if l != Lang::En {
                    for sentence in &english {
                        assert!(
                            !text.contains(sentence.as_str()),
                            "{template} {l:?} {format} keeps English: {sentence:?}"
                        );
                    }
                }
                rendered += 1;
            }
        }
    }
    assert_eq!(rendered, (4 * 5 + 1) * FORMATS.len());
}

sqlite_once!(
    blank_templates_in_every_language,
    every_template_renders_in_every_language_and_format,
    languages_are_chosen_and_refused_clearly,
    templates_list_their_languages,
);
