use async_trait::async_trait;
use domain::{DomainError, Password, PasswordHash, PasswordHasher};

use crate::AuthError;

/// bcrypt reads at most 72 bytes including the terminating NUL, so the
/// non-truncating functions refuse inputs of 72 bytes or more.
const BCRYPT_MAX_INPUT: usize = 72;

/// Verified in place of a candidate bcrypt cannot take, so that refusing a
/// too-long candidate costs as much as checking a real one.
const TIMING_STAND_IN: &str = "agora: candidate too long for bcrypt";

/// [`PasswordHasher`] with bcrypt, never truncating: a password bcrypt would
/// cut is refused when hashing and never matches when verifying. The hashing
/// itself runs on tokio's blocking pool, so callers must be inside a tokio
/// runtime (actix-web's is one).
#[derive(Debug)]
pub struct BcryptHasher {
    cost: u32,
    dummy: PasswordHash,
}

impl BcryptHasher {
    pub const MIN_COST: u32 = 4;
    pub const MAX_COST: u32 = 31;

    /// A hasher writing hashes at `cost` (`MIN_COST..=MAX_COST`).
    ///
    /// Blocks for about one hash at `cost` to compute the dummy hash: call it
    /// at start-up, not on an async worker.
    pub fn new(cost: u32) -> Result<Self, AuthError> {
        if !(Self::MIN_COST..=Self::MAX_COST).contains(&cost) {
            return Err(AuthError::CostOutOfRange(cost));
        }
        // The dummy hash must match no password anyone could type. A bcrypt
        // hash embeds a random salt, so a cheap hash of a constant is itself
        // an unguessable 60-byte string (still under bcrypt's limit) to hash
        // at the real cost.
        let unguessable = bcrypt::non_truncating_hash(TIMING_STAND_IN, Self::MIN_COST)
            .map_err(AuthError::DummyHash)?;
        let dummy = bcrypt::non_truncating_hash(unguessable, cost).map_err(AuthError::DummyHash)?;
        Ok(Self {
            cost,
            dummy: PasswordHash::new(dummy),
        })
    }

    pub fn cost(&self) -> u32 {
        self.cost
    }
}

#[async_trait]
impl PasswordHasher for BcryptHasher {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, DomainError> {
        let password = password.expose().to_owned();
        let cost = self.cost;
        let hashed = on_blocking_pool(move || bcrypt::non_truncating_hash(password, cost))
            .await?
            .map_err(DomainError::unexpected)?;
        Ok(PasswordHash::new(hashed))
    }

    async fn verify(&self, candidate: &str, hash: &PasswordHash) -> Result<bool, DomainError> {
        let too_long = candidate.len() >= BCRYPT_MAX_INPUT;
        let input = if too_long {
            TIMING_STAND_IN.to_owned()
        } else {
            candidate.to_owned()
        };
        let stored = hash.as_str().to_owned();
        // A malformed stored hash (or one with a cost bcrypt refuses) is a
        // data problem, not a wrong password: it surfaces as Unexpected.
        let matches = on_blocking_pool(move || bcrypt::non_truncating_verify(input, &stored))
            .await?
            .map_err(DomainError::unexpected)?;
        Ok(matches && !too_long)
    }

    fn dummy_hash(&self) -> PasswordHash {
        self.dummy.clone()
    }
}

/// bcrypt takes hundreds of milliseconds at production costs: on an async
/// worker it would stall every other request that worker serves.
async fn on_blocking_pool<T, F>(work: F) -> Result<T, DomainError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(DomainError::unexpected)
}

#[cfg(test)]
mod tests;
