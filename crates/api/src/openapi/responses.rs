//! The error responses operations share, as named components. Every one is
//! `application/problem+json`.
//!
//! The types are never built: they only name a response in the document.
#![allow(dead_code)]

use utoipa::ToResponse;

use crate::problem::{Problem, ValidationProblem};

/// Malformed JSON or form body, or a query string that cannot be read.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "about:blank", "title": "Bad Request", "status": 400, "detail": "malformed JSON: expected `,` or `}` at line 1 column 14"}),
)]
pub(crate) struct BadRequest(Problem);

/// No bearer token, or one that is malformed, forged, expired, names a
/// user that no longer exists or a session that has ended; at `/login`, a
/// wrong email or password, or an unknown, spent or ended refresh token
/// (with `error` and `error_description`).
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "about:blank", "title": "Unauthorized", "status": 401, "detail": "invalid or expired token"}),
    headers(("WWW-Authenticate" = String, description = "Always `Bearer`."))
)]
pub(crate) struct Unauthorized(Problem);

/// The caller is authenticated but does not own the resource.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "about:blank", "title": "Forbidden", "status": 403, "detail": "only the owner may do this"}),
)]
pub(crate) struct Forbidden(Problem);

/// No such resource, or a draft of someone else's; an id that is not an
/// integer names no resource either.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "about:blank", "title": "Not Found", "status": 404, "detail": "post not found"}),
)]
pub(crate) struct NotFound(Problem);

/// The email address is already registered.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "about:blank", "title": "Conflict", "status": 409, "detail": "email already registered"}),
)]
pub(crate) struct Conflict(Problem);

/// The request body is larger than 64 KiB.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "about:blank", "title": "Payload Too Large", "status": 413, "detail": "the request body is larger than 65536 bytes"}),
)]
pub(crate) struct PayloadTooLarge(Problem);

/// The body is not of a content type this operation reads.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "about:blank", "title": "Unsupported Media Type", "status": 415, "detail": "expected a JSON body (Content-Type: application/json)"}),
)]
pub(crate) struct UnsupportedMediaType(Problem);

/// Well-formed input that breaks a rule; `errors` names each one.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "about:blank", "title": "Unprocessable Entity", "status": 422, "detail": "the input breaks the rules listed in `errors`", "errors": [{"field": "title", "message": "must not be empty"}]}),
)]
pub(crate) struct Unprocessable(ValidationProblem);

/// The credential throttle refused the request: too many failed password
/// checks (logins, or account changes giving `current_password`) for this
/// email from this client, from this client's network, or for this email
/// lately; or too many registrations from this client's network.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "about:blank", "title": "Too Many Requests", "status": 429, "detail": "too many failed password attempts; try again later"}),
    headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))
)]
pub(crate) struct TooManyAttempts(Problem);

/// The database is down, restarting or busy past its timeout, or a
/// statement ran past its time limit; never the request's fault.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "about:blank", "title": "Service Unavailable", "status": 503, "detail": "the service is temporarily unavailable; try again later"}),
    headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))
)]
pub(crate) struct Unavailable(Problem);

/// The body did not arrive within the server's body deadline (10 s by
/// default) of the headers; the connection is closed.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "about:blank", "title": "Request Timeout", "status": 408, "detail": "the request body did not arrive in time"}),
)]
pub(crate) struct RequestTimeout(Problem);

/// An unexpected failure; the body reveals nothing of its cause.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "about:blank", "title": "Internal Server Error", "status": 500, "detail": "an unexpected error occurred"}),
)]
pub(crate) struct InternalError(Problem);
