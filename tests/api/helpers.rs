//! The test harness: `TestApp` spawns the real server with its own
//! database; `both_backends!` runs a test once per backend.

use std::path::PathBuf;
use std::time::Duration;

use diesel::prelude::*;
use sarcoma_directory::config::Settings;
use sarcoma_directory::curation::accounts as auth;
use sarcoma_directory::curation::model::Role;
use sarcoma_directory::curation::seed;
use sarcoma_directory::directory::seed::SeedDocument;
use sarcoma_directory::startup::Application;
use sarcoma_directory::store::{Database, DatabaseUrl};
use serde_json::Value;

/// Plainly fake centres, clinicians and facts (see the file).
pub const FIXTURES: &str = include_str!("../fixtures/directory.json");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each named `async fn(Backend)` as two tests, `sqlite::NAME` and
/// `postgres::NAME`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::$name($crate::helpers::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() { super::$name($crate::helpers::Backend::Postgres).await })*
        }
    };
}

/// A fresh, empty database that is removed again when dropped.
pub struct TestDb {
    pub url: DatabaseUrl,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Database { server: String, name: String },
}

impl TestDb {
    pub fn new(backend: Backend) -> Self {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("sarcoma-test-{unique}.sqlite3"));
                TestDb {
                    url: DatabaseUrl::Sqlite {
                        path: path.display().to_string(),
                    },
                    cleanup: Cleanup::File(path),
                }
            }
            Backend::Postgres => {
                let server = std::env::var("TEST_POSTGRES_URL").expect(
                    "TEST_POSTGRES_URL is not set: the PostgreSQL half of the suite needs a server, \
                     e.g. TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres (see README)",
                );
                let name = format!("sarcoma_test_{unique}");
                let mut admin =
                    PgConnection::establish(&server).expect("connect to TEST_POSTGRES_URL");
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .expect("create a test database");
                let (base, _) = server
                    .rsplit_once('/')
                    .expect("TEST_POSTGRES_URL ends in /DATABASE");
                TestDb {
                    url: DatabaseUrl::Postgres {
                        url: format!("{base}/{name}"),
                    },
                    cleanup: Cleanup::Database { server, name },
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Database { server, name } => {
                if let Ok(mut admin) = PgConnection::establish(server) {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut admin);
                }
            }
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub db_url: DatabaseUrl,
    pub client: reqwest::Client,
    pub db: Database,
    /// The database's owner; `None` on a peer node sharing another's.
    _test_db: Option<TestDb>,
    /// A peer node running as its own process, stopped on drop.
    _process: Option<ChildProcess>,
}

pub struct ChildProcess(std::process::Child);

impl Drop for ChildProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub struct Response {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub bytes: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a problem+json response with this status naming `field`.
    pub fn assert_problem(&self, status: u16, field: Option<&str>) -> Value {
        assert_eq!(self.status, status, "{}", self.text);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{}",
            self.text
        );
        let body = self.json();
        assert_eq!(body["status"], status);
        assert!(
            body["title"].is_string() && body["type"].is_string() && body["detail"].is_string()
        );
        if let Some(field) = field {
            let fields: Vec<&str> = body["errors"]
                .as_array()
                .expect("errors listed")
                .iter()
                .map(|e| e["field"].as_str().unwrap())
                .collect();
            assert!(fields.contains(&field), "expected {field} among {fields:?}");
        }
        body
    }
}

pub enum Data {
    /// Nothing loaded: an empty directory.
    Empty,
    /// The fake fixtures of `tests/fixtures/directory.json`.
    Fixtures,
    /// The real built-in seed, loaded by the server's first start.
    BuiltinSeed,
    /// A document built by the test (also plainly fake).
    Document(Box<SeedDocument>),
}

impl TestApp {
    pub async fn spawn(backend: Backend, data: Data) -> TestApp {
        Self::spawn_with(backend, data, |_| {}).await
    }

    /// As `spawn`, with settings adjusted by `configure` first.
    pub async fn spawn_with(
        backend: Backend,
        data: Data,
        configure: impl FnOnce(&mut Settings),
    ) -> TestApp {
        init_logging();
        let test_db = TestDb::new(backend);
        let db = Database::connect(&test_db.url).expect("connect");
        let doc = match &data {
            Data::Fixtures => Some(SeedDocument::parse(FIXTURES).expect("fixtures are valid")),
            Data::Document(doc) => Some((**doc).clone()),
            Data::Empty | Data::BuiltinSeed => None,
        };
        if let Some(doc) = doc {
            let problems = doc.problems(chrono::Utc::now().date_naive());
            assert!(problems.is_empty(), "test data is invalid: {problems:?}");
            db.migrate().expect("migrate");
            seed::load(&mut db.get().unwrap(), &doc).expect("load test data");
        }
        let mut settings = Settings {
            database_url: test_db.url.clone(),
            bind_addr: "127.0.0.1:0".into(),
            refresh_interval: Duration::from_millis(50),
            seed_empty_database: matches!(data, Data::BuiltinSeed),
            workers: Some(1),
            cors_origins: None,
            curation_origins: Vec::new(),
            reports_per_hour: 10,
            trusted_proxies: Vec::new(),
        };
        configure(&mut settings);
        let app = Application::build(settings)
            .await
            .expect("the server starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address,
            db_url: test_db.url.clone(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            db,
            _test_db: Some(test_db),
            _process: None,
        }
    }

    /// A second API node over this app's database, as its own OS process
    /// (the service binary's `serve`, default settings), as several
    /// stateless nodes run over one PostgreSQL database.
    pub async fn spawn_peer_process(&self) -> TestApp {
        // Ask the OS for a free port, then let the node bind it.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let url = match &self.db_url {
            DatabaseUrl::Sqlite { path } => path.clone(),
            DatabaseUrl::Postgres { url } => url.clone(),
        };
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_sarcoma-directory"))
            .arg("serve")
            .env("DATABASE_URL", url)
            .env("BIND_ADDR", format!("127.0.0.1:{port}"))
            .env("WORKERS", "1")
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("the binary starts");
        let peer = TestApp {
            address: format!("http://127.0.0.1:{port}"),
            db_url: self.db_url.clone(),
            client: self.client.clone(),
            db: Database::connect(&self.db_url).expect("connect"),
            _test_db: None,
            _process: Some(ChildProcess(child)),
        };
        for _ in 0..200 {
            let ready = peer
                .client
                .get(format!("{}/readyz", peer.address))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if ready {
                return peer;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the peer process did not become ready");
    }

    /// Creates an account through the library (as the CLI does); its token.
    pub fn account(&self, name: &str, role: Role) -> String {
        let (_, token) = auth::create_account(&mut self.db.get().unwrap(), name, role, None)
            .expect("create an account");
        token.token
    }

    /// Sends `body` (JSON) with a bearer token and optional If-Match.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        if_match: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let mut req = self
            .client
            .request(method, format!("{}{}", self.address, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(m) = if_match {
            req = req.header("If-Match", m);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.expect("the server answers");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let bytes = res.bytes().await.expect("a body").to_vec();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Response {
            status,
            headers,
            text,
            bytes,
        }
    }

    pub async fn get(&self, path_and_query: &str) -> Response {
        self.request(reqwest::Method::GET, path_and_query).await
    }

    pub async fn request(&self, method: reqwest::Method, path_and_query: &str) -> Response {
        let res = self
            .client
            .request(method, format!("{}{}", self.address, path_and_query))
            .send()
            .await
            .expect("the server answers");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let bytes = res.bytes().await.expect("a body").to_vec();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Response {
            status,
            headers,
            text,
            bytes,
        }
    }

    /// `GET` expecting 200; the JSON body.
    pub async fn get_ok(&self, path_and_query: &str) -> Value {
        let res = self.get(path_and_query).await;
        assert_eq!(res.status, 200, "GET {path_and_query}: {}", res.text);
        res.json()
    }

    /// Ids of the items of one page.
    pub async fn ids(&self, path_and_query: &str) -> Vec<String> {
        ids(&self.get_ok(path_and_query).await)
    }
}

/// The fixtures as a document a test can add to.
pub fn fixtures() -> SeedDocument {
    SeedDocument::parse(FIXTURES).expect("fixtures are valid")
}

pub fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Every log line the servers in this test process wrote, kept so the
/// privacy tests can search it; printed too when TEST_LOG is set.
static CAPTURED: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

struct CaptureLogger {
    echo: bool,
}

impl log::Log for CaptureLogger {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }

    fn log(&self, record: &log::Record) {
        let line = format!("{} {} {}\n", record.level(), record.target(), record.args());
        if self.echo {
            eprint!("{line}");
        }
        CAPTURED.lock().unwrap().push_str(&line);
    }

    fn flush(&self) {}
}

pub fn captured_logs() -> String {
    CAPTURED.lock().unwrap().clone()
}

fn init_logging() {
    static LOGGER: std::sync::OnceLock<CaptureLogger> = std::sync::OnceLock::new();
    let logger = LOGGER.get_or_init(|| CaptureLogger {
        echo: std::env::var("TEST_LOG").is_ok(),
    });
    if log::set_logger(logger).is_ok() {
        log::set_max_level(log::LevelFilter::Trace);
    }
}

impl TestApp {
    /// Everything stored in this app's database, as bytes to search: the
    /// SQLite files themselves, or a pg_dump of the PostgreSQL database.
    pub fn database_bytes(&self) -> Vec<u8> {
        match &self.db_url {
            DatabaseUrl::Sqlite { path } => ["", "-wal", "-shm"]
                .iter()
                .flat_map(|suffix| std::fs::read(format!("{path}{suffix}")).unwrap_or_default())
                .collect(),
            DatabaseUrl::Postgres { url } => {
                let out = std::process::Command::new("pg_dump")
                    .args(["--data-only", "--no-owner", url])
                    .output()
                    .expect("pg_dump runs (postgresql-client; .ci/test installs it)");
                assert!(
                    out.status.success(),
                    "pg_dump: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                out.stdout
            }
        }
    }
}

/// The Python that runs the tests' Python scripts: `TEST_PYTHON` (which
/// `.ci/test` points at its virtualenv with tests/requirements.txt), else
/// `python3`.
pub fn python() -> std::process::Command {
    std::process::Command::new(std::env::var("TEST_PYTHON").unwrap_or_else(|_| "python3".into()))
}

/// Runs a `python()` command; panics naming `.ci/test` when Python or one
/// of the packages the tests need is missing.
pub fn run_python(cmd: &mut std::process::Command) -> std::process::Output {
    const HINT: &str = "run the tests with `bash .ci/test`, which installs tests/requirements.txt \
                        into target/test-venv and sets TEST_PYTHON to its python";
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {:?} ({e}): {HINT}", cmd.get_program()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("ModuleNotFoundError") || stderr.contains("No module named") {
        panic!("a Python package is missing: {HINT}\n{stderr}");
    }
    out
}
