//! The one way the adapters run blocking work (diesel in `agora-infra`,
//! bcrypt in `agora-auth`): on one blocking pool for the whole process, never
//! on an async worker, and inside the caller's tracing span, so that a log
//! line written by the work still carries the request's id.
//!
//! Its own crate because the two adapters may not depend on each other and
//! the domain knows no runtime. Hand-written because it is one call:
//! `tracing::Instrument` only wraps futures, and `spawn_blocking` runs a
//! closure on another thread, where the caller's span is not current.
//!
//! One pool, not tokio's own per runtime: actix-web runs a runtime per
//! worker, and each grew a blocking pool of its own, so the threads were the
//! workers times the pool (46 blocking threads at 1,024 connections with a
//! database pool of 16 on 2 workers). Here they are at most
//! [`size_pool`]'s bound, whatever the number of runtimes.

use std::io;
use std::sync::OnceLock;

use tokio::runtime::{Builder, Runtime};
use tokio::task::JoinError;

/// A runtime only for its blocking pool: nothing is ever spawned on it as a
/// task, so it needs no driver and is never run.
static POOL: OnceLock<Runtime> = OnceLock::new();

/// tokio's own default bound, for a process that never calls [`size_pool`]
/// (tests, tools).
const DEFAULT_THREADS: usize = 512;

/// Bounds the blocking pool at `threads` threads; call it once at start,
/// before the first [`run`]. Work beyond the bound waits for a thread.
///
/// # Errors
/// When the pool exists already (sized before, or a `run` came first), or the
/// operating system refuses the runtime.
pub fn size_pool(threads: usize) -> io::Result<()> {
    let runtime = build(threads)?;
    POOL.set(runtime)
        .map_err(|_| io::Error::other("the blocking pool is in use already: size it first"))
}

fn build(threads: usize) -> io::Result<Runtime> {
    Builder::new_current_thread()
        .max_blocking_threads(threads.max(1))
        .thread_name("agora-blocking")
        .build()
}

/// Runs `work` on the blocking pool inside the current span and waits for it.
///
/// # Errors
/// [`JoinError`] when `work` panicked.
pub async fn run<T, F>(work: F) -> Result<T, JoinError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let span = tracing::Span::current();
    pool().spawn_blocking(move || span.in_scope(work)).await
}

#[allow(
    clippy::expect_used,
    reason = "building fails only when an I/O or time driver cannot start, and this runtime enables neither"
)]
fn pool() -> &'static Runtime {
    POOL.get_or_init(|| build(DEFAULT_THREADS).expect("a runtime without drivers builds"))
}
