//! Turning diesel's errors into domain errors, in one place.
//!
//! A repository closure maps the diesel errors it gives a meaning to (a
//! constraint that names a domain rule) and hands the rest to [`db_error`].
//! What those mean for availability (a lost connection, a statement cut
//! short, a conflict worth retrying) is decided once, by [`Fault::of`], when
//! the closure returns to [`crate::Database::run_blocking`].

use diesel::QueryResult;
use diesel::result::{DatabaseErrorKind, Error, OptionalExtension};
use domain::{BoxError, DomainError, InvalidValue};

/// A diesel error with no better meaning. [`crate::Database::run_blocking`]
/// turns it into [`DomainError::Unavailable`] when it means the database is
/// gone or overloaded, and retries the closure when it was a conflict.
pub(crate) fn db_error(error: Error) -> DomainError {
    DomainError::Unexpected(Box::new(error))
}

/// What a failed database call says about the database, as opposed to about
/// the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// The connection or the server is gone: discard the connection. When
    /// the statement was never `sent`, running it on another connection is
    /// safe; otherwise it is a 503, since it may or may not have taken effect.
    ConnectionLost { sent: bool },
    /// A deadlock or serialization failure: the transaction was rolled back
    /// and may succeed if run again.
    Conflict,
    /// The statement ran past `statement_timeout`: 503, the connection is fine.
    StatementTimeout,
}

/// How the server words the errors that carry no [`DatabaseErrorKind`] of
/// their own. diesel does not expose SQLSTATE, and the wording follows the
/// server's `lc_messages`, so it is learned from the server at start
/// ([`ServerWording::learn`]) rather than assumed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServerWording {
    statement_timeout: String,
    deadlock: String,
}

impl Default for ServerWording {
    /// PostgreSQL's untranslated messages (`lc_messages = C`).
    fn default() -> Self {
        Self {
            statement_timeout: "canceling statement due to statement timeout".to_owned(),
            deadlock: "deadlock detected".to_owned(),
        }
    }
}

impl ServerWording {
    /// Provokes a statement timeout on `conn` (about a millisecond) to read
    /// how this server, for this role and database, words it. The deadlock
    /// message cannot be provoked as cheaply; it stays PostgreSQL's own, and
    /// deadlocks are prevented by lock order where they could happen (see
    /// `users.rs`), so a translated one is a 500 worth a bug report.
    pub(crate) fn learn(conn: &mut diesel::PgConnection) -> Self {
        use diesel::RunQueryDsl;
        use diesel::connection::SimpleConnection;
        let mut wording = Self::default();
        let provoked = conn
            .batch_execute("SET statement_timeout = 1")
            .and_then(|()| diesel::sql_query("SELECT pg_sleep(0.05)").execute(conn));
        if let Err(Error::DatabaseError(DatabaseErrorKind::Unknown, info)) = provoked {
            wording.statement_timeout = info.message().to_owned();
        }
        // The connection is discarded after start-up; nothing to restore.
        wording
    }
}

impl Fault {
    /// The fault behind `error`, if it is one: a [`DomainError::Unexpected`]
    /// or [`DomainError::Unavailable`] caused by a diesel error that says the
    /// database, not the request, failed.
    pub(crate) fn of(error: &DomainError, wording: &ServerWording) -> Option<Self> {
        let (DomainError::Unexpected(cause) | DomainError::Unavailable(cause)) = error else {
            return None;
        };
        Self::of_diesel(cause.downcast_ref::<Error>()?, wording)
    }

    fn of_diesel(error: &Error, wording: &ServerWording) -> Option<Self> {
        match error {
            // libpq could not even send the statement.
            Error::DatabaseError(DatabaseErrorKind::UnableToSendCommand, _) => {
                Some(Self::ConnectionLost { sent: false })
            }
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _)
            // The transaction manager gave up on the connection (a failed
            // rollback): nothing more can run on it.
            | Error::BrokenTransactionManager => Some(Self::ConnectionLost { sent: true }),
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                Some(Self::Conflict)
            }
            Error::DatabaseError(_, info) if info.message() == wording.deadlock => {
                Some(Self::Conflict)
            }
            Error::DatabaseError(_, info) if info.message() == wording.statement_timeout => {
                Some(Self::StatementTimeout)
            }
            Error::RollbackErrorOnCommit { commit_error, .. } => {
                Self::of_diesel(commit_error, wording)
            }
            _ => None,
        }
    }

    /// The domain's reading of a failure with a fault: the database, not the
    /// request, failed.
    pub(crate) fn as_unavailable(error: DomainError) -> DomainError {
        match error {
            DomainError::Unexpected(cause) | DomainError::Unavailable(cause) => {
                DomainError::Unavailable(cause)
            }
            other => other,
        }
    }
}

/// The database could not be used at all: no connection in time, or it is
/// known to be down.
pub(crate) fn unavailable(cause: impl Into<BoxError>) -> DomainError {
    DomainError::Unavailable(cause.into())
}

/// At most one row, as its domain value: `Ok(None)` when there is no row,
/// the diesel error mapped by [`db_error`] otherwise.
pub(crate) trait OptionalRow<R> {
    fn optional_row<T>(
        self,
        convert: impl FnOnce(R) -> Result<T, DomainError>,
    ) -> Result<Option<T>, DomainError>;
}

impl<R> OptionalRow<R> for QueryResult<R> {
    fn optional_row<T>(
        self,
        convert: impl FnOnce(R) -> Result<T, DomainError>,
    ) -> Result<Option<T>, DomainError> {
        self.optional().map_err(db_error)?.map(convert).transpose()
    }
}

/// `error`, unless it is the violation of `user_exists`, a foreign key to
/// the acting user: then the account was deleted after the caller was
/// authenticated ([`DomainError::CallerGone`]).
pub(crate) fn acting_user_gone(error: Error, user_exists: &str) -> DomainError {
    if violates(&error, user_exists) {
        DomainError::CallerGone
    } else {
        db_error(error)
    }
}

/// Whether `error` is the violation of the named constraint (or unique index).
pub(crate) fn violates(error: &Error, constraint: &str) -> bool {
    matches!(error, Error::DatabaseError(_, info) if info.constraint_name() == Some(constraint))
}

/// A stored value the domain refuses: a bug or a hand edit, never the
/// client's fault, so it surfaces as [`DomainError::Unexpected`].
#[derive(Debug, thiserror::Error)]
#[error("stored {table} row {id} has an invalid {field}: {problem}")]
pub(crate) struct CorruptRow {
    pub(crate) table: &'static str,
    pub(crate) id: i64,
    pub(crate) field: &'static str,
    pub(crate) problem: InvalidValue,
}

impl CorruptRow {
    /// For `map_err` on a domain parse of a stored value.
    pub(crate) fn of(
        table: &'static str,
        id: i64,
        field: &'static str,
    ) -> impl FnOnce(InvalidValue) -> DomainError {
        move |problem| {
            DomainError::unexpected(Self {
                table,
                id,
                field,
                problem,
            })
        }
    }
}

/// Multi-line messages (libpq's, mostly) as one line, for start-up errors.
pub(crate) fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}
