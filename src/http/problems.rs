//! The error answers operations share, for the OpenAPI document: each set
//! lists statuses whose body is RFC 9457 problem+json ([`Problem`]). An
//! operation names the sets that apply, e.g.
//! `responses((status = 200, body = X), problems::Query, problems::ForReviewers)`,
//! and lists only the errors particular to it (its 404, 409, ...) itself.

use std::collections::BTreeMap;

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::IntoResponses;

use crate::error::PROBLEM_JSON;

/// One problem+json response with `description` and optional headers.
fn problem(description: &str, headers: &[(&str, &str)]) -> RefOr<Response> {
    let mut response = ResponseBuilder::new().description(description).content(
        PROBLEM_JSON,
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build(),
    );
    for (name, about) in headers {
        response = response.header(
            *name,
            HeaderBuilder::new()
                .schema(utoipa::openapi::schema::Object::with_type(
                    utoipa::openapi::schema::Type::String,
                ))
                .description(Some(*about))
                .build(),
        );
    }
    RefOr::T(response.build())
}

macro_rules! problem_set {
    ($(#[$doc:meta])* $name:ident { $($status:literal => $response:expr),+ $(,)? }) => {
        $(#[$doc])*
        pub struct $name;

        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                BTreeMap::from([$(
                    ($status.to_string(), $response),
                )+])
            }
        }
    };
}

const BAD_QUERY: &str =
    "An unknown, repeated or malformed query parameter or header; the problem names it";
const BAD_BODY: &str = "Malformed JSON, an unknown field, or an unknown, repeated or \
malformed query parameter or header; the problem names it";

fn bad_query() -> RefOr<Response> {
    problem(BAD_QUERY, &[])
}

fn unauthorized() -> RefOr<Response> {
    problem(
        "No valid token: missing, malformed, unknown, revoked or expired, or its account is inactive",
        &[(
            "WWW-Authenticate",
            "Bearer, with RFC 6750's error code when a token was sent",
        )],
    )
}

problem_set! {
    /// Every operation: a malformed or unknown parameter.
    Query { "400" => bad_query() }
}

problem_set! {
    /// Operations that read a JSON body.
    JsonBody {
        "400" => problem(BAD_BODY, &[]),
        "413" => problem("The body is larger than this operation accepts (see the request body)", &[]),
        "415" => problem("The body is not JSON", &[]),
        "422" => problem("Fields fail validation; each is listed with its message", &[]),
    }
}

problem_set! {
    /// Changes guarded by the ETag the client read.
    IfMatch {
        "412" => problem(
            "If-Match is stale: someone changed it since; the current ETag is in ETag",
            &[("ETag", "The current ETag")],
        ),
        "428" => problem("If-Match is missing: read first and send the ETag read", &[]),
    }
}

problem_set! {
    /// Operations any curation account may use.
    ForCurators {
        "401" => unauthorized(),
    }
}

problem_set! {
    /// Operations for reviewers and administrators.
    ForReviewers {
        "401" => unauthorized(),
        "403" => problem("Needs the reviewer role", &[]),
    }
}

problem_set! {
    /// Operations for administrators.
    ForAdmins {
        "401" => unauthorized(),
        "403" => problem("Needs the admin role", &[]),
    }
}

problem_set! {
    /// Operations limited per client address.
    RateLimited {
        "429" => problem(
            "Too many requests from this address; wait as Retry-After says",
            &[("Retry-After", "Seconds to wait")],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_reference_the_problem_schema() {
        let responses = JsonBody::responses();
        assert_eq!(
            responses.keys().map(String::as_str).collect::<Vec<_>>(),
            ["400", "413", "415", "422"]
        );
        let json = serde_json::to_value(&responses["415"]).unwrap();
        assert_eq!(
            json["content"][PROBLEM_JSON]["schema"]["$ref"],
            "#/components/schemas/Problem"
        );
        let json = serde_json::to_value(&IfMatch::responses()["412"]).unwrap();
        assert!(json["headers"]["ETag"].is_object());
    }
}

problem_set! {
    /// Operations that may be briefly too busy.
    Busy {
        "503" => problem(
            "Too busy just now; wait as Retry-After says",
            &[("Retry-After", "Seconds to wait")],
        ),
    }
}

problem_set! {
    /// Operations that use the database (public reads do not).
    Storage {
        "503" => problem(
            "The database is unreachable, busy, read-only or failing: nothing was changed; wait as Retry-After says",
            &[("Retry-After", "Seconds to wait")],
        ),
        "507" => problem(
            "The database's disk is full: nothing was stored",
            &[("Retry-After", "Seconds to wait")],
        ),
    }
}
