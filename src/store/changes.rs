//! Reading and purging the change feed (writes append to it with
//! [`super::record_change`] inside their transaction).

use diesel::prelude::*;

use crate::store::schema::{changes, directory_state};
use crate::store::{DbConnection, StoreError};

/// One change-feed row: position, kind, id, action, revision, time, and
/// the data version it produced (null before that was recorded).
pub type ChangeRow = (i64, String, String, String, i64, String, Option<i64>);

/// Positions before the horizon have been purged.
fn horizon(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(directory_state::table
        .filter(directory_state::id.eq(1))
        .select(directory_state::changes_purged_before)
        .first(conn)?)
}

/// The newest feed position: the last change's, or, when every change was
/// purged, the last purged one's, so a fresh export's cursor stays valid.
pub fn latest(conn: &mut DbConnection) -> Result<i64, StoreError> {
    let max: Option<i64> = changes::table
        .select(diesel::dsl::max(changes::seq))
        .first(conn)?;
    Ok(max.unwrap_or(0).max(horizon(conn)? - 1))
}

/// Whether a client at position `since` (it has seen every change up to
/// it) can still be told everything after it.
pub fn is_retained(since: i64, horizon: i64) -> bool {
    since >= horizon - 1
}

/// The purge horizon (positions before it are gone) and up to `limit`
/// rows after position `since`, oldest first.
pub fn since(
    conn: &mut DbConnection,
    since: i64,
    limit: i64,
) -> Result<(i64, Vec<ChangeRow>), StoreError> {
    let horizon = horizon(conn)?;
    let rows: Vec<ChangeRow> = changes::table
        .filter(changes::seq.gt(since))
        .order(changes::seq)
        .limit(limit)
        .load(conn)?;
    Ok((horizon, rows))
}

/// Deletes the changes up to and including position `through` (clamped
/// to the newest) and records the horizon: clients at `through` or later
/// go on; older cursors get 410. For the `purge-changes` command.
pub fn purge(conn: &mut DbConnection, through: i64) -> Result<usize, StoreError> {
    conn.transaction(|conn| {
        let before = (through.min(latest(conn)?) + 1).max(horizon(conn)?);
        let n = diesel::delete(changes::table.filter(changes::seq.lt(before))).execute(conn)?;
        diesel::update(directory_state::table.filter(directory_state::id.eq(1)))
            .set(directory_state::changes_purged_before.eq(before))
            .execute(conn)?;
        Ok(n)
    })
}

#[cfg(test)]
mod tests {
    use super::is_retained;

    #[test]
    fn a_client_keeps_up_while_nothing_after_it_is_purged() {
        // Positions 1..=10 purged: horizon 11.
        assert!(is_retained(10, 11), "it saw everything up to 10");
        assert!(is_retained(12, 11));
        assert!(!is_retained(9, 11), "10 is gone");
        // Nothing purged: horizon 0 or 1; the start (0) is retained.
        assert!(is_retained(0, 1));
        assert!(is_retained(0, 0));
    }
}
