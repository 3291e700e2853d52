//! The conformance suite of `agora-testkit` on the PostgreSQL adapters,
//! each test on a fresh database.

use std::sync::Arc;

use agora_infra::{
    PgHealthCheck, PgLikeRepository, PgLoginAttempts, PgPostRepository, PgSessionRepository,
    PgUserRepository, testing::TestDatabase,
};
use testkit::conformance::Adapters;

fn on_a_fresh_database() -> Adapters {
    let test_database = TestDatabase::new();
    let database = test_database.database();
    Adapters {
        users: Arc::new(PgUserRepository::new(database.clone())),
        posts: Arc::new(PgPostRepository::new(database.clone())),
        likes: Arc::new(PgLikeRepository::new(database.clone())),
        sessions: Arc::new(PgSessionRepository::new(database.clone())),
        attempts: Arc::new(PgLoginAttempts::new(database.clone())),
        health: Arc::new(PgHealthCheck::new(database)),
        keep_alive: Some(Box::new(test_database)),
    }
}

mod postgres {
    use super::on_a_fresh_database;

    testkit::conformance_tests!(on_a_fresh_database());
}
