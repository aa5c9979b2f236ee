//! The test harness: `TestApp` spawns the real server with its own
//! database and checks it runs on the backend asked for; `both_backends!`
//! runs a test once per backend and `sqlite_once!` once on SQLite (for
//! behaviour that does not depend on the database). One request helper
//! (`TestApp::req`, with the shortcuts `get`, `get_ok`, `get_json`,
//! `post_json` and `send`) and one polling helper (`eventually`).

mod db;
mod logs;
mod process;

use std::future::Future;
use std::time::{Duration, Instant};

use reqwest::Method;
use sarcoma_directory::config::Settings;
use sarcoma_directory::curation::accounts as auth;
use sarcoma_directory::curation::model::Role;
use sarcoma_directory::curation::seed;
use sarcoma_directory::directory::seed::SeedDocument;
use sarcoma_directory::startup::Application;
use sarcoma_directory::store::{Database, DatabaseUrl};
use serde_json::Value;

pub use db::TestDb;
pub use logs::{captured_logs, wait_for_log_line};
pub use process::{cli, cli_ok, ServerProcess, BINARY};

/// Plainly fake centres, clinicians and facts (see the file).
pub const FIXTURES: &str = include_str!("../fixtures/directory.json");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// What `/readyz` reports for this backend.
    pub fn code(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
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

/// Runs each named `async fn(Backend)` once, on SQLite, as `once::NAME`:
/// for behaviour that does not depend on the database (the spec, document
/// rendering, templates). Not named `sqlite::` so that CI's count of
/// SQLite and PostgreSQL tests still pairs up.
#[macro_export]
macro_rules! sqlite_once {
    ($($name:ident),* $(,)?) => {
        mod once {
            $(#[tokio::test] async fn $name() { super::$name($crate::helpers::Backend::Sqlite).await })*
        }
    };
}

pub struct TestApp {
    pub address: String,
    pub db_url: DatabaseUrl,
    pub client: reqwest::Client,
    pub db: Database,
    /// The database's owner; `None` on a peer node sharing another's.
    _test_db: Option<TestDb>,
    /// A peer node running as its own process, stopped on drop.
    _process: Option<ServerProcess>,
}

/// An answer: status, headers and body.
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

    /// Asserts the status; the JSON body.
    pub fn expect(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", self.text);
        self.json()
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

/// One request to a test server, built up and then sent.
pub struct Req<'a> {
    app: &'a TestApp,
    builder: reqwest::RequestBuilder,
}

impl Req<'_> {
    /// `Authorization: Bearer TOKEN`.
    pub fn token(mut self, token: &str) -> Self {
        self.builder = self.builder.bearer_auth(token);
        self
    }

    pub fn if_match(self, etag: &str) -> Self {
        self.header("If-Match", etag)
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.builder = self.builder.header(name, value);
        self
    }

    pub fn json(mut self, body: &Value) -> Self {
        self.builder = self.builder.json(body);
        self
    }

    /// A raw body with its media type.
    pub fn body(mut self, content_type: &str, body: impl Into<reqwest::Body>) -> Self {
        self.builder = self.builder.header("Content-Type", content_type).body(body);
        self
    }

    pub async fn send(self) -> Response {
        let res =
            self.builder.send().await.unwrap_or_else(|e| {
                panic!("the server at {} does not answer: {e}", self.app.address)
            });
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

    /// As `spawn`, with settings adjusted by `configure` first. Asserts
    /// that the server runs on `backend`, so no test passes on the wrong
    /// database.
    pub async fn spawn_with(
        backend: Backend,
        data: Data,
        configure: impl FnOnce(&mut Settings),
    ) -> TestApp {
        logs::init();
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
            pdfs_per_hour: 120,
            trusted_proxies: Vec::new(),
            map_tiles: None,
        };
        configure(&mut settings);
        let app = Application::build(settings)
            .await
            .expect("the server starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        let app = TestApp {
            address,
            db_url: test_db.url.clone(),
            client: client(),
            db,
            _test_db: Some(test_db),
            _process: None,
        };
        app.assert_backend(backend).await;
        app
    }

    /// Asserts `/readyz` answers 200 and names `backend`.
    pub async fn assert_backend(&self, backend: Backend) {
        let ready = self.get("/readyz").await;
        assert_eq!(ready.status, 200, "/readyz: {}", ready.text);
        assert_eq!(
            ready.json()["backend"],
            backend.code(),
            "the server runs on the backend the test asked for"
        );
    }

    /// A second API node over this app's database, as its own OS process
    /// (the service binary's `serve` with default settings, a clean
    /// environment, port 0), as several stateless nodes run over one
    /// PostgreSQL database.
    pub async fn spawn_peer_process(&self) -> TestApp {
        self.spawn_peer_process_with(&[]).await
    }

    /// As `spawn_peer_process`, with more environment variables.
    pub async fn spawn_peer_process_with(&self, env: &[(&str, &str)]) -> TestApp {
        let node = ServerProcess::start(&self.db_url, env).await;
        self.adopt_peer(node).await
    }

    /// A node started by the test (see `ServerProcess`) over this app's
    /// database, as a peer `TestApp`.
    pub async fn adopt_peer(&self, node: ServerProcess) -> TestApp {
        let peer = TestApp {
            address: node.address.clone(),
            db_url: self.db_url.clone(),
            client: self.client.clone(),
            db: Database::connect(&self.db_url).expect("connect"),
            _test_db: None,
            _process: Some(node),
        };
        let backend = match self.db_url {
            DatabaseUrl::Sqlite { .. } => Backend::Sqlite,
            DatabaseUrl::Postgres { .. } => Backend::Postgres,
        };
        peer.assert_backend(backend).await;
        peer
    }

    /// What a peer process logged so far (`None` for an in-process app).
    pub fn process_log(&self) -> Option<String> {
        self._process.as_ref().map(ServerProcess::log_text)
    }

    /// The peer's process (`None` for an in-process app).
    pub fn process(&self) -> Option<&ServerProcess> {
        self._process.as_ref()
    }

    /// Creates an account through the library (as the CLI does); its token.
    pub fn account(&self, name: &str, role: Role) -> String {
        let (_, token) = auth::create_account(&mut self.db.get().unwrap(), name, role, None, None)
            .expect("create an account");
        token.token
    }

    /// The one request helper: `app.req(Method::POST, path).token(t)
    /// .if_match(e).json(&body).send().await`.
    pub fn req(&self, method: Method, path_and_query: &str) -> Req<'_> {
        Req {
            app: self,
            builder: self
                .client
                .request(method, format!("{}{}", self.address, path_and_query)),
        }
    }

    /// Sends `body` (JSON) with a bearer token and optional If-Match.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        if_match: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let mut req = self.req(method, path);
        if let Some(t) = token {
            req = req.token(t);
        }
        if let Some(m) = if_match {
            req = req.if_match(m);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        req.send().await
    }

    pub async fn get(&self, path_and_query: &str) -> Response {
        self.req(Method::GET, path_and_query).send().await
    }

    /// `GET` expecting 200; the JSON body.
    pub async fn get_ok(&self, path_and_query: &str) -> Value {
        let res = self.get(path_and_query).await;
        assert_eq!(res.status, 200, "GET {path_and_query}: {}", res.text);
        res.json()
    }

    /// `GET` with a bearer token.
    pub async fn get_json(&self, path_and_query: &str, token: &str) -> Response {
        self.req(Method::GET, path_and_query)
            .token(token)
            .send()
            .await
    }

    /// `POST` of a JSON body, with a bearer token when given.
    pub async fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.send(Method::POST, path, token, None, Some(body)).await
    }

    /// Loads more (plainly fake) listings straight into the database, as
    /// another node or the `seed` command would.
    pub async fn load(&self, doc: SeedDocument) {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || seed::load(&mut db.get().unwrap(), &doc).unwrap())
            .await
            .unwrap();
    }

    /// Polls `GET path` until `ready` holds for its JSON (5 s at most).
    pub async fn wait_for(&self, path: &str, ready: impl Fn(&Value) -> bool) -> Value {
        eventually(&format!("GET {path}"), Duration::from_secs(5), || async {
            let page = self.get_ok(path).await;
            if ready(&page) {
                Ok(page)
            } else {
                Err(page.to_string())
            }
        })
        .await
    }

    /// Ids of the items of one page.
    pub async fn ids(&self, path_and_query: &str) -> Vec<String> {
        ids(&self.get_ok(path_and_query).await)
    }

    /// Everything stored in this app's database, as bytes to search: the
    /// SQLite files themselves, or a full pg_dump (schema and data) of the
    /// PostgreSQL database.
    pub fn database_bytes(&self) -> Vec<u8> {
        match &self.db_url {
            DatabaseUrl::Sqlite { path } => ["", "-wal", "-shm"]
                .iter()
                .flat_map(|suffix| std::fs::read(format!("{path}{suffix}")).unwrap_or_default())
                .collect(),
            DatabaseUrl::Postgres { url } => {
                let out = std::process::Command::new("pg_dump")
                    .args(["--no-owner", url])
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

/// An HTTP client that does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The one polling helper: runs `probe` until it gives `Ok`, waiting a
/// little between tries, and panics after `timeout` naming `what` and the
/// last reason the probe gave.
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let start = Instant::now();
    let mut tries = 0;
    loop {
        tries += 1;
        match probe().await {
            Ok(value) => return value,
            Err(last) if start.elapsed() >= timeout => {
                panic!("{what}: not so after {timeout:?} ({tries} tries); last: {last}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

/// The fixtures as a document a test can add to.
pub fn fixtures() -> SeedDocument {
    SeedDocument::parse(FIXTURES).expect("fixtures are valid")
}

/// Ids of the items of one page.
pub fn ids(page: &Value) -> Vec<String> {
    items(page)
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The `items` of a page (asserting there is such a list).
pub fn items(page: &Value) -> &Vec<Value> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items list in {page}"))
}

/// The `items` of a page, asserting there is at least one, so a check
/// over them cannot pass vacuously.
pub fn some_items(page: &Value) -> &Vec<Value> {
    let list = items(page);
    assert!(!list.is_empty(), "expected items in {page}");
    list
}
