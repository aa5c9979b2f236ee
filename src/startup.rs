//! Builds the application: database, migrations, first-start seed, the
//! in-memory directory and the HTTP server on a bound listener (port 0 in
//! tests, so each test gets its own server).

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::{Server, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers, Logger};
use actix_web::{web, App, HttpResponse, HttpServer};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Settings;
use crate::curation;
use crate::documents::schema::template_infos;
use crate::http::caching::Freshness;
use crate::http::cors::{self, CorsPolicy};
use crate::http::fallback;
use crate::http::ratelimit::RateLimiter;
use crate::readmodel::snapshot::Snapshot;
use crate::readmodel::ReadModel;
use crate::routes::routes;
use crate::state::AppState;
use crate::store::Database;

pub struct Application {
    port: u16,
    server: Server,
}

/// Migrates, loads the built-in seed when due (a new database, or a new
/// built-in seed: only missing listings are added), and loads the directory.
pub async fn prepare(db: &Database, seed_empty: bool) -> anyhow::Result<Snapshot> {
    let db2 = db.clone();
    db.run(move |conn| {
        db2.migrate()?;
        if seed_empty {
            if let Some(r) = curation::seed::load_builtin_if_due(conn)? {
                log::info!(
                    "built-in seed loaded: added {} centres, {} already present, {} skipped{}",
                    r.centres,
                    r.present,
                    r.skipped.len(),
                    r.skipped
                        .iter()
                        .map(|s| format!("; {s}"))
                        .collect::<String>()
                );
            }
        }
        crate::criteria::store::ensure_builtin(conn)?;
        crate::store::optimize_at_start(conn)?;
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
        // Listen first: a port in use is reported before any database is
        // created or seeded.
        let listener = TcpListener::bind(&settings.bind_addr)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.bind_addr))?;
        let port = listener.local_addr()?.port();
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
        let directory = Arc::new(ReadModel::new(snapshot));
        let state = web::Data::new(AppState {
            db: db.clone(),
            directory: directory.clone(),
            templates: template_infos(&spec_doc),
            report_limiter: RateLimiter::new(
                settings.reports_per_hour,
                std::time::Duration::from_secs(3600),
            ),
            pdf_limiter: RateLimiter::new(
                settings.pdfs_per_hour,
                std::time::Duration::from_secs(3600),
            ),
            trusted_proxies: settings.trusted_proxies.clone(),
        });
        let freshness = {
            let directory = directory.clone();
            web::Data::new(Freshness(Box::new(move || {
                let s = directory.snapshot();
                (s.version, s.evaluated_on)
            })))
        };
        let known_routes = web::Data::new(
            fallback::KnownRoutes::from_spec(&spec_doc)
                .with_get("/openapi.json")
                .with_get("/docs")
                .with_get("/curate")
                .with_get("/curate/")
                .with_get("/curate/{name}")
                .with_get("/")
                .with_get("/site/config.json")
                .with_get("/site/{name}"),
        );
        let spec: web::Data<String> = web::Data::new(crate::openapi::to_json(&spec_doc));
        let tiles = settings.map_tiles.as_ref();
        let site_policy = web::Data::new(crate::http::security::SitePolicy::new(
            tiles.map(|t| t.origin.as_str()),
        ));
        let site_config = web::Data::new(crate::web::site::SiteConfig::new(tiles));
        let app_state = state.clone();
        let cors_policy = Arc::new(CorsPolicy {
            public: settings.cors_origins.clone(),
            curation: settings.curation_origins.clone(),
        });
        let server = HttpServer::new(move || {
            App::new()
                .app_data(app_state.clone())
                .app_data(spec.clone())
                .app_data(known_routes.clone())
                .app_data(freshness.clone())
                .app_data(site_policy.clone())
                .app_data(site_config.clone())
                .wrap(actix_web::middleware::from_fn(crate::http::caching::etags))
                .wrap(actix_web::middleware::from_fn(
                    crate::http::security::headers,
                ))
                .wrap(ErrorHandlers::new().handler(StatusCode::METHOD_NOT_ALLOWED, problem_for_405))
                .wrap(cors::middleware(cors_policy.clone()))
                .wrap(actix_web::middleware::from_fn(crate::http::panics::catch))
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
                .configure(crate::web::console::configure)
                .configure(crate::web::site::configure)
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
        tokio::spawn(directory.refresh_forever(db, settings.refresh_interval));
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
