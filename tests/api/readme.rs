//! The README's examples work as written. Each ```sh block of README.md
//! marked `<!-- readme-test -->` on the line before runs, read from the
//! file at test time, with bash (`set -euo pipefail`) against a server
//! seeded with the built-in directory: `http://127.0.0.1:8080` becomes the
//! test server's address and `cargo run --release --` the service binary on
//! the test database. Every curl call fails on an HTTP error (the test adds
//! `--fail-with-body` unless the example fails by itself with `-f`) and is
//! recorded, so the test checks what the examples got, not only that they
//! ran. Once, on SQLite (the examples are about the API, not the backend).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use diesel::prelude::*;
use sarcoma_directory::directory::seed::{self, SeedDocument};
use sarcoma_directory::store::{schema, Database, DatabaseUrl};
use serde_json::Value;

use crate::helpers::{Backend, Data, TestApp};

const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
const BINARY: &str = env!("CARGO_BIN_EXE_sarcoma-directory");
const MARK: &str = "<!-- readme-test -->";
const README_ADDRESS: &str = "http://127.0.0.1:8080";
const README_CARGO_RUN: &str = "cargo run --release --";

fn readme() -> String {
    std::fs::read_to_string(README).expect("README.md is readable")
}

/// A marked ```sh block: its first line's number in README.md, its text.
struct Block {
    line: usize,
    code: String,
}

fn marked_blocks(readme: &str) -> Vec<Block> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() == MARK {
            assert_eq!(
                lines.get(i + 1).map(|l| l.trim_end()),
                Some("```sh"),
                "README.md line {}: {MARK} must stand right before a ```sh block",
                i + 1
            );
            let start = i + 2;
            let len = lines[start..]
                .iter()
                .position(|l| l.trim_end() == "```")
                .unwrap_or_else(|| panic!("README.md line {}: the block never ends", i + 2));
            blocks.push(Block {
                line: start + 1,
                code: lines[start..start + len].join("\n"),
            });
            i = start + len;
        }
        i += 1;
    }
    blocks
}

/// Before each block: strict bash, and curl wrapped so that each call
/// fails on an HTTP error and leaves its arguments, response headers and
/// standard output in $README_CALLS/N.*.
const PRELUDE: &str = r#"set -euo pipefail
curl() {
  local n a fail=(--fail-with-body)
  n=$(( $(cat "$README_CALLS/count") + 1 ))
  echo "$n" >"$README_CALLS/count"
  printf '%s\n' "$@" >"$README_CALLS/$n.args"
  for a in "$@"; do
    if [[ $a == --fail* || ( $a == -[!-]* && $a == *f* ) ]]; then fail=(); fi
  done
  command curl "${fail[@]}" --no-progress-meter -D "$README_CALLS/$n.headers" "$@" | tee "$README_CALLS/$n.body"
}
"#;

/// One curl call an example made.
struct Call {
    /// README.md line of the block that made it.
    block: usize,
    args: Vec<String>,
    /// None when the example dumps the headers itself (`-D`).
    status: Option<u16>,
    body: String,
}

impl Call {
    /// The path and query asked for.
    fn target(&self, address: &str) -> &str {
        self.args
            .iter()
            .find_map(|a| a.strip_prefix(address))
            .unwrap_or_else(|| {
                panic!(
                    "a README curl call without the server's address: {:?}",
                    self.args
                )
            })
    }

    fn query(&self, address: &str, name: &str) -> Option<String> {
        let (_, query) = self.target(address).split_once('?')?;
        query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == name).then(|| v.to_owned())
        })
    }

    fn json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }

    /// The file the answer was written to (`-o FILE`), if any.
    fn output_file(&self) -> Option<&str> {
        let i = self.args.iter().position(|a| a == "-o")?;
        self.args.get(i + 1).map(String::as_str)
    }

    fn describe(&self) -> String {
        format!(
            "README.md block at line {}: curl {:?}",
            self.block, self.args
        )
    }
}

fn read_calls(dir: &Path, from: usize, block: usize) -> Vec<Call> {
    let count: usize = std::fs::read_to_string(dir.join("count"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    (from + 1..=count)
        .map(|n| {
            let file = |ext: &str| std::fs::read_to_string(dir.join(format!("{n}.{ext}")));
            let args = file("args").unwrap().lines().map(str::to_owned).collect();
            let status = file("headers").ok().and_then(|h| {
                h.split_whitespace()
                    .nth(1)
                    .and_then(|s| s.parse::<u16>().ok())
            });
            Call {
                block,
                args,
                status,
                body: file("body").unwrap_or_default(),
            }
        })
        .collect()
}

fn require_tool(name: &str) {
    let ok = Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "`{name}` is missing: the README's examples use curl and jq; run the tests with \
         `bash .ci/test`, which installs them"
    );
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The last 2000 characters of a block's output, for a failure message.
fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let chars: Vec<char> = text.chars().collect();
    chars[chars.len().saturating_sub(2000)..].iter().collect()
}

/// Runs every marked block in order in `dir`; the calls they made.
fn run_blocks(address: &str, database: &str, dir: &Path) -> (Vec<Call>, Vec<(Block, Output)>) {
    let text = readme();
    let blocks = marked_blocks(&text);
    assert!(
        blocks.iter().any(|b| b.code.contains(README_ADDRESS))
            && blocks.iter().any(|b| b.code.contains(README_CARGO_RUN)),
        "README.md marks no runnable curl or `{README_CARGO_RUN}` example with {MARK}"
    );
    let calls_dir = dir.join(".calls");
    std::fs::create_dir_all(&calls_dir).unwrap();
    std::fs::write(calls_dir.join("count"), "0").unwrap();
    let mut calls = Vec::new();
    let mut outputs = Vec::new();
    for block in blocks {
        let script = format!(
            "{PRELUDE}{}\n",
            block
                .code
                .replace(README_ADDRESS, address)
                .replace(README_CARGO_RUN, &shell_quote(BINARY))
        );
        let out = Command::new("bash")
            .arg("-c")
            .arg(&script)
            .current_dir(dir)
            .env("DATABASE_URL", database)
            .env("README_CALLS", &calls_dir)
            .env("RUST_LOG", "warn")
            .env("NO_PROXY", "127.0.0.1")
            .env("no_proxy", "127.0.0.1")
            .output()
            .expect("bash runs");
        assert!(
            out.status.success(),
            "the README.md example at line {} failed ({}):\n{}\n--- stdout (end):\n{}\n--- stderr (end):\n{}",
            block.line,
            out.status,
            block.code,
            tail(&out.stdout),
            tail(&out.stderr)
        );
        calls.extend(read_calls(&calls_dir, calls.len(), block.line));
        outputs.push((block, out));
    }
    (calls, outputs)
}

#[tokio::test]
async fn the_readme_examples_work_as_written() {
    require_tool("curl");
    require_tool("jq");
    let app = TestApp::spawn(Backend::Sqlite, Data::BuiltinSeed).await;
    let DatabaseUrl::Sqlite { path: database } = app.db_url.clone() else {
        unreachable!("a SQLite test app")
    };
    let dir: PathBuf =
        std::env::temp_dir().join(format!("sarcoma-readme-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let address = app.address.clone();
    let (calls, outputs) = {
        let (address, dir) = (address.clone(), dir.clone());
        tokio::task::spawn_blocking(move || run_blocks(&address, &database, &dir))
            .await
            .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
    };
    let a = address.as_str();

    // Every list an example shows has something in it (the change feed
    // excepted: nothing changed since the export just before it).
    for call in &calls {
        let Some(body) = call.json() else { continue };
        if let Some(items) = body["items"].as_array() {
            if !call.target(a).starts_with("/v1/changes") {
                assert!(!items.is_empty(), "lists nothing: {}", call.describe());
            }
        }
        if body["resourceType"] == "Bundle" {
            let entries = body["entry"].as_array().map_or(0, Vec::len);
            assert!(entries > 0, "finds nothing: {}", call.describe());
        }
    }

    // A region search finds centres of that region only.
    let region_calls: Vec<&Call> = calls
        .iter()
        .filter(|c| c.query(a, "region").is_some())
        .collect();
    assert!(
        !region_calls.is_empty(),
        "the README shows no region search"
    );
    for call in region_calls {
        let region = call.query(a, "region").unwrap();
        for item in call.json().unwrap()["items"].as_array().unwrap() {
            assert_eq!(
                item["address"]["subdivision"],
                region.as_str(),
                "{}",
                call.describe()
            );
        }
    }

    // Paging: a next page is fetched with a real cursor and has centres.
    let next_page = calls
        .iter()
        .find(|c| {
            c.query(a, "cursor")
                .is_some_and(|v| !v.is_empty() && v != "null")
        })
        .expect("the README follows a next_cursor");
    assert_eq!(next_page.status, Some(200), "{}", next_page.describe());
    assert!(!next_page.json().unwrap()["items"]
        .as_array()
        .unwrap()
        .is_empty());

    // The curator's guide: accounts made, a proposal approved, a
    // verification recorded, and the public listing shows both.
    let created = |suffix: &str| {
        calls
            .iter()
            .filter(|c| c.target(a).ends_with(suffix))
            .collect::<Vec<_>>()
    };
    let accounts = created("/v1/curation/accounts");
    assert!(accounts.len() >= 2, "a curator and a reviewer are created");
    assert!(accounts.iter().all(|c| c.status == Some(201)));
    let approve = created("/approve");
    let [approve] = approve.as_slice() else {
        panic!("the README approves one proposal: {}", approve.len())
    };
    assert_eq!(approve.status, Some(200), "{}", approve.describe());
    let proposal = approve.json().unwrap();
    assert_eq!(proposal["status"], "approved");
    let verify = created("/verifications");
    let [verify] = verify.as_slice() else {
        panic!("the README records one verification: {}", verify.len())
    };
    assert_eq!(verify.status, Some(201), "{}", verify.describe());
    let centre_id = proposal["entity_id"].as_str().unwrap();
    assert!(
        verify.target(a).contains(centre_id),
        "the guide verifies the centre it changed"
    );
    let public = app.get_ok(&format!("/v1/centres/{centre_id}")).await;
    assert_eq!(public["verification"]["status"], "verified");
    let changed = proposal["changed_fields"].as_array().unwrap();
    assert!(!changed.is_empty());
    for field in changed {
        let field = field.as_str().unwrap();
        assert_eq!(
            public[field], proposal["entity"][field],
            "the approved {field} is public"
        );
    }

    // Files the examples saved are what they claim to be.
    let mut saved = 0;
    for call in &calls {
        let Some(name) = call.output_file().filter(|f| *f != "/dev/null") else {
            continue;
        };
        let bytes = std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let text = String::from_utf8_lossy(&bytes);
        let ok = match Path::new(name).extension().and_then(|e| e.to_str()) {
            Some("pdf") => bytes.starts_with(b"%PDF"),
            Some("docx") => bytes.starts_with(b"PK"),
            Some("ndjson") => {
                text.lines().count() > 1
                    && text
                        .lines()
                        .all(|l| serde_json::from_str::<Value>(l).is_ok())
            }
            Some("csv") => text.lines().count() > 1,
            Some("json") => serde_json::from_str::<Value>(&text).is_ok(),
            _ => !bytes.is_empty(),
        };
        assert!(ok, "{name} is not what it should be: {}", call.describe());
        saved += 1;
    }
    assert!(saved >= 4, "the examples save exports and letters");

    // The backup example restores the whole directory into a new database.
    let seeded = SeedDocument::parse(seed::BUILTIN_SEED)
        .unwrap()
        .centres
        .len();
    let import = outputs
        .iter()
        .find(|(b, _)| b.code.contains("-- import"))
        .expect("the README shows an import");
    let said = String::from_utf8_lossy(&import.1.stdout);
    assert!(
        said.contains(&format!("imported {seeded} centres")),
        "{said}"
    );
    let restored = Database::connect(&DatabaseUrl::Sqlite {
        path: dir.join("restored.sqlite3").display().to_string(),
    })
    .expect("restored.sqlite3, the README's restored database, opens");
    let n: i64 = schema::centres::table
        .count()
        .get_result(&mut restored.get().unwrap())
        .unwrap();
    assert_eq!(n as usize, seeded, "restored.sqlite3 holds every centre");

    let _ = std::fs::remove_dir_all(&dir);
}

/// `--help` names every setting of the README's Configuration table.
#[test]
fn help_names_every_setting_in_the_readme() {
    let text = readme();
    let section = text
        .split("## Configuration")
        .nth(1)
        .expect("a Configuration section")
        .split("\n## ")
        .next()
        .unwrap();
    let variables: Vec<&str> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| `")?.split('`').next())
        .collect();
    assert!(variables.len() >= 9, "{variables:?}");
    let out = Command::new(BINARY).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for v in &variables {
        assert!(help.contains(v), "--help does not name {v}:\n{help}");
    }
}
