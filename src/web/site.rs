//! The patient site: find a centre, read its listing and assessments in
//! plain words, prepare a letter. Its page is `/`; its files (HTML, CSS,
//! ES modules in `src/web/site/`) are under `/site/`. It uses the public
//! JSON API only, and has the console's strict content security policy
//! (`http::security`).

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use super::assets::Asset;
use crate::config::MapTiles;
use crate::error::ApiError;

/// What the site's script needs from the server's settings
/// (`/site/config.json`): the map tile server, or null for no map.
pub struct SiteConfig(String);

impl SiteConfig {
    pub fn new(tiles: Option<&MapTiles>) -> Self {
        let map =
            tiles.map(|t| serde_json::json!({ "tiles": t.url, "attribution": t.attribution }));
        Self(serde_json::json!({ "map": map }).to_string())
    }
}

/// Where the site's files live (the page itself is `/`).
pub const PREFIX: &str = "/site";

macro_rules! assets {
    ($($name:literal => $mime:expr),+ $(,)?) => {
        /// Every file of the site: its name under `/site/`, media type
        /// and bytes.
        const ASSETS: &[Asset] = &[
            ("dom-core.js", "text/javascript; charset=utf-8", include_bytes!("dom-core.js")),
            $(($name, $mime, include_bytes!(concat!("site/", $name)))),+
        ];
    };
}

const JS: &str = "text/javascript; charset=utf-8";

assets! {
    "index.html" => "text/html; charset=utf-8",
    "site.css" => "text/css; charset=utf-8",
    "app.js" => JS,
    "api.js" => JS,
    "dom.js" => JS,
    "i18n.js" => JS,
    "page-find.js" => JS,
    "page-centre.js" => JS,
    "page-letter.js" => JS,
    "letter-form.js" => JS,
    "fields-i18n.js" => JS,
    "codes-i18n.js" => JS,
    "map.js" => JS,
}

fn etags() -> &'static [String] {
    static TAGS: OnceLock<Vec<String>> = OnceLock::new();
    TAGS.get_or_init(|| super::assets::etags(ASSETS))
}

/// Mounts the site: `/` is the page, `/site/NAME` one of its files.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(index))
        .route("/site/config.json", web::get().to(config))
        .route("/site/{name}", web::get().to(asset));
}

async fn config(config: web::Data<SiteConfig>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .content_type("application/json")
        .body(config.0.clone())
}

async fn index(req: HttpRequest) -> HttpResponse {
    super::assets::serve(&req, ASSETS, etags(), "index.html")
        .unwrap_or_else(|e| actix_web::ResponseError::error_response(&e))
}

async fn asset(req: HttpRequest, name: web::Path<String>) -> Result<HttpResponse, ApiError> {
    super::assets::serve(&req, ASSETS, etags(), &name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_the_page_imports_is_served() {
        let names: Vec<&str> = ASSETS.iter().map(|(n, _, _)| *n).collect();
        for (name, _, bytes) in ASSETS {
            let text = std::str::from_utf8(bytes).expect("assets are UTF-8");
            for part in text.split("from './").skip(1) {
                let file = part.split('\'').next().unwrap_or_default();
                assert!(names.contains(&file), "{name} imports {file}, not served");
            }
        }
    }

    #[test]
    fn no_inline_script_or_style_and_no_markup_insertion() {
        let html = std::str::from_utf8(ASSETS[0].2).unwrap();
        assert!(!html.contains("<script>") && !html.contains("style="));
        assert!(!html.contains("<style"));
        // API text goes in as text: no module writes markup.
        for (name, _, bytes) in ASSETS {
            let text = std::str::from_utf8(bytes).unwrap();
            for bad in [
                "innerHTML",
                "outerHTML",
                "insertAdjacentHTML",
                "document.write",
            ] {
                assert!(!text.contains(bad), "{name} uses {bad}");
            }
        }
    }
}
