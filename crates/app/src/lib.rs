//! The `agora` binary's library half: configuration, wiring and commands,
//! kept out of `main.rs` so end-to-end tests can start the same server.

pub mod cli;
pub mod config;
pub mod database;
pub mod migrate;
pub mod project;
pub mod serve;
pub mod telemetry;
pub mod wiring;
