//! The wire format of every error: RFC 9457 `application/problem+json`.

use actix_web::{
    HttpResponse, HttpResponseBuilder,
    http::{StatusCode, header::CONTENT_TYPE},
};
use serde::Serialize;
use serde_json::json;

pub(crate) const PROBLEM_JSON: &str = "application/problem+json";

/// One broken rule of a 422, named by the input field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// A problem response; the caller may still add headers to the builder.
pub(crate) fn builder(status: StatusCode) -> HttpResponseBuilder {
    let mut builder = HttpResponse::build(status);
    builder.content_type(PROBLEM_JSON);
    builder
}

pub(crate) fn body(status: StatusCode, detail: &str, errors: &[FieldProblem]) -> String {
    let mut problem = json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
    });
    if !errors.is_empty() {
        problem["errors"] = json!(errors);
    }
    problem.to_string()
}

pub(crate) fn is_problem(response: &HttpResponse<impl Sized>) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with(PROBLEM_JSON))
}
