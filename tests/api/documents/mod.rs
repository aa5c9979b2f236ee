//! Patient documents: every template in every format, with the names,
//! target listing and references in the output; validation; templates and
//! blanks; privacy. Rendering does not depend on the database, so most of
//! these run once (on SQLite); what reads listings or searches the
//! database runs on both backends.

mod languages;
mod layout;
mod privacy;
mod render;
mod templates;
mod validation;

use std::io::Read;

use serde_json::{json, Value};

use crate::helpers::{Response, TestApp};

pub const TEMPLATES: [&str; 5] = [
    "second-opinion",
    "referral-request",
    "insurer-appeal",
    "pathology-records",
    "consultation-questions",
];
pub const FORMATS: [(&str, &str); 5] = [
    ("pdf", "application/pdf"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("html", "text/html; charset=utf-8"),
    ("md", "text/markdown; charset=utf-8"),
    ("txt", "text/plain; charset=utf-8"),
];

/// A plainly fake patient; `name` is put in every free-text field too.
pub fn body(template: &str, name: &str, marker: &str) -> Value {
    let patient = json!({"name": name, "date_of_birth": "1970-01-31", "address": format!("1 Example Street {marker}\nTestville"),
        "phone": "+00 0000 000000", "email": "patient@example.org", "hospital_number": marker});
    let diagnosis = json!({"subtype": "leiomyosarcoma", "primary_site": format!("uterus {marker}"), "diagnosed_on": "2026-01-15",
        "grade": "high", "size_cm": 8.5, "surgery": "hysterectomy", "margins": "microscopic_positive",
        "treatments_so_far": format!("none {marker}")});
    let target = json!({"centre_id": "fake-houston"});
    match template {
        "second-opinion" => json!({"patient": patient, "diagnosis": diagnosis, "target": target,
            "additional_questions": format!("Q {marker}"), "records": ["pathology_report", "slides_and_blocks"]}),
        "referral-request" => {
            json!({"patient": patient, "diagnosis": diagnosis, "doctor_name": format!("Dr {marker}"), "target": target})
        }
        "insurer-appeal" => {
            json!({"patient": patient, "diagnosis": diagnosis, "insurer_name": "Example Health Plan (fictional)",
            "member_id": marker, "plan_name": "Gold", "group_number": "G-1", "claim_number": "C-1",
            "denial_reason": format!("not medically necessary {marker}"), "denial_date": "2026-02-01",
            "requested_action": "authorise_out_of_network", "expedited": true, "target": target})
        }
        "pathology-records" => {
            json!({"patient": patient, "diagnosis": diagnosis, "pathology_department": format!("Pathology {marker}"),
            "specimen_numbers": "S26-0001", "target": target, "flash_freeze": true})
        }
        "consultation-questions" => {
            json!({"patient": {"name": name}, "subtype": "leiomyosarcoma", "target": target,
            "own_questions": [format!("Can I travel? {marker}")]})
        }
        other => panic!("unknown template {other}"),
    }
}

pub async fn post(app: &TestApp, template: &str, query: &str, body: &Value) -> Response {
    app.post_json(&format!("/v1/documents/{template}{query}"), None, body)
        .await
}

/// The document's text, whatever the format.
pub fn text_of(format: &str, bytes: &[u8]) -> String {
    match format {
        "pdf" => {
            let dir = std::env::temp_dir().join(format!("doc-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&dir).unwrap();
            let pdf = dir.join("d.pdf");
            std::fs::write(&pdf, bytes).unwrap();
            let out = std::process::Command::new("pdftotext")
                .args(["-enc", "UTF-8"])
                .arg(&pdf)
                .arg("-")
                .output()
                .expect("pdftotext runs (poppler-utils; .ci/test installs it)");
            assert!(
                out.status.success(),
                "pdftotext: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let _ = std::fs::remove_dir_all(&dir);
            String::from_utf8(out.stdout).unwrap()
        }
        "docx" => {
            let mut zip =
                zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("DOCX is a zip package");
            for part in ["[Content_Types].xml", "_rels/.rels", "word/document.xml"] {
                assert!(zip.by_name(part).is_ok(), "DOCX has {part}");
            }
            let mut xml = String::new();
            zip.by_name("word/document.xml")
                .unwrap()
                .read_to_string(&mut xml)
                .unwrap();
            well_formed(&xml);
            // Text runs only, so words split by markup still match.
            let mut text = String::new();
            let mut reader = quick_xml::Reader::from_str(&xml);
            loop {
                match reader.read_event().unwrap() {
                    quick_xml::events::Event::Text(t) => text.push_str(&t.decode().unwrap()),
                    quick_xml::events::Event::End(e) if e.name().as_ref() == b"w:p" => {
                        text.push('\n')
                    }
                    quick_xml::events::Event::Eof => break,
                    _ => {}
                }
            }
            text
        }
        _ => String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

/// Parses as XML and checks every element closes.
pub fn well_formed(xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0i32;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed at {}: {e}", reader.buffer_position()),
        }
        assert!(depth >= 0, "an element closes that never opened");
    }
    assert_eq!(depth, 0, "every element closes");
}

pub fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
