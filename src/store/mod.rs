//! Storage: one diesel schema over SQLite (embedded default) or PostgreSQL
//! (scale-out), a connection pool, and the embedded migrations of each.
//!
//! This module owns connections and transactions; it knows nothing of HTTP.
//! Diesel is blocking, so callers on the async workers go through
//! [`Database::run`], which moves the work onto actix's blocking pool.

pub mod changes;
pub mod schema;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, Pool, PooledConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to whichever backend `DATABASE_URL` names.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(diesel::SqliteConnection),
    Pg(diesel::PgConnection),
}

/// Which backend a URL selects. Chosen from the scheme ourselves: the
/// derived `MultiConnection::establish` tries each backend in turn and
/// reports only the last failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite { path: String },
    Postgres { url: String },
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(Self::Postgres {
                url: raw.to_owned(),
            });
        }
        let path = raw
            .strip_prefix("sqlite://")
            .or_else(|| raw.strip_prefix("sqlite:"))
            .unwrap_or(raw);
        if path.is_empty() {
            return Err(
                "DATABASE_URL is empty: give a SQLite file path or a postgres:// URL".into(),
            );
        }
        if path.contains("://") {
            return Err(format!(
                "DATABASE_URL scheme not supported: {raw:?} (use a SQLite file path, sqlite://PATH or postgres://...)"
            ));
        }
        Ok(Self::Sqlite {
            path: path.to_owned(),
        })
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite { .. } => "sqlite",
            Self::Postgres { .. } => "postgres",
        }
    }
}

pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Postgres { url } => PgConnection::establish(url)
                .map(DbConnection::Pg)
                .map_err(r2d2::Error::ConnectionError),
            DatabaseUrl::Sqlite { path } => {
                let mut conn =
                    SqliteConnection::establish(path).map_err(r2d2::Error::ConnectionError)?;
                // The busy timeout comes first: it makes this connection
                // wait for a writer instead of failing, even while setting
                // WAL (which lets readers proceed during a write). SQLite
                // leaves foreign keys off unless asked, per connection.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        std::thread::panicking()
    }
}

pub type DbPool = Pool<ConnectionManager>;
pub type PooledConn = PooledConnection<ConnectionManager>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database unavailable: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("invalid stored data: {0}")]
    Corrupt(String),
    #[error("blocking task failed: {0}")]
    Blocking(String),
}

/// The pool and what it connects to; cheap to clone.
#[derive(Clone)]
pub struct Database {
    pool: DbPool,
    url: DatabaseUrl,
}

impl Database {
    pub fn connect(url: &DatabaseUrl) -> Result<Self, StoreError> {
        let size = match url {
            DatabaseUrl::Sqlite { .. } => 8,
            DatabaseUrl::Postgres { .. } => 10,
        };
        let pool = Pool::builder()
            .max_size(size)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .build(ConnectionManager { url: url.clone() })?;
        Ok(Self {
            pool,
            url: url.clone(),
        })
    }

    /// A pool for one-shot commands (migrate, seed, export, ...): it opens
    /// connections only when asked and never in the background, so no
    /// pool thread is still connecting (TLS included) while the process
    /// exits.
    pub fn connect_for_command(url: &DatabaseUrl) -> Result<Self, StoreError> {
        let pool = Pool::builder()
            .max_size(2)
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(10))
            .build(ConnectionManager { url: url.clone() })?;
        Ok(Self {
            pool,
            url: url.clone(),
        })
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    pub fn get(&self) -> Result<PooledConn, StoreError> {
        Ok(self.pool.get()?)
    }

    /// Runs blocking database work on actix's blocking thread pool.
    pub async fn run<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await
        .map_err(|e| StoreError::Blocking(e.to_string()))?
    }

    /// As [`Database::run`], for work that fails with the caller's own
    /// error type (curation writes return HTTP-level refusals from inside
    /// their transaction).
    pub async fn run_with<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get().map_err(StoreError::from)?;
            work(&mut conn)
        })
        .await
        .map_err(|e| StoreError::Blocking(e.to_string()))?
    }

    /// Applies pending migrations of this backend. On PostgreSQL an advisory
    /// lock keeps several API nodes starting at once from racing.
    pub fn migrate(&self) -> Result<(), StoreError> {
        let mut conn = self.get()?;
        let applied = match &mut *conn {
            DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
            DbConnection::Pg(c) => {
                c.batch_execute("SELECT pg_advisory_lock(7261001)")?;
                let result = c
                    .run_pending_migrations(POSTGRES_MIGRATIONS)
                    .map(|v| v.len());
                c.batch_execute("SELECT pg_advisory_unlock(7261001)")?;
                result
            }
        }
        .map_err(|e| StoreError::Migration(e.to_string()))?;
        if applied > 0 {
            log::info!("applied {applied} migration(s) on {}", self.url.backend());
        }
        Ok(())
    }

    pub fn ping(&self) -> Result<(), StoreError> {
        self.get()?.batch_execute("SELECT 1")?;
        Ok(())
    }
}

/// The current time as stored: RFC 3339 in UTC to the second, so that
/// text order is time order on both backends.
pub fn now_text() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Takes the database's write lock for the rest of the transaction: call it
/// first in every curation write. One row every writer updates serialises
/// writers on both backends (SQLite would otherwise fail a read-then-write
/// transaction with SQLITE_BUSY; PostgreSQL would let two read the same
/// revision), so checks made after it see the latest committed state.
pub fn lock_writes(conn: &mut DbConnection) -> Result<(), StoreError> {
    use schema::directory_state::dsl::*;
    diesel::update(directory_state.filter(id.eq(1)))
        .set(changes_purged_before.eq(changes_purged_before))
        .execute(conn)?;
    Ok(())
}

/// The counter every public-visible write bumps inside its transaction.
pub fn data_version(conn: &mut DbConnection) -> Result<i64, StoreError> {
    use schema::directory_state::dsl::*;
    Ok(directory_state
        .filter(id.eq(1))
        .select(data_version)
        .first(conn)?)
}

pub fn bump_data_version(conn: &mut DbConnection) -> Result<(), StoreError> {
    use schema::directory_state::dsl::*;
    diesel::update(directory_state.filter(id.eq(1)))
        .set(data_version.eq(data_version + 1))
        .execute(conn)?;
    Ok(())
}

/// Appends to the change feed; call inside the write's transaction.
pub fn record_change(
    conn: &mut DbConnection,
    kind: &str,
    id: &str,
    action: &str,
    revision: i64,
    at: &str,
) -> Result<(), StoreError> {
    use schema::changes::dsl as c;
    diesel::insert_into(c::changes)
        .values((
            c::entity_kind.eq(kind),
            c::entity_id.eq(id),
            c::action.eq(action),
            c::revision.eq(revision),
            c::changed_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}
