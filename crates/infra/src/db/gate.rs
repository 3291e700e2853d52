//! Admission to the database: how long a request waits for a connection,
//! what a failure does to the connection, and which failures are worth
//! running again.
//!
//! Hand-written because it is the glue between three things no crate joins:
//! the blocking threads' queue (waiting without a thread), r2d2's checkout,
//! and diesel's error kinds.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use blocking::{WorkError, Workers};
use diesel::PgConnection;
use diesel::connection::{CacheSize, Connection};
use diesel::r2d2::{ManageConnection, Pool, PooledConnection};
use domain::DomainError;

use super::errors::{Fault, ServerWording, unavailable};

/// A pooled connection, and whether a failure on it showed it to be dead.
/// r2d2 asks [`PgManager::has_broken`] on check-in and discards it then, so
/// the next request never inherits a dead connection.
pub(crate) struct PgConn {
    pub(super) conn: PgConnection,
    lost: bool,
}

/// diesel's connection manager, plus the `lost` mark it cannot know about
/// (diesel only reports a connection broken when its transaction manager
/// is), and whether new connections keep prepared statements.
#[derive(Debug)]
pub(crate) struct PgManager {
    pub(super) manager: diesel::r2d2::ConnectionManager<PgConnection>,
    pub(super) prepared_statements: bool,
}

impl ManageConnection for PgManager {
    type Connection = PgConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<PgConn, Self::Error> {
        let mut conn = self.manager.connect()?;
        if !self.prepared_statements {
            // Unnamed statements: nothing outlives the statement on the
            // server connection a pooler lends for one transaction.
            conn.set_prepared_statement_cache_size(CacheSize::Disabled);
        }
        Ok(PgConn { conn, lost: false })
    }

    fn is_valid(&self, conn: &mut PgConn) -> Result<(), Self::Error> {
        self.manager.is_valid(&mut conn.conn)
    }

    fn has_broken(&self, conn: &mut PgConn) -> bool {
        conn.lost || self.manager.has_broken(&mut conn.conn)
    }
}

pub(super) type PgPool = Pool<PgManager>;

/// Attempts of one closure: the first run plus retries after a conflict or a
/// connection found dead before the statement was sent.
const MAX_ATTEMPTS: u32 = 4;
/// While the database is known to be down, a request gets a connection this
/// fast or a 503, instead of waiting out the whole checkout timeout.
const DOWN_CHECKOUT: Duration = Duration::from_millis(250);

/// Shared by every clone of a [`crate::Database`].
#[derive(Debug)]
pub(super) struct Gate {
    checkout_timeout: Duration,
    /// Set by a failed checkout or a dead connection, cleared by the next
    /// statement that succeeds.
    down: AtomicBool,
    wording: ServerWording,
}

/// Why a request got no connection; logged, never shown to clients.
#[derive(Debug, thiserror::Error)]
pub(super) enum NoConnection {
    #[error("every database connection stayed busy for {0:?}")]
    Busy(Duration),
    #[error("the database is down and every connection attempt is already in flight")]
    Down,
}

impl Gate {
    pub(super) fn new(checkout_timeout: Duration, wording: ServerWording, down: bool) -> Self {
        Self {
            checkout_timeout,
            down: AtomicBool::new(down),
            wording,
        }
    }

    /// When a request's wait for a connection ends. While the database is
    /// down a request is refused at once unless a thread is free, so that
    /// requests do not pile up behind it.
    pub(super) fn admit(&self, threads: &Workers) -> Result<Instant, DomainError> {
        if self.is_down() && threads.waiting() + threads.running() >= threads.threads() {
            return Err(unavailable(NoConnection::Down));
        }
        Ok(Instant::now() + self.checkout_timeout)
    }

    /// What a request that got no thread is told.
    pub(super) fn refused(&self, error: WorkError) -> DomainError {
        match error {
            WorkError::Late => unavailable(NoConnection::Busy(self.checkout_timeout)),
            other => DomainError::unexpected(other),
        }
    }

    /// Runs `f` on a pooled connection, again after a conflict (with jitter)
    /// or on a fresh connection when the one lent was found dead before
    /// anything was sent; a connection found dead is never lent again.
    pub(super) fn run<T>(
        &self,
        pool: &PgPool,
        deadline: Instant,
        f: &mut impl FnMut(&mut PgConnection) -> Result<T, DomainError>,
    ) -> Result<T, DomainError> {
        let mut attempt = 1;
        loop {
            let mut conn = self.checkout(pool, deadline)?;
            let error = match f(&mut conn.conn) {
                Ok(value) => {
                    self.down.store(false, Ordering::Relaxed);
                    return Ok(value);
                }
                Err(error) => error,
            };
            match Fault::of(&error, &self.wording) {
                // The database answered; the request itself failed.
                None => {
                    self.down.store(false, Ordering::Relaxed);
                    return Err(error);
                }
                Some(Fault::ConnectionLost { sent }) => {
                    conn.lost = true;
                    self.down.store(true, Ordering::Relaxed);
                    if sent || attempt >= MAX_ATTEMPTS {
                        return Err(Fault::as_unavailable(error));
                    }
                    tracing::debug!("a pooled connection was dead; trying a fresh one");
                }
                Some(Fault::Conflict) if attempt < MAX_ATTEMPTS => {
                    drop(conn);
                    tracing::debug!(attempt, "transaction conflict; running it again");
                    std::thread::sleep(jitter(attempt));
                }
                Some(_) => return Err(Fault::as_unavailable(error)),
            }
            attempt += 1;
        }
    }

    fn checkout(
        &self,
        pool: &PgPool,
        deadline: Instant,
    ) -> Result<PooledConnection<PgManager>, DomainError> {
        let left = deadline.saturating_duration_since(Instant::now());
        let wait = if self.is_down() {
            left.min(DOWN_CHECKOUT)
        } else {
            left
        };
        // r2d2 refuses a zero timeout; a millisecond still takes an idle one.
        pool.get_timeout(wait.max(Duration::from_millis(1)))
            .map_err(|error| {
                self.down.store(true, Ordering::Relaxed);
                unavailable(error)
            })
    }

    pub(super) fn is_down(&self) -> bool {
        self.down.load(Ordering::Relaxed)
    }
}

/// 5-25 ms, then 10-50, then 20-100: spread so that the transactions that
/// collided do not collide again.
fn jitter(attempt: u32) -> Duration {
    let base = 5u64 << attempt.saturating_sub(1).min(4);
    Duration::from_millis(base + fastrand::u64(0..=base * 4))
}
