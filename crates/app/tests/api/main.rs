//! End-to-end tests: the real server on a random port, over real HTTP,
//! each test on its own fresh PostgreSQL database.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod faults;
mod helpers;
mod likes;
mod metrics;
mod posts;
mod replicas;
mod sessions;
mod throttle;
mod users;
