//! Answers for requests no route takes, so that every error a client can
//! see is problem+json: 405 with `Allow` when the path exists with other
//! methods, 404 otherwise.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};

use crate::error::ApiError;

/// The documented paths and their methods, taken from the OpenAPI document
/// so the list cannot drift from the routes.
pub struct KnownRoutes {
    routes: Vec<(Vec<String>, Vec<String>)>,
}

impl KnownRoutes {
    pub fn from_spec(spec: &utoipa::openapi::OpenApi) -> Self {
        let routes = spec
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segments = path.split('/').map(str::to_owned).collect();
                let mut methods = Vec::new();
                let ops = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ];
                for (name, present) in ops {
                    if present {
                        methods.push(name.to_owned());
                    }
                }
                (segments, methods)
            })
            .collect();
        Self { routes }
    }

    /// Adds an undocumented GET-only path (the spec itself, the docs page).
    pub fn with_get(mut self, path: &str) -> Self {
        self.routes.push((
            path.split('/').map(str::to_owned).collect(),
            vec!["GET".to_owned()],
        ));
        self
    }

    /// Methods allowed on `path`, if any documented route matches it.
    fn allowed(&self, path: &str) -> Option<&[String]> {
        let parts: Vec<&str> = path.split('/').collect();
        self.routes.iter().find_map(|(segments, methods)| {
            let matches = segments.len() == parts.len()
                && segments.iter().zip(&parts).all(|(s, p)| {
                    (s.starts_with('{') && s.ends_with('}') && !p.is_empty()) || s == p
                });
            matches.then_some(methods.as_slice())
        })
    }
}

pub async fn not_found(req: HttpRequest, known: web::Data<KnownRoutes>) -> HttpResponse {
    match known.allowed(req.path()) {
        Some(methods) => {
            let mut res = method_not_allowed(&req);
            if let Ok(value) = header::HeaderValue::from_str(&methods.join(", ")) {
                res.headers_mut().insert(header::ALLOW, value);
            }
            res
        }
        None => ApiError::no_route(req.path()).error_response(),
    }
}

/// 405 with `Allow: methods`, for a path a route with a parameter also
/// matches (`GET /v1/curation/proposals/approve` is not proposal
/// "approve").
pub fn only(req: &HttpRequest, methods: &[&str]) -> HttpResponse {
    let mut res = method_not_allowed(req);
    if let Ok(value) = header::HeaderValue::from_str(&methods.join(", ")) {
        res.headers_mut().insert(header::ALLOW, value);
    }
    res
}

pub fn method_not_allowed(req: &HttpRequest) -> HttpResponse {
    ApiError::method_not_allowed(req.method().as_str(), req.path()).error_response()
}
