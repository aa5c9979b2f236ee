//! Settings (`Settings::from_env`) through the real binary: each variable
//! is parsed, range-checked with a clear error naming it and the value,
//! blank means unset, and the values take effect in a served node. None of
//! this depends on the database backend: run once, on SQLite files.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{cli, Backend, Data, TestApp, TestDb};

/// Runs `migrate` (which reads every setting first) with `env` over a new
/// SQLite file; its exit status and standard error.
fn migrate_with(env: &[(&str, &str)]) -> (bool, String) {
    let db = TestDb::new(Backend::Sqlite);
    let out = cli(Some(&db.url), &["migrate"], env);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn out_of_range_and_malformed_values_are_refused_with_a_clear_error() {
    let cases: &[(&str, &str, &str)] = &[
        ("REFRESH_INTERVAL_MS", "abc", "from 10 to 60000"),
        ("REFRESH_INTERVAL_MS", "9", "from 10 to 60000"),
        ("REFRESH_INTERVAL_MS", "60001", "from 10 to 60000"),
        ("REFRESH_INTERVAL_MS", "-5", "from 10 to 60000"),
        ("REFRESH_INTERVAL_MS", "1.5", "from 10 to 60000"),
        ("WORKERS", "0", "from 1 to 256"),
        ("WORKERS", "257", "from 1 to 256"),
        ("WORKERS", "many", "from 1 to 256"),
        ("REPORTS_PER_HOUR", "0", "from 1 to 10000"),
        ("REPORTS_PER_HOUR", "10001", "from 1 to 10000"),
        ("REPORTS_PER_HOUR", "ten", "from 1 to 10000"),
        ("PDFS_PER_HOUR", "0", "from 1 to 100000"),
        ("PDFS_PER_HOUR", "100001", "from 1 to 100000"),
        ("PDFS_PER_HOUR", "many", "from 1 to 100000"),
        (
            "CORS_ALLOWED_ORIGINS",
            "app.example.org",
            "is not an origin",
        ),
        (
            "CORS_ALLOWED_ORIGINS",
            "https://ok.example, ftp://files.example",
            "is not an origin",
        ),
        (
            "CURATION_CORS_ALLOWED_ORIGINS",
            "curators.example",
            "is not an origin",
        ),
        ("TRUSTED_PROXIES", "proxy.example", "is not an IP address"),
        (
            "TRUSTED_PROXIES",
            "10.0.0.5, 10.0.0",
            "is not an IP address",
        ),
        (
            "MAP_TILE_URL",
            "tiles.example/{z}/{x}/{y}.png",
            "does not start with",
        ),
        (
            "MAP_TILE_URL",
            "https://tiles.example/{z}.png",
            "is not a tile URL template",
        ),
    ];
    for (name, value, says) in cases {
        let (ok, stderr) = migrate_with(&[(name, value)]);
        assert!(!ok, "{name}={value:?} was accepted");
        assert!(
            stderr.contains(name) && stderr.contains(says),
            "{name}={value:?}: {stderr}"
        );
        let bad = match *name {
            "CORS_ALLOWED_ORIGINS" | "CURATION_CORS_ALLOWED_ORIGINS" => {
                value.rsplit(", ").next().unwrap()
            }
            "TRUSTED_PROXIES" => value.rsplit(", ").next().unwrap(),
            _ => value,
        };
        assert!(
            stderr.contains(&format!("{bad:?}")),
            "{name}: the error quotes the value {bad:?}: {stderr}"
        );
    }
    // DATABASE_URL: another scheme is refused, naming it.
    let out = cli(None, &["migrate"], &[("DATABASE_URL", "mysql://db/x")]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("DATABASE_URL scheme not supported") && stderr.contains("mysql://db/x"),
        "{stderr}"
    );
    let out = cli(None, &["migrate"], &[("DATABASE_URL", "sqlite://")]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("DATABASE_URL is empty"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn boundary_values_and_blank_variables_are_accepted() {
    let cases: &[(&str, &str)] = &[
        ("REFRESH_INTERVAL_MS", "10"),
        ("REFRESH_INTERVAL_MS", "60000"),
        ("WORKERS", "1"),
        ("WORKERS", "256"),
        ("REPORTS_PER_HOUR", "1"),
        ("REPORTS_PER_HOUR", "10000"),
        ("PDFS_PER_HOUR", "1"),
        ("PDFS_PER_HOUR", "100000"),
        ("CORS_ALLOWED_ORIGINS", "*"),
        (
            "CORS_ALLOWED_ORIGINS",
            "https://a.example/, http://localhost:3000",
        ),
        ("CURATION_CORS_ALLOWED_ORIGINS", "https://curators.example"),
        ("TRUSTED_PROXIES", "10.0.0.5, ::1"),
        // Blank is unset (the default applies).
        ("REFRESH_INTERVAL_MS", "  "),
        ("WORKERS", ""),
        ("REPORTS_PER_HOUR", " "),
        ("PDFS_PER_HOUR", ""),
        ("TRUSTED_PROXIES", ""),
    ];
    for (name, value) in cases {
        let (ok, stderr) = migrate_with(&[(name, value)]);
        assert!(ok, "{name}={value:?} was refused: {stderr}");
    }
}

/// Without `DATABASE_URL`, commands use `sarcoma-directory.sqlite3` in the
/// working directory; `sqlite://PATH` names a file too.
#[test]
fn the_default_database_is_a_sqlite_file_in_the_working_directory() {
    let dir = std::env::temp_dir().join(format!("sarcoma-cwd-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = std::process::Command::new(crate::helpers::BINARY)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn")
        .current_dir(&dir)
        .arg("migrate")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("sarcoma-directory.sqlite3").is_file());
    let named = dir.join("named.sqlite3");
    let url = format!("sqlite://{}", named.display());
    let out = cli(None, &["migrate"], &[("DATABASE_URL", &url)]);
    assert!(out.status.success());
    assert!(named.is_file());
    std::fs::remove_dir_all(&dir).ok();
}

/// The values reach a served node: the report limit, trusted proxies and
/// both CORS lists.
#[tokio::test]
async fn settings_take_effect_in_a_served_node() {
    let app = TestApp::spawn(Backend::Sqlite, Data::Fixtures).await;
    let node = app
        .spawn_peer_process_with(&[
            ("REPORTS_PER_HOUR", "1"),
            ("TRUSTED_PROXIES", "127.0.0.1"),
            ("CORS_ALLOWED_ORIGINS", "https://app.example"),
            ("CURATION_CORS_ALLOWED_ORIGINS", "https://curators.example"),
        ])
        .await;
    let report = json!({"category": "other", "details": "Fictional report for a test."});
    let mut statuses = Vec::new();
    for client_ip in ["192.0.2.1", "192.0.2.2", "192.0.2.1"] {
        let res = node
            .req(Method::POST, "/v1/centres/fake-houston/reports")
            .header("X-Forwarded-For", client_ip)
            .json(&report)
            .send()
            .await;
        statuses.push(res.status);
    }
    assert_eq!(statuses, [202, 202, 429], "one report per client per hour");
    for (path, origin, granted) in [
        ("/v1/centres", "https://app.example", true),
        ("/v1/centres", "https://other.example", false),
        ("/v1/curation/queue", "https://curators.example", true),
        ("/v1/curation/queue", "https://app.example", false),
    ] {
        let r = node
            .req(Method::OPTIONS, path)
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "GET")
            .send()
            .await;
        let expected = granted.then_some(origin);
        assert_eq!(
            r.header("access-control-allow-origin"),
            expected,
            "{origin} on {path}"
        );
    }
}
