//! Command line: `serve` (default), `migrate`, `seed`, `openapi`.

use clap::{Parser, Subcommand};
use sarcoma_directory::config::Settings;
use sarcoma_directory::directory::seed::{self, SeedDocument};
use sarcoma_directory::startup::Application;
use sarcoma_directory::store::Database;

#[derive(Parser)]
#[command(
    version,
    about = "Sarcoma centre directory API. Settings: DATABASE_URL, BIND_ADDR, REFRESH_INTERVAL_MS, RUST_LOG."
)]
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
            log::info!("listening on http://{} (docs at /docs)", settings.bind_addr);
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let db = Database::connect(&settings.database_url)?;
            db.migrate()?;
            println!("migrations applied");
        }
        Command::Seed { file } => {
            let text = match &file {
                Some(path) => std::fs::read_to_string(path)?,
                None => seed::BUILTIN_SEED.to_owned(),
            };
            let doc = SeedDocument::parse(&text).map_err(anyhow::Error::msg)?;
            let db = Database::connect(&settings.database_url)?;
            db.migrate()?;
            let mut conn = db.get()?;
            let report = seed::load(&mut conn, &doc)?;
            println!(
                "added {} centres, {} clinicians, {} facts (existing listings untouched)",
                report.centres, report.clinicians, report.facts
            );
        }
        Command::PurgeChanges { before } => {
            let db = Database::connect(&settings.database_url)?;
            db.migrate()?;
            let mut conn = db.get()?;
            let n = sarcoma_directory::interop::changes::purge(&mut conn, before)?;
            println!("purged {n} change(s) before position {before}");
        }
        Command::Openapi => unreachable!("handled above"),
    }
    Ok(())
}
