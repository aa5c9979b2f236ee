//! Request bodies: JSON only, size-limited, parsed strictly, and checked
//! with validator. Every refusal is problem+json naming the field:
//! 415 for another media type, 413 when too large, 400 when malformed or
//! when a field is unknown, 422 when fields fail validation.
//!
//! serde's messages can quote the value sent; they go to the client only,
//! never to the log (bodies may carry a patient's details or a token).

use actix_web::http::header;
use actix_web::{web, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use validator::Validate;

use crate::error::{ApiError, FieldError};

/// Reads a JSON body of at most `limit` bytes into `T`. `fields_doc` tells
/// the client where the accepted fields are described.
pub async fn read_json<T: DeserializeOwned>(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
    fields_doc: &str,
) -> Result<T, ApiError> {
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mt| {
            let mt = mt.trim().to_ascii_lowercase();
            mt == "application/json" || mt.ends_with("+json")
        });
    if !is_json {
        return Err(ApiError::unsupported_media_type(
            "send the fields as application/json",
        ));
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| ApiError::bad_body("the request body could not be read"))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::payload_too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    parse_json(&body, fields_doc)
}

/// Parses JSON bytes into `T`, naming the field at fault. Text may not
/// hold control characters other than tab and line breaks (PostgreSQL
/// cannot store NUL, XML (DOCX, HTML) cannot hold the others, and no field
/// needs them), and nothing may follow the JSON value.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8], fields_doc: &str) -> Result<T, ApiError> {
    // In well-formed JSON a control character can only be an escape:
    // \u00XX, \b or \f.
    if bytes
        .windows(2)
        .any(|w| w[0] == b'\\' && matches!(w[1], b'u' | b'b' | b'f'))
    {
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) {
            if let Some(path) = control_at(&value, String::new()) {
                return Err(ApiError::validation(vec![FieldError {
                    field: path,
                    message: "must not contain control characters (other than tab and line breaks)"
                        .into(),
                }]));
            }
        }
    }
    if bytes.trim_ascii_start().starts_with(b"[") {
        return Err(ApiError::bad_body("the body must be a JSON object"));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut *de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => data_error(&path, &inner, fields_doc),
            _ => ApiError::bad_body("the body is not well-formed JSON"),
        }
    })?;
    de.end()
        .map_err(|_| ApiError::bad_body("the body has more after its JSON value"))?;
    Ok(value)
}

/// A character no text field may hold: C0 controls other than tab, line
/// feed and carriage return, and DEL.
fn forbidden(c: char) -> bool {
    (c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{7f}'
}

/// The path of the first string (or key) holding a forbidden character.
fn control_at(value: &serde_json::Value, path: String) -> Option<String> {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        serde_json::Value::String(s) if s.chars().any(forbidden) => {
            Some(if path.is_empty() { ".".into() } else { path })
        }
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| control_at(v, format!("{path}[{i}]"))),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
            if k.chars().any(forbidden) {
                Some(join("(key)"))
            } else {
                control_at(v, join(k))
            }
        }),
        _ => None,
    }
}

/// Deserialises an already-parsed JSON value into `T`; errors name the
/// field as `prefix.path`.
pub fn from_value<T: DeserializeOwned>(
    value: serde_json::Value,
    prefix: &str,
    fields_doc: &str,
) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = match e.path().to_string().as_str() {
            "." => prefix.to_owned(),
            p => format!("{prefix}.{p}"),
        };
        data_error(&path, &e.into_inner(), fields_doc)
    })
}

fn data_error(path: &str, inner: &serde_json::Error, fields_doc: &str) -> ApiError {
    let msg = inner.to_string();
    if msg.starts_with("unknown field `") {
        // The path already ends with the unknown field's name.
        ApiError::bad_field(
            path,
            format!("unknown field; see {fields_doc} for the fields"),
        )
    } else {
        let msg = msg.split(" at line ").next().unwrap_or_default().to_owned();
        // A missing field is named itself, not the object that lacks it.
        let missing = msg
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next());
        let field = match (missing, path) {
            (Some(name), ".") => name.to_owned(),
            (Some(name), path) => format!("{path}.{name}"),
            (None, path) => path.to_owned(),
        };
        ApiError::validation(vec![FieldError {
            field,
            message: msg,
        }])
    }
}

/// Runs validator's checks; 422 listing each failing field.
pub fn validate<T: Validate>(value: &T) -> Result<(), ApiError> {
    value
        .validate()
        .map_err(|e| ApiError::validation(field_errors(&e)))
}

/// validator's nested errors as `patient.name`-style field paths.
pub fn field_errors(errors: &validator::ValidationErrors) -> Vec<FieldError> {
    fn walk(prefix: &str, errors: &validator::ValidationErrors, out: &mut Vec<FieldError>) {
        for (field, kind) in errors.errors() {
            let path = if prefix.is_empty() {
                field.to_string()
            } else {
                format!("{prefix}.{field}")
            };
            match kind {
                validator::ValidationErrorsKind::Field(list) => {
                    for e in list {
                        let message = e.message.as_ref().map_or_else(
                            || format!("is not valid ({})", e.code),
                            |m| m.to_string(),
                        );
                        out.push(FieldError {
                            field: path.clone(),
                            message,
                        });
                    }
                }
                validator::ValidationErrorsKind::Struct(inner) => walk(&path, inner, out),
                validator::ValidationErrorsKind::List(items) => {
                    for (i, inner) in items {
                        walk(&format!("{path}[{i}]"), inner, out);
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    walk("", errors, &mut out);
    out.sort_by(|a, b| a.field.cmp(&b.field));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Letter {
        name: String,
        notes: Vec<String>,
    }

    #[test]
    fn control_characters_are_refused_with_their_field() {
        for (body, field) in [
            (r#"{"name":"A\u0000","notes":[]}"#, "name"),
            (r#"{"name":"A\u0007","notes":[]}"#, "name"),
            (r#"{"name":"A","notes":["ok","x\fy"]}"#, "notes[1]"),
            (r#"{"name":"A\b","notes":[]}"#, "name"),
            (r#"{"name":"A\u007f","notes":[]}"#, "name"),
        ] {
            let e = parse_json::<Letter>(body.as_bytes(), "/openapi.json").unwrap_err();
            assert_eq!(e.problem().status, 422, "{body}");
            assert_eq!(e.problem().errors[0].field, field, "{body}");
        }
        let ok: Letter = parse_json(
            br#"{"name":"Zo\u00eb\tA\r\nB \\b","notes":[]}"#,
            "/openapi.json",
        )
        .unwrap();
        assert_eq!(ok.name, "Zo\u{eb}\tA\r\nB \\b");
    }
}
