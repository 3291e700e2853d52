//! What every pooled connection gets when it is opened.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::r2d2::{CustomizeConnection, Error, HandleError};

use super::gate::PgConn;

/// No statement may hold a connection (and a request) longer than this.
const STATEMENT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug)]
pub(super) struct SessionSettings;

/// Every cached statement runs its generic plan from the first call. Each is
/// a key lookup or a walk of an index in page order, whose plan is the same
/// whatever the values bound; PostgreSQL prices a page after a cursor as if
/// the cursor kept a third of the table, and once posts carried their text
/// twice that price rose above a custom plan's, so every deep page was
/// planned again (docs/performance.md, finding 26). A search is the
/// exception and asks for custom plans in its own transaction.
const PLAN_CACHE_MODE: &str = "force_generic_plan";

impl CustomizeConnection<PgConn, Error> for SessionSettings {
    fn on_acquire(&self, PgConn { conn, .. }: &mut PgConn) -> Result<(), Error> {
        conn.batch_execute(&format!(
            "SET statement_timeout = {}; SET plan_cache_mode = {PLAN_CACHE_MODE}",
            STATEMENT_TIMEOUT.as_millis()
        ))
        .map_err(Error::QueryError)
    }
}

/// r2d2 reports failed connection attempts through the `log` crate by
/// default; the application logs with tracing. While a database is down the
/// pool retries several times a second, so after one line the next comes
/// only once [`REPEAT_AFTER`] has passed, counting the failures in between.
#[derive(Debug, Default)]
pub(super) struct LogPoolErrors {
    quiet: Mutex<Quiet>,
}

const REPEAT_AFTER: Duration = Duration::from_secs(10);

#[derive(Debug, Default)]
struct Quiet {
    last_logged: Option<Instant>,
    unlogged: u64,
}

impl Quiet {
    /// `Some(failures not logged since the last line)` when this one is to be logged.
    fn log_now(&mut self, now: Instant) -> Option<u64> {
        if let Some(last) = self.last_logged
            && now.saturating_duration_since(last) < REPEAT_AFTER
        {
            self.unlogged += 1;
            return None;
        }
        self.last_logged = Some(now);
        Some(std::mem::take(&mut self.unlogged))
    }
}

impl HandleError<Error> for LogPoolErrors {
    fn handle_error(&self, error: Error) {
        // A poisoned lock only means another thread panicked while logging.
        let mut quiet = self.quiet.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(unlogged) = quiet.log_now(Instant::now()) {
            let error = super::one_line(&error.to_string());
            if unlogged == 0 {
                tracing::warn!(%error, "database connection failed");
            } else {
                tracing::warn!(%error, failures_not_logged = unlogged, "database connection failed");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_is_logged_then_the_next_only_after_a_quiet_spell_with_the_count() {
        let mut quiet = Quiet::default();
        let start = Instant::now();
        assert_eq!(quiet.log_now(start), Some(0));
        for tenth in 1..=30 {
            let now = start + Duration::from_millis(100 * tenth);
            assert_eq!(quiet.log_now(now), None, "at {tenth} tenths of a second");
        }
        assert_eq!(quiet.log_now(start + REPEAT_AFTER), Some(30));
        assert_eq!(quiet.log_now(start + REPEAT_AFTER), None);
    }
}
