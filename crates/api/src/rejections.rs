//! actix's own extractor failures, turned into [`ApiError`]s so that they
//! too answer with problem+json and the statuses the contract names.

use actix_web::{
    error::{JsonPayloadError, PayloadError, QueryPayloadError, UrlencodedError},
    web,
};
use serde_json::error::Category;

use crate::{error::ApiError, problem::FieldProblem};

/// The largest request body accepted, JSON or form.
pub(crate) const BODY_LIMIT: usize = 64 * 1024;

pub(crate) fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(BODY_LIMIT)
        .error_handler(|error, _| json_error(error).into())
}

pub(crate) fn form_config() -> web::FormConfig {
    web::FormConfig::default()
        .limit(BODY_LIMIT)
        .error_handler(|error, _| form_error(error).into())
}

pub(crate) fn payload_config() -> web::PayloadConfig {
    web::PayloadConfig::new(BODY_LIMIT)
}

/// Ids are integers, so a path segment that is not one names no resource:
/// 404, as for an id that does not exist.
pub(crate) fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_, request| {
        ApiError::NotFound(format!("no such resource: {}", request.path())).into()
    })
}

/// Query DTOs take every parameter as text and check it themselves (so
/// `limit=abc` is a 422 naming `limit`); what still fails here is the
/// query string's own syntax, such as a repeated parameter.
pub(crate) fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error, _| {
        let QueryPayloadError::Deserialize(error) = error else {
            return ApiError::BadRequest("malformed query string".to_owned()).into();
        };
        ApiError::BadRequest(format!("malformed query string: {error}")).into()
    })
}

fn json_error(error: JsonPayloadError) -> ApiError {
    match error {
        JsonPayloadError::OverflowKnownLength { .. }
        | JsonPayloadError::Overflow { .. }
        | JsonPayloadError::Payload(PayloadError::Overflow) => too_large(),
        JsonPayloadError::Payload(error) if is_timeout(&error) => ApiError::BodyTimeout,
        JsonPayloadError::ContentType => {
            ApiError::UnsupportedMediaType("expected a JSON body (Content-Type: application/json)")
        }
        JsonPayloadError::Deserialize(error) => match error.classify() {
            Category::Data => ApiError::Unprocessable(vec![field_problem(&error)]),
            Category::Syntax | Category::Eof | Category::Io => {
                ApiError::BadRequest(format!("malformed JSON: {error}"))
            }
        },
        other => ApiError::BadRequest(format!("could not read the request body: {other}")),
    }
}

fn form_error(error: UrlencodedError) -> ApiError {
    match error {
        UrlencodedError::Overflow { .. } | UrlencodedError::Payload(PayloadError::Overflow) => {
            too_large()
        }
        UrlencodedError::Payload(error) if is_timeout(&error) => ApiError::BodyTimeout,
        UrlencodedError::ContentType => ApiError::UnsupportedMediaType(
            "expected a form body (Content-Type: application/x-www-form-urlencoded)",
        ),
        UrlencodedError::Parse(error) => {
            ApiError::BadRequest(format!("malformed form body: {error}"))
        }
        other => ApiError::BadRequest(format!("could not read the request body: {other}")),
    }
}

/// The body deadline ([`crate::middleware::body_deadline`]) passed.
fn is_timeout(error: &PayloadError) -> bool {
    matches!(error, PayloadError::Io(io) if io.kind() == std::io::ErrorKind::TimedOut)
}

fn too_large() -> ApiError {
    ApiError::PayloadTooLarge { limit: BODY_LIMIT }
}

/// serde names the field only when one is missing, unknown or repeated;
/// otherwise the whole body is blamed, and serde's message keeps the line
/// and column so the client can find the spot.
fn field_problem(error: &serde_json::Error) -> FieldProblem {
    let message = error.to_string();
    let named = [
        ("missing field `", "is required"),
        ("unknown field `", "is not a known field"),
        ("duplicate field `", "is given more than once"),
    ]
    .into_iter()
    .find_map(|(prefix, meaning)| {
        let (field, _) = message.strip_prefix(prefix)?.split_once('`')?;
        Some(FieldProblem {
            field: field.to_owned(),
            message: meaning.to_owned(),
        })
    });
    named.unwrap_or(FieldProblem {
        field: "body".to_owned(),
        message,
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Sample {
        title: String,
        published: bool,
    }

    fn problem(json: &str) -> FieldProblem {
        field_problem(&serde_json::from_str::<Sample>(json).unwrap_err())
    }

    #[test]
    fn a_missing_field_is_named() {
        let problem = problem(r#"{"published": true}"#);
        assert_eq!(problem.field, "title");
        assert_eq!(problem.message, "is required");
    }

    #[test]
    fn a_wrong_type_blames_the_body_with_a_location() {
        let problem = problem(r#"{"title": 5, "published": true}"#);
        assert_eq!(problem.field, "body");
        assert!(
            problem
                .message
                .starts_with("invalid type: integer `5`, expected a string")
        );
        assert!(problem.message.contains("line 1"));
    }
}
