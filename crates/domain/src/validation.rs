//! Rules shared by the text values. Unicode's tables come from the
//! unicode-rs crates (`unicode-normalization`, `unicode-properties`), kept
//! in step with the Unicode standard by the same maintainers as `idna` and
//! `url`: normalisation and general categories are not tables to copy by hand.

use unicode_normalization::{UnicodeNormalization, is_nfc};
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

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

/// Checks shared by every text value: NUL ends strings in many stores and
/// libraries, and other control characters are never what a person meant
/// to type.
pub(crate) fn check_text(
    value: &str,
    min_chars: usize,
    max_chars: usize,
    allow_newlines: bool,
) -> Result<(), InvalidValue> {
    let allowed = |c: char| allow_newlines && matches!(c, '\n' | '\r' | '\t');
    // Every post read back passes here, and walking it once per rule, a
    // character at a time, was 3% of a page's time (docs/performance.md):
    // ASCII text, the common case, is one walk over its bytes after the
    // vectorised ASCII check.
    let (chars, nul, control) = if value.is_ascii() {
        let (nul, control) = value.bytes().fold((false, false), |(nul, control), byte| {
            let c = char::from(byte);
            (
                nul | (byte == 0),
                control | (c.is_ascii_control() && !allowed(c)),
            )
        });
        (value.len(), nul, control)
    } else {
        value
            .chars()
            .fold((0, false, false), |(chars, nul, control), c| {
                (
                    chars + 1,
                    nul | (c == '\0'),
                    control | (c.is_control() && !allowed(c)),
                )
            })
    };
    if nul {
        return Err(InvalidValue::new("must not contain NUL characters"));
    }
    if control {
        return Err(InvalidValue::new("must not contain control characters"));
    }
    if chars < min_chars || chars > max_chars {
        return Err(InvalidValue(if min_chars == 1 && chars == 0 {
            "must not be empty".to_owned()
        } else {
            format!("must be {min_chars} to {max_chars} characters long")
        }));
    }
    Ok(())
}

/// A one-line display text (a name, a title): trimmed, then NFC-normalised
/// so that one text has one stored form, then checked by [`check_text`] and
/// [`check_visible`]: what is left is not blank and shows what it holds. The length limit holds for the text as sent, so that
/// clients (and the OpenAPI document) have one plain rule: at most
/// `max_chars` characters, surrounding whitespace included.
pub(crate) fn display_line(raw: String, max_chars: usize) -> Result<String, InvalidValue> {
    // Every title and author name read back passes here. ASCII text, the
    // common case, is its own NFC form and holds no hidden character (the
    // tests below check both): one vectorised pass over its bytes stands for
    // the walks a character at a time, which were 4% of a page's
    // instructions (docs/performance.md, finding 34).
    let ascii = raw.is_ascii();
    let chars = if ascii {
        raw.len()
    } else {
        raw.chars().count()
    };
    if chars > max_chars {
        return Err(InvalidValue(format!(
            "must be at most {max_chars} characters long"
        )));
    }
    let trimmed = raw.trim();
    // Normalising already-normal text was a fifth of a page's time
    // (finding 7): text already trimmed and normal is kept, not copied.
    let value = if !ascii && !is_nfc(trimmed) {
        trimmed.nfc().collect()
    } else if trimmed.len() == raw.len() {
        raw
    } else {
        trimmed.to_owned()
    };
    check_text(&value, 1, max_chars, false)?;
    if !ascii {
        check_visible(&value)?;
    }
    Ok(value)
}

/// Refuses what a reader cannot see or is misled by (see [`is_hidden`]).
pub(crate) fn check_visible(value: &str) -> Result<(), InvalidValue> {
    match value.chars().find(|c| is_hidden(*c)) {
        Some(c) => Err(InvalidValue(format!(
            "must not contain invisible or formatting characters (found U+{:04X})",
            u32::from(c)
        ))),
        None => Ok(()),
    }
}

/// Whether names, titles and emails refuse `c` as invisible or misleading:
/// format characters (zero-width space and joiners, the byte-order mark,
/// bidi overrides and isolates, tag characters: Unicode category Cf), line
/// and paragraph separators, private-use code points, and the letters that
/// render as blank although they are not whitespace (the Hangul fillers,
/// the blank Braille pattern, ...). Variation selectors and combining marks
/// stay allowed: emoji and many scripts need them. Control characters have
/// their own rule.
pub fn is_hidden(c: char) -> bool {
    // No ASCII character is (a test checks the tables), and most text is
    // ASCII: skip the general-category lookup.
    !c.is_ascii() && hidden_in_unicode_tables(c)
}

fn hidden_in_unicode_tables(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::Format
            | GeneralCategory::PrivateUse
            | GeneralCategory::Surrogate
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    ) || BLANK_LETTERS.contains(&c)
}

/// Letters and symbols that render as nothing: the Hangul fillers (a name
/// of U+3164 looks empty), the blank Braille pattern, the combining grapheme
/// joiner and the Khmer inherent vowels, which Unicode itself calls
/// default-ignorable.
const BLANK_LETTERS: [char; 8] = [
    '\u{115F}', '\u{1160}', '\u{3164}', '\u{FFA0}', '\u{2800}', '\u{034F}', '\u{17B4}', '\u{17B5}',
];

#[cfg(test)]
mod tests {
    use super::*;

    fn ascii() -> impl Iterator<Item = char> {
        (0..=127u8).map(char::from)
    }

    /// What lets [`is_hidden`] answer ASCII without the tables, and
    /// [`display_line`] keep ASCII text as it is.
    #[test]
    fn ascii_is_its_own_nfc_and_never_hidden() {
        let all: String = ascii().collect();
        assert!(is_nfc(&all));
        assert_eq!(all.nfc().collect::<String>(), all);
        assert_eq!(ascii().filter(|c| hidden_in_unicode_tables(*c)).count(), 0);
    }

    #[test]
    fn ascii_and_unicode_lines_get_the_same_checks() {
        assert_eq!(
            display_line("  Hello world ".into(), 20).unwrap(),
            "Hello world"
        );
        assert_eq!(display_line("Cafe\u{301}".into(), 20).unwrap(), "Caf\u{e9}");
        assert!(display_line("tab\there".into(), 20).is_err());
        assert!(display_line("   ".into(), 20).is_err());
        assert!(display_line("zero\u{200B}width".into(), 20).is_err());
        assert!(display_line("x".repeat(21), 20).is_err());
        assert!(display_line("x".repeat(20), 20).is_ok());
        assert!(display_line("\u{e9}".repeat(20), 20).is_ok());
        assert!(display_line("\u{e9}".repeat(21), 20).is_err());
        // ASCII once trimmed, not as sent: 20 characters in 40 bytes.
        let wide_spaces = "\u{3000}".repeat(10) + &"x".repeat(10);
        assert_eq!(display_line(wide_spaces, 20).unwrap(), "x".repeat(10));
    }

    /// NUL is named before other control characters, wherever each stands;
    /// newlines pass only where allowed; the length counts characters.
    #[test]
    fn each_text_rule_is_checked_in_one_walk_with_the_first_rule_named() {
        let refused = |value: &str, newlines| {
            check_text(value, 1, 5, newlines)
                .map_err(|error| error.to_string())
                .err()
        };
        let nul = Some("must not contain NUL characters".to_owned());
        let control = Some("must not contain control characters".to_owned());
        assert_eq!(refused("a\u{7}b\0", true), nul);
        assert_eq!(refused("é\u{85}\0", true), nul);
        assert_eq!(refused("a\u{85}b", true), control);
        assert_eq!(refused("a\u{7f}b", true), control);
        assert_eq!(refused("a\nb", false), control);
        assert_eq!(refused("a\r\n\tb", true), None);
        assert_eq!(refused("ééééé", false), None);
        assert_eq!(
            refused("éééééé", false),
            Some("must be 1 to 5 characters long".to_owned())
        );
        assert_eq!(refused("", false), Some("must not be empty".to_owned()));
    }
}
