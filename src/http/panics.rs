//! A panic in a handler answers 500 problem+json, logged with the route,
//! instead of a dropped connection. A panic is our bug; the client gets
//! the generic 500 every internal error gets.

use std::panic::AssertUnwindSafe;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use futures_util::FutureExt;

use crate::error::ApiError;

pub async fn catch(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    // The request itself cannot be kept (routing needs it unshared), so
    // the route is noted first (cheap copies of shared buffers).
    let (method, uri) = (req.method().clone(), req.uri().clone());
    match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(res) => res,
        // actix answers an error from a middleware with its response: the
        // generic 500 problem+json. Method and path only, never the query.
        Err(_) => {
            Err(ApiError::internal(format!("a handler panicked on {method} {}", uri.path())).into())
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::{web, App, HttpResponse, HttpServer};

    use crate::error::PROBLEM_JSON;

    /// A real server on a real port with a route that panics, as a bug
    /// would: the client gets a 500 problem+json, and the server goes on.
    #[actix_web::test]
    async fn a_panicking_handler_answers_500_problem_json() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = HttpServer::new(|| {
            App::new()
                .wrap(actix_web::middleware::from_fn(super::catch))
                .route(
                    "/boom",
                    web::get().to(|| async {
                        let empty: Vec<u8> = Vec::new();
                        // An index out of bounds, as a real bug would.
                        HttpResponse::Ok().body(vec![empty[std::hint::black_box(3)]])
                    }),
                )
                .route(
                    "/fine",
                    web::get().to(|| async { HttpResponse::Ok().body("ok") }),
                )
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        let client = reqwest::Client::new();
        let res = client
            .get(format!("http://127.0.0.1:{port}/boom"))
            .send()
            .await
            .expect("an answer, not a dropped connection");
        assert_eq!(res.status(), 500);
        assert_eq!(res.headers()["content-type"], PROBLEM_JSON);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["status"], 500);
        let fine = client
            .get(format!("http://127.0.0.1:{port}/fine"))
            .send()
            .await
            .unwrap();
        assert_eq!(fine.status(), 200, "the worker goes on serving");
        handle.stop(true).await;
    }
}
