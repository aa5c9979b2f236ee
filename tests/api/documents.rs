//! Patient documents: every template in every format, with the names,
//! target listing and references in the output; validation; privacy.

use std::io::Read;

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{captured_logs, Backend, Data, Response, TestApp};

const TEMPLATES: [&str; 5] = [
    "second-opinion",
    "referral-request",
    "insurer-appeal",
    "pathology-records",
    "consultation-questions",
];
const FORMATS: [(&str, &str); 5] = [
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
fn body(template: &str, name: &str, marker: &str) -> Value {
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

async fn post(app: &TestApp, template: &str, query: &str, body: &Value) -> Response {
    let res = app
        .client
        .post(format!("{}/v1/documents/{template}{query}", app.address))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let bytes = res.bytes().await.unwrap();
    Response {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
        bytes: bytes.to_vec(),
    }
}

/// The document's text, whatever the format.
fn text_of(format: &str, bytes: &[u8]) -> String {
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
fn well_formed(xml: &str) {
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

fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn every_template_renders_in_every_format(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    for template in TEMPLATES {
        for (format, media) in FORMATS {
            let name = "Zoë Müller-Øvergård 山田太郎";
            let res = post(
                &app,
                template,
                &format!("?format={format}"),
                &body(template, name, "M1"),
            )
            .await;
            assert_eq!(res.status, 200, "{template} {format}: {}", res.text);
            assert_eq!(
                res.header("content-type"),
                Some(media),
                "{template} {format}"
            );
            assert_eq!(res.header("cache-control"), Some("no-store"));
            let disposition = res.header("content-disposition").unwrap();
            assert!(
                disposition.starts_with("attachment; filename=\"")
                    && disposition.ends_with(&format!(".{format}\"")),
                "{disposition}"
            );
            let text = normalise(&text_of(format, &res.bytes));
            for expected in [
                "Zoë",
                "Müller-Øvergård",
                "山田太郎",
                "Fictional Sarcoma Unit Houston",
                "not medical advice",
            ] {
                assert!(
                    text.contains(expected),
                    "{template} {format} lacks {expected:?}:\n{text}"
                );
            }
            assert!(
                text.contains(&chrono::Utc::now().date_naive().format("%Y").to_string()),
                "dated"
            );
            if template != "consultation-questions" && template != "pathology-records" {
                assert!(
                    text.contains("PMID"),
                    "{template} {format} cites references:\n{text}"
                );
            }
            if format == "html" {
                assert!(res.text.starts_with("<!DOCTYPE html>"));
                well_formed(res.text.trim_start_matches("<!DOCTYPE html>\n"));
            }
            if format == "pdf" {
                assert!(res.bytes.starts_with(b"%PDF-"));
                assert!(
                    res.bytes.len() < 200_000,
                    "{template}: {} bytes; fonts are subset",
                    res.bytes.len()
                );
                assert!(text.contains("Page 1 of"), "page numbers: {text}");
            }
        }
    }
}

async fn letters_use_the_directory_listing(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let res = post(
        &app,
        "second-opinion",
        "?format=txt",
        &body("second-opinion", "Test Patient", "M2"),
    )
    .await;
    assert!(
        res.text.contains("Fictional Sarcoma Unit Houston")
            && res.text.contains("Houston")
            && res.text.contains("United States"),
        "{}",
        res.text
    );
    let mut via_clinician = body("second-opinion", "Test Patient", "M2");
    via_clinician["target"] = json!({"clinician_id": "fake-dr-alpha"});
    let res = post(&app, "second-opinion", "?format=txt", &via_clinician).await;
    assert!(
        res.text.contains("Dr Alpha Testperson (fictional)"),
        "{}",
        res.text
    );
    let res = post(
        &app,
        "referral-request",
        "?format=txt",
        &body("referral-request", "Test Patient", "M2"),
    )
    .await;
    assert!(
        res.text.contains("not yet verified with the institution"),
        "states the verification: {}",
        res.text
    );
    for (field, id) in [
        ("centre_id", "fake-draft"),
        ("centre_id", "no-such"),
        ("clinician_id", "fake-dr-charlie"),
    ] {
        let mut b = body("second-opinion", "Test Patient", "M2");
        b["target"] = json!({ field: id });
        post(&app, "second-opinion", "?format=md", &b)
            .await
            .assert_problem(404, None);
    }
}

async fn validation_lists_each_field(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let res = post(&app, "second-opinion", "?format=md", &json!({"patient": {"email": "not-an-email", "date_of_birth": "2999-01-01"},
        "diagnosis": {"grade": "enormous", "margins": "fuzzy", "size_cm": -3}, "records": ["photos"]})).await;
    let problem = res.assert_problem(422, None);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in [
        "patient.name",
        "patient.email",
        "patient.date_of_birth",
        "diagnosis.grade",
        "diagnosis.margins",
        "diagnosis.size_cm",
        "records",
    ] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    post(&app, "insurer-appeal", "?format=md", &json!({}))
        .await
        .assert_problem(422, Some("requested_action"));
    post(
        &app,
        "second-opinion",
        "?format=md",
        &json!({"patient": {"name": "x".repeat(201)}, "diagnosis": {}}),
    )
    .await
    .assert_problem(422, Some("patient.name"));
    post(&app, "pathology-records", "?format=md", &json!({"patient": {"name": "A"}, "pathology_department": "P", "upcoming_surgery_date": "2001-01-01"}))
        .await.assert_problem(422, Some("upcoming_surgery_date"));
    post(
        &app,
        "second-opinion",
        "?format=md",
        &json!({"patient": {"name": 5}}),
    )
    .await
    .assert_problem(422, Some("patient.name"));
    post(
        &app,
        "second-opinion",
        "?format=md",
        &json!({"patient": {"name": "A", "nickname": "B"}}),
    )
    .await
    .assert_problem(400, Some("patient.nickname"));
    let evidence = json!({"patient": {"name": "A"}, "diagnosis": {"subtype": "lms"}, "evidence": ["made-up-study"]});
    post(&app, "second-opinion", "?format=md", &evidence)
        .await
        .assert_problem(422, Some("evidence"));
}

async fn malformed_oversized_and_unacceptable_requests(b: Backend) {
    let app = TestApp::spawn(b, Data::Empty).await;
    let url = format!("{}/v1/documents/second-opinion", app.address);
    let send = |builder: reqwest::RequestBuilder| async move {
        let res = builder.send().await.unwrap();
        Response {
            status: res.status().as_u16(),
            headers: res.headers().clone(),
            text: res.text().await.unwrap(),
            bytes: Vec::new(),
        }
    };
    send(
        app.client
            .post(&url)
            .header(CONTENT_TYPE, "application/json")
            .body("{\"patient\": "),
    )
    .await
    .assert_problem(400, None);
    send(
        app.client
            .post(&url)
            .header(CONTENT_TYPE, "text/plain")
            .body("{}"),
    )
    .await
    .assert_problem(415, None);
    let huge = json!({"patient": {"name": "A", "address": "x".repeat(70_000)}});
    send(app.client.post(&url).json(&huge))
        .await
        .assert_problem(413, None);
    let ok = body("second-opinion", "A", "M3");
    send(app.client.post(format!("{url}?format=odt")).json(&ok))
        .await
        .assert_problem(406, None);
    send(app.client.post(&url).header(ACCEPT, "image/png").json(&ok))
        .await
        .assert_problem(406, None);
    let res = send(
        app.client
            .post(&url)
            .header(ACCEPT, "text/markdown")
            .json(&json!({"patient": {"name": "A"}, "diagnosis": {}})),
    )
    .await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.header("content-type"),
        Some("text/markdown; charset=utf-8")
    );
    let res = send(app.client.post(&url).header(ACCEPT, "text/html;q=0.5, application/vnd.openxmlformats-officedocument.wordprocessingml.document").json(&json!({"patient": {"name": "A"}, "diagnosis": {}}))).await;
    assert!(res
        .header("content-type")
        .unwrap()
        .starts_with("application/vnd.openxmlformats"));
    app.request(reqwest::Method::POST, "/v1/documents/love-letter")
        .await
        .assert_problem(404, None);
}

async fn templates_describe_their_fields_and_download_blank(b: Backend) {
    let app = TestApp::spawn(b, Data::Empty).await;
    let list = app.get_ok("/v1/templates").await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    for t in items {
        let id = t["id"].as_str().unwrap();
        assert!(TEMPLATES.contains(&id));
        let fields = &t["fields"];
        assert_eq!(
            fields["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert!(fields["properties"].is_object(), "{id}: {fields}");
        assert!(
            !serde_json::to_string(fields)
                .unwrap()
                .contains("#/components/"),
            "self-contained"
        );
        for (format, media) in FORMATS {
            let res = app
                .get(&format!("/v1/templates/{id}/blank?format={format}"))
                .await;
            assert_eq!(res.status, 200, "{id} {format}");
            assert_eq!(res.header("content-type"), Some(media));
            assert!(res
                .header("content-disposition")
                .unwrap()
                .contains("-blank."));
        }
        let md = app
            .get(&format!("/v1/templates/{id}/blank?format=md"))
            .await;
        assert!(
            md.text.contains("\\[") && md.text.contains("not medical advice"),
            "placeholders: {}",
            md.text
        );
    }
    let one = app.get_ok("/v1/templates/insurer-appeal").await;
    let props = one["fields"]["properties"].as_object().unwrap();
    for f in [
        "member_id",
        "plan_name",
        "group_number",
        "claim_number",
        "denial_reason",
        "requested_action",
        "expedited",
        "evidence",
    ] {
        assert!(props.contains_key(f), "{f}");
    }
    app.get("/v1/templates/nope")
        .await
        .assert_problem(404, None);
    app.get("/v1/templates/nope/blank")
        .await
        .assert_problem(404, None);
}

async fn evidence_library_and_citation_policy(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let list = app.get_ok("/v1/evidence").await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 24);
    let bhangu = app.get_ok("/v1/evidence/bhangu-2004-sarcoma").await;
    assert!(bhangu["citation"]
        .as_str()
        .unwrap()
        .contains("PMID: 18521386"));
    assert_eq!(bhangu["cited_by_default"], true);
    let grimer = app.get_ok("/v1/evidence/grimer-ctos-2002-abstract").await;
    assert_eq!(grimer["cited_by_default"], false);
    app.get("/v1/evidence/nope").await.assert_problem(404, None);
    let res = post(
        &app,
        "insurer-appeal",
        "?format=txt",
        &body("insurer-appeal", "A", "M4"),
    )
    .await;
    assert!(
        res.text.contains("18521386"),
        "the corrected paper is cited: {}",
        res.text
    );
    assert!(
        !res.text.contains("CTOS 2002 annual meeting"),
        "unverified entries are not cited by default"
    );
    let refs = res.text.split("References").nth(1).unwrap();
    assert!(
        refs.contains("[1] ") && refs.contains("[2] "),
        "numbered: {refs}"
    );
    let mut picked = body("insurer-appeal", "A", "M4");
    picked["evidence"] = json!(["grimer-ctos-2002-abstract"]);
    let res = post(&app, "insurer-appeal", "?format=txt", &picked).await;
    assert!(
        res.text.contains("CTOS 2002 annual meeting"),
        "an explicit pick is honoured"
    );
}

/// A unique marker in every field of every template and format appears in
/// no log line and nowhere in the database.
async fn nothing_sent_is_stored_or_logged(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let marker = format!("PRIVACY{}", uuid::Uuid::new_v4().simple());
    for template in TEMPLATES {
        for (format, _) in FORMATS {
            let res = post(
                &app,
                template,
                &format!("?format={format}"),
                &body(template, &format!("Name {marker}"), &marker),
            )
            .await;
            assert_eq!(res.status, 200);
            assert_eq!(res.header("cache-control"), Some("no-store"));
        }
        let bad = json!({"patient": {"name": marker.clone(), "email": marker.clone()}, "bogus": marker.clone()});
        assert!(post(&app, template, "?format=md", &bad).await.status >= 400);
    }
    // Let any asynchronous logging land.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let logs = captured_logs();
    assert!(
        logs.contains("POST /v1/documents/second-opinion 200"),
        "the requests were logged, without their bodies"
    );
    assert!(!logs.contains(&marker), "the marker reached the log");
    let stored = app.database_bytes();
    assert!(!stored.is_empty());
    assert!(
        !stored.windows(marker.len()).any(|w| w == marker.as_bytes()),
        "the marker reached the database"
    );
}

both_backends!(
    every_template_renders_in_every_format,
    letters_use_the_directory_listing,
    validation_lists_each_field,
    malformed_oversized_and_unacceptable_requests,
    templates_describe_their_fields_and_download_blank,
    evidence_library_and_citation_policy,
    nothing_sent_is_stored_or_logged,
);
