//! Command line: `serve` (default), `migrate`, `seed`, `openapi`,
//! `create-account`, `export`, `import`, `purge-changes`.

use clap::{Parser, Subcommand};
use sarcoma_directory::config::Settings;
use sarcoma_directory::curation::model::Role;
use sarcoma_directory::curation::{accounts, backup, seed};
use sarcoma_directory::directory::seed::{SeedDocument, BUILTIN_SEED};
use sarcoma_directory::handlers::interop::changes;
use sarcoma_directory::startup::Application;
use sarcoma_directory::store::{Database, DatabaseUrl};

/// Every setting, as README.md's Configuration table has it (a test
/// checks that each variable there is named here).
const SETTINGS_HELP: &str = "\
Settings (environment variables):
  DATABASE_URL                   SQLite file path (or sqlite://PATH), or a postgres:// URL
                                 [default: sarcoma-directory.sqlite3]
  BIND_ADDR                      address and port to listen on [default: 127.0.0.1:8080]
  RUST_LOG                       log filter, e.g. warn or sarcoma_directory=debug [default: info]
  REFRESH_INTERVAL_MS            how often a node checks the database for directory changes,
                                 10 to 60000 [default: 500]
  WORKERS                        HTTP worker threads [default: one per CPU core]
  CORS_ALLOWED_ORIGINS           comma-separated browser origins allowed to call the public API
                                 [default: any origin]
  CURATION_CORS_ALLOWED_ORIGINS  browser origins allowed to call /v1/curation/... [default: none]
  REPORTS_PER_HOUR               public problem reports accepted per client address per hour
                                 and node [default: 10]
  PDFS_PER_HOUR                  PDFs (letters, blank templates) per client address per hour
                                 and node [default: 120]
  TRUSTED_PROXIES                comma-separated IP addresses of reverse proxies whose
                                 X-Forwarded-For names the client [default: none]
  MAP_TILE_URL                   tile server for the patient site's map, e.g.
                                 https://tiles.example.org/{z}/{x}/{y}.png; the site's
                                 policy then allows images from its origin [default: none,
                                 and the site shows a list only]
  MAP_TILE_ATTRIBUTION           the credit the tiles' licence asks for, shown under the map
                                 (required with MAP_TILE_URL)";

#[derive(Parser)]
#[command(version, about = "Sarcoma centre directory API.", after_help = SETTINGS_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load a seed file (default: the built-in directory); adds only what is missing.
    Seed {
        #[arg(long)]
        file: Option<std::path::PathBuf>,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Create a curation account and print its API token (shown only once).
    CreateAccount {
        /// Shown publicly in listings' history.
        #[arg(long)]
        name: String,
        /// curator, reviewer or admin.
        #[arg(long)]
        role: String,
        /// Days until the token expires (default: no expiry).
        #[arg(long)]
        expires_in_days: Option<u32>,
    },
    /// Write the whole database (directory, accounts, proposals, audit
    /// trail, reports, change feed) as JSON.
    Export {
        /// Output file (default: standard output).
        #[arg(long)]
        file: Option<std::path::PathBuf>,
    },
    /// Restore an export into an empty database (either backend).
    Import {
        #[arg(long)]
        file: std::path::PathBuf,
    },
    /// Drop change-feed history before a feed position; clients holding
    /// older cursors then get 410 and re-export.
    PurgeChanges {
        /// Drop the change history up to and including this feed position:
        /// a `cursor` from /v1/changes or an export's Changes-Cursor.
        /// Clients holding it or a later one go on; older cursors get 410.
        #[arg(long, value_name = "CURSOR")]
        through: String,
    },
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Openapi = command {
        return to_stdout(&sarcoma_directory::openapi::spec_json());
    }
    let settings = Settings::from_env().map_err(anyhow::Error::msg)?;
    match command {
        Command::Serve => {
            let app = Application::build(settings.clone()).await?;
            // The bound port, which differs from BIND_ADDR's when that asks
            // for port 0 (tests start peers that way).
            let host = settings
                .bind_addr
                .rsplit_once(':')
                .map_or(settings.bind_addr.as_str(), |(host, _)| host);
            log::info!("listening on http://{host}:{} (docs at /docs)", app.port());
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let db = open(&settings.database_url, Existing::MayCreate)?;
            db.migrate()?;
            println!("migrations applied");
        }
        Command::Seed { file } => {
            let text = match &file {
                Some(path) => read(path)?,
                None => BUILTIN_SEED.to_owned(),
            };
            let doc = SeedDocument::parse(&text).map_err(anyhow::Error::msg)?;
            let db = open(&settings.database_url, Existing::MayCreate)?;
            db.migrate()?;
            let mut conn = db.get()?;
            let report = seed::load(&mut conn, &doc)?;
            if file.is_none() {
                seed::record_builtin_loaded(&mut conn)?;
            }
            println!(
                "added {} centres, {} clinicians, {} facts; {} already present (stored listings untouched, archived ones stay archived); {} skipped",
                report.centres,
                report.clinicians,
                report.facts,
                report.present,
                report.skipped.len()
            );
            for s in &report.skipped {
                println!("skipped {s}");
            }
        }
        Command::PurgeChanges { through } => {
            let position = changes::position(&through).ok_or_else(|| {
                anyhow::anyhow!(
                    "--through must be a cursor from /v1/changes or an export's Changes-Cursor"
                )
            })?;
            let db = open(&settings.database_url, Existing::Required)?;
            db.migrate()?;
            let mut conn = db.get()?;
            let n = sarcoma_directory::store::changes::purge(&mut conn, position)?;
            println!("purged {n} change(s); cursors older than the one given now get 410");
        }
        Command::CreateAccount {
            name,
            role,
            expires_in_days,
        } => {
            let role = Role::from_code(&role)
                .ok_or_else(|| anyhow::anyhow!("--role must be curator, reviewer or admin"))?;
            if name.trim().is_empty() || name.chars().count() > 100 {
                anyhow::bail!("--name must be 1 to 100 characters");
            }
            if expires_in_days.is_some_and(|d| !(1..=3650).contains(&d)) {
                anyhow::bail!("--expires-in-days must be from 1 to 3650");
            }
            let db = open(&settings.database_url, Existing::Required)?;
            db.migrate()?;
            let mut conn = db.get()?;
            let (account, token) = accounts::create_account(
                &mut conn,
                &name,
                role,
                accounts::expiry_in_days(expires_in_days),
                None,
            )?;
            eprintln!(
                "created {} account {} ({}); its token, shown only now:",
                account.role.code(),
                account.id,
                account.display_name
            );
            println!("{}", token.token);
        }
        Command::Export { file } => {
            let db = open(&settings.database_url, Existing::Required)?;
            db.migrate()?;
            let mut conn = db.get()?;
            let backup = backup::export(&mut conn)?;
            let json = serde_json::to_string_pretty(&backup)? + "\n";
            match file {
                Some(path) => std::fs::write(&path, json)
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?,
                None => to_stdout(&json)?,
            }
        }
        Command::Import { file } => {
            let text = read(&file)?;
            let backup: backup::Backup = serde_json::from_str(&text)
                .map_err(|e| anyhow::anyhow!("{}: not a backup: {e}", file.display()))?;
            let db = open(&settings.database_url, Existing::MayCreate)?;
            db.migrate()?;
            let mut conn = db.get()?;
            backup::import(&mut conn, &backup)?;
            println!(
                "imported {} centres, {} clinicians, {} facts, {} accounts, {} proposals, {} audit entries",
                backup.centres.len(),
                backup.clinicians.len(),
                backup.facts.len(),
                backup.accounts.len(),
                backup.proposals.len(),
                backup.audit_log.len()
            );
        }
        Command::Openapi => unreachable!("handled above"),
    }
    Ok(())
}

/// Whether a command may start a new database.
#[derive(PartialEq)]
enum Existing {
    /// `migrate`, `seed`, `import`: creating one is what they are for.
    MayCreate,
    /// `create-account`, `export`, `purge-changes` act on a directory that
    /// is served: a missing SQLite file means DATABASE_URL points elsewhere
    /// (e.g. the command ran in another directory), and a token or export
    /// from a new, empty file would be useless.
    Required,
}

/// Opens the database a command works on and says which it is (on
/// stderr, so output such as an export stays clean).
fn open(url: &DatabaseUrl, existing: Existing) -> anyhow::Result<Database> {
    // An absolute path, so a file in an unexpected directory is obvious.
    let shown = match url {
        DatabaseUrl::Sqlite { path } => DatabaseUrl::Sqlite {
            path: std::path::absolute(path).map_or(path.clone(), |p| p.display().to_string()),
        },
        other => other.clone(),
    };
    if let DatabaseUrl::Sqlite { path } = url {
        if existing == Existing::Required && !std::path::Path::new(path).exists() {
            anyhow::bail!(
                "no database at {}: set DATABASE_URL to the server's database \
                 (the server creates sarcoma-directory.sqlite3 in the directory it starts in)",
                shown.describe()
            );
        }
    }
    eprintln!("database: {}", shown.describe());
    Ok(Database::connect_for_command(url)?)
}

/// A file's text, or an error naming it.
fn read(path: &std::path::Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))
}

/// Writes to stdout; a reader that stopped early (`export | head`) ends
/// the command quietly instead of a panic.
fn to_stdout(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
