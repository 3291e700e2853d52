use crate::{BcryptHasher, JwtTokenService};

/// Why a hasher or token service could not be built. Messages never
/// contain the secret itself, only facts about it.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(
        "bcrypt cost {0} is out of range: expected {min}..={max}",
        min = BcryptHasher::MIN_COST,
        max = BcryptHasher::MAX_COST
    )]
    CostOutOfRange(u32),
    #[error(
        "JWT secret is {len} bytes long: at least {min} bytes are required",
        min = JwtTokenService::MIN_SECRET_BYTES
    )]
    SecretTooShort { len: usize },
    #[error("token lifetime must be at least one second")]
    LifetimeTooShort,
    #[error("the token issuer must be a non-empty name without spaces or control characters")]
    InvalidIssuer,
    #[error("could not compute the dummy password hash")]
    DummyHash(#[source] bcrypt_rust::BcryptError),
    #[error("could not start the hashing threads: {0}")]
    Threads(std::io::Error),
}
