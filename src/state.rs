//! What every handler shares: the database, the read model, and the few
//! things built once at start.

use std::net::IpAddr;
use std::sync::Arc;

use crate::documents::schema::TemplateInfo;
use crate::http::ratelimit::RateLimiter;
use crate::readmodel::snapshot::Snapshot;
use crate::readmodel::ReadModel;
use crate::store::{Database, StoreError};

pub struct AppState {
    pub db: Database,
    /// The in-memory directory public reads answer from.
    pub directory: Arc<ReadModel>,
    /// Document templates with their JSON Schemas, built once.
    pub templates: Vec<TemplateInfo>,
    /// Public problem reports per client address.
    pub report_limiter: RateLimiter,
    /// PDFs typeset per client address.
    pub pdf_limiter: RateLimiter,
    /// Proxies whose X-Forwarded-For names the client.
    pub trusted_proxies: Vec<IpAddr>,
}

impl AppState {
    /// The directory as of the last refresh; cheap, lock-free.
    pub fn snapshot(&self) -> arc_swap::Guard<Arc<Snapshot>> {
        self.directory.snapshot()
    }

    /// The snapshot itself, to hold across an await (streamed exports).
    pub fn snapshot_arc(&self) -> Arc<Snapshot> {
        self.directory.snapshot_arc()
    }

    /// Brings the read model up to date; writes call it before answering
    /// so this node reads its own writes.
    pub async fn refresh(&self) -> Result<(), StoreError> {
        self.directory.refresh(&self.db).await
    }
}
