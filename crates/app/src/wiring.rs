use std::sync::Arc;

use auth::{BcryptHasher, JwtTokenService};
use domain::{AccountService, LikeService, PostService, UserRepository};
use infra::{Database, PgHealthCheck, PgLikeRepository, PgPostRepository, PgUserRepository};

/// The one place that knows which adapter implements which port.
pub fn services(
    database: Database,
    hasher: BcryptHasher,
    tokens: JwtTokenService,
) -> api::Services {
    let users: Arc<dyn UserRepository> = Arc::new(PgUserRepository::new(database.clone()));
    let posts = Arc::new(PgPostRepository::new(database.clone()));
    let likes = Arc::new(PgLikeRepository::new(database.clone()));
    api::Services {
        accounts: AccountService::new(users.clone(), Arc::new(hasher), Arc::new(tokens)),
        posts: PostService::new(posts.clone(), users),
        likes: LikeService::new(posts, likes),
        health: Arc::new(PgHealthCheck::new(database)),
    }
}
