use std::fmt;

use crate::{LimitKind, Refusal};

/// Any error from an adapter, kept whole for logs and never shown to clients.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything a use case or a port can fail with.
///
/// Adapters translate their own failures into these variants where they
/// happen (a second account with one email becomes
/// [`DomainError::EmailTaken`], a store that cannot answer in time
/// [`DomainError::Unavailable`]); a driving adapter maps each variant to one
/// answer of its own, in one place.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DomainError {
    /// Well-formed input that breaks a rule; one entry per offending field.
    #[error("invalid input: {}", list(.0))]
    Validation(Vec<FieldError>),
    /// Unknown email or wrong password: deliberately indistinguishable.
    #[error("incorrect email or password")]
    InvalidCredentials,
    /// An account change gave a `current_password` that is not the account's.
    #[error("the current password is incorrect")]
    WrongCurrentPassword,
    /// The credential throttle refused the request; see [`Refusal::retry_after`].
    #[error("{}", refusal_message(.0))]
    TooManyAttempts(Refusal),
    /// A refresh token that is unknown, expired, revoked or was used already.
    #[error("invalid, expired or revoked refresh token")]
    InvalidRefreshToken,
    /// A token that is malformed, forged, expired, or names a user that no longer exists
    /// or a session that has been revoked.
    #[error("invalid or expired token")]
    InvalidToken,
    /// The acting user does not exist (any more): their account was deleted
    /// after the [`crate::Caller`] was authenticated. Storage returns it when
    /// it is asked to write something owned by an unknown user.
    #[error("the acting user no longer exists")]
    CallerGone,
    /// The caller is known but does not own the resource.
    #[error("only the owner may do this")]
    Forbidden,
    /// No such entity, or one the caller may not see.
    #[error("{0} not found")]
    NotFound(Entity),
    /// Another account already has this email (compared after lower-casing).
    #[error("email already registered")]
    EmailTaken,
    /// The store could not be reached, or could not answer in time; worth a retry.
    #[error("storage unavailable")]
    Unavailable(#[source] BoxError),
    /// A bug or an unforeseen failure; its cause is for the logs only.
    #[error("unexpected error")]
    Unexpected(#[source] BoxError),
}

impl DomainError {
    /// A validation error for a single field.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError {
            field,
            message: message.into(),
        }])
    }

    /// Wraps any adapter failure as [`DomainError::Unexpected`].
    pub fn unexpected(cause: impl Into<BoxError>) -> Self {
        Self::Unexpected(cause.into())
    }
}

/// Which kind of entity was not found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Entity {
    /// A [`crate::User`].
    User,
    /// A [`crate::Post`].
    Post,
    /// A [`crate::Session`].
    Session,
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::User => "user",
            Self::Post => "post",
            Self::Session => "session",
        })
    }
}

/// One broken rule: which input field, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The input field as the client named it, e.g. `"email"` or `"current_password"`.
    pub field: &'static str,
    /// What is wrong, worded to follow the field name ("must not be empty"); fit for clients.
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

fn list(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn refusal_message(refusal: &Refusal) -> &'static str {
    match refusal.limit {
        LimitKind::Registrations => "too many registrations from your network; try again later",
        LimitKind::Pair | LimitKind::Network | LimitKind::Email => {
            "too many failed password attempts; try again later"
        }
    }
}
