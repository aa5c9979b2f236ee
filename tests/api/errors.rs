//! Bad input gets a 400 problem+json naming the parameter; never a 500.

use crate::both_backends;
use crate::helpers::{Backend, Data, TestApp};

async fn bad_parameters_are_named(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let cases = [
        ("/v1/centres?colour=red", "colour"),
        ("/v1/centres?country=US&country=DE", "country"),
        ("/v1/centres?country=USA", "country"),
        ("/v1/centres?country=XX", "country"),
        ("/v1/centres?region=US-ZZ", "region"),
        ("/v1/centres?region=Texas", "region"),
        ("/v1/centres?programme=kidney", "programme"),
        ("/v1/centres?service=massage", "service"),
        ("/v1/centres?q=", "q"),
        ("/v1/centres?q=%20-%20", "q"),
        ("/v1/centres?city=", "city"),
        ("/v1/centres?near=91,0", "near"),
        ("/v1/centres?near=10,181", "near"),
        ("/v1/centres?near=abc", "near"),
        ("/v1/centres?near=10", "near"),
        ("/v1/centres?near=NaN,0", "near"),
        ("/v1/centres?near=10,10&radius_km=-1", "radius_km"),
        ("/v1/centres?near=10,10&radius_km=20001", "radius_km"),
        ("/v1/centres?near=10,10&radius_km=inf", "radius_km"),
        ("/v1/centres?radius_km=50", "radius_km"),
        ("/v1/centres?limit=0", "limit"),
        ("/v1/centres?limit=101", "limit"),
        ("/v1/centres?limit=ten", "limit"),
        ("/v1/centres?cursor=garbage", "cursor"),
        ("/v1/clinicians?discipline=astrology", "discipline"),
        ("/v1/clinicians?speciality=x", "speciality"),
        ("/v1/clinicians?limit=1000", "limit"),
        ("/v1/regions?country=US", "country"),
        ("/v1/centres/fake-houston?expand=all", "expand"),
        ("/v1/clinicians/fake-dr-alpha?x=1", "x"),
    ];
    for (url, field) in cases {
        let res = app.get(url).await;
        let body = res.assert_problem(400, Some(field));
        assert!(
            body["detail"].as_str().unwrap().contains(field),
            "{url}: {body}"
        );
    }
}

async fn a_cursor_only_fits_its_own_ordering(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let by_name = app.get_ok("/v1/centres?limit=1").await;
    let cursor = by_name["next_cursor"].as_str().unwrap();
    app.get(&format!(
        "/v1/centres?near=0,0&radius_km=20000&cursor={cursor}"
    ))
    .await
    .assert_problem(400, Some("cursor"));
    let near = app
        .get_ok("/v1/centres?near=0,0&radius_km=20000&limit=1")
        .await;
    let cursor = near["next_cursor"].as_str().unwrap();
    app.get(&format!("/v1/centres?cursor={cursor}"))
        .await
        .assert_problem(400, Some("cursor"));
}

async fn unknown_routes_and_methods_are_problems(b: Backend) {
    let app = TestApp::spawn(b, Data::Empty).await;
    app.get("/v1/hospitals").await.assert_problem(404, None);
    app.get("/nothing/here").await.assert_problem(404, None);
    let res = app.req(reqwest::Method::DELETE, "/v1/centres").send().await;
    res.assert_problem(405, None);
    assert_eq!(res.header("allow"), Some("GET"));
    app.req(reqwest::Method::PUT, "/v1/centres/fake-houston")
        .send()
        .await
        .assert_problem(405, None);
    app.req(reqwest::Method::POST, "/openapi.json")
        .send()
        .await
        .assert_problem(405, None);
    app.req(reqwest::Method::POST, "/v1/regions")
        .send()
        .await
        .assert_problem(405, None);
}

async fn an_empty_directory_is_an_empty_list(b: Backend) {
    let app = TestApp::spawn(b, Data::Empty).await;
    let page = app.get_ok("/v1/centres?country=US").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 0);
    assert!(page["next_cursor"].is_null());
    assert_eq!(
        app.get_ok("/v1/regions").await["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

both_backends!(
    bad_parameters_are_named,
    a_cursor_only_fits_its_own_ordering,
    unknown_routes_and_methods_are_problems,
    an_empty_directory_is_an_empty_list,
);
