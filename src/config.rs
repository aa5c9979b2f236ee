//! Settings, read from environment variables with documented defaults.

use std::time::Duration;

use crate::store::DatabaseUrl;

/// The SQLite file used when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sarcoma-directory.sqlite3";
pub const DEFAULT_BIND_ADDR: &str = "127.0.0.1:8080";
pub const DEFAULT_REFRESH_MS: u64 = 500;

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    pub bind_addr: String,
    /// How often a node checks whether the directory changed in the
    /// database (`REFRESH_INTERVAL_MS`).
    pub refresh_interval: Duration,
    /// Load the built-in seed at start into an empty database, and into one
    /// that loaded another built-in seed, adding only missing listings
    /// (tests turn this off to start from their own fixtures).
    pub seed_empty_database: bool,
    /// HTTP worker threads (`WORKERS`; default: one per CPU core).
    pub workers: Option<usize>,
    /// Browser origins allowed to call the public API
    /// (`CORS_ALLOWED_ORIGINS`, comma-separated; default: any origin).
    pub cors_origins: Option<Vec<String>>,
    /// Browser origins allowed to call the curation endpoints
    /// (`CURATION_CORS_ALLOWED_ORIGINS`, comma-separated; default: none,
    /// so curation works from scripts and servers but from no web page).
    pub curation_origins: Vec<String>,
    /// Public problem reports accepted per client address per hour
    /// (`REPORTS_PER_HOUR`, default 10).
    pub reports_per_hour: usize,
    /// PDFs (letters, blank templates) typeset per client address per hour
    /// (`PDFS_PER_HOUR`, default 120).
    pub pdfs_per_hour: usize,
    /// Reverse proxies whose `X-Forwarded-For` is believed
    /// (`TRUSTED_PROXIES`, comma-separated IP addresses; default none), so
    /// that rate limits count clients rather than the proxy.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// A map tile server for the patient site (`MAP_TILE_URL`, a template
    /// such as `https://tiles.example.org/{z}/{x}/{y}.png`, with
    /// `MAP_TILE_ATTRIBUTION`); none by default, and then the site shows
    /// no map at all, only its list.
    pub map_tiles: Option<MapTiles>,
}

/// A tile server the patient site may load images from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapTiles {
    /// The URL template with `{z}`, `{x}` and `{y}`.
    pub url: String,
    /// Its origin (`https://tiles.example.org`), the one the site's
    /// content security policy allows images from.
    pub origin: String,
    /// The credit the tiles' licence asks for, shown under the map.
    pub attribution: String,
}

/// `MAP_TILE_URL` and `MAP_TILE_ATTRIBUTION`: both or neither.
fn map_tiles(url: Option<String>, attribution: Option<String>) -> Result<Option<MapTiles>, String> {
    let Some(url) = url else {
        return match attribution {
            None => Ok(None),
            Some(_) => Err("MAP_TILE_ATTRIBUTION is set but MAP_TILE_URL is not".into()),
        };
    };
    let url = url.trim().to_owned();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("MAP_TILE_URL: {url:?} does not start with https:// or http://"))?;
    let host = rest.split('/').next().unwrap_or_default();
    let placeholders = ["{z}", "{x}", "{y}"].iter().all(|p| rest.contains(p));
    let bad_char = url
        .chars()
        .any(|c| c.is_whitespace() || c == ';' || c == ',' || c == '\'' || c == '"');
    if host.is_empty() || host.contains('{') || !placeholders || bad_char {
        return Err(format!(
            "MAP_TILE_URL: {url:?} is not a tile URL template such as https://tiles.example.org/{{z}}/{{x}}/{{y}}.png"
        ));
    }
    let attribution = attribution
        .map(|a| a.trim().to_owned())
        .ok_or("MAP_TILE_URL needs MAP_TILE_ATTRIBUTION: the credit the tiles' licence asks for, e.g. \"© OpenStreetMap contributors\"")?;
    let scheme = if url.starts_with("https://") {
        "https://"
    } else {
        "http://"
    };
    Ok(Some(MapTiles {
        origin: format!("{scheme}{host}"),
        url,
        attribution,
    }))
}

/// A comma-separated list of origins such as `https://app.example.org`.
fn origins(name: &str, v: &str) -> Result<Vec<String>, String> {
    let list: Vec<String> = v
        .split(',')
        .map(|o| o.trim().trim_end_matches('/').to_owned())
        .filter(|o| !o.is_empty())
        .collect();
    if let Some(bad) = list
        .iter()
        .find(|o| !(o.starts_with("https://") || o.starts_with("http://")))
    {
        return Err(format!(
            "{name}: {bad:?} is not an origin such as https://app.example.org"
        ));
    }
    Ok(list)
}

impl Settings {
    pub fn from_env() -> Result<Self, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let database_url = DatabaseUrl::parse(
            &var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
        )?;
        let refresh_ms = match var("REFRESH_INTERVAL_MS") {
            None => DEFAULT_REFRESH_MS,
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|ms| (10..=60_000).contains(ms))
                .ok_or_else(|| format!("REFRESH_INTERVAL_MS must be a whole number of milliseconds from 10 to 60000, not {v:?}"))?,
        };
        let workers = match var("WORKERS") {
            None => None,
            Some(v) => Some(
                v.parse::<usize>()
                    .ok()
                    .filter(|n| (1..=256).contains(n))
                    .ok_or_else(|| {
                        format!("WORKERS must be a whole number from 1 to 256, not {v:?}")
                    })?,
            ),
        };
        let cors_origins = match var("CORS_ALLOWED_ORIGINS") {
            None => None,
            Some(v) if v.trim() == "*" => None,
            Some(v) => Some(origins("CORS_ALLOWED_ORIGINS", &v)?),
        };
        let curation_origins = match var("CURATION_CORS_ALLOWED_ORIGINS") {
            None => Vec::new(),
            Some(v) => origins("CURATION_CORS_ALLOWED_ORIGINS", &v)?,
        };
        let reports_per_hour = match var("REPORTS_PER_HOUR") {
            None => 10,
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=10_000).contains(n))
                .ok_or_else(|| {
                    format!("REPORTS_PER_HOUR must be a whole number from 1 to 10000, not {v:?}")
                })?,
        };
        let pdfs_per_hour = match var("PDFS_PER_HOUR") {
            None => 120,
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=100_000).contains(n))
                .ok_or_else(|| {
                    format!("PDFS_PER_HOUR must be a whole number from 1 to 100000, not {v:?}")
                })?,
        };
        let trusted_proxies = match var("TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(v) => v
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(|a| {
                    a.parse().map_err(|_| {
                        format!("TRUSTED_PROXIES: {a:?} is not an IP address such as 10.0.0.5")
                    })
                })
                .collect::<Result<_, _>>()?,
        };
        let map_tiles = map_tiles(var("MAP_TILE_URL"), var("MAP_TILE_ATTRIBUTION"))?;
        Ok(Self {
            map_tiles,
            trusted_proxies,
            cors_origins,
            curation_origins,
            reports_per_hour,
            pdfs_per_hour,
            workers,
            database_url,
            bind_addr: var("BIND_ADDR").unwrap_or_else(|| DEFAULT_BIND_ADDR.into()),
            refresh_interval: Duration::from_millis(refresh_ms),
            seed_empty_database: true,
        })
    }
}

#[cfg(test)]
mod tests {
    //! `origins`, the one pure parser here; `Settings::from_env` reads the
    //! process environment, so tests/api/settings.rs checks it through the
    //! real binary.

    use super::{map_tiles, origins};

    #[test]
    fn a_tile_url_needs_placeholders_a_scheme_and_a_credit() {
        let credit = || Some("© Example".to_owned());
        let t = map_tiles(
            Some(" https://t.example:8443/{z}/{x}/{y}.png ".into()),
            credit(),
        )
        .unwrap()
        .unwrap();
        assert_eq!(t.origin, "https://t.example:8443");
        assert_eq!(t.url, "https://t.example:8443/{z}/{x}/{y}.png");
        assert_eq!(map_tiles(None, None).unwrap(), None);
        for bad in [
            "t.example/{z}/{x}/{y}.png",
            "https://t.example/{z}/{x}.png",
            "https://{s}.t.example/{z}/{x}/{y}.png",
            "https://t.example/{z}/{x}/{y}.png; script-src *",
        ] {
            let err = map_tiles(Some(bad.into()), credit()).unwrap_err();
            assert!(err.starts_with("MAP_TILE_URL: "), "{bad}: {err}");
        }
        assert!(
            map_tiles(Some("https://t.example/{z}/{x}/{y}.png".into()), None)
                .unwrap_err()
                .contains("MAP_TILE_ATTRIBUTION")
        );
        assert!(map_tiles(None, credit()).is_err());
    }

    #[test]
    fn origins_are_trimmed_and_need_a_scheme() {
        assert_eq!(
            origins("X", " https://a.example/ ,http://localhost:3000,, ").unwrap(),
            ["https://a.example", "http://localhost:3000"]
        );
        assert_eq!(origins("X", " , ").unwrap(), Vec::<String>::new());
        let err = origins("CORS_ALLOWED_ORIGINS", "https://ok.example, app.example").unwrap_err();
        assert!(
            err.starts_with("CORS_ALLOWED_ORIGINS: \"app.example\" is not an origin"),
            "{err}"
        );
        assert!(origins("X", "ftp://files.example").is_err());
    }
}
