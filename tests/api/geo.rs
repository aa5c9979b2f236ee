//! `near` searches: ordering and distances against known great-circle
//! distances between real cities (the fixtures sit at real city centres).

use crate::both_backends;
use crate::helpers::{Backend, Data, TestApp};

fn distances(page: &serde_json::Value) -> Vec<(String, f64)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_owned(),
                i["distance_km"].as_f64().unwrap(),
            )
        })
        .collect()
}

async fn near_orders_by_distance_with_known_distances(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    // From central Houston, Dallas is about 362 km and Boston about 2,580 km.
    let page = app
        .get_ok("/v1/centres?near=29.76328,-95.36327&radius_km=3000")
        .await;
    let got = distances(&page);
    let ids: Vec<&str> = got.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "fake-houston",
            "fake-dallas",
            "fake-boston",
            "fake-montreal"
        ],
        "nearest first; Austin has no coordinates, so no place here"
    );
    assert_eq!(got[0].1, 0.0);
    assert!(
        (got[1].1 - 362.0).abs() < 4.0,
        "Houston-Dallas {}",
        got[1].1
    );
    assert!(
        (got[2].1 - 2580.0).abs() < 26.0,
        "Houston-Boston {}",
        got[2].1
    );
}

async fn radius_limits_and_defaults_to_100_km(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    // London-Paris is about 344 km.
    assert_eq!(
        app.ids("/v1/centres?near=51.50853,-0.12574").await,
        ["fake-london"]
    );
    assert_eq!(
        app.ids("/v1/centres?near=51.50853,-0.12574&radius_km=340")
            .await,
        ["fake-london"]
    );
    let page = app
        .get_ok("/v1/centres?near=51.50853,-0.12574&radius_km=350")
        .await;
    let got = distances(&page);
    assert_eq!(got[1].0, "fake-paris");
    assert!((got[1].1 - 343.5).abs() < 3.0, "London-Paris {}", got[1].1);
    assert_eq!(
        app.ids("/v1/centres?near=0,0&radius_km=20000").await.len(),
        7,
        "every centre with coordinates"
    );
}

async fn near_combines_with_filters(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    assert_eq!(
        app.ids("/v1/centres?near=29.76,-95.36&radius_km=1000&programme=gynaecological")
            .await,
        ["fake-dallas"]
    );
    assert_eq!(
        app.ids("/v1/centres?near=50,5&radius_km=1000&country=FR")
            .await,
        ["fake-paris"]
    );
    assert!(app
        .ids("/v1/centres?near=29.76,-95.36&radius_km=1000&country=DE")
        .await
        .is_empty());
}

both_backends!(
    near_orders_by_distance_with_known_distances,
    radius_limits_and_defaults_to_100_km,
    near_combines_with_filters,
);
