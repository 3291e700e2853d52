//! What every pooled connection gets when it is opened.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::r2d2::{CustomizeConnection, Error, HandleError};
use diesel::{PgConnection, RunQueryDsl};
use domain::DomainError;

use super::gate::PgConn;
use super::{Lane, db_error};

/// What a pooled connection is set to when it is opened.
#[derive(Debug)]
pub(super) struct SessionSettings {
    pub(super) lane: Lane,
    pub(super) scope: Scope,
}

/// Where [`Lane::Costly`]'s settings hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    /// For the session, set once when a connection opens: connections of
    /// agora's own, so a search is one round trip (docs/performance.md,
    /// finding 29).
    Session,
    /// For one transaction around each search: behind a pooler in
    /// transaction mode a server connection serves many clients, one
    /// transaction at a time, and a session setting would land on whichever
    /// serves it, reaching other statements (docs/deploy.md).
    Transaction,
}

/// [`Lane::Bounded`]: no statement may hold a connection (and a request)
/// longer than 10 s, and every cached statement runs its generic plan from
/// the first call. Each is a key lookup or a walk of an index in page order,
/// whose plan is the same whatever the values bound; PostgreSQL prices a
/// page after a cursor as if the cursor kept a third of the table, and once
/// posts carried their text twice that price rose above a custom plan's, so
/// every deep page was planned again (docs/performance.md, finding 26).
const BOUNDED: &str = "SET statement_timeout = 10000; SET plan_cache_mode = force_generic_plan";

/// [`Lane::Costly`], the searches': a custom plan for each term, since the
/// generic plan of `LIKE lower($1)` cannot know the term and walks the
/// newest-first index filtering every row instead of using the trigram
/// indexes, 50 times slower on 50,000 posts; a 3 s timeout to bound what one
/// search may cost; and nothing written. `$1` says whether they hold for the
/// transaction only (`SET LOCAL`), so that both [`Scope`]s send this one
/// statement.
const COSTLY: &str = "SELECT set_config('statement_timeout', '3000', $1), \
                      set_config('plan_cache_mode', 'force_custom_plan', $1), \
                      set_config('default_transaction_read_only', 'on', $1)";

/// Sets [`COSTLY`] on `conn`, for its session or (`local`) the transaction it is in.
fn set_costly(conn: &mut PgConnection, local: bool) -> diesel::QueryResult<()> {
    diesel::sql_query(COSTLY)
        .bind::<diesel::sql_types::Bool, _>(local)
        .execute(conn)
        .map(drop)
}

impl CustomizeConnection<PgConn, Error> for SessionSettings {
    fn on_acquire(&self, PgConn { conn, .. }: &mut PgConn) -> Result<(), Error> {
        match (self.lane, self.scope) {
            (Lane::Costly, Scope::Session) => set_costly(conn, false),
            _ => conn.batch_execute(BOUNDED),
        }
        .map_err(Error::QueryError)
    }
}

/// Runs `f` in a read-only transaction with [`Lane::Costly`]'s settings: the
/// [`Scope::Transaction`] way. An error of `f`'s rolls the transaction back
/// and is returned as it was.
pub(super) fn in_costly_transaction<T>(
    conn: &mut PgConnection,
    f: &mut impl FnMut(&mut PgConnection) -> Result<T, DomainError>,
) -> Result<T, DomainError> {
    let mut failed = None;
    let outcome = conn.build_transaction().read_only().run(|conn| {
        set_costly(conn, true)?;
        f(conn).map_err(|error| {
            failed = Some(error);
            diesel::result::Error::RollbackTransaction
        })
    });
    match (outcome, failed) {
        (Ok(value), _) => Ok(value),
        (Err(_), Some(error)) => Err(error),
        (Err(error), None) => Err(db_error(error)),
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
