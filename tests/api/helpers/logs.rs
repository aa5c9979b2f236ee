//! Every log line the in-process servers write, at every level (trace
//! included), kept so the privacy tests can search it; printed too when
//! `TEST_LOG` is set.

use std::time::Duration;

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

/// The whole log so far, of every test in this process.
pub fn captured_logs() -> String {
    CAPTURED.lock().unwrap().clone()
}

/// Waits until a captured log line contains `needle` (the request log is
/// written after the answer is sent, so a client may see the answer
/// first); the whole log then.
pub async fn wait_for_log_line(needle: &str) -> String {
    super::eventually(
        &format!("a log line with {needle:?}"),
        Duration::from_secs(10),
        || async {
            let logs = captured_logs();
            if logs.contains(needle) {
                Ok(logs)
            } else {
                Err("not logged yet".to_owned())
            }
        },
    )
    .await
}

/// Installs the capturing logger at the most verbose level (once).
pub fn init() {
    static LOGGER: std::sync::OnceLock<CaptureLogger> = std::sync::OnceLock::new();
    let logger = LOGGER.get_or_init(|| CaptureLogger {
        echo: std::env::var("TEST_LOG").is_ok(),
    });
    if log::set_logger(logger).is_ok() {
        log::set_max_level(log::LevelFilter::Trace);
    }
}
