//! Cross-cutting request handling, outermost first: request id and access
//! log, problem+json for any error response, CORS.

mod cors;
mod problem_fallback;
mod request_context;

pub(crate) use cors::cors;
pub(crate) use problem_fallback::problem_fallback;
pub(crate) use request_context::request_context;
