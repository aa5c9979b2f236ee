//! Accounts and tokens: administrators create, list, read, change and
//! deactivate accounts; tokens are shown once, can be issued, revoked and
//! expire; no token outlives the one that issued it.

use reqwest::Method;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{some_items, Backend, Data, TestApp};
use sarcoma_directory::curation::model::Role;

async fn accounts_and_tokens(b: Backend) {
    let app = TestApp::spawn(b, Data::Empty).await;
    let admin = app.account("Fake Admin", Role::Admin);
    let res = app
        .send(Method::POST, "/v1/curation/accounts", Some(&admin), None,
            Some(&json!({"display_name": "Fake Volunteer", "role": "curator", "token_expires_in_days": 30})))
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(res.header("cache-control"), Some("no-store"));
    let created = res.json();
    let token = created["token"]["token"].as_str().unwrap().to_owned();
    let account_id = created["account"]["id"].as_str().unwrap().to_owned();
    let me = app
        .send(Method::GET, "/v1/curation/me", Some(&token), None, None)
        .await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.json()["role"], "curator");
    assert!(!me.text.contains(&token), "a token is never shown again");
    // A token may not mint one that outlives it.
    app.send(
        Method::POST,
        &format!("/v1/curation/accounts/{account_id}/tokens"),
        Some(&token),
        None,
        Some(&json!({"label": "forever"})),
    )
    .await
    .assert_problem(422, Some("expires_in_days"));
    // A second token for oneself; revoking the first stops it at once.
    let second = app
        .send(
            Method::POST,
            &format!("/v1/curation/accounts/{account_id}/tokens"),
            Some(&token),
            None,
            Some(&json!({"label": "laptop", "expires_in_days": 10})),
        )
        .await;
    assert_eq!(second.status, 201, "{}", second.text);
    let second_token = second.json()["token"].as_str().unwrap().to_owned();
    let first_id = created["token"]["id"].as_str().unwrap();
    let revoked = app
        .send(
            Method::DELETE,
            &format!("/v1/curation/tokens/{first_id}"),
            Some(&second_token),
            None,
            None,
        )
        .await;
    assert_eq!(revoked.status, 204, "{}", revoked.text);
    app.send(Method::GET, "/v1/curation/me", Some(&token), None, None)
        .await
        .assert_problem(401, None);
    // Curators do not manage accounts; admins do not demote themselves.
    app.send(
        Method::GET,
        "/v1/curation/accounts",
        Some(&second_token),
        None,
        None,
    )
    .await
    .assert_problem(403, None);
    let admin_id = app
        .send(Method::GET, "/v1/curation/me", Some(&admin), None, None)
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.send(
        Method::PATCH,
        &format!("/v1/curation/accounts/{admin_id}"),
        Some(&admin),
        None,
        Some(&json!({"role": "curator"})),
    )
    .await
    .assert_problem(403, None);
    // Deactivating an account stops all its tokens.
    let off = app
        .send(
            Method::PATCH,
            &format!("/v1/curation/accounts/{account_id}"),
            Some(&admin),
            None,
            Some(&json!({"active": false})),
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.text);
    app.send(
        Method::GET,
        "/v1/curation/me",
        Some(&second_token),
        None,
        None,
    )
    .await
    .assert_problem(401, None);
    let list = app
        .send(
            Method::GET,
            "/v1/curation/accounts",
            Some(&admin),
            None,
            None,
        )
        .await
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
}

/// The administrator's account endpoints, each checked by its body.
async fn administrators_manage_accounts(b: Backend) {
    let app = TestApp::spawn(b, Data::Empty).await;
    let admin = app.account("Fake Admin", Role::Admin);
    let created = app
        .post_json(
            "/v1/curation/accounts",
            Some(&admin),
            &json!({"display_name": "Fake Reviewer To Be", "role": "curator"}),
        )
        .await
        .expect(201);
    assert_eq!(created["account"]["display_name"], "Fake Reviewer To Be");
    assert_eq!(created["account"]["role"], "curator");
    assert_eq!(created["account"]["active"], true);
    assert!(created["token"]["expires_at"].is_null(), "no expiry asked");
    let token = created["token"]["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("sdt_"), "{token}");
    let id = created["account"]["id"].as_str().unwrap().to_owned();

    // Read: the account and its tokens, never the token itself.
    let detail = app
        .get_json(&format!("/v1/curation/accounts/{id}"), &admin)
        .await
        .expect(200);
    assert_eq!(detail["id"], id.as_str());
    assert_eq!(detail["tokens"].as_array().unwrap().len(), 1);
    assert_eq!(detail["tokens"][0]["id"], created["token"]["id"]);
    assert!(!detail.to_string().contains(&token));
    app.get_json("/v1/curation/accounts/acct-nobody", &admin)
        .await
        .assert_problem(404, None);

    // List: both accounts.
    let list = app
        .get_json("/v1/curation/accounts", &admin)
        .await
        .expect(200);
    let mut names: Vec<&str> = some_items(&list)
        .iter()
        .map(|a| a["display_name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["Fake Admin", "Fake Reviewer To Be"]);

    // Promote: the new role takes effect for the same token.
    let promoted = app
        .send(
            Method::PATCH,
            &format!("/v1/curation/accounts/{id}"),
            Some(&admin),
            None,
            Some(&json!({"role": "reviewer"})),
        )
        .await
        .expect(200);
    assert_eq!(promoted["role"], "reviewer", "{promoted}");
    let me = app.get_json("/v1/curation/me", &token).await.expect(200);
    assert_eq!(me["role"], "reviewer");
    app.get_json("/v1/curation/queue", &token).await.expect(200);
    app.send(
        Method::PATCH,
        &format!("/v1/curation/accounts/{id}"),
        Some(&admin),
        None,
        Some(&json!({"role": "overlord"})),
    )
    .await
    .assert_problem(422, Some("role"));

    // Deactivate: the token stops; the account stays listed, inactive.
    let off = app
        .send(
            Method::PATCH,
            &format!("/v1/curation/accounts/{id}"),
            Some(&admin),
            None,
            Some(&json!({"active": false})),
        )
        .await
        .expect(200);
    assert_eq!(off["active"], false, "{off}");
    app.get_json("/v1/curation/me", &token)
        .await
        .assert_problem(401, None);
    let detail = app
        .get_json(&format!("/v1/curation/accounts/{id}"), &admin)
        .await
        .expect(200);
    assert_eq!(detail["active"], false);
    // Bad input: an empty name, an unknown role.
    app.post_json(
        "/v1/curation/accounts",
        Some(&admin),
        &json!({"display_name": "", "role": "curator"}),
    )
    .await
    .assert_problem(422, Some("display_name"));
}

both_backends!(accounts_and_tokens, administrators_manage_accounts);
