//! Every template renders in every format with the patient's names (any
//! script), the target listing, the date, references and the disclaimer;
//! letters use the directory listing; the evidence library and what
//! letters cite.

use serde_json::json;

use super::{body, normalise, post, text_of, well_formed, FORMATS, TEMPLATES};
use crate::helpers::{Backend, Data, TestApp};
use crate::{both_backends, sqlite_once};

async fn every_template_renders_in_every_format(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let mut rendered = 0;
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
            // Dated today: the full date, which no field of the request
            // holds (its own dates are in 1970 and early 2026).
            let today = chrono::Utc::now().date_naive();
            let dated = [today, today.pred_opt().unwrap()]
                .iter()
                .any(|d| text.contains(&d.format("%-d %B %Y").to_string()));
            assert!(dated, "{template} {format} is dated {today}:\n{text}");
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
            rendered += 1;
        }
    }
    assert_eq!(rendered, TEMPLATES.len() * FORMATS.len());
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
    assert_eq!(res.status, 200, "{}", res.text);
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
    assert!(
        res.text.contains("The publications cited below report:"),
        "verified defaults are named as support: {}",
        res.text
    );
    for twice in ["et al..", "centre?."] {
        assert!(!res.text.contains(twice), "no double punctuation: {twice}");
    }
    // An unverified pick is listed with a visible mark and is not leaned on.
    let mut picked = body("insurer-appeal", "A", "M4");
    picked["evidence"] = json!(["grimer-ctos-2002-abstract", "bhangu-2004-sarcoma"]);
    let res = post(&app, "insurer-appeal", "?format=txt", &picked).await;
    let text = normalise(&res.text);
    let refs = text.split("References").nth(1).unwrap();
    assert!(
        refs.contains("[1] ")
            && refs.contains("CTOS 2002 annual meeting")
            && refs.contains("NOT VERIFIED"),
        "the pick is listed, marked: {refs}"
    );
    let support = text
        .split("The publications cited below report:")
        .nth(1)
        .unwrap()
        .split("Enclosures")
        .next()
        .unwrap()
        .to_owned();
    assert!(
        support.contains("[2] ") && !support.contains("[1] "),
        "only the verified entry supports the claims: {support}"
    );
    // Nothing verified cited, or only counter-evidence: no claim at all.
    for evidence in [
        json!([]),
        json!(["vos-2019-ejc-netherlands-volume"]),
        json!(["merimsky-2001-second-primaries"]),
    ] {
        let mut b = body("insurer-appeal", "A", "M4");
        b["evidence"] = evidence.clone();
        let res = post(&app, "insurer-appeal", "?format=txt", &b).await;
        assert_eq!(res.status, 200, "{}", res.text);
        for claim in ["report:", "published evidence", "improves the accuracy"] {
            assert!(
                !res.text.contains(claim),
                "{evidence}: no evidence claim without verified support: {}",
                res.text
            );
        }
    }
    // Out of network: the patient says what they could not find, not that
    // no provider exists.
    let res = post(
        &app,
        "insurer-appeal",
        "?format=txt",
        &body("insurer-appeal", "A", "M4"),
    )
    .await;
    let text = normalise(&res.text);
    assert!(
        text.contains("I have not been able to find an in-network provider")
            && !text.contains("no in-network provider offers"),
        "{text}"
    );
    // The second-opinion letter states the listing's verification too.
    let res = post(
        &app,
        "second-opinion",
        "?format=txt",
        &body("second-opinion", "A", "M4"),
    )
    .await;
    assert!(
        normalise(&res.text).contains("not yet verified with the institution"),
        "{}",
        res.text
    );
    let mut picked = body("second-opinion", "A", "M4");
    picked["evidence"] = json!(["grimer-ctos-2002-abstract"]);
    let res = post(&app, "second-opinion", "?format=txt", &picked).await;
    assert!(
        res.text.contains("NOT VERIFIED")
            && !res.text.contains("report on specialist sarcoma care"),
        "an unverified pick alone supports nothing: {}",
        res.text
    );
}

both_backends!(letters_use_the_directory_listing);
sqlite_once!(
    every_template_renders_in_every_format,
    evidence_library_and_citation_policy,
);
