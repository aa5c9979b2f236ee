//! Walking every page: no duplicates, no gaps, a `Link` to the next page,
//! and no empty last page.

use std::collections::HashSet;

use crate::both_backends;
use crate::helpers::{ids, Backend, Data, TestApp};

/// Follows `next_cursor` from `first` to the end; checks the Link header
/// on the way.
async fn walk(app: &TestApp, first: &str) -> Vec<String> {
    let mut all = Vec::new();
    let mut next = Some(first.to_owned());
    while let Some(url) = next.take() {
        let res = app.get(&url).await;
        assert_eq!(res.status, 200, "{}", res.text);
        let page = res.json();
        let page_ids = ids(&page);
        assert!(!page_ids.is_empty(), "no empty pages");
        all.extend(page_ids);
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                let link = res
                    .header("link")
                    .expect("a Link header when there is a next page");
                assert!(link.ends_with("; rel=\"next\""), "{link}");
                let target = link
                    .trim_start_matches('<')
                    .split('>')
                    .next()
                    .unwrap()
                    .to_owned();
                assert!(target.contains(&format!("cursor={cursor}")), "{target}");
                next = Some(target);
            }
            None => assert!(res.header("link").is_none()),
        }
        assert!(all.len() < 1000, "pagination does not end");
    }
    all
}

async fn walks_name_ordered_pages_without_duplicates_or_gaps(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let everything = app.ids("/v1/centres?limit=100").await;
    for limit in [1, 2, 3, 7, 8] {
        let walked = walk(&app, &format!("/v1/centres?limit={limit}")).await;
        assert_eq!(walked, everything, "limit {limit}");
    }
    let us = walk(&app, "/v1/centres?country=US&limit=3").await;
    assert_eq!(
        us,
        ["fake-boston", "fake-dallas", "fake-houston", "fake-austin"]
    );
}

async fn walks_distance_ordered_pages(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let all = app
        .ids("/v1/centres?near=40,-40&radius_km=20000&limit=100")
        .await;
    assert_eq!(all.len(), 7);
    let walked = walk(&app, "/v1/centres?near=40,-40&radius_km=20000&limit=2").await;
    assert_eq!(walked, all);
    let set: HashSet<_> = walked.iter().collect();
    assert_eq!(set.len(), walked.len());
}

async fn default_and_maximum_page_sizes(b: Backend) {
    let app = TestApp::spawn(b, Data::BuiltinSeed).await;
    let page = app.get_ok("/v1/centres").await;
    assert_eq!(ids(&page).len(), 20, "default limit");
    assert!(page["next_cursor"].is_string());
    let page = app.get_ok("/v1/centres?limit=100").await;
    assert_eq!(ids(&page).len(), 100, "maximum limit");
    assert!(page["next_cursor"].is_string(), "257 seeded centres");
    let walked = walk(&app, "/v1/centres?limit=100").await;
    assert_eq!(walked.len(), 257, "three pages, the last one partial");
    assert_eq!(walk(&app, "/v1/centres?limit=30").await, walked);
    assert_eq!(walked[..100], ids(&page)[..]);
}

async fn clinician_pages(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    assert_eq!(
        walk(&app, "/v1/clinicians?limit=1").await,
        ["fake-dr-alpha", "fake-dr-bravo", "fake-dr-delta"]
    );
}

both_backends!(
    walks_name_ordered_pages_without_duplicates_or_gaps,
    walks_distance_ordered_pages,
    default_and_maximum_page_sizes,
    clinician_pages,
);
