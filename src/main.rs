//! Command line: `serve` (default), `migrate`, `seed`, `openapi`,
//! `create-account`, `export`, `import`, `purge-changes`.

use clap::{Parser, Subcommand};
use sarcoma_directory::config::Settings;
use sarcoma_directory::curation::model::Role;
use sarcoma_directory::curation::{accounts, backup, seed};
use sarcoma_directory::directory::seed::{SeedDocument, BUILTIN_SEED};
use sarcoma_directory::startup::Application;
use sarcoma_directory::store::Database;

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
  TRUSTED_PROXIES                comma-separated IP addresses of reverse proxies whose
                                 X-Forwarded-For names the client [default: none]";

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
        /// Keep changes from this feed position on (see `/v1/changes`).
        #[arg(long)]
        before: i64,
    },
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Openapi = command {
        print!("{}", sarcoma_directory::openapi::spec_json());
        return Ok(());
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
            let db = Database::connect_for_command(&settings.database_url)?;
            db.migrate()?;
            println!("migrations applied");
        }
        Command::Seed { file } => {
            let text = match &file {
                Some(path) => std::fs::read_to_string(path)?,
                None => BUILTIN_SEED.to_owned(),
            };
            let doc = SeedDocument::parse(&text).map_err(anyhow::Error::msg)?;
            let db = Database::connect_for_command(&settings.database_url)?;
            db.migrate()?;
            let mut conn = db.get()?;
            let report = seed::load(&mut conn, &doc)?;
            println!(
                "added {} centres, {} clinicians, {} facts (existing listings untouched)",
                report.centres, report.clinicians, report.facts
            );
        }
        Command::PurgeChanges { before } => {
            let db = Database::connect_for_command(&settings.database_url)?;
            db.migrate()?;
            let mut conn = db.get()?;
            let n = sarcoma_directory::store::changes::purge(&mut conn, before)?;
            println!("purged {n} change(s) before position {before}");
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
            let db = Database::connect_for_command(&settings.database_url)?;
            db.migrate()?;
            let mut conn = db.get()?;
            let (account, token) = accounts::create_account(
                &mut conn,
                &name,
                role,
                accounts::expiry_in_days(expires_in_days),
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
            let db = Database::connect_for_command(&settings.database_url)?;
            db.migrate()?;
            let mut conn = db.get()?;
            let backup = backup::export(&mut conn)?;
            let json = serde_json::to_string_pretty(&backup)?;
            match file {
                Some(path) => std::fs::write(path, json + "\n")?,
                None => println!("{json}"),
            }
        }
        Command::Import { file } => {
            let text = std::fs::read_to_string(&file)?;
            let backup: backup::Backup = serde_json::from_str(&text)
                .map_err(|e| anyhow::anyhow!("{}: not a backup: {e}", file.display()))?;
            let db = Database::connect_for_command(&settings.database_url)?;
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
