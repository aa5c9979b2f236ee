//! Public problem reports: anyone may tell the reviewers that a listing
//! is wrong, without an account and without giving personal data. Reports
//! are rate-limited per client address; the address is held in memory for
//! the limit's window only and never stored.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::curation::auth::Caller;
use crate::curation::etag::private_json;
use crate::curation::model::*;
use crate::error::{ApiError, Problem};
use crate::http::{body, params};
use crate::startup::AppState;
use crate::store::schema::{accounts, reports};
use crate::store::{lock_writes, now_text, StoreError};

/// Reports are short; a small body limit keeps abuse cheap to refuse.
const MAX_REPORT_BYTES: usize = 8 * 1024;

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize,
)]
#[diesel(table_name = reports)]
pub struct ReportRow {
    pub id: i64,
    pub entity_kind: String,
    pub entity_id: String,
    pub category: String,
    pub details: String,
    pub status: String,
    pub created_at: String,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<String>,
    pub resolution: Option<String>,
}

/// A sliding window of report times per client address. IPv6 clients are
/// counted per /64 (one subscriber's usual allocation), so rotating
/// addresses within it does not escape the limit. The count is per API
/// node. Behind a proxy every client shares the proxy's address.
pub struct RateLimiter {
    per_window: usize,
    window: Duration,
    state: Mutex<Windows>,
}

struct Windows {
    seen: HashMap<IpAddr, VecDeque<Instant>>,
    last_sweep: Option<Instant>,
}

/// Addresses tracked at most; beyond it new addresses are refused until
/// the next sweep, so a flood of addresses cannot exhaust memory.
const MAX_TRACKED: usize = 100_000;

fn bucket(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

impl RateLimiter {
    pub fn new(per_window: usize, window: Duration) -> Self {
        Self {
            per_window,
            window,
            state: Mutex::new(Windows {
                seen: HashMap::new(),
                last_sweep: None,
            }),
        }
    }

    /// Counts one request from `ip`; the seconds to wait when over the limit.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), u64> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let window = self.window;
        let expired = |times: &mut VecDeque<Instant>| {
            while times
                .front()
                .is_some_and(|t| now.duration_since(*t) >= window)
            {
                times.pop_front();
            }
        };
        // Forget idle addresses now and then, not on every request.
        let due = state
            .last_sweep
            .is_none_or(|t| now.duration_since(t) >= Duration::from_secs(60));
        if due || state.seen.len() >= MAX_TRACKED {
            state.seen.retain(|_, times| {
                expired(times);
                !times.is_empty()
            });
            state.last_sweep = Some(now);
        }
        let key = bucket(ip);
        if !state.seen.contains_key(&key) && state.seen.len() >= MAX_TRACKED {
            return Err(60);
        }
        let times = state.seen.entry(key).or_default();
        expired(times);
        if times.len() >= self.per_window {
            let oldest = *times.front().expect("full window is not empty");
            let wait = window.saturating_sub(now.duration_since(oldest));
            return Err(wait.as_secs().max(1));
        }
        times.push_back(now);
        Ok(())
    }
}

/// The client's address: the peer's, unless the peer is a trusted proxy,
/// in which case the nearest address in `X-Forwarded-For` that is not a
/// trusted proxy itself (addresses further left could be forged).
pub fn client_address(req: &HttpRequest, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map_while(|a| a.trim().parse::<IpAddr>().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|a| !trusted.contains(a))
            .unwrap_or(peer),
    )
}

async fn report(
    req: HttpRequest,
    payload: web::Payload,
    kind: EntityKind,
    id: String,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    params::none(req.query_string())?;
    let published = match kind {
        EntityKind::Centre => state.snapshot().centre(&id).is_some(),
        _ => state.snapshot().clinician(&id).is_some(),
    };
    if !published {
        return Err(ApiError::not_found(kind.code(), &id));
    }
    // Count the attempt before reading the body: a flood of bad bodies is
    // limited too.
    if let Some(ip) = client_address(&req, &state.trusted_proxies) {
        state
            .report_limiter
            .check(ip, Instant::now())
            .map_err(ApiError::too_many_requests)?;
    }
    let r: NewReport = body::read_json(&req, payload, MAX_REPORT_BYTES, "/openapi.json").await?;
    body::validate(&r)?;
    let receipt = state
        .db
        .run(move |conn| {
            conn.transaction(|conn| {
                lock_writes(conn)?;
                diesel::insert_into(reports::table)
                    .values((
                        reports::entity_kind.eq(kind.code()),
                        reports::entity_id.eq(&id),
                        reports::category.eq(r.category.code()),
                        reports::details.eq(r.details.trim()),
                        reports::status.eq(ReportStatus::Open.code()),
                        reports::created_at.eq(now_text()),
                    ))
                    .execute(conn)?;
                let id: Option<i64> = reports::table
                    .select(diesel::dsl::max(reports::id))
                    .first(conn)?;
                Ok::<_, StoreError>(ReportReceipt {
                    id: id.unwrap_or_default(),
                    status: ReportStatus::Open,
                })
            })
        })
        .await?;
    Ok(HttpResponse::Accepted()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(receipt))
}

macro_rules! report_endpoint {
    ($fn_name:ident, $segment:literal, $kind:ident, $what:literal, $path:literal) => {
        #[doc = concat!("Report a problem with a published ", $what, " listing. No account is needed and no personal data is asked for: please describe only what is wrong with the listing. Limited per client address (429 with Retry-After).")]
        #[utoipa::path(
            tag = $segment,
            params(("id" = String, Path)),
            request_body(content = NewReport, content_type = "application/json"),
            responses(
                (status = 202, description = "Received; reviewers will look at it", body = ReportReceipt),
                (status = 400, description = "Malformed JSON or an unknown field", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No published listing has this id", body = Problem, content_type = "application/problem+json"),
                (status = 413, description = "The body is larger than 8 KiB", body = Problem, content_type = "application/problem+json"),
                (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
                (status = 422, description = "Fields fail validation; each is listed", body = Problem, content_type = "application/problem+json"),
                (status = 429, description = "Too many reports from this address; see Retry-After", body = Problem, content_type = "application/problem+json",
                    headers(("Retry-After" = u64, description = "Seconds to wait"))),
            )
        )]
        #[post($path)]
        pub async fn $fn_name(
            req: HttpRequest,
            payload: web::Payload,
            path: web::Path<String>,
            state: web::Data<AppState>,
        ) -> Result<HttpResponse, ApiError> {
            report(req, payload, EntityKind::$kind, path.into_inner(), state).await
        }
    };
}

report_endpoint!(
    report_centre,
    "directory",
    Centre,
    "centre",
    "/centres/{id}/reports"
);
report_endpoint!(
    report_clinician,
    "directory",
    Clinician,
    "clinician",
    "/clinicians/{id}/reports"
);

pub fn view(row: ReportRow, names: &HashMap<String, String>) -> Result<ReportView, StoreError> {
    let bad = |what: &str, v: &str| StoreError::Corrupt(format!("report {what} {v:?}"));
    Ok(ReportView {
        id: row.id,
        kind: EntityKind::from_code(&row.entity_kind)
            .ok_or_else(|| bad("kind", &row.entity_kind))?,
        category: ReportCategory::from_code(&row.category)
            .ok_or_else(|| bad("category", &row.category))?,
        status: ReportStatus::from_code(&row.status).ok_or_else(|| bad("status", &row.status))?,
        resolved_by: row.resolved_by.map(|id| Person {
            display_name: names.get(&id).cloned().unwrap_or_default(),
            id,
        }),
        entity_id: row.entity_id,
        details: row.details,
        created_at: row.created_at,
        resolved_at: row.resolved_at,
        resolution: row.resolution,
    })
}

fn display_names(
    conn: &mut crate::store::DbConnection,
) -> Result<HashMap<String, String>, StoreError> {
    Ok(accounts::table
        .select((accounts::id, accounts::display_name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// `open` (default) or `resolved`.
    status: Option<String>,
}

/// Problem reports from the public (reviewers), oldest first.
#[utoipa::path(
    tag = "curation",
    params(ReportParams),
    security(("bearer" = [])),
    responses(
        (status = 200, body = ReportList),
        (status = 400, description = "A parameter is unknown or malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the reviewer role", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/curation/reports")]
pub async fn list_reports(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Reviewer)?;
    let p: ReportParams = params::parse(req.query_string())?;
    let status = match p.status.as_deref() {
        None => ReportStatus::Open,
        Some(s) => ReportStatus::from_code(s)
            .ok_or_else(|| ApiError::bad_parameter("status", "must be open or resolved"))?,
    };
    let list = state
        .db
        .run(move |conn| {
            let rows: Vec<ReportRow> = reports::table
                .filter(reports::status.eq(status.code()))
                .order(reports::id)
                .select(ReportRow::as_select())
                .load(conn)?;
            let names = display_names(conn)?;
            let items = rows
                .into_iter()
                .map(|r| view(r, &names))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ReportList { items })
        })
        .await?;
    Ok(private_json(&list))
}

/// Mark a report resolved, saying what was done (reviewers).
#[utoipa::path(
    tag = "curation",
    params(("id" = i64, Path)),
    request_body(content = Resolution, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 200, body = ReportView),
        (status = 400, description = "Malformed JSON or an unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the reviewer role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Resolved already", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields fail validation; each is listed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/curation/reports/{id}/resolve")]
pub async fn resolve_report(
    req: HttpRequest,
    payload: web::Payload,
    path: web::Path<String>,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Role::Reviewer)?;
    params::none(req.query_string())?;
    let id = path
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::no_such("report", &path))?;
    let r: Resolution = body::read_json(&req, payload, MAX_REPORT_BYTES, "/openapi.json").await?;
    body::validate(&r)?;
    let v = state
        .db
        .run_with(move |conn| -> Result<ReportView, ApiError> {
            conn.transaction(|conn| {
                lock_writes(conn)?;
                let row: ReportRow = reports::table
                    .find(id)
                    .select(ReportRow::as_select())
                    .first(conn)
                    .optional()?
                    .ok_or_else(|| ApiError::no_such("report", &id.to_string()))?;
                if row.status != ReportStatus::Open.code() {
                    return Err(ApiError::conflict("the report is resolved already"));
                }
                diesel::update(reports::table.find(id))
                    .set((
                        reports::status.eq(ReportStatus::Resolved.code()),
                        reports::resolved_by.eq(&caller.account_id),
                        reports::resolved_at.eq(now_text()),
                        reports::resolution.eq(r.resolution.trim()),
                    ))
                    .execute(conn)?;
                let row: ReportRow = reports::table
                    .find(id)
                    .select(ReportRow::as_select())
                    .first(conn)?;
                Ok(view(row, &display_names(conn)?)?)
            })
        })
        .await?;
    Ok(private_json(&v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_each_address_within_its_window() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let t0 = Instant::now();
        assert!(limiter.check(a, t0).is_ok());
        assert!(limiter.check(a, t0 + Duration::from_secs(1)).is_ok());
        assert_eq!(limiter.check(a, t0 + Duration::from_secs(10)), Err(50));
        assert!(limiter.check(b, t0 + Duration::from_secs(10)).is_ok());
        assert!(limiter.check(a, t0 + Duration::from_secs(61)).is_ok());
    }

    #[test]
    fn counts_ipv6_clients_per_64() {
        let limiter = RateLimiter::new(1, Duration::from_secs(60));
        let t0 = Instant::now();
        let one: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let same_64: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let other_64: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert!(limiter.check(one, t0).is_ok());
        assert!(limiter.check(same_64, t0).is_err());
        assert!(limiter.check(other_64, t0).is_ok());
    }
}
