//! Agora's PostgreSQL adapters.
//!
//! - [`Database`]: an r2d2 pool of diesel connections; every query runs on
//!   one of the pool's own threads through one helper, so nothing outside
//!   this crate knows the database blocks.
//! - Repositories implementing the domain ports: [`PgUserRepository`],
//!   [`PgPostRepository`], [`PgLikeRepository`], [`PgSessionRepository`], and
//!   [`PgHealthCheck`] for readiness, and [`PgLoginAttempts`], the credential
//!   throttle's counters shared by every instance.
//! - [`ReadRouter`]: which reads go to a read replica, and the replicas' health.
//! - [`migrations`]: the schema migrations of `migrations/`, embedded.
//! - `testing` (feature `testing`): one fresh database per test.

mod attempts;
mod catalog;
mod db;
mod error;
#[cfg(test)]
mod fixture;
mod likes;
pub mod migrations;
mod paging;
mod posts;
mod reads;
mod schema;
#[cfg(test)]
mod schema_check;
mod sessions;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod users;

pub use attempts::PgLoginAttempts;
pub use db::{
    Database, PgHealthCheck, PoolSettings, describe_target, names_postgres, postgres_url,
    url_from_parts,
};
pub use error::InfraError;
pub use likes::PgLikeRepository;
pub use posts::PgPostRepository;
pub use reads::ReadRouter;
pub use sessions::PgSessionRepository;
pub use users::PgUserRepository;
