//! Builds the application: database, migrations, first-start seed, the
//! in-memory directory and the HTTP server on a bound listener (port 0 in
//! tests, so each test gets its own server).

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::{Server, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers, Logger};
use actix_web::{web, App, HttpResponse, HttpServer};
use arc_swap::ArcSwap;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::{scope, AppExt};
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Settings;
use crate::criteria::routes as criteria;
use crate::directory::routes as directory;
use crate::directory::seed::{self, SeedDocument};
use crate::directory::snapshot::Snapshot;
use crate::documents::routes as documents;
use crate::http::{fallback, ops};
use crate::store::{data_version, Database};
use crate::{curation, interop};

/// Shared by every worker.
pub struct AppState {
    pub db: Database,
    /// Document templates with their JSON Schemas, built once.
    pub templates: Vec<crate::documents::routes::TemplateInfo>,
    /// Public problem reports per client address.
    pub report_limiter: crate::curation::reports::RateLimiter,
    /// Proxies whose X-Forwarded-For names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    directory: ArcSwap<Snapshot>,
}

impl AppState {
    /// The snapshot itself, to hold across an await (streamed exports).
    pub fn snapshot_arc(&self) -> Arc<Snapshot> {
        self.directory.load_full()
    }

    /// The directory as of the last refresh; cheap, lock-free.
    pub fn snapshot(&self) -> arc_swap::Guard<Arc<Snapshot>> {
        self.directory.load()
    }
}

/// Every documented route; the OpenAPI document is built from this too.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        scope::scope("/v1")
            .service(directory::list_centres)
            .service(directory::get_centre)
            .service(directory::list_clinicians)
            .service(directory::get_clinician)
            .service(directory::list_regions)
            .service(criteria::list_profiles)
            .service(criteria::get_profile)
            .service(criteria::centre_assessments)
            .service(criteria::clinician_assessments)
            .service(documents::second_opinion_document)
            .service(documents::referral_request_document)
            .service(documents::insurer_appeal_document)
            .service(documents::pathology_records_document)
            .service(documents::consultation_questions_document)
            .service(documents::list_templates)
            .service(documents::get_template)
            .service(documents::blank_template)
            .service(documents::list_evidence)
            .service(documents::get_evidence)
            .service(interop::export::centres_ndjson)
            .service(interop::export::centres_csv)
            .service(interop::export::clinicians_ndjson)
            .service(interop::export::clinicians_csv)
            .service(interop::changes::list_changes)
            .service(curation::audit::centre_history)
            .service(curation::audit::clinician_history)
            .service(curation::reports::report_centre)
            .service(curation::reports::report_clinician)
            .service(curation::accounts::me)
            .service(curation::accounts::list_accounts)
            .service(curation::accounts::create_account)
            .service(curation::accounts::get_account)
            .service(curation::accounts::change_account)
            .service(curation::accounts::issue_token)
            .service(curation::accounts::revoke_token)
            .service(curation::listings::stored_centre)
            .service(curation::listings::stored_clinician)
            .service(curation::listings::stored_fact)
            .service(curation::listings::verify_centre)
            .service(curation::listings::verify_clinician)
            .service(curation::proposals::create_proposal)
            .service(curation::proposals::list_proposals)
            .service(curation::proposals::get_proposal)
            .service(curation::proposals::approve_proposal)
            .service(curation::proposals::reject_proposal)
            .service(curation::proposals::withdraw_proposal)
            .service(curation::audit::audit_log_page)
            .service(curation::queue::review_queue)
            .service(curation::reports::list_reports)
            .service(curation::reports::resolve_report),
    )
    .service(
        scope::scope("/fhir")
            .service(crate::fhir::routes::metadata)
            .service(crate::fhir::routes::read)
            .service(crate::fhir::routes::search),
    )
    .service(ops::healthz)
    .service(ops::readyz);
}

pub struct Application {
    port: u16,
    server: Server,
}

/// Migrates, seeds a new database, and loads the directory.
pub async fn prepare(db: &Database, seed_empty: bool) -> anyhow::Result<Snapshot> {
    let db2 = db.clone();
    db.run(move |conn| {
        db2.migrate()?;
        if seed_empty && seed::is_empty(conn)? {
            let doc = SeedDocument::parse(seed::BUILTIN_SEED)
                .map_err(crate::store::StoreError::Corrupt)?;
            let report = seed::load(conn, &doc)?;
            log::info!("first start: seeded {} centres", report.centres);
        }
        crate::criteria::store::ensure_builtin(conn)?;
        let backfilled = curation::audit::backfill(conn, &crate::store::now_text())?;
        if backfilled > 0 {
            log::info!(
                "audit trail: recorded {backfilled} listing(s) and fact(s) stored before it"
            );
        }
        Snapshot::load(conn)
    })
    .await
    .map_err(Into::into)
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = Database::connect(&settings.database_url)?;
        let snapshot = prepare(&db, settings.seed_empty_database).await?;
        log::info!(
            "directory loaded from {}: {} centres, {} clinicians (data version {})",
            settings.database_url.backend(),
            snapshot.centres.len(),
            snapshot.clinicians.len(),
            snapshot.version
        );
        let spec_doc = crate::openapi::spec();
        let state = web::Data::new(AppState {
            db,
            templates: documents::template_infos(&spec_doc),
            report_limiter: curation::reports::RateLimiter::new(
                settings.reports_per_hour,
                std::time::Duration::from_secs(3600),
            ),
            trusted_proxies: settings.trusted_proxies.clone(),
            directory: ArcSwap::from_pointee(snapshot),
        });
        let listener = TcpListener::bind(&settings.bind_addr)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.bind_addr))?;
        let port = listener.local_addr()?.port();
        let known_routes = web::Data::new(
            fallback::KnownRoutes::from_spec(&spec_doc)
                .with_get("/openapi.json")
                .with_get("/docs"),
        );
        let spec: web::Data<String> = web::Data::new(crate::openapi::to_json(&spec_doc));
        let app_state = state.clone();
        let cors_policy = std::sync::Arc::new(CorsPolicy {
            public: settings.cors_origins.clone(),
            curation: settings.curation_origins.clone(),
        });
        let server = HttpServer::new(move || {
            App::new()
                .app_data(app_state.clone())
                .app_data(spec.clone())
                .app_data(known_routes.clone())
                .wrap(actix_web::middleware::from_fn(crate::http::caching::etags))
                .wrap(ErrorHandlers::new().handler(StatusCode::METHOD_NOT_ALLOWED, problem_for_405))
                .wrap(cors(cors_policy.clone()))
                // Path only: query strings and bodies are never logged.
                .wrap(
                    Logger::new("%{method}xi %U %s %Dms")
                        .custom_request_replace("method", |req| req.method().to_string()),
                )
                .into_utoipa_app()
                .configure(routes)
                .into_app()
                .route("/openapi.json", web::get().to(serve_spec))
                .service(
                    SwaggerUi::new("/docs/{_:.*}")
                        .config(utoipa_swagger_ui::Config::from("/openapi.json")),
                )
                .route(
                    "/docs",
                    web::get().to(|| async {
                        HttpResponse::PermanentRedirect()
                            .insert_header(("Location", "/docs/"))
                            .finish()
                    }),
                )
                .default_service(web::to(fallback::not_found))
        })
        .workers(
            settings
                .workers
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
        )
        .listen(listener)?
        .run();
        tokio::spawn(refresh_forever(state, settings.refresh_interval));
        // Parse the PDF fonts now rather than on a patient's first request.
        tokio::task::spawn_blocking(crate::documents::render::warm_up);
        Ok(Self { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Runs until SIGINT/SIGTERM, then finishes in-flight requests.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Which browser origins may call what.
struct CorsPolicy {
    /// Public API (reads, documents, problem reports): `None` is any origin.
    public: Option<Vec<String>>,
    /// `/v1/curation/...`: only these origins (none by default).
    curation: Vec<String>,
}

impl CorsPolicy {
    fn allows(&self, origin: &[u8], path: &str) -> bool {
        let listed = |list: &[String]| list.iter().any(|o| o.as_bytes() == origin);
        if path.starts_with("/v1/curation/") {
            listed(&self.curation)
        } else {
            self.public.as_deref().is_none_or(listed)
        }
    }
}

/// Browsers may call the public API (reads, document generation and
/// problem reports, which need no account) from any origin, or only from
/// `CORS_ALLOWED_ORIGINS` when set; the curation endpoints only from
/// `CURATION_CORS_ALLOWED_ORIGINS`. Tokens travel in `Authorization`, not
/// cookies, so no credentials mode is involved. Headers a front-end needs
/// to read (Link, ETag, Content-Disposition, Location, Retry-After) are
/// exposed.
fn cors(policy: std::sync::Arc<CorsPolicy>) -> actix_cors::Cors {
    use actix_web::http::header;
    actix_cors::Cors::default()
        .allowed_origin_fn(move |origin, head| policy.allows(origin.as_bytes(), head.uri.path()))
        .allowed_methods(["GET", "POST", "PATCH", "DELETE", "OPTIONS"])
        .allowed_headers([
            header::ACCEPT,
            header::CONTENT_TYPE,
            header::IF_NONE_MATCH,
            header::IF_MATCH,
            header::AUTHORIZATION,
        ])
        .expose_headers([
            header::LINK,
            header::ETAG,
            header::CONTENT_DISPOSITION,
            header::LOCATION,
            header::RETRY_AFTER,
        ])
        .max_age(3600)
}

async fn serve_spec(spec: web::Data<String>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(spec.get_ref().clone())
}

/// actix answers a wrong method on a `.route(...)` resource with an empty
/// 405; make it problem+json like every other error.
fn problem_for_405<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .is_some_and(|v| v == crate::error::PROBLEM_JSON);
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let (req, _) = res.into_parts();
    let response = fallback::method_not_allowed(&req);
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}

/// Polls the shared data version and swaps in a new snapshot when another
/// node (or a write here) changed the directory. A failed poll keeps
/// serving the last good snapshot and tries again.
async fn refresh_forever(state: web::Data<AppState>, every: std::time::Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = state.refresh().await {
            log::warn!("directory refresh failed, serving the previous version: {e}");
        }
    }
}

impl AppState {
    /// Rebuilds the snapshot when the data version moved (or the day
    /// changed). Writes call it before answering, so this node reads its
    /// own writes at once; other nodes see them at their next poll.
    pub async fn refresh(&self) -> Result<(), crate::store::StoreError> {
        let (current, evaluated_on) = {
            let s = self.snapshot();
            (s.version, s.evaluated_on)
        };
        let loaded = self
            .db
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
                self.directory.store(Arc::new(snapshot));
            }
        }
        Ok(())
    }
}
