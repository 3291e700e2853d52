use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use domain::{AccessToken, DomainError, TokenService, UserId};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::AuthError;

/// The claims of an Agora access token. `sub` is the user id in decimal,
/// a string as RFC 7519 wants (`StringOrURI`). `iat` is required by this
/// shape rather than by [`Validation`], which only knows how to require
/// `exp`, `nbf`, `aud`, `iss` and `sub`.
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    iat: u64,
    exp: u64,
}

/// [`TokenService`] issuing and checking HS256 JSON Web Tokens.
///
/// Only HS256 is accepted (`none` and the other HMAC sizes are refused),
/// with no leeway on `exp`, and `sub`, `iat` and `exp` all required.
pub struct JwtTokenService {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    lifetime_seconds: u64,
}

impl JwtTokenService {
    /// HS256 keys shorter than the hash output (32 bytes) weaken the MAC
    /// (RFC 7518, section 3.2).
    pub const MIN_SECRET_BYTES: usize = 32;

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
            validation: strict_validation(),
            lifetime_seconds,
        })
    }

    /// How long issued tokens stay valid.
    pub fn lifetime(&self) -> Duration {
        Duration::from_secs(self.lifetime_seconds)
    }
}

fn strict_validation() -> Validation {
    // Only HS256 is accepted (`none` and the other algorithms are refused).
    let mut validation = Validation::new(Algorithm::HS256);
    // The library's default of 60 s would keep a token alive a minute past
    // the `expires_in` we announced.
    validation.leeway = 0;
    validation.set_required_spec_claims(&["sub", "exp"]);
    validation
}

impl TokenService for JwtTokenService {
    fn issue(&self, user: UserId) -> Result<AccessToken, DomainError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(DomainError::unexpected)?
            .as_secs();
        let exp = now
            .checked_add(self.lifetime_seconds)
            .ok_or_else(|| DomainError::unexpected("token expiry overflows"))?;
        let claims = Claims {
            sub: user.get().to_string(),
            iat: now,
            exp,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(DomainError::unexpected)?;
        Ok(AccessToken {
            token,
            expires_in_seconds: self.lifetime_seconds,
        })
    }

    fn verify(&self, token: &str) -> Result<UserId, DomainError> {
        // Why a token failed is of no use to its bearer and helps a forger:
        // every failure is the same InvalidToken.
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| DomainError::InvalidToken)?;
        data.claims
            .sub
            .parse::<i64>()
            .map(UserId::new)
            .map_err(|_| DomainError::InvalidToken)
    }
}

impl fmt::Debug for JwtTokenService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtTokenService")
            .field("algorithm", &Algorithm::HS256)
            .field("secret", &"<redacted>")
            .field("lifetime_seconds", &self.lifetime_seconds)
            .finish()
    }
}

#[cfg(test)]
mod tests;
