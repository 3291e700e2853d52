use std::sync::Arc;

use auth::{BcryptHasher, JwtTokenService};
use domain::{
    AccountService, CredentialThrottle, LikeService, PostService, ThrottlePolicy, UserRepository,
};
use infra::{
    PgHealthCheck, PgLikeRepository, PgLoginAttempts, PgPostRepository, PgSessionRepository,
    PgUserRepository, ReadRouter,
};

/// The one place that knows which adapter implements which port. `reads`:
/// the primary, or the primary and its read replicas.
pub fn services(
    reads: impl Into<ReadRouter>,
    hasher: BcryptHasher,
    tokens: JwtTokenService,
    throttle: ThrottlePolicy,
) -> api::Services {
    let reads = reads.into();
    let users: Arc<dyn UserRepository> = Arc::new(PgUserRepository::routed(reads.clone()));
    let posts = Arc::new(PgPostRepository::routed(reads.clone()));
    let likes = Arc::new(PgLikeRepository::routed(reads.clone()));
    let attempts = Arc::new(PgLoginAttempts::new(reads.primary().clone()));
    api::Services {
        accounts: AccountService::new(
            users.clone(),
            Arc::new(PgSessionRepository::routed(reads.clone())),
            Arc::new(hasher),
            Arc::new(tokens),
            CredentialThrottle::new(attempts, throttle),
        ),
        posts: PostService::new(posts.clone(), users),
        likes: LikeService::new(posts, likes),
        health: Arc::new(PgHealthCheck::routed(reads)),
    }
}

#[cfg(test)]
mod tests {
    use domain::PasswordHasher;

    use super::*;

    /// The OpenAPI document states the longest new password; the hasher
    /// wired here is the one that decides it.
    #[test]
    fn the_documented_password_limit_is_the_wired_hashers() {
        let hasher = BcryptHasher::new(BcryptHasher::MIN_COST).unwrap();
        assert_eq!(hasher.max_password_bytes(), api::NEW_PASSWORD_MAX_BYTES);
    }
}
