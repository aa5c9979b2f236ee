//! Backup: the whole database (directory of every status, facts, accounts
//! with token hashes, proposals, audit trail, verifications, reports,
//! change feed, criteria profiles) as one JSON document, and its restore
//! into an empty database of either backend. Rows are written as stored,
//! ids included, so export -> import -> export gives the same document.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::curation::accounts::{AccountRow, TokenRow};
use crate::curation::audit::AuditRow;
use crate::curation::proposals::rows::ProposalRow;
use crate::curation::reports::ReportRow;
use crate::curation::verifications::VerificationRow;
use crate::directory::rows::{AffiliationRow, CentreRow, ClinicianRow, FactRow};
use crate::store::schema::*;
use crate::store::{DbConnection, StoreError};

pub const FORMAT: &str = "sarcoma-directory-backup";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = directory_state)]
pub struct StateRow {
    pub id: i32,
    pub data_version: i64,
    pub changes_purged_before: i64,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = criteria_profiles)]
pub struct ProfileRow {
    pub id: String,
    pub version: String,
    pub document: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = changes)]
pub struct ChangeRow {
    pub seq: i64,
    pub entity_kind: String,
    pub entity_id: String,
    pub action: String,
    pub revision: i64,
    pub changed_at: String,
    /// Absent in backups made before the column existed.
    #[serde(default)]
    pub data_version: Option<i64>,
}

/// Every table, each in primary-key order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Backup {
    pub format: String,
    pub version: u32,
    pub directory_state: Vec<StateRow>,
    pub criteria_profiles: Vec<ProfileRow>,
    pub centres: Vec<CentreRow>,
    pub clinicians: Vec<ClinicianRow>,
    pub affiliations: Vec<AffiliationRow>,
    pub facts: Vec<FactRow>,
    pub changes: Vec<ChangeRow>,
    pub accounts: Vec<AccountRow>,
    pub api_tokens: Vec<TokenRow>,
    pub proposals: Vec<ProposalRow>,
    pub audit_log: Vec<AuditRow>,
    pub verifications: Vec<VerificationRow>,
    pub reports: Vec<ReportRow>,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("the target database is not empty: {0} holds rows; import only into a new database")]
    NotEmpty(&'static str),
    #[error("not a backup of this service: {0}")]
    Format(String),
}

impl From<diesel::result::Error> for BackupError {
    fn from(e: diesel::result::Error) -> Self {
        BackupError::Store(StoreError::Query(e))
    }
}

/// Reads everything in one consistent transaction. Rows with text keys
/// are sorted here, byte-wise, because PostgreSQL's collation may order
/// `st-james` and `stanford` differently from SQLite.
pub fn export(conn: &mut DbConnection) -> Result<Backup, StoreError> {
    let mut b = read_all(conn)?;
    b.criteria_profiles.sort_by(|x, y| x.id.cmp(&y.id));
    b.centres.sort_by(|x, y| x.id.cmp(&y.id));
    b.clinicians.sort_by(|x, y| x.id.cmp(&y.id));
    b.affiliations
        .sort_by(|x, y| (&x.clinician_id, &x.centre_id).cmp(&(&y.clinician_id, &y.centre_id)));
    b.facts.sort_by(|x, y| x.id.cmp(&y.id));
    b.accounts.sort_by(|x, y| x.id.cmp(&y.id));
    b.api_tokens.sort_by(|x, y| x.id.cmp(&y.id));
    Ok(b)
}

fn read_all(conn: &mut DbConnection) -> Result<Backup, StoreError> {
    conn.transaction(|conn| {
        if let DbConnection::Pg(pg) = conn {
            pg.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        }
        Ok(Backup {
            format: FORMAT.into(),
            version: VERSION,
            directory_state: directory_state::table
                .order(directory_state::id)
                .select(StateRow::as_select())
                .load(conn)?,
            criteria_profiles: criteria_profiles::table
                .order(criteria_profiles::id)
                .select(ProfileRow::as_select())
                .load(conn)?,
            centres: centres::table
                .order(centres::id)
                .select(CentreRow::as_select())
                .load(conn)?,
            clinicians: clinicians::table
                .order(clinicians::id)
                .select(ClinicianRow::as_select())
                .load(conn)?,
            affiliations: affiliations::table
                .order((affiliations::clinician_id, affiliations::centre_id))
                .select(AffiliationRow::as_select())
                .load(conn)?,
            facts: facts::table
                .order(facts::id)
                .select(FactRow::as_select())
                .load(conn)?,
            changes: changes::table
                .order(changes::seq)
                .select(ChangeRow::as_select())
                .load(conn)?,
            accounts: accounts::table
                .order(accounts::id)
                .select(AccountRow::as_select())
                .load(conn)?,
            api_tokens: api_tokens::table
                .order(api_tokens::id)
                .select(TokenRow::as_select())
                .load(conn)?,
            proposals: proposals::table
                .order(proposals::id)
                .select(ProposalRow::as_select())
                .load(conn)?,
            audit_log: audit_log::table
                .order(audit_log::seq)
                .select(AuditRow::as_select())
                .load(conn)?,
            verifications: verifications::table
                .order(verifications::id)
                .select(VerificationRow::as_select())
                .load(conn)?,
            reports: reports::table
                .order(reports::id)
                .select(ReportRow::as_select())
                .load(conn)?,
        })
    })
}

macro_rules! refuse_if_rows {
    ($conn:expr, $($table:ident),+) => {
        $(
            let n: i64 = $table::table.count().get_result($conn)?;
            if n > 0 {
                return Err(BackupError::NotEmpty(stringify!($table)));
            }
        )+
    };
}

/// Row by row: diesel's multi-backend connection has no batch insert
/// (SQLite's and PostgreSQL's differ), and a restore is not a hot path.
macro_rules! insert_all {
    ($conn:expr, $table:ident, $rows:expr) => {
        for row in &$rows {
            diesel::insert_into($table::table)
                .values(row)
                .execute($conn)?;
        }
    };
}

/// Restores a backup into a migrated, empty database in one transaction.
pub fn import(conn: &mut DbConnection, b: &Backup) -> Result<(), BackupError> {
    if b.format != FORMAT || b.version != VERSION {
        return Err(BackupError::Format(format!(
            "format {:?} version {} (expected {FORMAT:?} version {VERSION})",
            b.format, b.version
        )));
    }
    if !matches!(b.directory_state.as_slice(), [state] if state.id == 1) {
        return Err(BackupError::Format(
            "directory_state must hold exactly one row, with id 1".into(),
        ));
    }
    conn.transaction(|conn| {
        refuse_if_rows!(
            conn, centres, clinicians, facts, changes, accounts, proposals, audit_log, reports
        );
        // Migrations and first start write these; the backup's replace them.
        diesel::delete(directory_state::table).execute(conn)?;
        diesel::delete(criteria_profiles::table).execute(conn)?;
        // Which built-in seed was loaded is not part of a backup: the next
        // start adds the built-in listings the restored data lacks.
        diesel::delete(crate::store::schema::seed_state::table).execute(conn)?;
        insert_all!(conn, directory_state, b.directory_state);
        insert_all!(conn, criteria_profiles, b.criteria_profiles);
        insert_all!(conn, centres, b.centres);
        insert_all!(conn, clinicians, b.clinicians);
        insert_all!(conn, affiliations, b.affiliations);
        insert_all!(conn, facts, b.facts);
        insert_all!(conn, changes, b.changes);
        insert_all!(conn, accounts, b.accounts);
        insert_all!(conn, api_tokens, b.api_tokens);
        insert_all!(conn, proposals, b.proposals);
        insert_all!(conn, audit_log, b.audit_log);
        insert_all!(conn, verifications, b.verifications);
        insert_all!(conn, reports, b.reports);
        // Explicit ids leave PostgreSQL's sequences behind; move them on.
        // (SQLite's AUTOINCREMENT follows the largest id by itself.) The
        // change feed also continues past its purge horizon, even when
        // every row before it was purged, so new changes never fall below it.
        let horizon = b.directory_state[0].changes_purged_before;
        if let DbConnection::Pg(pg) = conn {
            for (table, column, floor) in [
                ("changes", "seq", horizon),
                ("proposals", "id", 1),
                ("audit_log", "seq", 1),
                ("verifications", "id", 1),
                ("reports", "id", 1),
            ] {
                pg.batch_execute(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), \
                     GREATEST(COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, {floor}), false)"
                ))?;
            }
        } else if let DbConnection::Sqlite(lite) = conn {
            let last = b.changes.last().map_or(0, |c| c.seq).max(horizon - 1);
            lite.batch_execute(&format!(
                "DELETE FROM sqlite_sequence WHERE name = 'changes'; \
                 INSERT INTO sqlite_sequence (name, seq) VALUES ('changes', {last});"
            ))?;
        }
        Ok(())
    })?;
    crate::store::analyze_after_bulk_load(conn)?;
    Ok(())
}
