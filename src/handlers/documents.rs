//! Document endpoints: generate a filled letter, list the templates with
//! their fields as JSON Schema, download blank templates, and read the
//! evidence library.
//!
//! Nothing from a request body is stored or logged: bodies are parsed and
//! rendered in memory, errors name fields but never carry values into the
//! log, and every document response is `Cache-Control: no-store`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use tokio::sync::Semaphore;
use utoipa::IntoParams;
use validator::Validate;

use crate::documents::evidence::{self, EvidenceList, EvidenceView};
use crate::documents::format::{self, Format, Refusal};
use crate::documents::i18n::{texts, Texts};
use crate::documents::lang::{self, Lang, Paper, Tag};
use crate::documents::model::Document;
use crate::documents::render;
use crate::documents::schema::{self, TemplateInfo, TemplateList};
use crate::documents::templates::common::Target;
use crate::documents::templates::*;
use crate::error::{ApiError, Problem};
use crate::http::problems;
use crate::http::ratelimit::client_address;
use crate::http::{body, params};
use crate::readmodel::snapshot::Snapshot;
use crate::state::AppState;

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FormatParams {
    /// `pdf`, `docx`, `html`, `md` or `txt`; overrides `Accept`. Without
    /// either, PDF.
    #[param(value_type = Option<format::FormatCode>, example = "pdf")]
    format: Option<String>,
}

/// A blank template's parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BlankParams {
    /// `pdf`, `docx`, `html`, `md` or `txt`; overrides `Accept`. Without
    /// either, PDF.
    #[param(value_type = Option<format::FormatCode>, example = "pdf")]
    format: Option<String>,
    /// en, de, fr, es or it, optionally with a region (e.g. en-US);
    /// overrides `Accept-Language`. Without either, English.
    #[param(pattern = "^(en|de|fr|es|it)(-[A-Za-z]{2})?$", example = "de")]
    lang: Option<String>,
    /// `a4` or `letter`. Without it: US Letter when the language's region
    /// is US or CA, else A4.
    #[param(value_type = Option<Paper>)]
    paper: Option<String>,
}

fn choose(req: &HttpRequest) -> Result<Format, ApiError> {
    let p: FormatParams = params::parse(req.query_string())?;
    negotiate_format(p.format.as_deref(), req)
}

fn negotiate_format(param: Option<&str>, req: &HttpRequest) -> Result<Format, ApiError> {
    format::negotiate(param, req.headers()).map_err(|r| match r {
        Refusal::UnknownParam => ApiError::not_acceptable("format must be one of: pdf, docx, html, md, txt"),
        Refusal::NotAcceptable => ApiError::not_acceptable(
            "Accept names no format offered: application/pdf, application/vnd.openxmlformats-officedocument.wordprocessingml.document, text/html, text/markdown, text/plain",
        ),
    })
}

fn resolve_target(
    snapshot: &Snapshot,
    t: &TargetRef,
    words: &Texts,
) -> Result<Option<Target>, ApiError> {
    if let Some(id) = &t.clinician_id {
        let c = snapshot
            .clinician(id)
            .ok_or_else(|| ApiError::not_found("clinician", id))?;
        let c = c.clinician();
        let at = c
            .affiliations
            .first()
            .and_then(|a| snapshot.centre(&a.centre_id));
        let mut address = Vec::new();
        let mut referral = Vec::new();
        if let Some(centre) = at {
            let centre = centre.centre();
            address.push(centre.name.clone());
            address.extend(address_lines(&centre));
            referral = referral_lines(&centre, words);
        }
        return Ok(Some(Target {
            name: c.name,
            address,
            referral,
            verified: verified_words(words, &c.verification),
        }));
    }
    if let Some(id) = &t.centre_id {
        let c = snapshot
            .centre(id)
            .ok_or_else(|| ApiError::not_found("centre", id))?;
        let c = c.centre();
        return Ok(Some(Target {
            address: address_lines(&c),
            referral: referral_lines(&c, words),
            verified: verified_words(words, &c.verification),
            name: c.name,
        }));
    }
    Ok(None)
}

fn address_lines(c: &crate::directory::model::Centre) -> Vec<String> {
    let a = &c.address;
    let mut out: Vec<String> = [&a.street].into_iter().flatten().cloned().collect();
    let city_line: Vec<&str> = [a.postal_code.as_deref(), a.city.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    if !city_line.is_empty() {
        out.push(city_line.join(" "));
    }
    let country =
        rust_iso3166::from_alpha2(&a.country).map_or(a.country.clone(), |c| c.name.to_owned());
    out.push(country);
    out
}

fn referral_lines(c: &crate::directory::model::Centre, words: &Texts) -> Vec<String> {
    let r = &c.referral;
    [
        (words.common.referral_phone, &r.phone),
        (words.common.referral_email, &r.email),
        (words.common.referral_form, &r.web_form),
    ]
    .into_iter()
    .filter_map(|(label, v)| v.as_ref().map(|v| format!("{label} {v}")))
    .collect()
}

fn respond(doc: &Document, format: Format, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(format.media_type())
        .insert_header((header::CONTENT_LANGUAGE, doc.lang.code()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}.{}\"",
                doc.file_stem,
                format.extension()
            ),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::VARY, "Accept, Accept-Language"))
        .body(bytes)
}

/// At most two PDFs per core typeset at a time; the rest wait their turn
/// in order. A render is not all CPU (one per core measured 35% fewer
/// documents a second), but unbounded bursts stretch every render (p99).
fn pdf_slots() -> &'static Arc<Semaphore> {
    static SLOTS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    SLOTS.get_or_init(|| {
        Arc::new(Semaphore::new(
            2 * std::thread::available_parallelism().map_or(2, |n| n.get()),
        ))
    })
}

/// PDFs waiting for a slot at most; more are told to come back.
const MAX_PDF_WAITING: usize = 64;
/// How long a PDF waits for a slot, and how long its typesetting may take,
/// before the client is told to come back (a render normally takes tens
/// of milliseconds).
const PDF_WAIT: Duration = Duration::from_secs(10);
const PDF_DEADLINE: Duration = Duration::from_secs(20);
/// Seconds a busy answer asks the client to wait.
const BUSY_RETRY_SECONDS: u64 = 5;

fn busy() -> ApiError {
    ApiError::unavailable_for(
        BUSY_RETRY_SECONDS,
        "many documents are being prepared; try again in a few seconds",
    )
}

/// Typesets `doc` off the async workers. PDFs count against the client's
/// hourly allowance, wait a bounded time in a bounded queue for a slot,
/// and answer 503 when their typesetting overruns its deadline (the slot
/// stays taken until the render really ends, so overruns cannot pile up).
async fn render_off_thread(
    req: &HttpRequest,
    state: &AppState,
    doc: Document,
    format: Format,
) -> Result<HttpResponse, ApiError> {
    static WAITING: AtomicUsize = AtomicUsize::new(0);
    let slot = match format {
        Format::Pdf => {
            if let Some(ip) = client_address(req, &state.trusted_proxies) {
                state.pdf_limiter.check(ip, Instant::now()).map_err(|wait| {
                    ApiError::too_many(
                        wait,
                        format!("many PDFs from this address this hour; try again in {wait} s, or ask for another format"),
                    )
                })?;
            }
            if WAITING.fetch_add(1, Ordering::SeqCst) >= MAX_PDF_WAITING {
                WAITING.fetch_sub(1, Ordering::SeqCst);
                return Err(busy());
            }
            let slot = tokio::time::timeout(PDF_WAIT, pdf_slots().clone().acquire_owned()).await;
            WAITING.fetch_sub(1, Ordering::SeqCst);
            Some(slot.map_err(|_| busy())?.map_err(ApiError::internal)?)
        }
        _ => None,
    };
    // Typesetting is CPU work: keep it off the async workers.
    let render = web::block(move || {
        let bytes = render::render(&doc, format);
        drop(slot);
        (doc, bytes)
    });
    let (doc, bytes) = tokio::time::timeout(PDF_DEADLINE, render)
        .await
        .map_err(|_| {
            log::warn!("a document render overran {PDF_DEADLINE:?}");
            busy()
        })?
        .map_err(|_| ApiError::internal("document rendering was cancelled"))?;
    Ok(respond(&doc, format, bytes.map_err(ApiError::internal)?))
}

/// The letter's language: `lang` if given (else why it cannot be used),
/// else the best of `Accept-Language` the template is written in, else
/// English.
fn choose_lang(
    template: &str,
    given: Option<&str>,
    req: &HttpRequest,
) -> Result<(Lang, Option<Tag>), String> {
    let offered = schema::languages(template);
    if let Some(code) = given {
        let tag = lang::parse_tag(code).ok_or_else(|| lang::LANG_HELP.to_owned())?;
        if !offered.contains(&tag.lang) {
            return Err(format!(
                    "the {template} letter is offered in: {}. It is written for the health plans it \
                     addresses and is not translated literally; see languages in /v1/templates/{template}",
                offered.iter().map(|l| l.code()).collect::<Vec<_>>().join(", ")
            ));
        }
        return Ok((tag.lang, Some(tag)));
    }
    match lang::from_accept_language(req.headers()) {
        Some(tag) if offered.contains(&tag.lang) => Ok((tag.lang, Some(tag))),
        _ => Ok((Lang::En, None)),
    }
}

/// The shared path of every `POST /v1/documents/...` handler.
async fn generate<T: serde::de::DeserializeOwned + Validate + Choices>(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    template: &'static str,
    build: fn(&T, &Ctx) -> Document,
) -> Result<HttpResponse, ApiError> {
    let format = choose(&req)?;
    let body: T = body::read_json(&req, payload, MAX_BODY_BYTES, "/v1/templates").await?;
    body::validate(&body)?;
    let (lang, tag) =
        choose_lang(template, body.lang(), &req).map_err(|m| ApiError::invalid("lang", m))?;
    let words = texts(lang);
    let snapshot = state.snapshot();
    let ctx = Ctx {
        today: chrono::Utc::now().date_naive(),
        target: resolve_target(&snapshot, body.target(), words)?,
        lang,
        t: words,
    };
    drop(snapshot);
    let mut doc = build(&body, &ctx);
    doc.paper = lang::paper_for(body.paper(), body.country(), tag.as_ref());
    render_off_thread(&req, &state, doc, format).await
}

macro_rules! document_endpoint {
    ($fn_name:ident, $module:ident, $req:ty, $path:literal) => {
        #[doc = concat!("Generate the filled document (", $path, "). See `GET /v1/templates/", $path, "` for its fields.")]
        #[utoipa::path(
            tag = "documents",
            params(FormatParams,
                ("Accept-Language" = Option<String>, Header, description = "The letter's language when the body has no `lang`: the first of en, de, fr, es, it (with a region, e.g. en-US) that the template is written in; otherwise English. The answer's Content-Language says which.")),
            request_body(content = $req, description = "At most 64 KiB", content_type = "application/json"),
            responses(
                (status = 200, description = "The document, as an attachment; never cached (Cache-Control: no-store)",
                    content(
                        (Vec<u8> = "application/pdf"),
                        (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                        (String = "text/html"),
                        (String = "text/markdown"),
                        (String = "text/plain"),
                    )),
                problems::JsonBody,
                problems::RateLimited,
                problems::Busy,
                (status = 404, description = "The target centre or clinician is not a published listing", body = Problem, content_type = "application/problem+json"),
                (status = 406, description = "No offered format is acceptable", body = Problem, content_type = "application/problem+json"),
            )
        )]
        #[post($path)]
        pub async fn $fn_name(req: HttpRequest, payload: web::Payload, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
            generate::<$req>(req, payload, state, $module::ID, $module::build).await
        }
    };
}

document_endpoint!(
    second_opinion_document,
    second_opinion,
    second_opinion::SecondOpinionRequest,
    "/documents/second-opinion"
);
document_endpoint!(
    referral_request_document,
    referral_request,
    referral_request::ReferralRequest,
    "/documents/referral-request"
);
document_endpoint!(
    insurer_appeal_document,
    insurer_appeal,
    insurer_appeal::InsurerAppealRequest,
    "/documents/insurer-appeal"
);
document_endpoint!(
    pathology_records_document,
    pathology_records,
    pathology_records::PathologyRecordsRequest,
    "/documents/pathology-records"
);
document_endpoint!(
    consultation_questions_document,
    consultation_questions,
    consultation_questions::ConsultationQuestionsRequest,
    "/documents/consultation-questions"
);

/// The templates, each with its purpose and its fields as JSON Schema, so
/// a front-end can build the form.
#[utoipa::path(tag = "documents", responses(
        (status = 200, body = TemplateList),
        problems::Query,
    ))]
#[get("/templates")]
pub async fn list_templates(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    params::none(req.query_string())?;
    Ok(HttpResponse::Ok().json(TemplateList {
        items: state.templates.clone(),
    }))
}

/// One template with its fields as JSON Schema.
#[utoipa::path(tag = "documents",
    params(("id" = String, Path, description = "Template id")),
    responses(
        (status = 200, body = TemplateInfo),
        problems::Query,
        (status = 404, description = "No such template", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/templates/{id}")]
pub async fn get_template(
    req: HttpRequest,
    id: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    params::none(req.query_string())?;
    let info = state
        .templates
        .iter()
        .find(|t| t.id == *id)
        .ok_or_else(|| ApiError::not_found("template", &id))?;
    Ok(HttpResponse::Ok().json(info))
}

/// A blank template to fill in by hand or in a word processor: every field
/// is a placeholder in square brackets.
#[utoipa::path(tag = "documents",
    params(("id" = String, Path, description = "Template id"), BlankParams,
        ("Accept-Language" = Option<String>, Header, description = "The language when there is no `lang` parameter: the first of en, de, fr, es, it that the template is written in; otherwise English.")),
    responses(
        (status = 200, description = "The blank document, as an attachment",
            content(
                (Vec<u8> = "application/pdf"),
                (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                (String = "text/html"),
                (String = "text/markdown"),
                (String = "text/plain"),
            )),
        problems::Query,
        problems::RateLimited,
        problems::Busy,
        (status = 404, description = "No such template", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "No offered format is acceptable", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/templates/{id}/blank")]
pub async fn blank_template(
    req: HttpRequest,
    id: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let p: BlankParams = params::parse(req.query_string())?;
    let format = negotiate_format(p.format.as_deref(), &req)?;
    if let Some(paper) = &p.paper {
        lang::check_paper(paper)
            .map_err(|_| ApiError::bad_parameter("paper", "must be a4 or letter"))?;
    }
    let template = match id.as_str() {
        second_opinion::ID => second_opinion::ID,
        referral_request::ID => referral_request::ID,
        insurer_appeal::ID => insurer_appeal::ID,
        pathology_records::ID => pathology_records::ID,
        consultation_questions::ID => consultation_questions::ID,
        other => return Err(ApiError::not_found("template", other)),
    };
    let (lang, tag) = choose_lang(template, p.lang.as_deref(), &req)
        .map_err(|m| ApiError::bad_parameter("lang", m))?;
    let ctx = Ctx {
        today: chrono::Utc::now().date_naive(),
        target: None,
        lang,
        t: texts(lang),
    };
    let mut doc = match template {
        second_opinion::ID => second_opinion::build(&Default::default(), &ctx),
        referral_request::ID => referral_request::build(&Default::default(), &ctx),
        insurer_appeal::ID => insurer_appeal::build(&Default::default(), &ctx),
        pathology_records::ID => pathology_records::build(&Default::default(), &ctx),
        _ => consultation_questions::build(&Default::default(), &ctx),
    };
    doc.paper = lang::paper_for(p.paper.as_deref(), None, tag.as_ref());
    doc.file_stem = format!("{template}-blank");
    render_off_thread(&req, &state, doc, format).await
}

/// The evidence library, with formatted citations. Entries with
/// `cited_by_default` false are unverified: letters cite them only when a
/// request picks them, then with a visible "not verified" mark, and never
/// lean on them in the text.
#[utoipa::path(tag = "documents", responses(
        (status = 200, body = EvidenceList),
        problems::Query,
    ))]
#[get("/evidence")]
pub async fn list_evidence(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    params::none(req.query_string())?;
    Ok(HttpResponse::Ok().json(EvidenceList {
        items: evidence::library().iter().map(|e| e.view()).collect(),
    }))
}

/// One evidence entry.
#[utoipa::path(tag = "documents",
    params(("id" = String, Path, description = "Evidence id")),
    responses(
        (status = 200, body = EvidenceView),
        problems::Query,
        (status = 404, description = "No such entry", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/evidence/{id}")]
pub async fn get_evidence(
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    params::none(req.query_string())?;
    let e = evidence::find(&id).ok_or_else(|| ApiError::not_found("evidence entry", &id))?;
    Ok(HttpResponse::Ok().json(e.view()))
}
