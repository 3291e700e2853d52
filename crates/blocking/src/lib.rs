//! The one way the adapters run blocking work (diesel in `agora-infra`,
//! bcrypt in `agora-auth`): on tokio's blocking pool, never on an async
//! worker, and inside the caller's tracing span, so that a log line written
//! by the work still carries the request's id.
//!
//! Its own crate because the two adapters may not depend on each other and
//! the domain knows no runtime. Hand-written because it is one call:
//! `tracing::Instrument` only wraps futures, and `spawn_blocking` runs a
//! closure on another thread, where the caller's span is not current.

use tokio::task::JoinError;

/// Runs `work` on the blocking pool inside the current span and waits for it.
///
/// # Errors
/// [`JoinError`] when `work` panicked (or the runtime is shutting down).
pub async fn run<T, F>(work: F) -> Result<T, JoinError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(work)).await
}
