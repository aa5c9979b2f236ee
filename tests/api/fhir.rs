//! The FHIR R4 facade: reads, searches, paging, refusals, and validation
//! of everything served with a real FHIR validator (fhir.resources).

use serde_json::Value;

use crate::helpers::{python, run_python, Backend, Data, TestApp};
use crate::{both_backends, sqlite_once};

async fn fhir(app: &TestApp, path: &str) -> (u16, Value) {
    let res = app.get(path).await;
    assert_eq!(
        res.header("content-type"),
        Some("application/fhir+json; fhirVersion=4.0"),
        "{path}"
    );
    (res.status, res.json())
}

fn ids(bundle: &Value) -> Vec<String> {
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "searchset");
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"]["id"].as_str().unwrap().to_owned())
        .collect()
}

fn next(bundle: &Value) -> Option<String> {
    bundle["link"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["relation"] == "next")
        .map(|l| l["url"].as_str().unwrap().to_owned())
}

/// Runs the Python validator over `resources`.
fn validate(resources: &[Value]) {
    let file = std::env::temp_dir().join(format!("fhir-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&file, serde_json::to_vec(resources).unwrap()).unwrap();
    let out = run_python(
        python()
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fhir_validate.py"
            ))
            .arg(&file),
    );
    let _ = std::fs::remove_file(&file);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "FHIR validation failed: {said}");
    assert!(
        said.contains(&format!("valid: {}", resources.len())),
        "{said}"
    );
}

async fn capability_statement_lists_what_is_supported(b: Backend) {
    let app = TestApp::spawn(b, Data::Empty).await;
    let (status, cap) = fhir(&app, "/fhir/metadata").await;
    assert_eq!(status, 200);
    assert_eq!(cap["fhirVersion"], "4.0.1");
    let types: Vec<&str> = cap["rest"][0]["resource"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "Organization",
            "Location",
            "HealthcareService",
            "Practitioner",
            "PractitionerRole"
        ]
    );
    let location = &cap["rest"][0]["resource"][1];
    let params: Vec<&str> = location["searchParam"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for p in [
        "name",
        "address-country",
        "address-state",
        "address-city",
        "near",
        "_count",
    ] {
        assert!(params.contains(&p), "{p}");
    }
    validate(&[cap]);
}

async fn searches_read_and_page(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let mut served = Vec::new();
    let (_, by_country) = fhir(&app, "/fhir/Organization?address-country=US").await;
    assert_eq!(
        ids(&by_country),
        ["fake-boston", "fake-dallas", "fake-houston", "fake-austin"]
    );
    let (_, by_state) = fhir(
        &app,
        "/fhir/Organization?address-state=US-TX&name=fictional%20sarcoma",
    )
    .await;
    assert_eq!(ids(&by_state), ["fake-dallas", "fake-houston"]);
    let (_, by_city) = fhir(&app, "/fhir/Location?address-city=koln").await;
    assert_eq!(ids(&by_city), ["fake-koln"]);
    let (_, near) = fhir(&app, "/fhir/Location?near=29.76328|-95.36327|400|km").await;
    assert_eq!(ids(&near), ["fake-houston", "fake-dallas"], "nearest first");
    assert_eq!(
        near["entry"][0]["resource"]["position"]["latitude"],
        29.76328
    );
    let (_, austin) = fhir(&app, "/fhir/Location/fake-austin").await;
    assert!(
        austin.get("position").is_none(),
        "no coordinates, no position"
    );
    // Paging with next links walks everything once.
    let mut all = Vec::new();
    let mut url = Some("/fhir/Organization?_count=3".to_owned());
    while let Some(u) = url {
        let (status, page) = fhir(&app, &u).await;
        assert_eq!(status, 200);
        all.extend(ids(&page));
        url = next(&page);
        served.push(page);
    }
    assert_eq!(all.len(), 8);
    let (_, practitioners) = fhir(&app, "/fhir/Practitioner?address-country=GB").await;
    assert_eq!(ids(&practitioners), ["fake-dr-bravo"]);
    let (_, roles) = fhir(
        &app,
        "/fhir/PractitionerRole?practitioner=Practitioner/fake-dr-bravo",
    )
    .await;
    assert_eq!(roles["entry"].as_array().unwrap().len(), 2);
    let role_id = roles["entry"][0]["resource"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, at_london) = fhir(&app, "/fhir/PractitionerRole?organization=fake-london").await;
    assert_eq!(
        at_london["entry"][0]["resource"]["practitioner"]["reference"],
        "Practitioner/fake-dr-bravo"
    );
    let (_, service) = fhir(
        &app,
        "/fhir/HealthcareService?organization=Organization/fake-houston",
    )
    .await;
    assert_eq!(ids(&service), ["fake-houston"]);
    for path in [
        "/fhir/Organization/fake-houston",
        "/fhir/Location/fake-houston",
        "/fhir/HealthcareService/fake-houston",
        "/fhir/Practitioner/fake-dr-alpha",
        &format!("/fhir/PractitionerRole/{role_id}"),
    ] {
        let (status, r) = fhir(&app, path).await;
        assert_eq!(status, 200, "{path}");
        served.push(r);
    }
    served.extend([
        by_country,
        by_state,
        by_city,
        near,
        austin,
        practitioners,
        roles,
        at_london,
        service,
    ]);
    validate(&served);
}

async fn unsupported_parameters_are_refused(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let mut outcomes = Vec::new();
    for (path, status) in [
        ("/fhir/Organization?_sort=name", 400),
        ("/fhir/Organization?near=1|2|3|km", 400),
        ("/fhir/Location?near=1|2|3|mi", 400),
        ("/fhir/Location?near=95|2|3|km", 400),
        ("/fhir/Organization?_count=0", 400),
        ("/fhir/Organization?name=a&name=b", 400),
        ("/fhir/Location?_cursor=nonsense", 400),
        ("/fhir/Organization/fake-draft", 404),
        ("/fhir/Patient?name=x", 404),
        ("/fhir/Organization/fake-houston?_format=xml", 400),
    ] {
        let (got, body) = fhir(&app, path).await;
        assert_eq!(got, status, "{path}: {body}");
        assert_eq!(body["resourceType"], "OperationOutcome", "{path}");
        assert_eq!(body["issue"][0]["severity"], "error");
        outcomes.push(body);
    }
    assert!(
        outcomes[0]["issue"][0]["diagnostics"]
            .as_str()
            .unwrap()
            .contains("_sort"),
        "names the parameter"
    );
    validate(&outcomes);
}

both_backends!(searches_read_and_page, unsupported_parameters_are_refused);
sqlite_once!(capability_statement_lists_what_is_supported);
