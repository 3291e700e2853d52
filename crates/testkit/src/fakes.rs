//! Stand-ins for the password hasher and the token service, **not secure**:
//! the "hash" holds the password in clear and tokens are guessable. They
//! exist so that tests and examples run fast and read plainly; never wire
//! them into a service that real people use.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use domain::async_trait;
use domain::{
    AccessToken, DomainError, Password, PasswordHash, PasswordHasher, RefreshToken, SessionId,
    TokenClaims, TokenDigest, TokenService, UserId,
};
use sha2::{Digest, Sha256};

const HASH_PREFIX: &str = "fake-hash:";
const FAKE_MAX_PASSWORD_BYTES: usize = 1024;

/// A [`PasswordHasher`] that "hashes" by prefixing the password: instant,
/// and readable in a test's failure message. Not secure.
#[derive(Debug, Clone, Copy, Default)]
pub struct FakePasswordHasher;

#[async_trait]
impl PasswordHasher for FakePasswordHasher {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, DomainError> {
        Ok(PasswordHash::new(format!(
            "{HASH_PREFIX}{}",
            password.expose()
        )))
    }

    async fn verify(&self, candidate: &str, hash: &PasswordHash) -> Result<bool, DomainError> {
        Ok(hash.as_str().strip_prefix(HASH_PREFIX) == Some(candidate))
    }

    /// Far more than anyone types: nothing here cuts a password.
    fn max_password_bytes(&self) -> usize {
        FAKE_MAX_PASSWORD_BYTES
    }

    /// Without the prefix, so no candidate matches it.
    fn dummy_hash(&self) -> PasswordHash {
        PasswordHash::new("fake-hash-of-no-one")
    }
}

const ACCESS_PREFIX: &str = "fake-access";

/// Refresh tokens are numbered across the process, so two services on one
/// store never hand out the same one.
static LAST_REFRESH_TOKEN: AtomicU64 = AtomicU64::new(0);

/// A [`TokenService`] whose access tokens are `fake-access.<user>.<session>`
/// and never expire, and whose refresh tokens are numbered. Anyone can forge
/// them: not secure.
#[derive(Debug, Clone)]
pub struct FakeTokenService {
    refresh_lifetime: Duration,
}

impl FakeTokenService {
    /// Access tokens claim this lifetime, though nothing enforces it.
    pub const ACCESS_LIFETIME: Duration = Duration::from_secs(15 * 60);

    /// Refresh tokens usable for 30 days.
    pub fn new() -> Self {
        Self::with_refresh_lifetime(Duration::from_secs(30 * 24 * 60 * 60))
    }

    /// Refresh tokens usable for `lifetime`.
    pub fn with_refresh_lifetime(lifetime: Duration) -> Self {
        Self {
            refresh_lifetime: lifetime,
        }
    }
}

impl Default for FakeTokenService {
    fn default() -> Self {
        Self::new()
    }
}

impl TokenService for FakeTokenService {
    fn issue(&self, user: UserId, session: SessionId) -> Result<AccessToken, DomainError> {
        Ok(AccessToken {
            token: format!("{ACCESS_PREFIX}.{user}.{session}"),
            expires_in_seconds: Self::ACCESS_LIFETIME.as_secs(),
        })
    }

    fn verify(&self, token: &str) -> Result<TokenClaims, DomainError> {
        let mut parts = token.split('.');
        let (Some(ACCESS_PREFIX), Some(user), Some(session), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(DomainError::InvalidToken);
        };
        match (user.parse(), session.parse()) {
            (Ok(user), Ok(session)) => Ok(TokenClaims {
                user: UserId::new(user),
                session: SessionId::new(session),
            }),
            _ => Err(DomainError::InvalidToken),
        }
    }

    fn new_refresh_token(&self) -> Result<RefreshToken, DomainError> {
        let n = LAST_REFRESH_TOKEN.fetch_add(1, Ordering::Relaxed) + 1;
        let token = format!("fake-refresh.{n}");
        Ok(RefreshToken {
            digest: self.digest(&token),
            token,
        })
    }

    /// SHA-256, as storage keeps digests of [`TokenDigest::BYTES`].
    fn digest(&self, refresh_token: &str) -> TokenDigest {
        TokenDigest::new(Sha256::digest(refresh_token.as_bytes()).to_vec())
    }

    fn refresh_lifetime(&self) -> Duration {
        self.refresh_lifetime
    }
}
