//! The Open Referral HSDS 3.0 read API: every answer validated against the
//! HSDS JSON Schemas (tests/hsds_validate.py, jsonschema with formats
//! checked), the mapping of a centre, paging, search and filters, ETags,
//! CORS and refusals.

use reqwest::Method;
use sarcoma_directory::directory::model::{VerificationMethod, VerificationStatus};
use sarcoma_directory::directory::seed::SeedDocument;
use serde_json::Value;

use crate::helpers::{fixtures, python, run_python, Backend, Data, TestApp};
use crate::{both_backends, sqlite_once};

/// The fixtures, with one centre given everything HSDS can carry: a full
/// (fictional) address, phones, a referral route and a verification.
fn document() -> SeedDocument {
    let mut doc = fixtures();
    let c = doc
        .centres
        .iter_mut()
        .find(|c| c.id == "fake-houston")
        .unwrap();
    c.address.street = Some("1 Fictional Test Street".into());
    c.address.postal_code = Some("00000".into());
    c.phone = Some("+1 555 0100".into());
    c.referral.phone = Some("+1 555 0101".into());
    c.referral.email = Some("referrals@example.org".into());
    c.referral.web_form = Some("https://example.org/fake-referral-form".into());
    c.verification.status = VerificationStatus::Verified;
    c.verification.last_verified = Some(chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap());
    c.verification.method = Some(VerificationMethod::TelephoneCall);
    doc
}

/// Runs the Python validator over `(kind, document)` pairs.
fn validate(docs: &[(String, Value)]) {
    assert!(!docs.is_empty());
    let file = std::env::temp_dir().join(format!("hsds-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&file, serde_json::to_vec(docs).unwrap()).unwrap();
    let out = run_python(
        python()
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/hsds_validate.py"
            ))
            .arg(&file),
    );
    let _ = std::fs::remove_file(&file);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "HSDS validation failed: {said}");
    assert!(
        said.contains(&format!("valid: {} documents", docs.len())),
        "{said}"
    );
}

/// GETs `path` (200, JSON) and queues it for validation as `kind`.
async fn get(app: &TestApp, served: &mut Vec<(String, Value)>, kind: &str, path: &str) -> Value {
    let res = app.get(path).await;
    assert_eq!(res.status, 200, "{path}: {}", res.text);
    assert_eq!(
        res.header("content-type"),
        Some("application/json"),
        "{path}"
    );
    let body = res.json();
    served.push((kind.to_owned(), body.clone()));
    body
}

fn contents(page: &Value) -> &Vec<Value> {
    page["contents"].as_array().expect("contents")
}

fn names(page: &Value) -> Vec<String> {
    contents(page)
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect()
}

fn term_id(service: &Value, code: &str) -> String {
    service["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["taxonomy_term"]["code"] == code)
        .unwrap_or_else(|| panic!("no {code} attribute in {service}"))["taxonomy_term_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn every_answer_validates_and_maps_the_centre(b: Backend) {
    let app = TestApp::spawn(b, Data::Document(Box::new(document()))).await;
    let mut served = Vec::new();

    let about = app.get("/hsds/").await.expect(200);
    assert_eq!(about["version"], "3.0");
    assert_eq!(
        about["openapi_url"],
        format!("{}/openapi.json", app.address)
    );
    let spoofed = app
        .req(Method::GET, "/hsds/")
        .header("X-Forwarded-Host", "evil.example")
        .send()
        .await
        .json();
    assert_eq!(
        spoofed["openapi_url"], about["openapi_url"],
        "forwarded headers count only from trusted proxies"
    );

    let orgs = get(
        &app,
        &mut served,
        "page:organization_list",
        "/hsds/organizations",
    )
    .await;
    assert_eq!(orgs["total_items"], 8, "published centres only");
    assert_eq!(contents(&orgs).len(), 8);
    for path in [
        "/hsds/organizations?full=true",
        "/hsds/organizations?full=true&full_service=true",
        "/hsds/organizations?full_service=true",
    ] {
        let page = get(&app, &mut served, "page:organization", path).await;
        assert!(contents(&page)[0]["services"].is_array(), "{path}: nested");
    }
    let services = get(&app, &mut served, "page:service_list", "/hsds/services").await;
    get(
        &app,
        &mut served,
        "page:service",
        "/hsds/services?full=true",
    )
    .await;
    let sals = get(
        &app,
        &mut served,
        "page:service_at_location_list",
        "/hsds/service_at_locations",
    )
    .await;
    get(
        &app,
        &mut served,
        "page:service_at_location",
        "/hsds/service_at_locations?full=true",
    )
    .await;

    // Every object by id.
    for (list, path, kind) in [
        (&orgs, "organizations", "organization"),
        (&services, "services", "service"),
        (&sals, "service_at_locations", "service_at_location"),
    ] {
        for item in contents(list) {
            let id = item["id"].as_str().unwrap();
            let one = get(&app, &mut served, kind, &format!("/hsds/{path}/{id}")).await;
            assert_eq!(one["id"], id);
        }
    }

    // The well-filled centre, mapped.
    let houston_id = contents(&services)
        .iter()
        .find(|s| s["name"] == "Sarcoma care at Fictional Sarcoma Unit Houston")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Stable ids, derived from the listing's id (tests/schemathesis names
    // these three).
    assert_eq!(houston_id, "1c62004b-640f-8dbc-b446-4f8ba92de86f");
    let houston = get(
        &app,
        &mut served,
        "service",
        &format!("/hsds/services/{houston_id}"),
    )
    .await;
    assert_eq!(houston["status"], "active");
    assert_eq!(
        houston["organization_id"],
        "67ee545d-f6fd-89de-a890-c7e37c9f200b"
    );
    assert_eq!(
        houston["service_at_locations"][0]["id"],
        "649200f3-99f4-8c82-9de9-092a0e926733"
    );
    assert_eq!(houston["assured_date"], "2026-01-15");
    assert_eq!(
        houston["organization"]["alternate_name"],
        "Example Test Hospital (fictional)"
    );
    let contacts = houston["contacts"].as_array().unwrap();
    let alpha = contacts
        .iter()
        .find(|c| c["name"] == "Dr Alpha Testperson (fictional)")
        .expect("the clinician is a contact");
    assert_eq!(alpha["title"], "lead");
    assert_eq!(alpha["department"], "medical oncology");
    assert!(
        alpha["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["value"]
                .as_str()
                .unwrap()
                .contains("https://example.org/fictional-test-source")),
        "the affiliation's source: {alpha}"
    );
    assert!(
        !contacts
            .iter()
            .any(|c| c["name"] == "Dr Charlie Draftperson (fictional)"),
        "draft clinicians are not shown"
    );
    let referral = contacts
        .iter()
        .find(|c| c["email"] == "referrals@example.org")
        .expect("the referral route is a contact");
    assert_eq!(referral["phones"][0]["number"], "+1 555 0101");
    assert_eq!(houston["phones"][0]["number"], "+1 555 0100");
    let location = &houston["service_at_locations"][0]["location"];
    assert_eq!(location["latitude"], 29.76328);
    assert_eq!(location["addresses"][0]["postal_code"], "00000");
    assert_eq!(location["addresses"][0]["state_province"], "US-TX");
    let metadata = &houston["metadata"][0];
    assert_eq!(metadata["last_action_date"], "2026-01-15");
    assert_eq!(metadata["replacement_value"], "verified");
    let codes: Vec<&str> = houston["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["taxonomy_term"]["code"].as_str().unwrap())
        .collect();
    for code in [
        "verification:verified",
        "source",
        "programme:bone",
        "service:tumour_board",
    ] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }

    // Unknown stays out: no coordinates, no street, no verification.
    let austin = contents(&sals)
        .iter()
        .find(|s| s["location"]["name"] == "Zz Fictional Austin Centre")
        .expect("austin listed");
    assert!(austin["location"].get("latitude").is_none());
    let austin_sal = get(
        &app,
        &mut served,
        "service_at_location",
        &format!(
            "/hsds/service_at_locations/{}",
            austin["id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(austin_sal["location"]["addresses"], Value::Array(vec![]));
    assert_eq!(austin_sal["service"]["metadata"], Value::Array(vec![]));
    assert!(austin_sal["service"].get("assured_date").is_none());

    // Filters: search, taxonomy term, organization.
    let found = get(
        &app,
        &mut served,
        "page:service_list",
        "/hsds/services?search=houston",
    )
    .await;
    assert_eq!(
        names(&found),
        ["Sarcoma care at Fictional Sarcoma Unit Houston"]
    );
    let bone = term_id(&houston, "programme:bone");
    let by_term = get(
        &app,
        &mut served,
        "page:service_list",
        &format!("/hsds/services?taxonomy_term_id={bone}"),
    )
    .await;
    assert_eq!(by_term["total_items"], 2, "{by_term}");
    let verified = term_id(&houston, "verification:verified");
    let by_status = get(
        &app,
        &mut served,
        "page:service_at_location_list",
        &format!("/hsds/service_at_locations?taxonomy_term_id={verified}"),
    )
    .await;
    assert_eq!(by_status["total_items"], 1);
    let org = houston["organization_id"].as_str().unwrap();
    let of_org = get(
        &app,
        &mut served,
        "page:service_list",
        &format!("/hsds/services?organization_id={org}"),
    )
    .await;
    assert_eq!(contents(&of_org)[0]["id"], houston_id.as_str());
    assert_eq!(of_org["total_items"], 1);

    let other = "00000000-0000-4000-8000-000000000000";
    for path in [
        format!("/hsds/services?taxonomy_term_id={other}"),
        format!("/hsds/services?taxonomy_id={other}"),
        format!("/hsds/service_at_locations?organization_id={other}"),
    ] {
        let none = get(&app, &mut served, "page:service_list", &path).await;
        assert_eq!(none["total_items"], 0, "{path}");
    }
    let sourced = term_id(&houston, "source");
    let with_sources = get(
        &app,
        &mut served,
        "page:service_list",
        &format!("/hsds/services?taxonomy_term_id={sourced}"),
    )
    .await;
    assert_eq!(with_sources["total_items"], 8, "every listing has a source");

    // Paging by page number walks every service once.
    let mut seen = Vec::new();
    for n in 1..=3 {
        let page = get(
            &app,
            &mut served,
            "page:service_list",
            &format!("/hsds/services?per_page=3&page={n}"),
        )
        .await;
        assert_eq!(page["total_items"], 8);
        assert_eq!(page["total_pages"], 3);
        assert_eq!(page["page_number"], n);
        assert_eq!(page["first_page"], n == 1);
        assert_eq!(page["last_page"], n == 3);
        seen.extend(names(&page));
    }
    let all = names(&services);
    assert_eq!(seen, all, "pages in the list's order, each service once");
    let beyond = get(
        &app,
        &mut served,
        "page:service_list",
        "/hsds/services?per_page=3&page=4",
    )
    .await;
    assert_eq!(beyond["size"], 0);
    assert_eq!(beyond["empty"], false, "the result set is not empty");
    let none = get(
        &app,
        &mut served,
        "page:service_list",
        "/hsds/services?search=nowhere",
    )
    .await;
    assert_eq!(none["empty"], true);

    // ETag and CORS like the rest of the public API.
    let first = app.get("/hsds/services").await;
    let etag = first.header("etag").expect("an ETag").to_owned();
    let again = app
        .req(Method::GET, "/hsds/services")
        .header("If-None-Match", &etag)
        .send()
        .await;
    assert_eq!(again.status, 304);
    let cors = app
        .req(Method::GET, "/hsds/organizations")
        .header("Origin", "https://front.example")
        .send()
        .await;
    assert_eq!(
        cors.header("access-control-allow-origin"),
        Some("https://front.example")
    );
    // A new listing (the snapshot moves on) is found by its ids at once.
    let mut more = SeedDocument::default();
    let mut c = fixtures().centres.remove(0);
    c.id = "fake-houston-annex".into();
    c.name = "Fictional Sarcoma Unit Houston Annex".into();
    more.centres.push(c);
    app.load(more).await;
    let annex = app
        .wait_for("/hsds/services?search=annex", |p| p["total_items"] == 1)
        .await;
    let annex_id = contents(&annex)[0]["id"].as_str().unwrap().to_owned();
    let found = get(
        &app,
        &mut served,
        "service",
        &format!("/hsds/services/{annex_id}"),
    )
    .await;
    assert_eq!(
        found["name"],
        "Sarcoma care at Fictional Sarcoma Unit Houston Annex"
    );
    app.get(&format!("/hsds/organizations/{annex_id}"))
        .await
        .assert_problem(404, None);

    // Last: the validator blocks this test's runtime for a while.
    validate(&served);
}

async fn refusals_name_the_parameter(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    for (path, field) in [
        ("/hsds/services?colour=red", "colour"),
        ("/hsds/organizations?page=0", "page"),
        ("/hsds/organizations?page=1000001", "page"),
        (
            "/hsds/services?organization_id=fake-houston",
            "organization_id",
        ),
        ("/hsds/organizations?per_page=101", "per_page"),
        ("/hsds/services?format=ndjson", "format"),
        (
            "/hsds/services?modified_after=2026-01-01T00:00:00Z",
            "modified_after",
        ),
        ("/hsds/services?minimal=true", "minimal"),
        ("/hsds/services?full=yes", "full"),
        ("/hsds/service_at_locations?postcode=77001", "postcode"),
        ("/hsds/service_at_locations?proximity=1000", "proximity"),
        ("/hsds/services?taxonomy_term_id=nope", "taxonomy_term_id"),
        ("/hsds/services?taxonomy_id=nope", "taxonomy_id"),
        ("/hsds/services?search=%20", "search"),
        ("/hsds/organizations/x?full=true", "full"),
        ("/hsds/?page=1", "page"),
    ] {
        app.get(path).await.assert_problem(400, Some(field));
    }
    for path in [
        "/hsds/organizations/00000000-0000-8000-8000-000000000000",
        "/hsds/services/fake-houston",
        "/hsds/service_at_locations/nope",
    ] {
        app.get(path).await.assert_problem(404, None);
    }
}

both_backends!(every_answer_validates_and_maps_the_centre);
sqlite_once!(refusals_name_the_parameter);
