//! Templates describe their fields as JSON Schema and download blank in
//! every format, picked by `format`, `Accept`, or PDF by default.

use reqwest::Method;

use super::{normalise, text_of, FORMATS, TEMPLATES};
use crate::helpers::{Backend, Data, TestApp};
use crate::sqlite_once;

async fn templates_describe_their_fields_and_download_blank(b: Backend) {
    let app = TestApp::spawn(b, Data::Empty).await;
    let list = app.get_ok("/v1/templates").await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    let listed: Vec<&str> = items.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(listed, TEMPLATES, "every template, in order");
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
                .contains(&format!("-blank.{format}")));
            let text = normalise(&text_of(format, &res.bytes));
            assert!(text.contains("not medical advice"), "{id} {format}: {text}");
        }
        // Neither `format` nor `Accept`: a PDF; else `Accept` decides.
        let res = app.get(&format!("/v1/templates/{id}/blank")).await;
        assert_eq!(res.status, 200, "{id}");
        assert_eq!(res.header("content-type"), Some("application/pdf"));
        assert!(res.bytes.starts_with(b"%PDF-"));
        for (format, media) in FORMATS {
            let res = app
                .req(Method::GET, &format!("/v1/templates/{id}/blank"))
                .header("Accept", media.split(';').next().unwrap())
                .send()
                .await;
            assert_eq!(res.status, 200, "{id} Accept {media}");
            assert_eq!(res.header("content-type"), Some(media), "{id} {format}");
        }
        app.req(Method::GET, &format!("/v1/templates/{id}/blank"))
            .header("Accept", "image/png")
            .send()
            .await
            .assert_problem(406, None);
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

sqlite_once!(templates_describe_their_fields_and_download_blank);
