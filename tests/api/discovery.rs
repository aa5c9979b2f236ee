//! What "find a centre" pages build first: filter counts
//! (`/v1/centres/facets`) and type-ahead (`/v1/suggest`), on the fixtures.

use serde_json::Value;

use crate::both_backends;
use crate::helpers::{items, Backend, Data, TestApp};

fn count(list: &Value, value: &str) -> u64 {
    list.as_array()
        .unwrap()
        .iter()
        .find(|c| c["value"] == value)
        .map_or(0, |c| c["count"].as_u64().unwrap())
}

/// Every count equals the length of the list the same filter gives.
async fn agrees_with_the_list(app: &TestApp, filters: &str) -> Value {
    let facets = app.get_ok(&format!("/v1/centres/facets?{filters}")).await;
    let sep = if filters.is_empty() { "" } else { "&" };
    let listed = items(
        &app.get_ok(&format!("/v1/centres?limit=100{sep}{filters}"))
            .await,
    )
    .len();
    assert_eq!(facets["total"], listed, "{filters}: {facets}");
    for (facet, param) in [
        ("country", "country"),
        ("region", "region"),
        ("programme", "programme"),
        ("service", "service"),
    ] {
        if filters.contains(&format!("{param}=")) {
            continue;
        }
        for c in facets[facet].as_array().unwrap() {
            let value = c["value"].as_str().unwrap();
            let path = format!("/v1/centres?limit=100&{param}={value}{sep}{filters}");
            let n = items(&app.get_ok(&path).await).len();
            assert_eq!(c["count"], n, "{facet}={value} with {filters:?}");
        }
    }
    facets
}

async fn facets_count_what_the_filters_match(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let all = agrees_with_the_list(&app, "").await;
    assert_eq!(all["total"], 8, "published centres only: {all}");
    assert_eq!(count(&all["country"], "US"), 4);
    assert_eq!(count(&all["region"], "US-TX"), 3);
    assert_eq!(count(&all["verification_status"], "unverified"), 8);
    assert_eq!(all["country"][0]["value"], "US", "largest first");
    assert_eq!(all["country"][0]["label"], "United States of America");
    assert!(
        all.get("outcome").is_none(),
        "outcomes only with assessment"
    );

    let us = agrees_with_the_list(&app, "country=US").await;
    assert_eq!(us["total"], 4);
    assert_eq!(us["country"].as_array().unwrap().len(), 1);
    assert_eq!(count(&us["region"], "US-MA"), 1);
    assert_eq!(count(&us["programme"], "soft_tissue"), 2);

    agrees_with_the_list(&app, "programme=bone").await;
    agrees_with_the_list(&app, "q=fictional&country=US&region=US-TX").await;
    let near = agrees_with_the_list(&app, "near=29.76,-95.36&radius_km=400").await;
    assert_eq!(
        near["total"], 2,
        "Houston and Dallas (Austin has no coordinates): {near}"
    );

    let assessed = app
        .get_ok("/v1/centres/facets?country=US&assessment=guide-sarcoma-centre")
        .await;
    let outcomes: u64 = assessed["outcome"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .sum();
    assert_eq!(outcomes, 4, "one outcome per centre: {assessed}");

    for (query, param) in [
        ("country=XX", "country"),
        ("limit=5", "limit"),
        ("assessment=nope", "assessment"),
        ("radius_km=5", "radius_km"),
    ] {
        app.get(&format!("/v1/centres/facets?{query}"))
            .await
            .assert_problem(400, Some(param));
    }
}

async fn suggestions_start_with_what_was_typed(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let labels = |page: &Value| -> Vec<(String, String)> {
        items(page)
            .iter()
            .map(|s| {
                (
                    s["kind"].as_str().unwrap().to_owned(),
                    s["label"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let hou = app.get_ok("/v1/suggest?q=hou").await;
    let got = labels(&hou);
    assert_eq!(got[0], ("city".into(), "Houston".into()), "{hou}");
    assert_eq!(
        items(&hou)[0]["centres"],
        1,
        "the draft in Houston is not counted"
    );
    assert!(
        got.contains(&("centre".into(), "Fictional Sarcoma Unit Houston".into())),
        "{hou}"
    );

    let tex = app.get_ok("/v1/suggest?q=TEX").await;
    assert_eq!(items(&tex)[0]["kind"], "region");
    assert_eq!(items(&tex)[0]["id"], "US-TX");
    assert_eq!(items(&tex)[0]["centres"], 3);

    for typed in ["koln", "KÖL", "köln"] {
        let page = app
            .get_ok(&format!("/v1/suggest?q={}", urlencoding(typed)))
            .await;
        assert!(
            labels(&page).contains(&("city".into(), "Köln".into())),
            "{typed}: {page}"
        );
    }
    let dr = app.get_ok("/v1/suggest?q=dr%20alp").await;
    assert_eq!(
        labels(&dr),
        [(
            "clinician".to_owned(),
            "Dr Alpha Testperson (fictional)".to_owned()
        )]
    );
    let draft = app.get_ok("/v1/suggest?q=draftperson").await;
    assert!(
        items(&draft).is_empty(),
        "unpublished clinicians are never suggested"
    );

    let one = app.get_ok("/v1/suggest?q=f&limit=1").await;
    assert_eq!(items(&one).len(), 1);
    for (query, param) in [
        ("", "q"),
        ("q=%20", "q"),
        ("q=a&limit=0", "limit"),
        ("q=a&limit=21", "limit"),
        ("q=a&x=1", "x"),
    ] {
        app.get(&format!("/v1/suggest?{query}"))
            .await
            .assert_problem(400, Some(param));
    }
}

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

both_backends!(
    facets_count_what_the_filters_match,
    suggestions_start_with_what_was_typed,
);
