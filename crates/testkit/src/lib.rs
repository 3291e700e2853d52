//! Agora's domain without a database: in-memory adapters for every port,
//! fakes for password hashing and tokens, and the conformance suite that
//! pins what every adapter set must do.
//!
//! - [`InMemoryStore`]: users, posts, likes and sessions in one store (a
//!   [`domain::PostView`] carries its author and `liked_by_me`, so the
//!   repositories must share one), and the [`domain::HealthCheck`].
//! - [`InMemoryLoginAttempts`]: the credential throttle's counters and turns.
//! - [`FakePasswordHasher`] and [`FakeTokenService`]: fast and predictable,
//!   and **not secure**: for tests and examples only.
//! - [`conformance`]: one test per port contract, written once against the
//!   port traits; [`conformance_tests!`] expands them for any adapter set.
//!
//! `examples/in_memory.rs` wires the domain's services on these adapters.

mod attempts;
pub mod conformance;
mod fakes;
mod store;

pub use attempts::InMemoryLoginAttempts;
pub use fakes::{FakePasswordHasher, FakeTokenService};
pub use store::InMemoryStore;
