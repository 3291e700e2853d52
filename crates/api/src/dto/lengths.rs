//! The documented length limits hold for text as sent. The domain measures
//! names, titles and search texts once trimmed, so a longer text padded with
//! whitespace would otherwise pass although the OpenAPI document says it
//! must not.

use domain::{DomainError, FieldError};

/// A `field` over `max` characters; `None` when it is absent or fits.
pub(super) fn too_long(field: &'static str, value: Option<&str>, max: usize) -> Option<FieldError> {
    value
        .filter(|text| text.chars().count() > max)
        .map(|_| FieldError {
            field,
            message: format!("must be at most {max} characters long"),
        })
}

/// Errors: [`DomainError::Validation`] listing every field that is too long.
pub(super) fn reject_any(
    problems: impl IntoIterator<Item = Option<FieldError>>,
) -> Result<(), DomainError> {
    let problems: Vec<FieldError> = problems.into_iter().flatten().collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Validation(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_as_sent() {
        assert!(too_long("name", Some(&"é".repeat(50)), 50).is_none());
        assert!(too_long("name", Some(&format!(" {} ", "a".repeat(49))), 50).is_some());
        assert!(too_long("name", None, 50).is_none());
    }
}
