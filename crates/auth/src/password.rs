use async_trait::async_trait;
use blocking::Workers;
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
/// itself runs on threads of the hasher's own, one per core, never on the
/// caller's async thread.
///
/// At most one hash per core runs at once; more wait their turn without a
/// thread. bcrypt is pure CPU, so more at once finish no sooner, and each
/// runnable bcrypt thread takes a share of the cores from the threads
/// serving every other request: 16 at once on 2 cores made a list's p99
/// 983 ms beside a stream of logins (bench/results, docs/performance.md).
#[derive(Debug)]
pub struct BcryptHasher {
    cost: u32,
    dummy: PasswordHash,
    /// One per core.
    cores: Workers,
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
        let unguessable = bcrypt_rust::non_truncating_hash(TIMING_STAND_IN, Self::MIN_COST)
            .map_err(AuthError::DummyHash)?;
        let dummy =
            bcrypt_rust::non_truncating_hash(unguessable, cost).map_err(AuthError::DummyHash)?;
        let parallelism = std::thread::available_parallelism().map_or(1, usize::from);
        Ok(Self {
            cost,
            dummy: PasswordHash::new(dummy),
            cores: Workers::start("agora-bcrypt", parallelism).map_err(AuthError::Threads)?,
        })
    }

    pub fn cost(&self) -> u32 {
        self.cost
    }

    /// The most hashes that ever ran at once: never more than the cores.
    pub fn busiest(&self) -> usize {
        self.cores.busiest()
    }

    /// bcrypt takes hundreds of milliseconds at production costs: on an
    /// async worker it would stall every other request that worker serves.
    /// A caller that stops waiting does not free its core early: a hash
    /// started runs to its end.
    async fn on_a_core<T, F>(&self, work: F) -> Result<T, DomainError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        self.cores.run(work).await.map_err(DomainError::unexpected)
    }
}

#[async_trait]
impl PasswordHasher for BcryptHasher {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, DomainError> {
        let password = password.expose().to_owned();
        let cost = self.cost;
        let hashed = self
            .on_a_core(move || bcrypt_rust::non_truncating_hash(password, cost))
            .await?
            .map_err(DomainError::unexpected)?;
        Ok(PasswordHash::new(hashed))
    }

    /// 71: bcrypt reads 72 bytes, the last being its terminator.
    fn max_password_bytes(&self) -> usize {
        BCRYPT_MAX_INPUT - 1
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
        let matches = self
            .on_a_core(move || bcrypt_rust::non_truncating_verify(input, &stored))
            .await?
            .map_err(DomainError::unexpected)?;
        Ok(matches && !too_long)
    }

    fn dummy_hash(&self) -> PasswordHash {
        self.dummy.clone()
    }
}

#[cfg(test)]
mod tests;
