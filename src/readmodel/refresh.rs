//! Keeping the read model current: a node swaps in a new snapshot when the
//! shared data version moves (a write here or on another node) or the day
//! changes (facts can turn stale overnight). The new snapshot is the old
//! one moved on by what changed (`delta.rs`).

use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::readmodel::delta::{self, Update};
use crate::readmodel::snapshot::Snapshot;
use crate::store::{Database, StoreError};

/// The current snapshot, replaced whole and read without locks.
pub struct ReadModel {
    current: ArcSwap<Snapshot>,
    refreshing: tokio::sync::Mutex<()>,
}

impl ReadModel {
    pub fn new(snapshot: Snapshot) -> Self {
        Self {
            current: ArcSwap::from_pointee(snapshot),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    /// The directory as of the last refresh; cheap, lock-free.
    pub fn snapshot(&self) -> arc_swap::Guard<Arc<Snapshot>> {
        self.current.load()
    }

    /// The snapshot itself, to hold across an await (streamed exports).
    pub fn snapshot_arc(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// Brings the snapshot up to the database: by the listings the writes
    /// since it changed (or, failing that, a full load), and to today's
    /// date. Writes call it before answering, so this node reads its own
    /// writes at once; other nodes see them at their next poll.
    pub async fn refresh(&self, db: &Database) -> Result<(), StoreError> {
        // One refresh at a time: each starts from the snapshot the last
        // one left, so none can replace a newer snapshot with an older.
        let _one = self.refreshing.lock().await;
        let base = self.snapshot_arc();
        let (version, position) = (base.version, base.latest_change);
        let started = std::time::Instant::now();
        let update = db
            .run(move |conn| delta::load(conn, version, position))
            .await?;
        let loaded = started.elapsed();
        let today = chrono::Utc::now().date_naive();
        let next = match update {
            Update::Unchanged if today == base.evaluated_on => return Ok(()),
            Update::Unchanged => base.on_day(today),
            Update::Full(snapshot) => {
                log::info!(
                    "directory loaded in full at data version {}",
                    snapshot.version
                );
                *snapshot
            }
            Update::Delta(d) => {
                let (centres, clinicians) = (d.centres.len(), d.clinicians.len());
                let next = tokio::task::spawn_blocking(move || base.apply(d, today))
                    .await
                    .map_err(|e| StoreError::Blocking(e.to_string()))?;
                log::debug!(
                    "directory moved to data version {} ({centres} centres, {clinicians} clinicians changed; \
                     read in {} ms, applied in {} ms)",
                    next.version,
                    loaded.as_millis(),
                    (started.elapsed() - loaded).as_millis()
                );
                next
            }
        };
        self.current.store(Arc::new(next));
        Ok(())
    }

    /// Polls for changes every `every` until the process ends. A failed
    /// poll keeps serving the last good snapshot and tries again.
    pub async fn refresh_forever(self: Arc<Self>, db: Database, every: std::time::Duration) {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = self.refresh(&db).await {
                log::warn!("directory refresh failed, serving the previous version: {e}");
            }
        }
    }
}
