use crate::error::{DomainError, FieldError};

/// Why a raw value could not become a domain value; the message is fit for clients.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidValue(pub String);

impl InvalidValue {
    /// A failure with this client-facing message, e.g. `"must not be empty"`.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// Gathers the failures of several independent parses into one
/// [`DomainError::Validation`], so a client learns every broken rule at once.
pub(crate) fn collect(
    fields: impl IntoIterator<Item = (&'static str, Option<InvalidValue>)>,
) -> DomainError {
    DomainError::Validation(
        fields
            .into_iter()
            .filter_map(|(field, error)| {
                error.map(|InvalidValue(message)| FieldError { field, message })
            })
            .collect(),
    )
}

/// Checks shared by every text value: PostgreSQL cannot store NUL, and
/// other control characters are never what a person meant to type.
pub(crate) fn check_text(
    value: &str,
    min_chars: usize,
    max_chars: usize,
    allow_newlines: bool,
) -> Result<(), InvalidValue> {
    if value.contains('\0') {
        return Err(InvalidValue::new("must not contain NUL characters"));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !(allow_newlines && matches!(c, '\n' | '\r' | '\t')))
    {
        return Err(InvalidValue::new("must not contain control characters"));
    }
    let chars = value.chars().count();
    if chars < min_chars || chars > max_chars {
        return Err(InvalidValue(if min_chars == 1 && chars == 0 {
            "must not be empty".to_owned()
        } else {
            format!("must be {min_chars} to {max_chars} characters long")
        }));
    }
    Ok(())
}

/// A value stored trimmed whose length limit holds for the text as sent, so
/// that clients (and the OpenAPI document) have one plain rule: at most
/// `max_chars` characters, surrounding whitespace included.
pub(crate) fn trimmed(
    raw: &str,
    min_chars: usize,
    max_chars: usize,
    allow_newlines: bool,
) -> Result<&str, InvalidValue> {
    if raw.chars().count() > max_chars {
        return Err(InvalidValue(format!(
            "must be at most {max_chars} characters long"
        )));
    }
    let value = raw.trim();
    check_text(value, min_chars, max_chars, allow_newlines)?;
    Ok(value)
}
