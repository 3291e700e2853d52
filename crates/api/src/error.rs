//! The one place where failures become HTTP statuses and problem bodies.

use std::{error::Error as _, time::Duration};

use actix_web::{
    HttpResponse, ResponseError,
    http::{
        StatusCode,
        header::{ALLOW, RETRY_AFTER, WWW_AUTHENTICATE},
    },
};
use domain::DomainError;

use crate::problem::{self, FieldProblem, OAuth2Error};

/// What a 503 asks clients to wait: the database comes back from a restart
/// in about this long, and a pool that was full has turned over many times.
const UNAVAILABLE_RETRY_AFTER: Duration = Duration::from_secs(1);

/// Everything a request can fail with, domain errors included.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ApiError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("missing bearer token")]
    MissingToken,
    /// A token request with a `grant_type` other than `password` and `refresh_token`.
    #[error("grant_type must be `password` or `refresh_token`")]
    UnsupportedGrantType,
    /// Malformed JSON or form body, or a query string that cannot be read.
    #[error("{0}")]
    BadRequest(String),
    /// Well-formed input of the wrong shape (a missing field, a wrong type).
    #[error("invalid input")]
    Unprocessable(Vec<FieldProblem>),
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// The body was still arriving when its deadline passed.
    #[error("the request body did not arrive in time")]
    BodyTimeout,
    #[error("{0}")]
    UnsupportedMediaType(&'static str),
    #[error("{0}")]
    NotFound(String),
    /// `allow` lists the methods the resource answers to.
    #[error("this resource does not answer to this method; it allows {allow}")]
    MethodNotAllowed { allow: String },
    #[error("not ready: the storage did not answer within {0:?}")]
    NotReadyInTime(Duration),
    #[error("not ready: the storage check failed")]
    NotReady(#[source] DomainError),
    #[error("not ready: the server is stopping")]
    Draining,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Domain(error) => match error {
                DomainError::Validation(_) | DomainError::WrongCurrentPassword => {
                    StatusCode::UNPROCESSABLE_ENTITY
                }
                DomainError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
                DomainError::InvalidCredentials
                | DomainError::InvalidToken
                | DomainError::CallerGone
                | DomainError::InvalidRefreshToken => StatusCode::UNAUTHORIZED,
                DomainError::Forbidden => StatusCode::FORBIDDEN,
                DomainError::NotFound(_) => StatusCode::NOT_FOUND,
                DomainError::EmailTaken => StatusCode::CONFLICT,
                DomainError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
                // The domain's errors are #[non_exhaustive] for its other
                // adopters; a variant added without a mapping here is a 500
                // until it gets one.
                DomainError::Unexpected(_) | _ => StatusCode::INTERNAL_SERVER_ERROR,
            },
            Self::MissingToken => StatusCode::UNAUTHORIZED,
            Self::BadRequest(_) | Self::UnsupportedGrantType => StatusCode::BAD_REQUEST,
            Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::NotReadyInTime(_) | Self::NotReady(_) | Self::Draining => {
                StatusCode::SERVICE_UNAVAILABLE
            }
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.respond(None)
    }
}

impl ApiError {
    /// The answer of the token endpoint (`POST /login`) to a refused
    /// request: the problem with the OAuth2 members `error` and
    /// `error_description` (RFC 6749 §5.2). `None` for a server-side
    /// failure, which OAuth2 gives no code.
    pub(crate) fn token_endpoint_response(&self) -> Option<HttpResponse> {
        let status = self.status_code();
        if !status.is_client_error() {
            return None;
        }
        let code = match self {
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::Domain(
                DomainError::InvalidCredentials
                | DomainError::InvalidRefreshToken
                | DomainError::TooManyAttempts(_),
            ) => "invalid_grant",
            _ => "invalid_request",
        };
        let description = match self {
            Self::Domain(DomainError::TooManyAttempts(refusal)) => format!(
                "{} (in {} seconds)",
                self.detail(),
                whole_seconds(refusal.retry_after)
            ),
            Self::Domain(DomainError::Validation(errors)) => errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
            Self::Unprocessable(errors) => errors
                .iter()
                .map(|problem| format!("{}: {}", problem.field, problem.message))
                .collect::<Vec<_>>()
                .join("; "),
            _ => self.detail(),
        };
        Some(self.respond(Some(OAuth2Error { code, description })))
    }

    fn respond(&self, oauth2: Option<OAuth2Error>) -> HttpResponse {
        let status = self.status_code();
        self.log(status);
        let mut response = problem::builder(status);
        match self {
            Self::MissingToken
            | Self::Domain(
                DomainError::InvalidCredentials
                | DomainError::InvalidToken
                | DomainError::CallerGone
                | DomainError::InvalidRefreshToken,
            ) => {
                response.insert_header((WWW_AUTHENTICATE, "Bearer"));
            }
            Self::MethodNotAllowed { allow } => {
                response.insert_header((ALLOW, allow.as_str()));
            }
            Self::Domain(DomainError::TooManyAttempts(refusal)) => {
                let retry_after = whole_seconds(refusal.retry_after);
                response.insert_header((RETRY_AFTER, retry_after.to_string()));
            }
            _ if status == StatusCode::SERVICE_UNAVAILABLE => {
                response.insert_header((
                    RETRY_AFTER,
                    whole_seconds(UNAVAILABLE_RETRY_AFTER).to_string(),
                ));
            }
            _ => {}
        }
        response.body(problem::body_with(
            status,
            &self.detail(),
            &self.field_problems(),
            oauth2,
        ))
    }

    /// What the client reads: never anything internal for a 5xx.
    fn detail(&self) -> String {
        match self {
            Self::Domain(DomainError::Validation(_) | DomainError::WrongCurrentPassword)
            | Self::Unprocessable(_) => "the input breaks the rules listed in `errors`".to_owned(),
            Self::Domain(DomainError::Unavailable(_)) => {
                "the service is temporarily unavailable; try again later".to_owned()
            }
            Self::Domain(DomainError::Unexpected(_)) => "an unexpected error occurred".to_owned(),
            Self::NotReady(_) => "the storage is not answering".to_owned(),
            other => other.to_string(),
        }
    }

    fn field_problems(&self) -> Vec<FieldProblem> {
        match self {
            Self::Domain(DomainError::Validation(errors)) => errors
                .iter()
                .map(|error| FieldProblem {
                    field: error.field.to_owned(),
                    message: error.message.clone(),
                })
                .collect(),
            Self::Domain(DomainError::WrongCurrentPassword) => vec![FieldProblem {
                field: "current_password".to_owned(),
                message: "is incorrect".to_owned(),
            }],
            Self::Unprocessable(errors) => errors.clone(),
            _ => Vec::new(),
        }
    }

    /// Server-side failures are logged with their whole cause chain, since
    /// the client is told nothing of it.
    fn log(&self, status: StatusCode) {
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %cause_chain(self), "request failed");
        } else if status.is_server_error() {
            tracing::warn!(error = %cause_chain(self), "request failed");
        }
    }
}

fn cause_chain(error: &ApiError) -> String {
    let mut chain = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    chain
}

/// `Retry-After` takes whole seconds; rounding down could invite a retry
/// that is still refused.
fn whole_seconds(duration: Duration) -> u64 {
    let seconds = duration.as_secs();
    if duration.subsec_nanos() > 0 || seconds == 0 {
        seconds + 1
    } else {
        seconds
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("connection refused")]
    struct Refused;

    #[test]
    fn the_cause_chain_reaches_the_adapter_error() {
        let error = ApiError::from(DomainError::unexpected(Refused));
        assert_eq!(cause_chain(&error), "unexpected error: connection refused");
    }

    #[test]
    fn retry_after_rounds_up_and_is_never_zero() {
        assert_eq!(whole_seconds(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds(Duration::from_secs(0)), 1);
        assert_eq!(whole_seconds(Duration::from_secs(60)), 60);
        assert_eq!(whole_seconds(Duration::from_millis(60_001)), 61);
    }
}
