//! The centre list as GeoJSON (RFC 7946): `Accept: application/geo+json`
//! on `/v1/centres` and `/v1/centres.geojson`, with the JSON list's
//! filters, order and paging; centres without coordinates left out and
//! counted; every collection served validated with geojson-pydantic and
//! geojson (tests/geojson_validate.py).

use reqwest::Method;
use serde_json::Value;

use crate::both_backends;
use crate::helpers::{items, python, run_python, Backend, Data, TestApp};

const GEO: &str = "application/geo+json";

/// GETs a GeoJSON page (200, `application/geo+json`) and keeps it for
/// validation.
async fn geo(app: &TestApp, served: &mut Vec<Value>, path: &str, accept: bool) -> Value {
    let mut req = app.req(Method::GET, path);
    if accept {
        req = req.header("Accept", GEO);
    }
    let res = req.send().await;
    assert_eq!(res.status, 200, "{path}: {}", res.text);
    assert_eq!(res.header("content-type"), Some(GEO), "{path}");
    let body = res.json();
    assert_eq!(body["type"], "FeatureCollection");
    served.push(body.clone());
    body
}

fn feature_ids(fc: &Value) -> Vec<String> {
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect()
}

fn validate(collections: &[Value]) {
    let file = std::env::temp_dir().join(format!("geojson-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&file, serde_json::to_vec(collections).unwrap()).unwrap();
    let out = run_python(
        python()
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/geojson_validate.py"
            ))
            .arg(&file),
    );
    let _ = std::fs::remove_file(&file);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "GeoJSON validation failed: {said}");
    assert!(
        said.contains(&format!("valid: {} collections", collections.len())),
        "{said}"
    );
}

async fn pages_match_the_json_list(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let mut served = Vec::new();

    // Walk ?country=US two at a time in both forms: the same pages.
    let mut json_cursor: Option<String> = None;
    let mut geo_cursor: Option<String> = None;
    let (mut features, mut without) = (Vec::new(), 0);
    let mut pages = 0;
    loop {
        let suffix = json_cursor
            .as_ref()
            .map(|c| format!("&cursor={c}"))
            .unwrap_or_default();
        let list = app
            .get_ok(&format!("/v1/centres?country=US&limit=2{suffix}"))
            .await;
        let geo_suffix = geo_cursor
            .as_ref()
            .map(|c| format!("&cursor={c}"))
            .unwrap_or_default();
        let fc = geo(
            &app,
            &mut served,
            &format!("/v1/centres.geojson?country=US&limit=2{geo_suffix}"),
            false,
        )
        .await;
        let located: Vec<String> = items(&list)
            .iter()
            .filter(|i| !i["coordinates"].is_null())
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(feature_ids(&fc), located);
        assert_eq!(
            fc["without_coordinates"],
            items(&list).len() - located.len()
        );
        assert_eq!(fc["next_cursor"], list["next_cursor"]);
        features.extend(feature_ids(&fc));
        without += fc["without_coordinates"].as_u64().unwrap();
        pages += 1;
        json_cursor = list["next_cursor"].as_str().map(str::to_owned);
        geo_cursor = fc["next_cursor"].as_str().map(str::to_owned);
        if json_cursor.is_none() {
            break;
        }
    }
    assert_eq!(pages, 2);
    assert_eq!(features, ["fake-boston", "fake-dallas", "fake-houston"]);
    assert_eq!(without, 1, "Austin has no coordinates");

    // One feature in full: [lon, lat] and the listed properties.
    let koln = geo(&app, &mut served, "/v1/centres.geojson?q=koln", false).await;
    let listed = &items(&app.get_ok("/v1/centres?q=koln").await)[0].clone();
    let f = &koln["features"][0];
    assert_eq!(f["type"], "Feature");
    assert_eq!(f["geometry"]["type"], "Point");
    assert_eq!(
        f["geometry"]["coordinates"],
        serde_json::json!([listed["coordinates"]["lon"], listed["coordinates"]["lat"]])
    );
    let p = &f["properties"];
    assert_eq!(p["id"], "fake-koln");
    assert_eq!(p["name"], listed["name"]);
    assert_eq!(p["city"], listed["address"]["city"]);
    assert_eq!(p["country"], "DE");
    assert_eq!(p["verification_status"], "unverified");
    assert_eq!(p["coordinate_precision"], "city");
    assert!(p.get("assessment").is_none() && p.get("distance_km").is_none());

    // Accept negotiates on /v1/centres; JSON stays the default.
    let by_accept = geo(&app, &mut served, "/v1/centres?region=US-TX", true).await;
    assert_eq!(
        feature_ids(&by_accept),
        ["fake-dallas", "fake-houston"],
        "{by_accept}"
    );
    assert_eq!(by_accept["without_coordinates"], 1);
    let plain = app.get("/v1/centres?region=US-TX").await;
    assert_eq!(plain.header("content-type"), Some("application/json"));
    assert!(
        plain
            .header("vary")
            .unwrap_or_default()
            .split(',')
            .any(|v| v.trim() == "Accept"),
        "Vary names Accept: {:?}",
        plain.header("vary")
    );
    let prefers_json = app
        .req(Method::GET, "/v1/centres?region=US-TX")
        .header("Accept", "application/json, application/geo+json;q=0.5")
        .send()
        .await;
    assert_eq!(
        prefers_json.header("content-type"),
        Some("application/json")
    );
    let geo_etag = app
        .req(Method::GET, "/v1/centres?region=US-TX")
        .header("Accept", GEO)
        .send()
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    assert_ne!(Some(geo_etag.as_str()), plain.header("etag"));
    let again = app
        .req(Method::GET, "/v1/centres?region=US-TX")
        .header("Accept", GEO)
        .header("If-None-Match", &geo_etag)
        .send()
        .await;
    assert_eq!(again.status, 304);

    // With assessment= the outcome; with near= the distance, nearest first.
    let profile = "guide-sarcoma-centre";
    let badged = geo(
        &app,
        &mut served,
        &format!("/v1/centres.geojson?country=US&assessment={profile}"),
        false,
    )
    .await;
    let list = app
        .get_ok(&format!("/v1/centres?country=US&assessment={profile}"))
        .await;
    for f in badged["features"].as_array().unwrap() {
        let item = items(&list).iter().find(|i| i["id"] == f["id"]).unwrap();
        assert_eq!(f["properties"]["assessment"], item["assessment"], "{f}");
        assert_eq!(f["properties"]["assessment"]["profile"], profile);
    }
    let near = geo(
        &app,
        &mut served,
        "/v1/centres.geojson?near=29.76328,-95.36327&radius_km=400",
        false,
    )
    .await;
    assert_eq!(feature_ids(&near), ["fake-houston", "fake-dallas"]);
    assert_eq!(near["features"][0]["properties"]["distance_km"], 0.0);
    let empty = geo(&app, &mut served, "/v1/centres.geojson?country=JP", false).await;
    assert_eq!(empty["features"], serde_json::json!([]));
    assert_eq!(empty["without_coordinates"], 0);

    // The JSON list's refusals.
    app.get("/v1/centres.geojson?colour=red")
        .await
        .assert_problem(400, Some("colour"));
    app.get("/v1/centres.geojson?assessment=nope")
        .await
        .assert_problem(400, Some("assessment"));

    validate(&served);
}

both_backends!(pages_match_the_json_list);
