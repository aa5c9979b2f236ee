//! The real binary: one-shot commands (`cli`) and `serve` as its own OS
//! process (`ServerProcess`), each with a clean environment holding only
//! `PATH` and the variables the test names.
//!
//! A served node binds port 0 itself, so no port is picked by the test
//! and released (which another process could take in between); the test
//! reads the bound port from the node's `listening on http://HOST:PORT`
//! log line.

use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use sarcoma_directory::store::DatabaseUrl;

pub const BINARY: &str = env!("CARGO_BIN_EXE_sarcoma-directory");

/// `DATABASE_URL` as the binary takes it.
fn url_text(url: &DatabaseUrl) -> String {
    match url {
        DatabaseUrl::Sqlite { path } => path.clone(),
        DatabaseUrl::Postgres { url } => url.clone(),
    }
}

/// The binary in a clean environment: `PATH`, then `env`.
fn command(env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(BINARY);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    for (name, value) in env {
        cmd.env(name, value);
    }
    cmd
}

/// Runs a one-shot command with `DATABASE_URL` (when given) and `env`.
pub fn cli(url: Option<&DatabaseUrl>, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = command(env);
    if let Some(url) = url {
        cmd.env("DATABASE_URL", url_text(url));
    }
    cmd.args(args).output().expect("the binary runs")
}

/// As `cli`, asserting success; its standard output.
pub fn cli_ok(url: &DatabaseUrl, args: &[&str]) -> String {
    let out = cli(Some(url), args, &[("RUST_LOG", "warn")]);
    assert!(
        out.status.success(),
        "{args:?}: {:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `serve` as its own process, stopped (and its log file removed) on drop.
pub struct ServerProcess {
    pub address: String,
    child: Child,
    log: PathBuf,
}

impl ServerProcess {
    /// Starts `serve` over `url` on port 0 with one worker and default
    /// settings otherwise (plus `env`), and waits until `/readyz` answers
    /// 200.
    pub async fn start(url: &DatabaseUrl, env: &[(&str, &str)]) -> ServerProcess {
        Self::start_as(url, env, false).await
    }

    /// As `start`, with SIGXFSZ ignored (set by a shell that then execs
    /// the binary; an ignored signal stays ignored across exec), so that a
    /// file-size limit (`RLIMIT_FSIZE`, see `limit_file_size`) makes the
    /// node's writes fail with EFBIG, as a full disk fails them with
    /// ENOSPC, instead of killing it.
    pub async fn start_ignoring_sigxfsz(url: &DatabaseUrl, env: &[(&str, &str)]) -> ServerProcess {
        Self::start_as(url, env, true).await
    }

    async fn start_as(url: &DatabaseUrl, env: &[(&str, &str)], no_sigxfsz: bool) -> ServerProcess {
        let log = std::env::temp_dir().join(format!("sarcoma-node-{}.log", uuid::Uuid::new_v4()));
        let url = url_text(url);
        let mut base = vec![
            ("DATABASE_URL", url.as_str()),
            ("BIND_ADDR", "127.0.0.1:0"),
            ("WORKERS", "1"),
            ("RUST_LOG", "info"),
        ];
        base.extend_from_slice(env);
        let mut cmd = command(&base);
        if no_sigxfsz {
            let program = cmd.get_program().to_owned();
            cmd = Command::new("sh");
            cmd.env_clear()
                .env("PATH", std::env::var("PATH").unwrap_or_default())
                .envs(base.iter().copied())
                .args(["-c", "trap '' XFSZ; exec \"$0\" \"$@\""])
                .arg(program);
        }
        let child = cmd
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("a log file"))
            .spawn()
            .expect("the binary starts");
        let mut node = ServerProcess {
            address: String::new(),
            child,
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        let port = loop {
            if let Some(status) = node.child.try_wait().unwrap() {
                panic!("the node exited ({status}): {}", node.log_text());
            }
            if let Some(port) = listening_port(&node.log_text()) {
                break port;
            }
            assert!(
                Instant::now() < deadline,
                "the node never listened: {}",
                node.log_text()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        node.address = format!("http://127.0.0.1:{port}");
        let client = super::client();
        let ready = format!("{}/readyz", node.address);
        let log_text = || node.log_text();
        super::eventually(
            "the node answers /readyz with 200",
            Duration::from_secs(30),
            || async {
                match client.get(&ready).send().await {
                    Ok(r) if r.status() == 200 => Ok(()),
                    Ok(r) => Err(format!("{}; log: {}", r.status(), log_text())),
                    Err(e) => Err(format!("{e}; log: {}", log_text())),
                }
            },
        )
        .await;
        node
    }

    /// What the node logged so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The node's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the node with SIGKILL, as a crash or the OOM killer would: no
    /// shutdown code runs, no buffer is flushed. Keeps its log.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL the node");
        let status = self.child.wait().expect("the node is reaped");
        assert!(!status.success(), "the node was killed: {status}");
    }

    /// Sets the node's file-size limit (`RLIMIT_FSIZE`, bytes; `None`: no
    /// limit) while it runs, with util-linux's `prlimit`. Past the limit
    /// every write() of the node to a regular file fails (EFBIG once
    /// SIGXFSZ is ignored: start it with `start_ignoring_sigxfsz`); the
    /// kernel applies it to root as to anyone.
    pub fn limit_file_size(&self, bytes: Option<u64>) {
        let value = bytes.map_or("unlimited".to_owned(), |b| b.to_string());
        let out = Command::new("prlimit")
            .args([
                "--pid",
                &self.pid().to_string(),
                &format!("--fsize={value}:"),
            ])
            .output()
            .expect("prlimit runs (util-linux)");
        assert!(
            out.status.success(),
            "prlimit: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// The port a node's log says it listens on, once it says so.
pub fn listening_port(log: &str) -> Option<u16> {
    let line = log.lines().find(|l| l.contains("listening on http://"))?;
    let address = line.split("listening on http://").nth(1)?;
    let address = address.split_whitespace().next()?;
    let port: u16 = address.rsplit_once(':')?.1.parse().ok()?;
    assert_ne!(port, 0, "the node logged port 0: {line}");
    Some(port)
}
