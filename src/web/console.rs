//! The curation console's static files (HTML, CSS, ES modules in
//! `src/web/console/`), served at `/curate/`. Each answer carries a strong
//! ETag of its bytes and `Cache-Control: no-cache`, so a browser
//! revalidates (a cheap 304) and never runs an old module with a new
//! binary. The console's content security policy is set with the other
//! security headers (`http::security`).

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::ApiError;

/// Where the console lives.
pub const PREFIX: &str = "/curate";

macro_rules! assets {
    ($($name:literal => $mime:expr),+ $(,)?) => {
        /// Every file of the console: its name under `/curate/`, media type
        /// and bytes.
        const ASSETS: &[(&str, &str, &[u8])] = &[
            ("dom-core.js", "text/javascript; charset=utf-8", include_bytes!("dom-core.js")),
            $(($name, $mime, include_bytes!(concat!("console/", $name)))),+
        ];
    };
}

const JS: &str = "text/javascript; charset=utf-8";

assets! {
    "index.html" => "text/html; charset=utf-8",
    "console.css" => "text/css; charset=utf-8",
    "app.js" => JS,
    "api.js" => JS,
    "dom.js" => JS,
    "csv.js" => JS,
    "diff.js" => JS,
    "schema-form.js" => JS,
    "page-signin.js" => JS,
    "page-queue.js" => JS,
    "page-listings.js" => JS,
    "page-listing.js" => JS,
    "page-edit.js" => JS,
    "page-proposals.js" => JS,
    "page-accounts.js" => JS,
    "page-import.js" => JS,
}

/// Each asset's ETag, computed once.
fn etags() -> &'static [String] {
    static TAGS: OnceLock<Vec<String>> = OnceLock::new();
    TAGS.get_or_init(|| super::assets::etags(ASSETS))
}

/// Mounts the console: `/curate` redirects to `/curate/`, which is the
/// page; `/curate/NAME` is one of its files.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        PREFIX,
        web::get().to(|| async {
            HttpResponse::PermanentRedirect()
                .insert_header((header::LOCATION, "/curate/"))
                .finish()
        }),
    )
    .route("/curate/", web::get().to(index))
    .route("/curate/{name}", web::get().to(asset));
}

async fn index(req: HttpRequest) -> HttpResponse {
    serve(&req, "index.html").unwrap_or_else(|e| actix_web::ResponseError::error_response(&e))
}

async fn asset(req: HttpRequest, name: web::Path<String>) -> Result<HttpResponse, ApiError> {
    serve(&req, &name)
}

fn serve(req: &HttpRequest, name: &str) -> Result<HttpResponse, ApiError> {
    super::assets::serve(req, ASSETS, etags(), name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_the_page_imports_is_served() {
        // A module missing from ASSETS would 404 in the browser only.
        let names: Vec<&str> = ASSETS.iter().map(|(n, _, _)| *n).collect();
        for (name, _, bytes) in ASSETS {
            let text = std::str::from_utf8(bytes).expect("assets are UTF-8");
            for part in text.split("from './").skip(1) {
                let file = part.split('\'').next().unwrap_or_default();
                assert!(names.contains(&file), "{name} imports {file}, not served");
            }
            for part in text.split("import('./").skip(1) {
                let file = part.split('\'').next().unwrap_or_default();
                assert!(names.contains(&file), "{name} imports {file}, not served");
            }
        }
    }

    #[test]
    fn no_inline_script_or_style_in_the_page() {
        let html = std::str::from_utf8(ASSETS[0].2).unwrap();
        assert!(!html.contains("<script>") && !html.contains("style="));
        assert!(!html.contains("<style"));
    }
}
