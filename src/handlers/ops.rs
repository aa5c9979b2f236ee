//! Operations endpoints for load balancers and orchestrators.

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, Problem};
use crate::state::AppState;
use crate::store::Outage;

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct Readiness {
    #[schema(example = "ok")]
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// The data version the in-memory directory was built from.
    pub data_version: i64,
}

/// The process is up (it does not touch the database).
#[utoipa::path(tag = "operations", responses(
        (status = 200, body = Health),
    ))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// The database answers; use this to route traffic to a node.
#[utoipa::path(tag = "operations", responses(
        (status = 200, body = Readiness),
        (status = 503, description = "The database is not reachable", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    // Its own short timeout, not the requests' checkout timeout: a load
    // balancer hears of an outage within a second.
    state.db.check_ready().await.map_err(|e| {
        // The driver's text names hosts and users: the log gets it, the
        // client does not.
        log::warn!("readiness check failed: {e}");
        ApiError::outage(Outage::Unreachable)
    })?;
    Ok(HttpResponse::Ok().json(Readiness {
        status: "ok",
        backend: state.db.url().backend(),
        data_version: state.snapshot().version,
    }))
}
