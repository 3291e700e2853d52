//! Cross-cutting request handling, outermost first: request id, access log
//! and the headers of every response (`Connection: close` too, while
//! draining); request metrics; problem+json for any error response;
//! CORS; a 500 for a panic; the body deadline. On `/login` alone, OAuth2's
//! error members on its refusals.

mod body_deadline;
mod catch_panic;
mod cors;
mod drain;
mod metrics;
mod problem_fallback;
mod request_context;
mod token_endpoint;

pub(crate) use body_deadline::{BodyDeadline, body_deadline};
pub(crate) use catch_panic::catch_panic;
pub(crate) use cors::cors;
pub(crate) use drain::Draining;
pub(crate) use metrics::record_metrics;
pub(crate) use problem_fallback::problem_fallback;
pub(crate) use request_context::request_context;
pub(crate) use token_endpoint::token_endpoint_errors;

use actix_web::{Error, dev::ServiceResponse, http::StatusCode};

/// The status a request was answered with, whether the service below
/// returned a response or an error that actix turns into one.
fn answered_status<B>(result: &Result<ServiceResponse<B>, Error>) -> StatusCode {
    match result {
        Ok(response) => response.status(),
        Err(error) => error.as_response_error().status_code(),
    }
}
