//! Reading and purging the change feed (writes append to it with
//! [`super::record_change`] inside their transaction).

use diesel::prelude::*;

use crate::store::schema::{changes, directory_state};
use crate::store::{DbConnection, StoreError};

/// One change-feed row: position, kind, id, action, revision, time.
pub type ChangeRow = (i64, String, String, String, i64, String);

/// The purge horizon (positions before it are gone) and up to `limit`
/// rows after position `since`, oldest first.
pub fn since(
    conn: &mut DbConnection,
    since: i64,
    limit: i64,
) -> Result<(i64, Vec<ChangeRow>), StoreError> {
    let horizon: i64 = directory_state::table
        .filter(directory_state::id.eq(1))
        .select(directory_state::changes_purged_before)
        .first(conn)?;
    let rows: Vec<ChangeRow> = changes::table
        .filter(changes::seq.gt(since))
        .order(changes::seq)
        .limit(limit)
        .load(conn)?;
    Ok((horizon, rows))
}

/// Deletes change rows before `before` (a feed position) and records the
/// horizon, so older cursors get 410. For the `purge-changes` command.
pub fn purge(conn: &mut DbConnection, before: i64) -> Result<usize, StoreError> {
    conn.transaction(|conn| {
        let n = diesel::delete(changes::table.filter(changes::seq.lt(before))).execute(conn)?;
        diesel::update(directory_state::table.filter(directory_state::id.eq(1)))
            .set(directory_state::changes_purged_before.eq(before))
            .execute(conn)?;
        Ok(n)
    })
}
