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
use diesel::result::{DatabaseErrorKind, Error as DieselError};
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

/// How long a request waits for a pooled connection before it answers
/// 503: short, so an unreachable database fails requests in about 2 s
/// instead of holding them (and their clients) for long.
pub const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(2);

/// How long the readiness check waits for a connection and its answer:
/// `/readyz` must say 503 within a second of the database going away.
pub const READY_TIMEOUT: Duration = Duration::from_millis(800);

/// libpq's `connect_timeout` (seconds) unless the URL sets one: a host that
/// drops packets holds a pool thread that long, not the OS's minutes.
const PG_CONNECT_TIMEOUT_SECS: u32 = 5;

/// What to tell a client to wait, in seconds, before retrying a request
/// that failed because the database was unavailable.
pub const RETRY_AFTER_SECS: u64 = 5;

impl DatabaseUrl {
    /// Names the database for the operator's log: the SQLite file, or the
    /// PostgreSQL database with its host and port (never the user or the
    /// password of the URL).
    pub fn describe(&self) -> String {
        match self {
            Self::Sqlite { path } => format!("the SQLite database file {path:?}"),
            Self::Postgres { url } => {
                let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
                let rest = rest.split(['?', '#']).next().unwrap_or_default();
                // Drop the user and password first: a password may hold '/'.
                let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
                let (host, name) = rest.split_once('/').unwrap_or((rest, ""));
                let host = if host.is_empty() {
                    "the default host"
                } else {
                    host
                };
                let name = if name.is_empty() { "(default)" } else { name };
                format!("the PostgreSQL database {name:?} on {host}")
            }
        }
    }
}

/// `url` with libpq's `connect_timeout` added unless it sets one.
fn with_connect_timeout(url: &str) -> String {
    if url.contains("connect_timeout=") {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}connect_timeout={PG_CONNECT_TIMEOUT_SECS}")
}

pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Postgres { url } => PgConnection::establish(&with_connect_timeout(url))
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
        use diesel::r2d2::R2D2Connection;
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    /// A connection whose transaction could not be finished (a commit that
    /// failed on a full disk, a connection cut mid-transaction) is closed
    /// rather than handed to the next request, which would otherwise fail
    /// on it however healthy the database is again.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        use diesel::r2d2::R2D2Connection;
        std::thread::panicking() || conn.is_broken()
    }
}

pub type DbPool = Pool<ConnectionManager>;
pub type PooledConn = PooledConnection<ConnectionManager>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database unavailable: {0}")]
    Pool(#[from] r2d2::PoolError),
    /// The first connection failed: the message names the database.
    #[error("cannot connect to {database}: {cause}")]
    Connect { database: String, cause: String },
    #[error("the database did not answer within {0:?}")]
    Timeout(Duration),
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("invalid stored data: {0}")]
    Corrupt(String),
    #[error("blocking task failed: {0}")]
    Blocking(String),
}

/// Why the database could not do what was asked when the fault is the
/// database's availability or its storage, not the request or our code:
/// such errors are answered 503 or 507, never 500.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    /// No connection (refused, cut, timed out, or the pool is exhausted).
    Unreachable,
    /// Another writer holds the database's lock for too long (SQLite).
    Busy,
    /// The database takes no writes: a read-only SQLite file or
    /// PostgreSQL in read-only mode (a standby, a read-only database).
    ReadOnly,
    /// The disk is full (SQLITE_FULL; PostgreSQL's "No space left").
    Full,
    /// Its storage failed a read or write (SQLITE_IOERR, SQLITE_CANTOPEN).
    Storage,
}

impl StoreError {
    /// The outage this error reports, if it reports one.
    pub fn outage(&self) -> Option<Outage> {
        match self {
            Self::Pool(_) | Self::Connect { .. } | Self::Timeout(_) => Some(Outage::Unreachable),
            Self::Query(e) => diesel_outage(e),
            Self::Migration(_) | Self::Corrupt(_) | Self::Blocking(_) => None,
        }
    }
}

/// Classifies a driver error. Diesel maps PostgreSQL's connection and
/// read-only SQLSTATEs to kinds; SQLite's result codes reach us only as
/// their fixed English text (`sqlite3_errstr`), so those are matched on it.
fn diesel_outage(e: &DieselError) -> Option<Outage> {
    match e {
        DieselError::DatabaseError(kind, info) => match kind {
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand => {
                Some(Outage::Unreachable)
            }
            DatabaseErrorKind::ReadOnlyTransaction => Some(Outage::ReadOnly),
            _ => {
                let message = info.message();
                let has = |needle: &str| message.contains(needle);
                if has("database or disk is full") || has("No space left on device") {
                    Some(Outage::Full)
                } else if has("attempt to write a readonly database")
                    || has("in a read-only transaction")
                {
                    Some(Outage::ReadOnly)
                } else if has("database is locked") || has("database table is locked") {
                    Some(Outage::Busy)
                } else if has("disk I/O error") || has("unable to open database file") {
                    Some(Outage::Storage)
                } else {
                    None
                }
            }
        },
        // A commit that failed and whose rollback failed too: what matters
        // is why the commit failed.
        DieselError::RollbackErrorOnCommit { commit_error, .. } => diesel_outage(commit_error),
        _ => None,
    }
}

/// The pool and what it connects to; cheap to clone.
#[derive(Clone)]
pub struct Database {
    pool: DbPool,
    url: DatabaseUrl,
}

impl Database {
    /// The server's pool. Fails at once, naming the database, when the
    /// first connection fails (a missing database, a wrong host), rather
    /// than retrying until the pool gives up.
    pub fn connect(url: &DatabaseUrl) -> Result<Self, StoreError> {
        let size = match url {
            DatabaseUrl::Sqlite { .. } => 8,
            DatabaseUrl::Postgres { .. } => 10,
        };
        let manager = first_connection(url)?;
        let pool = Pool::builder()
            .max_size(size)
            .min_idle(Some(1))
            .connection_timeout(CHECKOUT_TIMEOUT)
            .build(manager)?;
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
        let manager = first_connection(url)?;
        let pool = Pool::builder()
            .max_size(2)
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(10))
            .build(manager)?;
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

    /// The readiness check: a connection and its answer to `SELECT 1`
    /// within [`READY_TIMEOUT`], or an error. It waits for the pool
    /// [`READY_TIMEOUT`] at most, not [`CHECKOUT_TIMEOUT`], and the answer
    /// is not waited for longer either (a connection that hangs is left to
    /// finish on its blocking thread).
    pub async fn check_ready(&self) -> Result<(), StoreError> {
        let pool = self.pool.clone();
        let check = actix_web::web::block(move || -> Result<(), StoreError> {
            pool.get_timeout(READY_TIMEOUT)?.batch_execute("SELECT 1")?;
            Ok(())
        });
        match actix_web::rt::time::timeout(READY_TIMEOUT, check).await {
            Ok(Ok(result)) => result,
            Ok(Err(e)) => Err(StoreError::Blocking(e.to_string())),
            Err(_) => Err(StoreError::Timeout(READY_TIMEOUT)),
        }
    }
}

/// Opens one connection to `url` and drops it: the check that the
/// database exists and answers, before a pool would retry in the
/// background for its whole timeout.
fn first_connection(url: &DatabaseUrl) -> Result<ConnectionManager, StoreError> {
    let manager = ConnectionManager { url: url.clone() };
    if let Err(e) = manager.connect() {
        let cause = match e {
            r2d2::Error::ConnectionError(e) => e.to_string(),
            r2d2::Error::QueryError(e) => e.to_string(),
        };
        return Err(StoreError::Connect {
            database: url.describe(),
            cause: cause.trim().to_owned(),
        });
    }
    Ok(manager)
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

/// Refreshes the planner's statistics after a bulk load (a seed or a
/// restore), as both databases advise. Without them both chose badly at
/// 50,000 clinicians: PostgreSQL (until autovacuum gets to the tables, or
/// where it is off) took them for a few hundred and hashed them all to
/// join a centre's affiliations (6 ms a query); SQLite looked clinicians
/// up by the status index (all 50,000 "published") rather than by id
/// (30 ms per refresh after an approval).
pub fn analyze_after_bulk_load(conn: &mut DbConnection) -> Result<(), StoreError> {
    use diesel::connection::SimpleConnection;
    match conn {
        DbConnection::Pg(pg) => pg.batch_execute("ANALYZE")?,
        DbConnection::Sqlite(lite) => lite.batch_execute("ANALYZE")?,
    }
    Ok(())
}

/// Lets SQLite refresh statistics that are missing or out of date (its
/// advice for long-running applications, at start); databases seeded
/// before statistics were kept get them here. PostgreSQL's autovacuum does
/// this itself.
pub fn optimize_at_start(conn: &mut DbConnection) -> Result<(), StoreError> {
    use diesel::connection::SimpleConnection;
    if let DbConnection::Sqlite(lite) = conn {
        lite.batch_execute("PRAGMA optimize=0x10002")?;
    }
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

/// Moves the data version on; returns the new one, which the change-feed
/// rows of the same write record.
pub fn bump_data_version(conn: &mut DbConnection) -> Result<i64, StoreError> {
    use schema::directory_state::dsl::*;
    diesel::update(directory_state.filter(id.eq(1)))
        .set(data_version.eq(data_version + 1))
        .execute(conn)?;
    Ok(directory_state
        .filter(id.eq(1))
        .select(data_version)
        .first(conn)?)
}

/// One change-feed row to append.
pub struct NewChange<'a> {
    pub kind: &'a str,
    pub id: &'a str,
    pub action: &'a str,
    pub revision: i64,
    pub at: &'a str,
    /// The data version the write moved to ([`bump_data_version`]).
    pub data_version: i64,
}

impl<'a> NewChange<'a> {
    pub fn new(
        kind: &'a str,
        id: &'a str,
        action: &'a str,
        revision: i64,
        at: &'a str,
        data_version: i64,
    ) -> Self {
        NewChange {
            kind,
            id,
            action,
            revision,
            at,
            data_version,
        }
    }
}

/// Appends to the change feed; call inside the write's transaction, after
/// [`bump_data_version`].
pub fn record_change(conn: &mut DbConnection, change: NewChange<'_>) -> Result<(), StoreError> {
    use schema::changes::dsl as c;
    diesel::insert_into(c::changes)
        .values((
            c::entity_kind.eq(change.kind),
            c::entity_id.eq(change.id),
            c::action.eq(change.action),
            c::revision.eq(change.revision),
            c::changed_at.eq(change.at),
            c::data_version.eq(Some(change.data_version)),
        ))
        .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(url: &str) -> DatabaseUrl {
        DatabaseUrl::Postgres { url: url.into() }
    }

    #[test]
    fn describe_names_the_database_and_never_the_password() {
        let d = pg("postgres://app:s3cr/et@db.example:5433/directory?sslmode=require").describe();
        assert_eq!(
            d,
            "the PostgreSQL database \"directory\" on db.example:5433"
        );
        assert_eq!(
            DatabaseUrl::Sqlite {
                path: "data/x.sqlite3".into()
            }
            .describe(),
            "the SQLite database file \"data/x.sqlite3\""
        );
    }

    #[test]
    fn connect_timeout_is_added_unless_set() {
        assert_eq!(
            with_connect_timeout("postgres://h/db"),
            "postgres://h/db?connect_timeout=5"
        );
        assert_eq!(
            with_connect_timeout("postgres://h/db?sslmode=disable"),
            "postgres://h/db?sslmode=disable&connect_timeout=5"
        );
        assert_eq!(
            with_connect_timeout("postgres://h/db?connect_timeout=1"),
            "postgres://h/db?connect_timeout=1"
        );
    }

    fn db_error(kind: DatabaseErrorKind, message: &str) -> StoreError {
        StoreError::Query(DieselError::DatabaseError(
            kind,
            Box::new(message.to_owned()),
        ))
    }

    #[test]
    fn outages_are_told_from_other_errors() {
        use DatabaseErrorKind::*;
        let cases = [
            (
                db_error(ClosedConnection, "server closed"),
                Some(Outage::Unreachable),
            ),
            (
                db_error(UnableToSendCommand, "no connection"),
                Some(Outage::Unreachable),
            ),
            (
                db_error(ReadOnlyTransaction, "cannot execute UPDATE"),
                Some(Outage::ReadOnly),
            ),
            (
                db_error(Unknown, "database or disk is full"),
                Some(Outage::Full),
            ),
            (
                db_error(Unknown, "could not extend file: No space left on device"),
                Some(Outage::Full),
            ),
            (
                db_error(Unknown, "attempt to write a readonly database"),
                Some(Outage::ReadOnly),
            ),
            (db_error(Unknown, "database is locked"), Some(Outage::Busy)),
            (db_error(Unknown, "disk I/O error"), Some(Outage::Storage)),
            (db_error(Unknown, "no such table: centres"), None),
            (StoreError::Query(DieselError::NotFound), None),
            (StoreError::Corrupt("x".into()), None),
            (
                StoreError::Timeout(READY_TIMEOUT),
                Some(Outage::Unreachable),
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(error.outage(), expected, "{error}");
        }
        let commit = StoreError::Query(DieselError::RollbackErrorOnCommit {
            rollback_error: Box::new(DieselError::NotInTransaction),
            commit_error: Box::new(DieselError::DatabaseError(
                Unknown,
                Box::new("database or disk is full".to_owned()),
            )),
        });
        assert_eq!(commit.outage(), Some(Outage::Full));
    }
}
