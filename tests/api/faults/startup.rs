//! Starting against a database that is not there fails at once with a
//! message naming it, rather than retrying for the pool's whole timeout.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::both_backends;
use crate::helpers::{Backend, BINARY};

/// How soon `serve` must give up.
const FAIL_WITHIN: Duration = Duration::from_secs(3);

/// PostgreSQL: a database that does not exist on the test server. SQLite:
/// a file in a directory that does not exist (SQLite creates a missing
/// file, not its directory).
async fn serve_fails_fast_naming_a_missing_database(b: Backend) {
    let unique = uuid::Uuid::new_v4().simple().to_string();
    let (url, named) = match b {
        Backend::Sqlite => {
            let path = std::env::temp_dir()
                .join(format!("sarcoma-missing-{unique}"))
                .join("directory.sqlite3");
            let path = path.display().to_string();
            (path.clone(), format!("SQLite database file {path:?}"))
        }
        Backend::Postgres => {
            let server =
                std::env::var("TEST_POSTGRES_URL").expect("TEST_POSTGRES_URL (see README)");
            let (base, _) = server.rsplit_once('/').unwrap();
            let name = format!("sarcoma_missing_{unique}");
            (
                format!("{base}/{name}"),
                format!("PostgreSQL database {name:?}"),
            )
        }
    };
    let mut child = Command::new(BINARY)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &url)
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "info")
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("serve still runs after 30 s against a missing database");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let took = started.elapsed();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!status.success(), "{stderr}");
    assert!(
        took < FAIL_WITHIN,
        "serve gave up after {took:?}; the limit is {FAIL_WITHIN:?}: {stderr}"
    );
    assert!(
        stderr.contains(&format!("cannot connect to the {named}")),
        "names the database ({named}): {stderr}"
    );
    if b == Backend::Postgres {
        assert!(stderr.contains("does not exist"), "{stderr}");
    }
    // One clear message, not a retry loop's worth of them.
    let errors = stderr.lines().filter(|l| l.contains("ERROR")).count();
    assert!(errors <= 1, "{errors} error lines: {stderr}");
    if b == Backend::Sqlite {
        assert!(
            !std::path::Path::new(&url).parent().unwrap().exists(),
            "nothing was created"
        );
    }
}

both_backends!(serve_fails_fast_naming_a_missing_database);
