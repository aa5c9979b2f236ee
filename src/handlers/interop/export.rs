//! Bulk exports of every published listing, streamed from the current
//! snapshot in chunks so memory stays flat however large the directory.
//! Each export states the change-feed position it reflects
//! (`Changes-Cursor`), so a client can follow `/v1/changes` from there.

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use futures_util::stream;
use serde::Serialize;

use crate::error::ApiError;
use crate::handlers::interop::{changes, ATTRIBUTION, DATA_LICENCE};
use crate::http::params;
use crate::http::problems;
use crate::readmodel::entries::{CentreEntry, ClinicianEntry};
use crate::readmodel::index::SortKey;
use crate::readmodel::snapshot::Snapshot;
use crate::state::AppState;

/// Listings per streamed chunk.
const CHUNK: usize = 256;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Centres,
    Clinicians,
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Ndjson,
    Csv,
}

const CENTRE_COLUMNS: [&str; 22] = [
    "id",
    "name",
    "institution",
    "street",
    "postal_code",
    "city",
    "subdivision",
    "country",
    "latitude",
    "longitude",
    "coordinate_precision",
    "website",
    "phone",
    "referral_phone",
    "referral_email",
    "referral_web_form",
    "programmes",
    "services",
    "verification_status",
    "last_verified",
    "sources",
    "facts",
];
const CLINICIAN_COLUMNS: [&str; 10] = [
    "id",
    "name",
    "discipline",
    "subtypes",
    "takes_phone_consultations",
    "centres",
    "verification_status",
    "last_verified",
    "sources",
    "facts",
];

fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("listing serialises")
}

fn sources(list: &[crate::directory::model::Source]) -> String {
    list.iter()
        .filter_map(|s| s.url.clone().or_else(|| s.citation.clone()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn centre_row(e: &CentreEntry) -> Vec<String> {
    let c = &e.centre();
    let a = &c.address;
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        c.id.clone(),
        c.name.clone(),
        opt(&c.institution),
        opt(&a.street),
        opt(&a.postal_code),
        opt(&a.city),
        opt(&a.subdivision),
        a.country.clone(),
        c.coordinates
            .as_ref()
            .map_or(String::new(), |p| p.lat.to_string()),
        c.coordinates
            .as_ref()
            .map_or(String::new(), |p| p.lon.to_string()),
        c.coordinates
            .as_ref()
            .map_or(String::new(), |p| p.precision.code().to_owned()),
        opt(&c.website),
        opt(&c.phone),
        opt(&c.referral.phone),
        opt(&c.referral.email),
        opt(&c.referral.web_form),
        c.programmes
            .iter()
            .map(|p| p.code())
            .collect::<Vec<_>>()
            .join(";"),
        c.services
            .iter()
            .map(|p| p.kind.code())
            .collect::<Vec<_>>()
            .join(";"),
        c.verification.status.code().to_owned(),
        c.verification
            .last_verified
            .map_or(String::new(), |d| d.to_string()),
        sources(&c.sources),
        json(&e.facts),
    ]
}

fn clinician_row(e: &ClinicianEntry) -> Vec<String> {
    let c = &e.clinician();
    vec![
        c.id.clone(),
        c.name.clone(),
        c.discipline.code().to_owned(),
        c.subtypes.join(";"),
        c.takes_phone_consultations
            .map_or(String::new(), |b| b.to_string()),
        c.affiliations
            .iter()
            .map(|a| a.centre_id.clone())
            .collect::<Vec<_>>()
            .join(";"),
        c.verification.status.code().to_owned(),
        c.verification
            .last_verified
            .map_or(String::new(), |d| d.to_string()),
        sources(&c.sources),
        json(&e.facts),
    ]
}

fn csv_line(fields: &[impl AsRef<[u8]>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(fields.iter().map(|f| defused(f.as_ref())))
        .expect("in-memory CSV write");
    w.into_inner().expect("in-memory CSV flush")
}

/// A cell a spreadsheet will not run as a formula: text starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return (a curated name or
/// citation could) gets a leading `'`, as OWASP advises. Numbers such as
/// a negative longitude stay as they are.
fn defused(cell: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let risky = matches!(
        cell.first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    let number = std::str::from_utf8(cell).is_ok_and(|t| t.parse::<f64>().is_ok());
    if risky && !number {
        let mut safe = Vec::with_capacity(cell.len() + 1);
        safe.push(b'\'');
        safe.extend_from_slice(cell);
        std::borrow::Cow::Owned(safe)
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_numbers_kept() {
        let line = csv_line(&[
            "=HYPERLINK(\"x\")",
            "-33.86",
            "@SUM(A1)",
            "+1 555",
            "Köln",
            "-x",
        ]);
        assert_eq!(
            String::from_utf8(line).unwrap(),
            "\"'=HYPERLINK(\"\"x\"\")\",-33.86,'@SUM(A1),'+1 555,Köln,'-x\r\n"
        );
    }
}

/// The next chunk of the export: up to CHUNK listings after `after`, and
/// the key of the last one when the chunk is full (more may follow).
fn chunk(
    s: &Snapshot,
    kind: Kind,
    format: Format,
    after: Option<&SortKey>,
) -> (Vec<u8>, Option<SortKey>) {
    let mut out = Vec::with_capacity(CHUNK * 1024);
    let mut last = None;
    let mut n = 0;
    match kind {
        Kind::Centres => {
            for d in s.centres.iter_after(after).take(CHUNK) {
                let e = &d.item;
                match format {
                    Format::Ndjson => {
                        out.extend(e.detail_json().into_bytes());
                        out.push(b'\n');
                    }
                    Format::Csv => out.extend(csv_line(&centre_row(e))),
                }
                (last, n) = (Some(d.key.clone()), n + 1);
            }
        }
        Kind::Clinicians => {
            for d in s.clinicians.iter_after(after).take(CHUNK) {
                let e = &d.item;
                match format {
                    Format::Ndjson => {
                        out.extend(e.detail_json().into_bytes());
                        out.push(b'\n');
                    }
                    Format::Csv => out.extend(csv_line(&clinician_row(e))),
                }
                (last, n) = (Some(d.key.clone()), n + 1);
            }
        }
    }
    (out, last.filter(|_| n == CHUNK))
}

fn export(
    req: &HttpRequest,
    state: &AppState,
    kind: Kind,
    format: Format,
) -> Result<HttpResponse, ApiError> {
    params::none(req.query_string())?;
    let snapshot = state.snapshot_arc();
    let header_line = match (kind, format) {
        (_, Format::Ndjson) => Vec::new(),
        (Kind::Centres, Format::Csv) => csv_line(&CENTRE_COLUMNS),
        (Kind::Clinicians, Format::Csv) => csv_line(&CLINICIAN_COLUMNS),
    };
    let cursor = changes::encode(snapshot.latest_change);
    // Chunk by chunk, each after the last key of the one before: memory
    // stays flat however large the directory.
    let chunks = stream::unfold(Some(None), move |after: Option<Option<SortKey>>| {
        let snapshot = snapshot.clone();
        async move {
            let after = after?;
            let (bytes, last) = chunk(&snapshot, kind, format, after.as_ref());
            Some((bytes, last.map(Some)))
        }
    });
    let body = stream::iter([header_line])
        .chain(chunks)
        .map(|bytes| Ok::<_, actix_web::Error>(web::Bytes::from(bytes)));
    let (name, media) = match (kind, format) {
        (Kind::Centres, Format::Ndjson) => ("centres.ndjson", "application/x-ndjson"),
        (Kind::Centres, Format::Csv) => ("centres.csv", "text/csv; charset=utf-8; header=present"),
        (Kind::Clinicians, Format::Ndjson) => ("clinicians.ndjson", "application/x-ndjson"),
        (Kind::Clinicians, Format::Csv) => {
            ("clinicians.csv", "text/csv; charset=utf-8; header=present")
        }
    };
    Ok(HttpResponse::Ok()
        .content_type(media)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header((header::LINK, format!("<{DATA_LICENCE}>; rel=\"license\"")))
        .insert_header(("Attribution", ATTRIBUTION))
        .insert_header(("Changes-Cursor", cursor))
        .streaming(body))
}

use futures_util::StreamExt;

macro_rules! export_endpoint {
    ($name:ident, $path:literal, $kind:expr, $format:expr, $media:literal, $what:literal) => {
        #[doc = concat!("Every published ", $what, ", streamed. Licensed CC BY 4.0 (`Link: rel=\"license\"`), with the attribution in the `Attribution` header; `Changes-Cursor` is the `/v1/changes` position this export reflects.")]
        #[utoipa::path(tag = "interop", responses(
        (status = 200, description = "The export", content((String = $media)),
                headers(
                    ("Changes-Cursor" = String, description = "Pass as `since` to /v1/changes to follow changes after this export"),
                    ("Attribution" = String, description = "The attribution the licence asks for"),
                    ("Link" = String, description = "The data licence, rel=\"license\""),
                )),
        problems::Query,
    ))]
        #[get($path)]
        pub async fn $name(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
            export(&req, &state, $kind, $format)
        }
    };
}

export_endpoint!(centres_ndjson, "/export/centres.ndjson", Kind::Centres, Format::Ndjson, "application/x-ndjson", "centre with its clinicians, facts, sources and verification, one JSON object per line (the shape of GET /v1/centres/{id})");
export_endpoint!(
    centres_csv,
    "/export/centres.csv",
    Kind::Centres,
    Format::Csv,
    "text/csv",
    "centre as a CSV row (lists joined with ';', facts as JSON)"
);
export_endpoint!(clinicians_ndjson, "/export/clinicians.ndjson", Kind::Clinicians, Format::Ndjson, "application/x-ndjson", "clinician with affiliations and facts, one JSON object per line (the shape of GET /v1/clinicians/{id})");
export_endpoint!(
    clinicians_csv,
    "/export/clinicians.csv",
    Kind::Clinicians,
    Format::Csv,
    "text/csv",
    "clinician as a CSV row"
);
