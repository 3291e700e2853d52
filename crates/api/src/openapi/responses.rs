//! The error responses operations share, as named components. Every one is
//! `application/problem+json`.
//!
//! The types are never built: they only name a response in the document.
#![allow(dead_code)]

use utoipa::ToResponse;

use crate::problem::{Problem, ValidationProblem};

/// Malformed JSON or form body, or a query string that cannot be read.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub(crate) struct BadRequest(Problem);

/// No bearer token, or one that is malformed, forged, expired or names a
/// user that no longer exists; at `/login`, a wrong email or password.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(("WWW-Authenticate" = String, description = "Always `Bearer`."))
)]
pub(crate) struct Unauthorized(Problem);

/// The caller is authenticated but does not own the resource.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub(crate) struct Forbidden(Problem);

/// No such resource, or a draft of someone else's; an id that is not an
/// integer names no resource either.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub(crate) struct NotFound(Problem);

/// The email address is already registered.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub(crate) struct Conflict(Problem);

/// The request body is larger than 64 KiB.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub(crate) struct PayloadTooLarge(Problem);

/// The body is not of a content type this operation reads.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub(crate) struct UnsupportedMediaType(Problem);

/// Well-formed input that breaks a rule; `errors` names each one.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub(crate) struct Unprocessable(ValidationProblem);

/// The credential throttle refused the request: too many failed password
/// checks (logins, or account changes giving `current_password`) for this
/// email from this client, from this client's network, or for this email
/// lately; or too many registrations from this client's network.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))
)]
pub(crate) struct TooManyAttempts(Problem);

/// The database is down, restarting or busy past its timeout, or a
/// statement ran past its time limit; never the request's fault.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))
)]
pub(crate) struct Unavailable(Problem);

/// The body did not arrive within the server's body deadline (10 s by
/// default) of the headers; the connection is closed.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub(crate) struct RequestTimeout(Problem);

/// An unexpected failure; the body reveals nothing of its cause.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub(crate) struct InternalError(Problem);
