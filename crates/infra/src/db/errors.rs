//! Turning diesel's errors into domain errors, in one place.

use diesel::QueryResult;
use diesel::result::{DatabaseErrorKind, Error, OptionalExtension};
use domain::{DomainError, InvalidValue};

/// The meaning of a diesel error that the caller gave no better meaning to: a
/// lost connection or a statement cut short by `statement_timeout` is the
/// database being unavailable; anything else is unexpected.
pub(crate) fn db_error(error: Error) -> DomainError {
    let unavailable = match &error {
        Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => true,
        Error::DatabaseError(_, info) => info.message().contains("due to statement timeout"),
        _ => false,
    };
    if unavailable {
        DomainError::Unavailable(Box::new(error))
    } else {
        DomainError::Unexpected(Box::new(error))
    }
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
