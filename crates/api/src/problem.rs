//! The wire format of every error: RFC 9457 `application/problem+json`.

use actix_web::{
    HttpResponse, HttpResponseBuilder,
    http::{StatusCode, header::CONTENT_TYPE},
};
use serde::Serialize;
use utoipa::ToSchema;

pub(crate) const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem: the body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Problem {
    /// Always `about:blank`: the status code says what kind of problem it is.
    #[serde(rename = "type")]
    #[schema(example = "about:blank")]
    kind: &'static str,
    /// The status code's reason phrase.
    #[schema(example = "Not Found")]
    title: &'static str,
    /// The HTTP status code, repeated.
    #[schema(minimum = 400, maximum = 599, example = 404)]
    status: u16,
    /// What went wrong, for people; never anything internal.
    #[schema(example = "post not found")]
    detail: String,
    /// Only from the token endpoint (`POST /login`): the OAuth2 error code
    /// (RFC 6749 §5.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'static str>,
    /// Only from the token endpoint: the same reason for OAuth2 clients,
    /// with when to retry after a 429.
    #[serde(skip_serializing_if = "Option::is_none")]
    error_description: Option<String>,
}

/// The OAuth2 members of a token-endpoint error (RFC 6749 §5.2).
pub(crate) struct OAuth2Error {
    /// `invalid_request`, `invalid_grant` or `unsupported_grant_type`.
    pub code: &'static str,
    pub description: String,
}

/// A 422: a problem that names every broken rule.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ValidationProblem {
    #[serde(flatten)]
    problem: Problem,
    /// One entry per broken rule.
    #[schema(min_items = 1)]
    errors: Vec<FieldProblem>,
}

/// One broken rule of a 422, named by the input field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub(crate) struct FieldProblem {
    /// The body field or query parameter at fault, or `body` for the body as a whole.
    #[schema(example = "title")]
    pub field: String,
    #[schema(example = "must not be empty")]
    pub message: String,
}

/// A problem response; the caller may still add headers to the builder.
pub(crate) fn builder(status: StatusCode) -> HttpResponseBuilder {
    let mut builder = HttpResponse::build(status);
    builder.content_type(PROBLEM_JSON);
    builder
}

pub(crate) fn body(status: StatusCode, detail: &str, errors: &[FieldProblem]) -> String {
    body_with(status, detail, errors, None)
}

/// [`body`], with the OAuth2 members when `oauth2` is given.
pub(crate) fn body_with(
    status: StatusCode,
    detail: &str,
    errors: &[FieldProblem],
    oauth2: Option<OAuth2Error>,
) -> String {
    let (error, error_description) = match oauth2 {
        Some(OAuth2Error { code, description }) => (Some(code), Some(description)),
        None => (None, None),
    };
    let problem = Problem {
        kind: "about:blank",
        title: status.canonical_reason().unwrap_or("Error"),
        status: status.as_u16(),
        detail: detail.to_owned(),
        error,
        error_description,
    };
    // Plain strings and numbers always serialise; the default is unreachable.
    if errors.is_empty() {
        serde_json::to_string(&problem)
    } else {
        serde_json::to_string(&ValidationProblem {
            problem,
            errors: errors.to_vec(),
        })
    }
    .unwrap_or_default()
}

pub(crate) fn is_problem(response: &HttpResponse<impl Sized>) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with(PROBLEM_JSON))
}
