use std::fmt;

use crate::{InvalidValue, Timestamp, UserId, validation::trimmed};

/// An email address: trimmed, lower-cased (so uniqueness is case-insensitive),
/// at most 254 characters, `local@domain` with a dotted domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// The longest address accepted, in characters, counted after trimming.
    pub const MAX_LEN: usize = 254;

    /// Trims and lower-cases `raw`, then checks it.
    /// Errors: [`InvalidValue`] when it is empty, longer than
    /// [`Email::MAX_LEN`], or not `local@domain`: no whitespace or control
    /// characters, a local part of at most 64 bytes, and a domain with a dot
    /// and no empty or hyphen-edged labels.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let email = raw.trim().to_lowercase();
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

    /// The normalized (trimmed, lower-case) address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
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

/// A display name: at most 50 characters as sent, stored trimmed (and then
/// not empty), no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserName(String);

impl UserName {
    /// The longest name accepted, in characters (not bytes), counted before trimming.
    pub const MAX_CHARS: usize = 50;

    /// Trims `raw`, then checks it.
    /// Errors: [`InvalidValue`] when it is longer than [`UserName::MAX_CHARS`]
    /// as sent, blank, or contains a control character (newlines included).
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        trimmed(raw, 1, Self::MAX_CHARS, false).map(|name| Self(name.to_owned()))
    }

    /// The trimmed name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password: 8 to 71 bytes. bcrypt reads at most 72 bytes (one is its
/// terminator), so a longer password is refused rather than silently cut.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// The shortest password accepted, in UTF-8 bytes.
    pub const MIN_BYTES: usize = 8;
    /// The longest password accepted, in UTF-8 bytes: bcrypt's 72 less its terminator.
    pub const MAX_BYTES: usize = 71;

    /// Keeps `raw` exactly: no trimming or normalization.
    /// Errors: [`InvalidValue`] when it contains NUL or is not
    /// [`Password::MIN_BYTES`] to [`Password::MAX_BYTES`] bytes long.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        if raw.contains('\0') {
            return Err(InvalidValue::new("must not contain NUL characters"));
        }
        if !(Self::MIN_BYTES..=Self::MAX_BYTES).contains(&raw.len()) {
            return Err(InvalidValue::new("must be 8 to 71 bytes long"));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The plain text, for the [`crate::PasswordHasher`]; never log or store it.
    pub fn expose(&self) -> &str {
        &self.0
    }
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

/// A partial update of a user; `None` leaves the column as it is.
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
        assert!(UserName::parse(&"é".repeat(50)).is_ok());
        assert!(UserName::parse(&"é".repeat(51)).is_err());
        // The limit holds as sent: padding counts.
        assert!(UserName::parse(&format!(" {} ", "a".repeat(49))).is_err());
        assert!(UserName::parse("Ada\0").is_err());
        assert!(UserName::parse("Ada\nLovelace").is_err());
    }

    #[test]
    fn password_bounds_are_bytes_and_never_truncated() {
        assert!(Password::parse("1234567").is_err());
        assert!(Password::parse("12345678").is_ok());
        assert!(Password::parse(&"x".repeat(71)).is_ok());
        assert!(Password::parse(&"x".repeat(72)).is_err());
        // 36 two-byte characters are 72 bytes: too long although only 36 chars.
        assert!(Password::parse(&"é".repeat(36)).is_err());
    }

    #[test]
    fn secrets_do_not_print() {
        let password = Password::parse("hunter2hunter2").unwrap();
        assert!(!format!("{password:?}").contains("hunter2"));
        let hash = PasswordHash::new("$2b$12$secret");
        assert!(!format!("{hash:?}").contains("secret"));
    }
}
