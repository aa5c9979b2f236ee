//! Keeping the read model current: a node swaps in a new snapshot when the
//! shared data version moves (a write here or on another node) or the day
//! changes (facts can turn stale overnight).

use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::readmodel::snapshot::Snapshot;
use crate::store::{data_version, Database, StoreError};

/// The current snapshot, replaced whole and read without locks.
pub struct ReadModel {
    current: ArcSwap<Snapshot>,
}

impl ReadModel {
    pub fn new(snapshot: Snapshot) -> Self {
        Self {
            current: ArcSwap::from_pointee(snapshot),
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

    /// Rebuilds the snapshot when the data version moved (or the day
    /// changed). Writes call it before answering, so this node reads its
    /// own writes at once; other nodes see them at their next poll.
    pub async fn refresh(&self, db: &Database) -> Result<(), StoreError> {
        let (current, evaluated_on) = {
            let s = self.snapshot();
            (s.version, s.evaluated_on)
        };
        let loaded = db
            .run(move |conn| {
                // A new day can turn current facts stale, so it rebuilds too.
                let same_day = chrono::Utc::now().date_naive() == evaluated_on;
                if data_version(conn)? == current && same_day {
                    return Ok(None);
                }
                Snapshot::load(conn).map(Some)
            })
            .await?;
        if let Some(snapshot) = loaded {
            // Two refreshes may race; never replace a newer snapshot.
            if snapshot.version >= self.snapshot().version {
                log::info!("directory refreshed to data version {}", snapshot.version);
                self.current.store(Arc::new(snapshot));
            }
        }
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
