//! The command line, through the real binary: `migrate`, `seed` (built-in
//! and `--file`), `openapi`, `create-account`, `export` to standard output
//! and `purge-changes` (see also interop.rs and backup.rs).

use serde_json::Value;

use crate::both_backends;
use crate::helpers::{cli, cli_ok, Backend, Data, TestApp, TestDb};

const FIXTURES_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/directory.json");

fn export(db: &TestDb) -> Value {
    let printed = cli_ok(&db.url, &["export"]);
    serde_json::from_str(&printed).unwrap_or_else(|e| panic!("export prints JSON ({e}): {printed}"))
}

fn count(backup: &Value, key: &str) -> usize {
    backup[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} in the export"))
        .len()
}

#[test]
fn openapi_prints_the_committed_document() {
    let out = cli(None, &["openapi"], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout) == committed,
        "`openapi` differs from openapi/openapi.json; regenerate it with\n  \
         cargo run --quiet -- openapi > openapi/openapi.json"
    );
}

async fn migrate_then_seed_adds_only_what_is_missing(b: Backend) {
    let db = TestDb::new(b);
    let out = cli(Some(&db.url), &["migrate"], &[("RUST_LOG", "info")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "migrations applied"
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(&format!(" migration(s) on {}", b.code())),
        "the command ran on {}: {said}",
        b.code()
    );
    assert_eq!(cli_ok(&db.url, &["migrate"]).trim(), "migrations applied");
    let empty = export(&db);
    assert_eq!(count(&empty, "centres"), 0, "migrate loads nothing");

    let printed = cli_ok(&db.url, &["seed"]);
    assert!(
        printed.contains("added 257 centres, 0 clinicians, 0 facts; 0 already present"),
        "{printed}"
    );
    let printed = cli_ok(&db.url, &["seed"]);
    assert!(
        printed.contains("added 0 centres, 0 clinicians, 0 facts; 257 already present")
            && printed.contains("0 skipped"),
        "a second seed adds nothing: {printed}"
    );
    let printed = cli_ok(&db.url, &["seed", "--file", FIXTURES_PATH]);
    assert!(
        printed.contains("added 10 centres, 4 clinicians, 2 facts"),
        "{printed}"
    );
    let backup = export(&db);
    assert_eq!(count(&backup, "centres"), 267);
    assert_eq!(count(&backup, "clinicians"), 4);
    assert_eq!(count(&backup, "facts"), 2);

    // A missing or invalid file: a clear error, nothing added.
    let out = cli(
        Some(&db.url),
        &["seed", "--file", "/no/such/seed.json"],
        &[],
    );
    assert!(!out.status.success());
    let bad = std::env::temp_dir().join(format!("bad-seed-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&bad, r#"{"centres": [{"id": "x"}]}"#).unwrap();
    let out = cli(
        Some(&db.url),
        &["seed", "--file", bad.to_str().unwrap()],
        &[],
    );
    std::fs::remove_file(&bad).ok();
    assert!(!out.status.success());
    assert!(!out.stderr.is_empty());
    assert_eq!(count(&export(&db), "centres"), 267);
}

/// `create-account` prints a working token once; bad arguments are refused.
async fn create_account_prints_a_working_token(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let out = cli(
        Some(&app.db_url),
        &[
            "create-account",
            "--name",
            "Fake Admin From The CLI",
            "--role",
            "admin",
            "--expires-in-days",
            "30",
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(
        token.starts_with("sdt_") && !token.contains('\n'),
        "{token}"
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("created admin account"), "{said}");
    assert!(!said.contains(&token), "the token goes to stdout only");
    let me = app.get_json("/v1/curation/me", &token).await.expect(200);
    assert_eq!(me["display_name"], "Fake Admin From The CLI");
    assert_eq!(me["role"], "admin");
    assert!(me["tokens"][0]["expires_at"].is_string(), "{me}");
    app.get_json("/v1/curation/accounts", &token)
        .await
        .expect(200);

    for (args, says) in [
        (
            vec!["--name", "X", "--role", "overlord"],
            "--role must be curator, reviewer or admin",
        ),
        (vec!["--name", " ", "--role", "curator"], "--name must be"),
        (
            vec!["--name", "X", "--role", "curator", "--expires-in-days", "0"],
            "--expires-in-days must be from 1 to 3650",
        ),
        (
            vec![
                "--name",
                "X",
                "--role",
                "curator",
                "--expires-in-days",
                "3651",
            ],
            "--expires-in-days must be from 1 to 3650",
        ),
    ] {
        let mut all = vec!["create-account"];
        all.extend(args.iter().copied());
        let out = cli(Some(&app.db_url), &all, &[]);
        assert!(!out.status.success(), "{all:?} was accepted");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{all:?}: {stderr}");
        assert!(out.stdout.is_empty(), "no token printed");
    }
    let accounts = app
        .get_json("/v1/curation/accounts", &token)
        .await
        .expect(200);
    assert_eq!(accounts["items"].as_array().unwrap().len(), 1);
}

/// `export` without `--file` prints the whole database as JSON.
async fn export_prints_the_database(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    app.account(
        "Fake Curator",
        sarcoma_directory::curation::model::Role::Curator,
    );
    let printed = cli_ok(&app.db_url, &["export"]);
    let backup: Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(count(&backup, "centres"), 10);
    assert_eq!(count(&backup, "clinicians"), 4);
    assert_eq!(count(&backup, "facts"), 2);
    assert_eq!(count(&backup, "accounts"), 1);
    assert_eq!(backup["accounts"][0]["display_name"], "Fake Curator");
    assert!(count(&backup, "audit_log") >= 16, "every listing imported");
    // The same document `--file` writes.
    let file = std::env::temp_dir().join(format!("export-{}.json", uuid::Uuid::new_v4()));
    cli_ok(&app.db_url, &["export", "--file", file.to_str().unwrap()]);
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    std::fs::remove_file(&file).ok();
    assert_eq!(written, backup);
}

/// A SQLite path in a fresh temporary directory, which does not exist.
fn missing_sqlite_file() -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("sarcoma-cli-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("elsewhere.sqlite3");
    let text = file.display().to_string();
    (file, text)
}

/// Run from the wrong directory, `create-account` (and `export`) would have
/// made a new, empty database whose token the server never sees: they
/// refuse, naming the file, and create nothing.
#[test]
fn commands_on_a_missing_sqlite_file_name_it_and_create_nothing() {
    let (file, text) = missing_sqlite_file();
    for args in [
        &["create-account", "--name", "Fake Admin", "--role", "admin"][..],
        &["export"][..],
    ] {
        let out = cli(None, args, &[("DATABASE_URL", &text)]);
        assert!(!out.status.success(), "{args:?}");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains(&text), "{args:?} names the file: {said}");
        assert!(!file.exists(), "{args:?} created {text}");
    }
    std::fs::remove_dir_all(file.parent().unwrap()).ok();
}

/// `seed --file` names a file it cannot read.
#[test]
fn seed_names_a_file_it_cannot_read() {
    let (file, text) = missing_sqlite_file();
    let wanted = format!("{}/no-such-seed.json", file.parent().unwrap().display());
    let out = cli(
        None,
        &["seed", "--file", &wanted],
        &[("DATABASE_URL", &text)],
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&wanted),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_dir_all(file.parent().unwrap()).ok();
}

/// A port in use is reported before any database is created or seeded.
#[test]
fn serve_reports_a_port_in_use_before_touching_the_database() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let (file, text) = missing_sqlite_file();
    let out = cli(
        None,
        &["serve"],
        &[("DATABASE_URL", &text), ("BIND_ADDR", &addr)],
    );
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("cannot listen on"), "{said}");
    assert!(!file.exists(), "no database was created");
    std::fs::remove_dir_all(file.parent().unwrap()).ok();
}

/// `export | head` ends quietly when the reader stops early.
#[tokio::test]
async fn export_into_a_closed_pipe_ends_quietly() {
    use std::io::Read;
    let app = TestApp::spawn(Backend::Sqlite, Data::BuiltinSeed).await;
    let sarcoma_directory::store::DatabaseUrl::Sqlite { path: url } = &app.db_url else {
        unreachable!("a SQLite app")
    };
    let mut child = std::process::Command::new(crate::helpers::BINARY)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .arg("export")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe's reading end is dropped here, as `head` would close it.
    let out = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!said.contains("panicked"), "{said}");
    assert!(out.status.success(), "{:?}: {said}", out.status);
    assert_eq!(&first[..1], b"{");
}

both_backends!(
    migrate_then_seed_adds_only_what_is_missing,
    create_account_prints_a_working_token,
    export_prints_the_database,
);
