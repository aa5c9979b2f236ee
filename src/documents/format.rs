//! The output formats and how a request picks one: a `format` parameter,
//! else the `Accept` header, else PDF.

use actix_web::http::header::{self, HeaderMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
    Pdf,
    Docx,
    Text,
}

pub const ALL: [Format; 5] = [
    Format::Pdf,
    Format::Docx,
    Format::Html,
    Format::Markdown,
    Format::Text,
];

impl Format {
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Pdf => "application/pdf",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Text => "text/plain; charset=utf-8",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Text => "txt",
        }
    }

    /// `format` parameter values: exactly the codes [`FormatCode`] lists.
    pub fn from_param(value: &str) -> Option<Self> {
        match value {
            "md" => Some(Format::Markdown),
            "html" => Some(Format::Html),
            "pdf" => Some(Format::Pdf),
            "docx" => Some(Format::Docx),
            "txt" => Some(Format::Text),
            _ => None,
        }
    }

    fn from_media_type(mt: &str) -> Option<Self> {
        match mt {
            "text/markdown" | "text/x-markdown" => Some(Format::Markdown),
            "text/html" | "application/xhtml+xml" => Some(Format::Html),
            "application/pdf" => Some(Format::Pdf),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
                Some(Format::Docx)
            }
            "text/plain" => Some(Format::Text),
            _ => None,
        }
    }
}

/// The values of the `format` parameter, as the OpenAPI document lists
/// them.
#[derive(Debug, Clone, Copy, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FormatCode {
    Pdf,
    Docx,
    Html,
    Md,
    Txt,
}

/// Why no format could be chosen.
pub enum Refusal {
    UnknownParam,
    NotAcceptable,
}

/// The format asked for: `format` wins; else the first acceptable media
/// type of `Accept` by quality; a missing Accept or `*/*` means PDF.
pub fn negotiate(param: Option<&str>, headers: &HeaderMap) -> Result<Format, Refusal> {
    if let Some(p) = param {
        return Format::from_param(p).ok_or(Refusal::UnknownParam);
    }
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Ok(Format::Pdf);
    };
    let mut ranges: Vec<(f32, &str)> = accept
        .split(',')
        .filter_map(|range| {
            let mut parts = range.split(';').map(str::trim);
            let mt = parts.next()?;
            let q = parts
                .find_map(|p| p.strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (q > 0.0).then_some((q, mt))
        })
        .collect();
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (_, mt) in ranges {
        if mt == "*/*" || mt == "application/*" {
            return Ok(Format::Pdf);
        }
        if mt == "text/*" {
            return Ok(Format::Html);
        }
        if let Some(f) = Format::from_media_type(&mt.to_ascii_lowercase()) {
            return Ok(f);
        }
    }
    Err(Refusal::NotAcceptable)
}
