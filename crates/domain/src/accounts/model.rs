use std::fmt;

use unicode_normalization::UnicodeNormalization;

use crate::{
    InvalidValue, Timestamp, UserId,
    validation::{display_line, is_hidden},
};

/// An email address in one canonical form, so that a look-alike cannot make a
/// second account: trimmed, NFKC-normalised (fullwidth `ａ` becomes `a`, the
/// ligature `ﬁ` becomes `fi`), then lower-cased; at most 254 characters,
/// `local@domain` with a dotted domain, and nothing invisible in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// The longest address accepted, in characters, counted after trimming.
    pub const MAX_LEN: usize = 254;

    /// Trims `raw`, normalises it to NFKC, lower-cases it, then checks it.
    ///
    /// # Errors
    /// [`InvalidValue`] when it is empty, longer than [`Email::MAX_LEN`],
    /// holds an invisible or formatting character (zero-width joiner,
    /// byte-order mark, ...), or is not `local@domain`: no whitespace or
    /// control characters, a local part of at most 64 bytes, and a domain
    /// with a dot and no empty or hyphen-edged labels.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let email = normalize_email(raw);
        if email.chars().any(is_hidden) {
            return Err(InvalidValue::new(
                "must not contain invisible or formatting characters",
            ));
        }
        if email.is_empty() {
            return Err(InvalidValue::new("must not be empty"));
        }
        if email.chars().count() > Self::MAX_LEN {
            return Err(InvalidValue::new("must be at most 254 characters long"));
        }
        if !is_plausible_email(&email) {
            return Err(InvalidValue::new(
                "must be an email address like name@example.com",
            ));
        }
        Ok(Self(email))
    }

    /// The normalized (trimmed, NFKC, lower-case) address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// NFKC before lower-casing: compatibility forms (fullwidth letters) fold
/// to the letters they look like, and lower-casing then sees plain letters.
fn normalize_email(raw: &str) -> String {
    raw.trim().nfkc().collect::<String>().to_lowercase()
}

fn is_plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    let no_odd_chars = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && c != '@')
    };
    no_odd_chars(local)
        && local.len() <= 64
        && no_odd_chars(domain)
        && domain.contains('.')
        && domain
            .split('.')
            .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'))
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A display name: at most 50 characters as sent, stored trimmed and in NFC,
/// with something visible in it and nothing invisible or misleading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserName(String);

impl UserName {
    /// The longest name accepted, in characters (not bytes), counted before trimming.
    pub const MAX_CHARS: usize = 50;

    /// Trims `raw` and normalises it to NFC, then checks it. An owned `raw`
    /// already trimmed and normal is kept, not copied.
    ///
    /// # Errors
    /// [`InvalidValue`] when it is longer than [`UserName::MAX_CHARS`] as
    /// sent, blank, contains a control character (newlines included), a
    /// format character (zero-width space or joiner, byte-order mark, bidi
    /// override or isolate, tag), or a character that renders blank (such as
    /// the Hangul filler U+3164), or has no visible character at all.
    pub fn parse(raw: impl Into<String>) -> Result<Self, InvalidValue> {
        display_line(raw.into(), Self::MAX_CHARS).map(Self)
    }

    /// The trimmed name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name, for an adapter that no longer needs the value: moved, not copied.
impl From<UserName> for String {
    fn from(name: UserName) -> Self {
        name.0
    }
}

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password: at least 8 bytes, and no more than the
/// [`crate::PasswordHasher`] reads whole (so it is never silently cut); not
/// whitespace only, not one of the most common passwords, not the account's
/// own email.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

/// One per line after the `#` header, lower-cased, most common first.
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

impl Password {
    /// The shortest password accepted, in UTF-8 bytes.
    pub const MIN_BYTES: usize = 8;
    /// Keeps `raw` exactly (no trimming or normalization) as the password of
    /// the account with email `owner`, for a hasher that reads at most
    /// `max_bytes` ([`crate::PasswordHasher::max_password_bytes`]).
    ///
    /// # Errors
    /// [`InvalidValue`] when it contains NUL, is not [`Password::MIN_BYTES`]
    /// to `max_bytes` bytes long, is only whitespace, is one of the 5,000
    /// most common passwords (compared lower-cased), or is the owner's email
    /// (compared as emails are).
    pub fn parse(raw: &str, owner: &Email, max_bytes: usize) -> Result<Self, InvalidValue> {
        Self::check(raw, max_bytes)?;
        if normalize_email(raw) == owner.as_str() {
            return Err(InvalidValue::new("must not be the account's email address"));
        }
        Ok(Self(raw.to_owned()))
    }

    /// Every rule but the owner's email: for when the email itself is invalid.
    pub(crate) fn check(raw: &str, max_bytes: usize) -> Result<(), InvalidValue> {
        if raw.contains('\0') {
            return Err(InvalidValue::new("must not contain NUL characters"));
        }
        if !(Self::MIN_BYTES..=max_bytes).contains(&raw.len()) {
            return Err(InvalidValue::new(format!(
                "must be {} to {max_bytes} bytes long",
                Self::MIN_BYTES
            )));
        }
        if raw.chars().all(char::is_whitespace) {
            return Err(InvalidValue::new("must not be only whitespace"));
        }
        if is_common(raw) {
            return Err(InvalidValue::new(
                "is one of the most common passwords; choose a less guessable one",
            ));
        }
        Ok(())
    }

    /// The plain text, for the [`crate::PasswordHasher`]; never log or store it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A scan of 5,000 short lines: microseconds, next to a hash that takes a
/// quarter of a second, so no index is built.
fn is_common(raw: &str) -> bool {
    let lowered = raw.to_lowercase();
    COMMON_PASSWORDS
        .lines()
        .filter(|line| !line.starts_with('#'))
        .any(|line| line == lowered)
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// A stored password hash, in whatever format the [`crate::PasswordHasher`] writes.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a hash as the hasher encoded it or storage returned it; not checked.
    pub fn new(encoded: impl Into<String>) -> Self {
        Self(encoded.into())
    }

    /// The encoded hash, for storage and verification.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(<redacted>)")
    }
}

/// A registered person.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Assigned by storage on insert.
    pub id: UserId,
    /// Public display name.
    pub name: UserName,
    /// Login address, unique; not part of the public [`UserProfile`].
    pub email: Email,
    /// Hash of the current password; redacted from `Debug`.
    pub password_hash: PasswordHash,
    /// When the account was registered.
    pub created_at: Timestamp,
}

/// What a [`crate::UserRepository`] needs to create a user.
#[derive(Debug, Clone, PartialEq)]
pub struct NewUser {
    /// Public display name.
    pub name: UserName,
    /// Login address; inserting fails with [`crate::DomainError::EmailTaken`] if it is in use.
    pub email: Email,
    /// Hash of the chosen password: the plain text never reaches storage.
    pub password_hash: PasswordHash,
}

/// A partial update of a user; `None` leaves that field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserChanges {
    /// New display name.
    pub name: Option<UserName>,
    /// Hash of the new password.
    pub password_hash: Option<PasswordHash>,
}

/// What anyone may see of a user.
#[derive(Debug, Clone, PartialEq)]
pub struct UserProfile {
    /// Whose profile this is.
    pub id: UserId,
    /// Public display name.
    pub name: UserName,
    /// When the account was registered.
    pub created_at: Timestamp,
    /// Published posts only.
    pub post_count: i64,
}

/// A bearer token and how long it lives.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken {
    /// The opaque bearer token; redacted from `Debug`.
    pub token: String,
    /// How long the token stays valid from issue, in seconds.
    pub expires_in_seconds: u64,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &"<redacted>")
            .field("expires_in_seconds", &self.expires_in_seconds)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_trimmed_and_lower_cased() {
        let email = Email::parse("  Ada@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "ada@example.com");
    }

    #[test]
    fn email_rejects_what_is_not_an_address() {
        for raw in [
            "",
            "   ",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "ada@ex..com",
            "ada@-x.com",
        ] {
            assert!(Email::parse(raw).is_err(), "{raw:?} should be refused");
        }
    }

    #[test]
    fn email_longer_than_254_is_refused() {
        let long = format!("{}@{}.com", "a".repeat(64), "b".repeat(190));
        assert_eq!(long.len(), 259);
        assert!(Email::parse(&long).is_err());
    }

    #[test]
    fn name_is_trimmed_and_bounded_in_characters_not_bytes() {
        assert_eq!(UserName::parse("  Ada ").unwrap().as_str(), "Ada");
        assert!(UserName::parse("   ").is_err());
        assert!(UserName::parse("é".repeat(50)).is_ok());
        assert!(UserName::parse("é".repeat(51)).is_err());
        // The limit holds as sent: padding counts.
        assert!(UserName::parse(format!(" {} ", "a".repeat(49))).is_err());
        assert!(UserName::parse("Ada\0").is_err());
        assert!(UserName::parse("Ada\nLovelace").is_err());
    }

    fn ada() -> Email {
        Email::parse("ada@example.com").unwrap()
    }

    /// bcrypt's limit, as an example of a hasher's.
    const MAX_BYTES: usize = 71;

    fn password(raw: &str) -> Result<Password, InvalidValue> {
        Password::parse(raw, &ada(), MAX_BYTES)
    }

    #[test]
    fn password_bounds_are_bytes_and_never_truncated() {
        assert!(password("q7-Rk2!").is_err());
        assert!(password("q7-Rk2!z").is_ok());
        assert!(password(&"x".repeat(71)).is_ok());
        let too_long = password(&"x".repeat(72)).unwrap_err();
        assert_eq!(too_long.0, "must be 8 to 71 bytes long");
        // 36 two-byte characters are 72 bytes: too long although only 36 chars.
        assert!(password(&"é".repeat(36)).is_err());
    }

    #[test]
    fn the_longest_password_is_the_hashers_to_say() {
        let long = "x".repeat(100);
        assert!(Password::parse(&long, &ada(), 100).is_ok());
        assert!(Password::parse(&long, &ada(), 99).is_err());
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        for common in [
            "password",
            "12345678",
            "PassWord",
            "QWERTYUIOP",
            "iloveyou1",
        ] {
            let error = password(common).unwrap_err();
            assert!(error.0.contains("most common"), "{common:?}: {error}");
        }
        assert!(password("correct horse battery").is_ok());
    }

    #[test]
    fn whitespace_only_passwords_are_refused() {
        for blank in ["        ", "\t\t\t\t\t\t\t\t", "\u{3000}\u{3000}\u{3000}"] {
            assert_eq!(
                password(blank).unwrap_err().0,
                "must not be only whitespace",
                "{blank:?}"
            );
        }
        // Spaces inside a password are fine.
        assert!(password("  my long  pass phrase ").is_ok());
    }

    #[test]
    fn the_accounts_own_email_is_refused_as_its_password() {
        for own in ["ada@example.com", "ADA@Example.com", " ada@example.com "] {
            assert_eq!(
                password(own).unwrap_err().0,
                "must not be the account's email address",
                "{own:?}"
            );
        }
        let bob = Email::parse("bob@example.com").unwrap();
        assert!(Password::parse("ada@example.com", &bob, MAX_BYTES).is_ok());
    }

    #[test]
    fn the_common_password_list_ships_with_the_crate() {
        let entries = COMMON_PASSWORDS
            .lines()
            .filter(|line| !line.starts_with('#'))
            .collect::<Vec<_>>();
        assert_eq!(entries.len(), 5_000);
        assert!(entries.iter().all(|p| p.len() >= Password::MIN_BYTES));
    }

    #[test]
    fn emails_are_nfkc_then_lower_case_so_look_alikes_are_one_account() {
        let fullwidth = Email::parse("ＡＤＡ＠ｅｘａｍｐｌｅ．ｃｏｍ").unwrap();
        assert_eq!(fullwidth, ada());
        let ligature = Email::parse("ﬁ@example.com").unwrap();
        assert_eq!(ligature.as_str(), "fi@example.com");
    }

    #[test]
    fn emails_with_invisible_characters_are_refused() {
        for raw in [
            "ada\u{200D}@example.com",  // zero-width joiner
            "\u{FEFF}ada@example.com",  // byte-order mark
            "ada@exa\u{200B}mple.com",  // zero-width space
            "ada\u{202E}@example.com",  // right-to-left override
            "ada@example.com\u{E0041}", // tag character
        ] {
            assert!(Email::parse(raw).is_err(), "{raw:?} should be refused");
        }
    }

    #[test]
    fn names_are_nfc() {
        let decomposed = UserName::parse("Rene\u{301}e").unwrap();
        assert_eq!(decomposed.as_str(), "Ren\u{e9}e");
        assert_eq!(decomposed, UserName::parse("Renée").unwrap());
    }

    #[test]
    fn names_refuse_invisible_misleading_and_blank_rendering_characters() {
        for raw in [
            "Ada\u{200B}",           // zero-width space
            "\u{FEFF}Ada",           // byte-order mark
            "Ada\u{202E}ecalevol",   // right-to-left override
            "\u{2067}Ada\u{2069}",   // right-to-left isolate
            "Ada\u{E0041}\u{E007F}", // tag characters
            "\u{3164}",              // Hangul filler: renders as a blank name
            "\u{3164}\u{3164}Ada",   // ... or as hidden padding
            "\u{2800}",              // blank Braille pattern
            "Ada\u{2028}Lovelace",   // line separator
            "Ada\u{E000}",           // private use: shows as whatever a font wants
        ] {
            assert!(UserName::parse(raw).is_err(), "{raw:?} should be refused");
        }
        assert!(UserName::parse("Ada Lovelace ❤\u{FE0F}").is_ok());
        assert!(UserName::parse("李小龍").is_ok());
    }

    #[test]
    fn secrets_do_not_print() {
        let password = password("hunter2hunter2").unwrap();
        assert!(!format!("{password:?}").contains("hunter2"));
        let hash = PasswordHash::new("$2b$12$secret");
        assert!(!format!("{hash:?}").contains("secret"));
    }
}
