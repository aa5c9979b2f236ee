//! How letters are laid out: DOCX built from real Word styles (so an
//! edited letter keeps its structure), and the paper size that follows the
//! patient in PDF, DOCX and HTML.

use std::io::Read;

use serde_json::json;

use super::{body, post};
use crate::helpers::{Backend, Data, TestApp};
use crate::sqlite_once;

fn part(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip package");
    let mut xml = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("DOCX has {name}"))
        .read_to_string(&mut xml)
        .unwrap();
    super::well_formed(&xml);
    xml
}

/// The paragraph styles `document.xml` uses, in order of first use.
fn used_styles(document: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for piece in document.split("<w:pStyle w:val=\"").skip(1) {
        let id = piece.split('"').next().unwrap().to_owned();
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

async fn docx_letters_use_real_styles(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let res = post(
        &app,
        "second-opinion",
        "?format=docx",
        &body("second-opinion", "Test Patient", "D1"),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let styles = part(&res.bytes, "word/styles.xml");
    for (id, name) in [
        ("Title", "Title"),
        ("Heading1", "heading 1"),
        ("Heading2", "heading 2"),
        ("ListBullet", "List Bullet"),
        ("ListNumber", "List Number"),
    ] {
        let defined = styles
            .split("<w:style ")
            .find(|s| s.contains(&format!("w:styleId=\"{id}\"")))
            .unwrap_or_else(|| panic!("styles.xml defines {id}"));
        assert!(
            defined.contains(&format!("<w:name w:val=\"{name}\"")),
            "{id}: {defined}"
        );
    }
    assert!(
        styles.contains("<w:spacing") && styles.contains("w:after="),
        "paragraph spacing in the styles"
    );
    let document = part(&res.bytes, "word/document.xml");
    let used = used_styles(&document);
    for id in ["Title", "Heading1", "Heading2", "ListBullet", "ListNumber"] {
        assert!(
            used.iter().any(|u| u == id),
            "document.xml uses {id}: {used:?}"
        );
    }
    // Lists are Word numbering, not typed bullets; fields are a table.
    assert!(document.contains("<w:numPr>"), "numbered lists");
    assert!(
        !document.contains(">• ") && !document.contains(">☐ "),
        "no typed bullets"
    );
    assert!(document.contains("<w:tbl>"), "the field summary is a table");
    let numbering = part(&res.bytes, "word/numbering.xml");
    for format in ["bullet", "decimal"] {
        assert!(
            numbering.contains(&format!("<w:numFmt w:val=\"{format}\"")),
            "{format}"
        );
    }
    assert!(numbering.contains("☐"), "checklists tick a box");
    // Page numbers in the footer: "Page N of M" as fields.
    let footer = part(&res.bytes, "word/footer1.xml");
    assert!(
        footer.contains("PAGE") && footer.contains("NUMPAGES"),
        "page numbers: {footer}"
    );
    assert!(footer.contains("Page "), "{footer}");
}

/// Width and height of each PDF page size pdfinfo reports, in points.
fn pdf_page_size(pdf: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("paper-{}.pdf", uuid::Uuid::new_v4()));
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo runs (poppler-utils)");
    let _ = std::fs::remove_file(&path);
    let info = String::from_utf8(out.stdout).unwrap();
    info.lines()
        .find(|l| l.starts_with("Page size:"))
        .unwrap()
        .to_owned()
}

async fn paper_follows_the_patient(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let letter = "(letter)";
    let a4 = "(A4)";
    let base = body("second-opinion", "Test Patient", "P1");
    let cases = [
        ("nothing said", json!({}), a4),
        ("a US address", json!({"patient_country": "US"}), letter),
        (
            "a Canadian address",
            json!({"patient_country": "CA"}),
            letter,
        ),
        ("a German address", json!({"patient_country": "DE"}), a4),
        ("en-US", json!({"lang": "en-US"}), letter),
        ("fr-CA", json!({"lang": "fr-CA"}), letter),
        ("en-GB", json!({"lang": "en-GB"}), a4),
        (
            "paper a4 wins",
            json!({"patient_country": "US", "paper": "a4"}),
            a4,
        ),
        ("paper letter", json!({"paper": "letter"}), letter),
    ];
    for (why, change, want) in cases {
        let mut b = base.clone();
        for (k, v) in change.as_object().unwrap() {
            if k == "patient_country" {
                b["patient"]["country"] = v.clone();
            } else {
                b[k] = v.clone();
            }
        }
        let res = post(&app, "second-opinion", "?format=pdf", &b).await;
        assert_eq!(res.status, 200, "{why}: {}", res.text);
        let size = pdf_page_size(&res.bytes);
        assert!(size.contains(want), "{why}: {size}");
        let docx = post(&app, "second-opinion", "?format=docx", &b).await;
        let document = part(&docx.bytes, "word/document.xml");
        let width = if want == letter { "12240" } else { "11906" };
        assert!(
            document.contains(&format!("<w:pgSz w:w=\"{width}\"")),
            "{why}: DOCX page width {width}"
        );
        let html = post(&app, "second-opinion", "?format=html", &b).await;
        let css = if want == letter {
            "size:letter"
        } else {
            "size:A4"
        };
        assert!(html.text.contains(css), "{why}: HTML print size");
    }
    let res = app
        .get("/v1/templates/referral-request/blank?paper=letter")
        .await;
    assert!(pdf_page_size(&res.bytes).contains(letter));
    let mut bad = base.clone();
    bad["paper"] = json!("legal");
    post(&app, "second-opinion", "?format=pdf", &bad)
        .await
        .assert_problem(422, Some("paper"));
    bad = base;
    bad["patient"]["country"] = json!("XX");
    post(&app, "second-opinion", "?format=pdf", &bad)
        .await
        .assert_problem(422, Some("patient.country"));
    bad["patient"]["country"] = json!("us");
    post(&app, "second-opinion", "?format=pdf", &bad)
        .await
        .assert_problem(422, Some("patient.country"));
    app.get("/v1/templates/referral-request/blank?paper=legal")
        .await
        .assert_problem(400, Some("paper"));
}

sqlite_once!(docx_letters_use_real_styles, paper_follows_the_patient);
