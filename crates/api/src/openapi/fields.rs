//! Schemas of the text fields whose rules live in the domain's value types,
//! built from the domain's own limits so the document cannot drift from them.
//!
//! The patterns say in JSON Schema what the domain checks in code: no control
//! characters, no invisible or formatting ones in names and titles, and not
//! blank once trimmed. They avoid `\s` and `\p{..}`, whose meaning differs
//! between the regex engines that read them (ECMA-262 in browsers, Python's
//! `re` in test tools): each class is spelled out, the invisible characters
//! from the domain's own [`domain::is_hidden`], those beyond the Basic
//! Multilingual Plane as literal characters (no `\u{..}` escape means the same
//! to both engines).

use std::sync::LazyLock;

use domain::{Email, PageLimit, Password, PostContent, PostTitle, UserName};
use utoipa::openapi::{
    KnownFormat, ObjectBuilder, SchemaFormat, Type,
    schema::{Schema, SchemaType},
};

/// Characters Rust's `str::trim` removes (Unicode `White_Space`).
const WHITESPACE: &str =
    r"[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";
/// Anything but a control character (Unicode category Cc).
const NOT_CONTROL: &str = r"[^\u0000-\u001f\u007f-\u009f]";
/// Anything but a control character, tab and line breaks excepted.
const NOT_CONTROL_BUT_LINES: &str = r"[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]";
/// Neither a control character nor whitespace.
const SOLID: &str =
    r"[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";

/// One line of text that is trimmed, then must hold no control or hidden
/// characters and at least one other character.
fn one_line_pattern() -> String {
    ONE_LINE_PATTERN.clone()
}

/// Built once: finding the hidden characters walks every code point.
static ONE_LINE_PATTERN: LazyLock<String> = LazyLock::new(build_one_line_pattern);

fn build_one_line_pattern() -> String {
    let hidden = hidden_ranges();
    let visible = format!("[^{}{hidden}]", &NOT_CONTROL[2..NOT_CONTROL.len() - 1]);
    let solid = format!("[^{}{hidden}]", &SOLID[2..SOLID.len() - 1]);
    format!("^{WHITESPACE}*{solid}({visible}*{solid})?{WHITESPACE}*$")
}

/// The characters [`domain::is_hidden`] refuses, as the inside of a class.
fn hidden_ranges() -> String {
    let mut class = String::new();
    let mut chars = ('\0'..=char::MAX)
        .filter(|c| domain::is_hidden(*c))
        .peekable();
    while let Some(first) = chars.next() {
        let mut last = first;
        while let Some(next) = chars.next_if(|c| u32::from(*c) == u32::from(last) + 1) {
            last = next;
        }
        class.push_str(&class_char(first));
        if last != first {
            class.push('-');
            class.push_str(&class_char(last));
        }
    }
    class
}

fn class_char(c: char) -> String {
    if u32::from(c) <= 0xFFFF {
        format!("\\u{:04x}", u32::from(c))
    } else {
        c.to_string()
    }
}

/// Multi-line text kept as written: tabs and line breaks are the only
/// control characters allowed, and one character must not be whitespace.
fn multi_line_pattern() -> String {
    format!("^{NOT_CONTROL_BUT_LINES}*{SOLID}{NOT_CONTROL_BUT_LINES}*$")
}

fn text(nullable: bool) -> ObjectBuilder {
    let schema_type = if nullable {
        SchemaType::from_iter([Type::String, Type::Null])
    } else {
        SchemaType::new(Type::String)
    };
    ObjectBuilder::new().schema_type(schema_type)
}

fn name_with(nullable: bool) -> Schema {
    text(nullable)
        .description(Some(
            "Display name: 1 to 50 characters once leading and trailing whitespace is \
             trimmed (it is stored trimmed, in Unicode NFC), no control characters and no \
             invisible or formatting ones (zero-width spaces and joiners, byte-order mark, \
             bidi overrides and isolates, tag characters, private use, Hangul fillers).",
        ))
        .min_length(Some(1))
        .max_length(Some(UserName::MAX_CHARS))
        .pattern(Some(one_line_pattern()))
        .examples(["Ada Lovelace"])
        .into()
}

pub(crate) fn name() -> Schema {
    name_with(false)
}

pub(crate) fn optional_name() -> Schema {
    name_with(true)
}

pub(crate) fn email() -> Schema {
    text(false)
        .description(Some(
            "Email address, stored in one canonical form so that look-alikes are one \
             account: trimmed, Unicode NFKC (fullwidth letters become ASCII), then \
             lower-cased; at most 254 characters, `local@domain` with a dotted domain, \
             no invisible or formatting characters.",
        ))
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
        .max_length(Some(Email::MAX_LEN))
        .examples(["ada@example.com"])
        .into()
}

fn password_with(nullable: bool, description: &str) -> Schema {
    text(nullable)
        .description(Some(description))
        .format(Some(SchemaFormat::Custom("password".to_owned())))
        .min_length(Some(Password::MIN_BYTES))
        .max_length(Some(NEW_PASSWORD_MAX_BYTES))
        .pattern(Some(format!(
            "^[^\\u0000]*[^\\u0000{}][^\\u0000]*$",
            &WHITESPACE[1..WHITESPACE.len() - 1]
        )))
        .examples(["correct horse"])
        .into()
}

/// The longest new password the document states: the `max_password_bytes`
/// of the hasher the binary wires (bcrypt's). The HTTP adapter cannot ask
/// it while the document is built, so the binary's tests check that the two
/// agree.
pub const NEW_PASSWORD_MAX_BYTES: usize = 71;

const NEW_PASSWORD: &str = "New password: 8 to 71 **bytes** of UTF-8 (bcrypt reads at most 72, one \
     being its terminator), so at most 71 ASCII characters and fewer when others are \
     used. A longer password is refused, never truncated. No NUL characters, not only \
     whitespace, not the account's email, and not one of the 5,000 most common passwords \
     (compared lower-cased; `password` and `12345678` are refused).";

pub(crate) fn new_password() -> Schema {
    password_with(false, NEW_PASSWORD)
}

pub(crate) fn optional_new_password() -> Schema {
    password_with(true, NEW_PASSWORD)
}

/// The password a login or an account change checks: any text, since it is
/// only ever compared.
pub(crate) fn current_password() -> Schema {
    text(true)
        .description(Some(
            "The account's current password; required to change the password \
             or delete the account. A wrong one counts as a failed login.",
        ))
        .format(Some(SchemaFormat::Custom("password".to_owned())))
        // The registration and login examples' password, so that trying an
        // example as filled in succeeds instead of counting as a failure.
        .examples(["correct horse"])
        .into()
}

fn title_with(nullable: bool) -> Schema {
    text(nullable)
        .description(Some(
            "1 to 200 characters once leading and trailing whitespace is trimmed \
             (it is stored trimmed, in Unicode NFC), one line, no control characters and \
             no invisible or formatting ones (zero-width spaces and joiners, byte-order \
             mark, bidi overrides and isolates, tag characters, private use, Hangul fillers).",
        ))
        .min_length(Some(1))
        .max_length(Some(PostTitle::MAX_CHARS))
        .pattern(Some(one_line_pattern()))
        .examples(["Hello, Agora"])
        .into()
}

pub(crate) fn title() -> Schema {
    title_with(false)
}

pub(crate) fn optional_title() -> Schema {
    title_with(true)
}

fn content_with(nullable: bool) -> Schema {
    text(nullable)
        .description(Some(
            "1 to 10,000 characters, kept exactly as written; not only whitespace; \
             tabs and line breaks are the only control characters allowed.",
        ))
        .min_length(Some(1))
        .max_length(Some(PostContent::MAX_CHARS))
        .pattern(Some(multi_line_pattern()))
        .examples(["My first post."])
        .into()
}

pub(crate) fn content() -> Schema {
    content_with(false)
}

pub(crate) fn optional_content() -> Schema {
    content_with(true)
}

/// Swagger UI shows a parameter's description, not its schema's minimum and
/// maximum, until a bad value is tried: the range is said in words too.
pub(crate) fn limit() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .description(Some(format!(
            "How many items a page holds: {} to {}, {} when absent.",
            PageLimit::MIN,
            PageLimit::MAX,
            PageLimit::DEFAULT.get()
        )))
        .minimum(Some(PageLimit::MIN))
        .maximum(Some(PageLimit::MAX))
        .default(Some(PageLimit::DEFAULT.get().into()))
        .into()
}

#[cfg(test)]
mod tests;
