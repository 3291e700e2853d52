use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use domain::{
    AccessToken, DomainError, RefreshToken, SessionId, TokenClaims, TokenDigest, TokenService,
    UserId,
};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::AuthError;

/// The claims of an Agora access token. `sub` is the user id in decimal,
/// a string as RFC 7519 wants (`StringOrURI`); `sid` names the session.
/// `iat` and `sid` are required by this shape rather than by
/// [`Validation`], which only knows how to require `exp`, `nbf`, `aud`,
/// `iss` and `sub`.
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    sid: i64,
    iss: String,
    aud: String,
    iat: u64,
    nbf: u64,
    exp: u64,
}

/// The audience of every access token: this service's API.
const AUDIENCE: &str = "agora-api";

/// How far another instance's clock may run ahead of ours: a token issued
/// there is still good here.
const CLOCK_SKEW_SECONDS: u64 = 30;

/// Bytes of randomness in a refresh token: 256 bits cannot be guessed.
const REFRESH_TOKEN_BYTES: usize = 32;

/// [`TokenService`] issuing and checking HS256 JSON Web Tokens, and minting
/// opaque refresh tokens.
///
/// Only HS256 is accepted (`none` and the other HMAC sizes are refused),
/// with no leeway on `exp`; `sub`, `sid`, `iss`, `aud`, `iat`, `nbf` and `exp`
/// are all required, `iss` and `aud` must be ours, `nbf` and `iat` may not be
/// in the future beyond a small clock skew, and `exp - iat` may not exceed
/// the configured lifetime.
///
/// Refresh tokens are 256 random bits; storage keeps their SHA-256, which is
/// enough for a value that cannot be guessed (a slow hash such as bcrypt
/// protects guessable passwords, and would cost every refresh its time).
pub struct JwtTokenService {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    lifetime_seconds: u64,
    refresh_lifetime: Duration,
}

impl JwtTokenService {
    /// HS256 keys shorter than the hash output (32 bytes) weaken the MAC
    /// (RFC 7518, section 3.2).
    pub const MIN_SECRET_BYTES: usize = 32;

    /// The issuer unless [`JwtTokenService::with_issuer`] says otherwise.
    pub const DEFAULT_ISSUER: &str = "agora";

    /// The refresh lifetime unless [`JwtTokenService::with_refresh_lifetime`] says otherwise.
    pub const DEFAULT_REFRESH_LIFETIME: Duration = Duration::from_secs(30 * 24 * 60 * 60);

    /// A service signing with `secret`, issuing tokens valid for `lifetime`
    /// (whole seconds; the fraction is dropped).
    pub fn new(secret: &[u8], lifetime: Duration) -> Result<Self, AuthError> {
        // jsonwebtoken accepts any key, an empty one included.
        if secret.len() < Self::MIN_SECRET_BYTES {
            return Err(AuthError::SecretTooShort { len: secret.len() });
        }
        let lifetime_seconds = lifetime.as_secs();
        if lifetime_seconds == 0 {
            return Err(AuthError::LifetimeTooShort);
        }
        Ok(Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation: strict_validation(Self::DEFAULT_ISSUER),
            issuer: Self::DEFAULT_ISSUER.to_owned(),
            lifetime_seconds,
            refresh_lifetime: Self::DEFAULT_REFRESH_LIFETIME,
        })
    }

    /// Names this service in `iss`, and accepts only tokens that do.
    ///
    /// Errors: an empty issuer, or one with spaces or control characters.
    pub fn with_issuer(mut self, issuer: &str) -> Result<Self, AuthError> {
        if issuer.is_empty() || issuer.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(AuthError::InvalidIssuer);
        }
        self.validation = strict_validation(issuer);
        self.issuer = issuer.to_owned();
        Ok(self)
    }

    /// How long a refresh token stays usable.
    pub fn with_refresh_lifetime(mut self, lifetime: Duration) -> Self {
        self.refresh_lifetime = lifetime;
        self
    }

    /// How long issued tokens stay valid.
    pub fn lifetime(&self) -> Duration {
        Duration::from_secs(self.lifetime_seconds)
    }

    /// The rules jsonwebtoken cannot express: `iat` and `nbf` not in the
    /// future, and no token living longer than we issue them for.
    fn times_are_plausible(&self, claims: &Claims, now: u64) -> bool {
        let latest = now.saturating_add(CLOCK_SKEW_SECONDS);
        claims.iat <= latest
            && claims.nbf <= latest
            && claims.exp > claims.iat
            && claims.exp - claims.iat <= self.lifetime_seconds
    }
}

fn strict_validation(issuer: &str) -> Validation {
    // Only HS256 is accepted (`none` and the other algorithms are refused).
    let mut validation = Validation::new(Algorithm::HS256);
    // The library's default of 60 s would keep a token alive a minute past
    // the `expires_in` we announced.
    validation.leeway = 0;
    // `nbf` is checked with the clock skew in `times_are_plausible`.
    validation.validate_nbf = false;
    validation.set_required_spec_claims(&["sub", "exp", "nbf", "iss", "aud"]);
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[AUDIENCE]);
    validation
}

fn unix_now() -> Result<u64, DomainError> {
    Ok(SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(DomainError::unexpected)?
        .as_secs())
}

impl TokenService for JwtTokenService {
    fn issue(&self, user: UserId, session: SessionId) -> Result<AccessToken, DomainError> {
        let now = unix_now()?;
        let exp = now
            .checked_add(self.lifetime_seconds)
            .ok_or_else(|| DomainError::unexpected("token expiry overflows"))?;
        let claims = Claims {
            sub: user.get().to_string(),
            sid: session.get(),
            iss: self.issuer.clone(),
            aud: AUDIENCE.to_owned(),
            iat: now,
            nbf: now,
            exp,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(DomainError::unexpected)?;
        Ok(AccessToken {
            token,
            expires_in_seconds: self.lifetime_seconds,
        })
    }

    fn verify(&self, token: &str) -> Result<TokenClaims, DomainError> {
        // Why a token failed is of no use to its bearer and helps a forger:
        // every failure is the same InvalidToken.
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| DomainError::InvalidToken)?
            .claims;
        if !self.times_are_plausible(&claims, unix_now()?) {
            return Err(DomainError::InvalidToken);
        }
        let user = claims
            .sub
            .parse::<i64>()
            .map(UserId::new)
            .map_err(|_| DomainError::InvalidToken)?;
        Ok(TokenClaims {
            user,
            session: SessionId::new(claims.sid),
        })
    }

    fn new_refresh_token(&self) -> Result<RefreshToken, DomainError> {
        let mut bytes = [0u8; REFRESH_TOKEN_BYTES];
        getrandom::fill(&mut bytes).map_err(|error| DomainError::unexpected(error.to_string()))?;
        let token = URL_SAFE_NO_PAD.encode(bytes);
        let digest = self.digest(&token);
        Ok(RefreshToken { token, digest })
    }

    fn digest(&self, refresh_token: &str) -> TokenDigest {
        TokenDigest::new(Sha256::digest(refresh_token.as_bytes()).to_vec())
    }

    fn refresh_lifetime(&self) -> Duration {
        self.refresh_lifetime
    }
}

impl fmt::Debug for JwtTokenService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtTokenService")
            .field("algorithm", &Algorithm::HS256)
            .field("secret", &"<redacted>")
            .field("issuer", &self.issuer)
            .field("lifetime_seconds", &self.lifetime_seconds)
            .field("refresh_lifetime", &self.refresh_lifetime)
            .finish()
    }
}

#[cfg(test)]
mod tests;
