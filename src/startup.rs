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
use crate::interop;
use crate::store::{data_version, Database};

/// Shared by every worker.
pub struct AppState {
    pub db: Database,
    /// Document templates with their JSON Schemas, built once.
    pub templates: Vec<crate::documents::routes::TemplateInfo>,
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
            .service(interop::changes::list_changes),
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
        let cors_origins = settings.cors_origins.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(app_state.clone())
                .app_data(spec.clone())
                .app_data(known_routes.clone())
                .wrap(actix_web::middleware::from_fn(crate::http::caching::etags))
                .wrap(ErrorHandlers::new().handler(StatusCode::METHOD_NOT_ALLOWED, problem_for_405))
                .wrap(cors(cors_origins.as_deref()))
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

/// Browsers may call the public API (reads, and document generation,
/// which needs no account) from any origin, or only from
/// `CORS_ALLOWED_ORIGINS` when set. No credentials are involved. Headers a
/// front-end needs to read (Link, ETag, Content-Disposition) are exposed.
fn cors(origins: Option<&[String]>) -> actix_cors::Cors {
    let cors = match origins {
        None => actix_cors::Cors::default().allow_any_origin(),
        Some(list) => list
            .iter()
            .fold(actix_cors::Cors::default(), |c, o| c.allowed_origin(o)),
    };
    cors.allowed_methods(["GET", "POST", "OPTIONS"])
        .allowed_headers([
            actix_web::http::header::ACCEPT,
            actix_web::http::header::CONTENT_TYPE,
            actix_web::http::header::IF_NONE_MATCH,
        ])
        .expose_headers([
            actix_web::http::header::LINK,
            actix_web::http::header::ETAG,
            actix_web::http::header::CONTENT_DISPOSITION,
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
        let (current, evaluated_on) = {
            let s = state.snapshot();
            (s.version, s.evaluated_on)
        };
        let result = state
            .db
            .run(move |conn| {
                // A new day can turn current facts stale, so it rebuilds too.
                let same_day = chrono::Utc::now().date_naive() == evaluated_on;
                if data_version(conn)? == current && same_day {
                    return Ok(None);
                }
                Snapshot::load(conn).map(Some)
            })
            .await;
        match result {
            Ok(Some(snapshot)) => {
                log::info!("directory refreshed to data version {}", snapshot.version);
                state.directory.store(Arc::new(snapshot));
            }
            Ok(None) => {}
            Err(e) => log::warn!("directory refresh failed, serving the previous version: {e}"),
        }
    }
}
