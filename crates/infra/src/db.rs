//! The connection pool, and the one place where diesel's blocking calls run.

mod errors;
mod gate;
mod session;
mod target;

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use blocking::Workers;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};
use domain::{DomainError, HealthCheck};
use scheduled_thread_pool::ScheduledThreadPool;

use crate::{InfraError, ReadRouter};
use errors::ServerWording;
pub(crate) use errors::{CorruptRow, OptionalRow, acting_user_gone, db_error, one_line, violates};
use gate::{Gate, PgManager, PgPool};
use session::{LogPoolErrors, Scope, SessionSettings, in_costly_transaction};
pub(crate) use target::with_connect_timeout;
pub use target::{describe_target, names_postgres, postgres_url, url_from_parts};

/// A pool of PostgreSQL connections. Cloning shares the pool.
///
/// Repositories reach the database only through `Database::run_blocking`
/// and `Database::run_in`, which keep diesel's blocking calls off the async
/// workers.
#[derive(Clone)]
pub struct Database {
    /// [`Lane::Bounded`]'s connections, and a thread for each.
    pool: PgPool,
    threads: Workers,
    /// [`Lane::Costly`]'s: half as many, and a thread for each.
    costly_pool: PgPool,
    costly: Workers,
    costly_scope: Scope,
    gate: Arc<Gate>,
}

/// Which of a database's two pools, each with a thread per connection,
/// runs a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lane {
    /// A statement whose cost the request cannot raise much (a page, a
    /// post, a write): the pool of the configured size.
    Bounded,
    /// A statement whose cost depends on what the client asks: a search,
    /// which may read the whole table up to its 3 s timeout. A pool half the
    /// configured size beside the other, its connections set up for searches
    /// (`db/session.rs`): however many searches wait, they never take a
    /// connection from the other requests, and the ones past its size wait
    /// in a queue of their own, up to the checkout timeout.
    Costly,
}

impl std::fmt::Debug for Database {
    // The URL may hold a password: show only the pool's occupancy.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.pool.state();
        f.debug_struct("Database")
            .field("connections", &state.connections)
            .field("idle_connections", &state.idle_connections)
            .field("max_size", &self.pool.max_size())
            .field("blocking_in_use", &self.threads.running())
            .field("costly_connections", &self.costly_pool.state().connections)
            .field("costly_in_use", &self.costly.running())
            .finish()
    }
}

/// How [`Database::connect`] sizes its pool and talks to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSettings {
    /// At most this many connections.
    pub size: u32,
    /// A request that waits longer for a connection fails with
    /// [`DomainError::Unavailable`].
    pub checkout_timeout: Duration,
    /// Whether the connections are agora's own sessions, which keep named
    /// prepared statements and session settings. Turn it off behind a pooler
    /// in transaction mode: a server connection there serves many clients,
    /// one client's `__diesel_stmt_1` collides with another's (PgBouncer
    /// before 1.21), and a session setting lands on whichever connection
    /// serves it. Off, every statement is parsed and planned each time it
    /// runs, and a search sets its own in a transaction around it.
    pub prepared_statements: bool,
}

impl PoolSettings {
    /// Prepared statements on: a direct connection to PostgreSQL.
    pub fn new(size: u32, checkout_timeout: Duration) -> Self {
        Self {
            size,
            checkout_timeout,
            prepared_statements: true,
        }
    }
}

impl Database {
    /// A pool of at most `settings.size` connections; a request that waits
    /// longer than `settings.checkout_timeout` for one fails with
    /// [`DomainError::Unavailable`], and so does one that finds the database
    /// down, at once.
    ///
    /// Connects once before returning, so an unreachable database is an error
    /// here (one line, naming the host), not on the first request. A blocking
    /// call: use it at start-up.
    pub fn connect(url: &str, settings: PoolSettings) -> Result<Self, InfraError> {
        Self::open(url, settings, true)
    }

    /// Like [`Database::connect`], except that a server that does not answer
    /// yet is no error: the pool starts marked down and connects once it
    /// can. For a read replica, which may be down when a node starts.
    pub fn connect_later(url: &str, settings: PoolSettings) -> Result<Self, InfraError> {
        Self::open(url, settings, false)
    }

    fn open(url: &str, settings: PoolSettings, must_answer: bool) -> Result<Self, InfraError> {
        let PoolSettings {
            size: pool_size,
            checkout_timeout,
            prepared_statements,
        } = settings;
        if pool_size == 0 {
            return Err(InfraError::PoolSettings("the pool size must be at least 1"));
        }
        if checkout_timeout.is_zero() {
            return Err(InfraError::PoolSettings(
                "the connection timeout must be longer than zero",
            ));
        }
        let url = with_connect_timeout(url, checkout_timeout);
        // libpq's own message ("connection refused", "password authentication
        // failed") says more than the pool's "timed out waiting for connection".
        let probe = PgConnection::establish(&url).map_err(|error| InfraError::Connect {
            target: describe_target(&url),
            reason: one_line(&error.to_string()),
        });
        let (wording, down) = match probe {
            Ok(mut probe) => (ServerWording::learn(&mut probe), false),
            Err(error) if !must_answer => {
                tracing::warn!(%error, "starting without it; connecting once it answers");
                (ServerWording::default(), true)
            }
            Err(error) => return Err(error),
        };
        // r2d2 starts 3 threads a pool to open connections; both share them.
        let pool_threads = ScheduledThreadPool::builder()
            .num_threads(3)
            .thread_name_pattern("r2d2-worker-{}")
            .build();
        let pool_threads = Arc::new(pool_threads);
        // Named statements are off only behind a pooler in transaction mode.
        let scope = if prepared_statements {
            Scope::Session
        } else {
            Scope::Transaction
        };
        let pool = |lane: Lane, size: u32| {
            Pool::builder()
                .thread_pool(pool_threads.clone())
                .max_size(size)
                .min_idle(Some(1))
                .connection_timeout(checkout_timeout)
                // r2d2 would run `SELECT 1` before every checkout: a second round
                // trip per query. A dead connection instead fails its one query
                // (503, as ClosedConnection) and r2d2 discards it as broken.
                .test_on_check_out(false)
                .connection_customizer(Box::new(SessionSettings { lane, scope }))
                .error_handler(Box::new(LogPoolErrors::default()))
                .build_unchecked(PgManager {
                    manager: ConnectionManager::new(url.clone()),
                    prepared_statements,
                })
        };
        let costly_size = pool_size.div_ceil(2);
        let threads = |size: u32| usize::try_from(size).unwrap_or(usize::MAX);
        Ok(Self {
            pool: pool(Lane::Bounded, pool_size),
            threads: Workers::start("agora-db", threads(pool_size)).map_err(InfraError::Threads)?,
            costly_pool: pool(Lane::Costly, costly_size),
            costly: Workers::start("agora-db-costly", threads(costly_size))
                .map_err(InfraError::Threads)?,
            costly_scope: scope,
            gate: Arc::new(Gate::new(checkout_timeout, wording, down)),
        })
    }

    /// Sets this pool's gauges in the `metrics` facade, labelled
    /// `pool=<pool>`: connections open and idle, the most allowed, requests
    /// holding one and requests waiting. Cheap; [`crate::ReadRouter::record_metrics`]
    /// calls it before each scrape.
    pub(crate) fn record_pool_metrics_as(&self, pool: &str) {
        let label = [("pool", pool.to_owned())];
        let (state, costly) = (self.pool.state(), self.costly_pool.state());
        let gauges = [
            (
                "agora_db_pool_connections",
                f64::from(state.connections + costly.connections),
            ),
            (
                "agora_db_pool_idle_connections",
                f64::from(state.idle_connections + costly.idle_connections),
            ),
            (
                "agora_db_pool_max_connections",
                f64::from(self.pool.max_size() + self.costly_pool.max_size()),
            ),
            (
                "agora_db_pool_in_use",
                (self.threads.running() + self.costly.running()) as f64,
            ),
            (
                "agora_db_pool_waiting",
                (self.threads.waiting() + self.costly.waiting()) as f64,
            ),
        ];
        for (name, value) in gauges {
            metrics::gauge!(name, &label).set(value);
        }
    }

    /// Whether the last attempt found the database down (a lost connection
    /// or no connection to be had), rather than busy or slow.
    pub(crate) fn is_down(&self) -> bool {
        self.gate.is_down()
    }

    /// Waits, blocking, up to `limit` for the statements still running
    /// (those of requests whose clients left) to end; false if some did not.
    pub fn wait_idle(&self, limit: Duration) -> bool {
        let until = Instant::now() + limit;
        self.threads.wait_idle(limit)
            && self
                .costly
                .wait_idle(until.saturating_duration_since(Instant::now()))
    }

    /// The most requests that have held a blocking thread of `lane` at once
    /// since start: never more than the pool size, half of it for
    /// [`Lane::Costly`].
    pub(crate) fn busiest_in(&self, lane: Lane) -> usize {
        let (_, threads) = self.lane(lane);
        threads.busiest()
    }

    /// The most requests that have held a [`Lane::Bounded`] thread at once
    /// since start: never more than the pool size.
    pub fn busiest_blocking(&self) -> usize {
        self.busiest_in(Lane::Bounded)
    }

    fn lane(&self, lane: Lane) -> (&PgPool, &Workers) {
        match lane {
            Lane::Bounded => (&self.pool, &self.threads),
            Lane::Costly => (&self.costly_pool, &self.costly),
        }
    }

    /// Runs `f` with a pooled connection on one of this pool's blocking
    /// threads, inside the caller's tracing span.
    ///
    /// `f` maps the diesel errors it has a meaning for and hands the rest to
    /// [`db_error`]. Of those, a deadlock or serialization failure runs `f`
    /// again (a few times, with jitter), so `f` must be a transaction or a
    /// single statement; a lost connection, a statement timeout, no free
    /// connection within the checkout timeout, or a database known to be down
    /// give [`DomainError::Unavailable`].
    pub(crate) async fn run_blocking<T, F>(&self, f: F) -> Result<T, DomainError>
    where
        F: FnMut(&mut PgConnection) -> Result<T, DomainError> + Send + 'static,
        T: Send + 'static,
    {
        self.run_in(Lane::Bounded, f).await
    }

    /// [`Database::run_blocking`] on `lane`'s threads.
    pub(crate) async fn run_in<T, F>(&self, lane: Lane, mut f: F) -> Result<T, DomainError>
    where
        F: FnMut(&mut PgConnection) -> Result<T, DomainError> + Send + 'static,
        T: Send + 'static,
    {
        let (pool, threads) = self.lane(lane);
        let deadline = self.gate.admit(threads)?;
        let pool = pool.clone();
        let gate = self.gate.clone();
        let per_transaction = lane == Lane::Costly && self.costly_scope == Scope::Transaction;
        let mut in_scope = move |conn: &mut PgConnection| {
            if per_transaction {
                in_costly_transaction(conn, &mut f)
            } else {
                f(conn)
            }
        };
        threads
            .run_before(deadline, move || gate.run(&pool, deadline, &mut in_scope))
            .await
            .map_err(|error| self.gate.refused(error))?
    }
}

/// Readiness: the primary answers a trivial query, or, while it does not,
/// a replica is healthy, so reads can still be served (writes answer 503).
#[derive(Debug, Clone)]
pub struct PgHealthCheck {
    reads: ReadRouter,
}

impl PgHealthCheck {
    pub fn new(db: Database) -> Self {
        Self::routed(ReadRouter::primary_only(db))
    }

    pub fn routed(reads: ReadRouter) -> Self {
        Self { reads }
    }
}

#[async_trait]
impl HealthCheck for PgHealthCheck {
    async fn check(&self) -> Result<(), DomainError> {
        let primary = self
            .reads
            .primary()
            .run_blocking(|conn| {
                diesel::sql_query("SELECT 1")
                    .execute(conn)
                    .map(drop)
                    .map_err(db_error)
            })
            .await;
        match primary {
            Err(error) if self.reads.any_replica_healthy() => {
                tracing::debug!(%error, "primary not answering; ready for reads from a replica");
                Ok(())
            }
            answer => answer,
        }
    }
}

#[cfg(test)]
mod tests;
