//! Replica health: every [`POLL`], whether each replica answers and how far
//! behind the primary it is.
//!
//! Lag is measured in WAL positions, not with `now() -
//! pg_last_xact_replay_timestamp()`, which grows on a replica that is fully
//! caught up with an idle primary. Each round samples the primary's current
//! position first; a replica's lag is the age of the oldest sample it has not
//! replayed yet (0 when it has replayed the newest), so its resolution is one
//! poll. When the primary does not answer, a replica is judged on its own:
//! caught up with what it received (lag 0), or the time since it last
//! replayed a transaction. So with the primary down, reads keep going to a
//! replica that has replayed all it got.

use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Double};
use domain::DomainError;

use super::{ReadRouter, Replica};
use crate::Database;
use crate::db::db_error;

/// How often each replica is checked.
pub(super) const POLL: Duration = Duration::from_millis(500);
/// How stale a replica's verdict can be: one poll since it was measured, and
/// one poll of measuring resolution.
pub(crate) const RESOLUTION: Duration = Duration::from_secs(1);
/// A node that takes longer to answer a check counts as down.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// Where a node's WAL stands. On a server that is not a standby (a second
/// database standing in for a replica), `position` is its own current one.
const WAL_POSITION: &str = "SELECT pg_is_in_recovery() AS standby, \
    COALESCE((CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() \
        ELSE pg_current_wal_lsn() END - '0/0'::pg_lsn)::bigint, 0) AS position, \
    COALESCE(GREATEST(pg_last_wal_receive_lsn() - pg_last_wal_replay_lsn(), 0)::bigint, 0) AS unreplayed, \
    COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8, 0) AS since_last_replay";

#[derive(Debug, QueryableByName)]
struct WalPosition {
    #[diesel(sql_type = Bool)]
    standby: bool,
    #[diesel(sql_type = BigInt)]
    position: i64,
    #[diesel(sql_type = BigInt)]
    unreplayed: i64,
    #[diesel(sql_type = Double)]
    since_last_replay: f64,
}

async fn wal_position(db: &Database) -> Result<WalPosition, String> {
    let query = db.run_blocking(|conn| {
        diesel::sql_query(WAL_POSITION)
            .get_result::<WalPosition>(conn)
            .map_err(db_error)
    });
    match tokio::time::timeout(CHECK_TIMEOUT, query).await {
        Ok(Ok(position)) => Ok(position),
        Ok(Err(error)) => Err(describe(&error)),
        Err(_) => Err(format!("no answer within {CHECK_TIMEOUT:?}")),
    }
}

fn describe(error: &DomainError) -> String {
    match std::error::Error::source(error) {
        Some(source) => format!("{error}: {source}"),
        None => error.to_string(),
    }
}

/// The primary's recent WAL positions, oldest first.
#[derive(Debug, Default)]
pub(super) struct PrimaryPositions {
    samples: Mutex<VecDeque<(Instant, i64)>>,
}

impl PrimaryPositions {
    pub(super) fn record(&self, position: i64, keep: Duration) {
        let now = Instant::now();
        let mut samples = self.samples.lock().unwrap_or_else(PoisonError::into_inner);
        samples.push_back((now, position));
        while samples
            .front()
            .is_some_and(|(at, _)| now.duration_since(*at) > keep)
        {
            samples.pop_front();
        }
    }

    pub(super) fn forget(&self) {
        self.samples
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// The age of the oldest sample past `replayed`; `None` with no samples.
    pub(super) fn lag_of(&self, replayed: i64) -> Option<Duration> {
        let samples = self.samples.lock().unwrap_or_else(PoisonError::into_inner);
        let newest = samples.back()?;
        let lag = samples
            .iter()
            .find(|(_, position)| *position > replayed)
            .map_or(Duration::ZERO, |(at, _)| newest.0.duration_since(*at));
        Some(lag)
    }
}

impl ReadRouter {
    /// One round of checks: the primary's position, then each replica's
    /// reachability and lag; a replica is healthy when it answers and lags
    /// at most `max_lag`. [`ReadRouter::spawn_health_checks`] runs it every
    /// 500 ms.
    pub async fn check_replicas(&self) {
        let router = &self.0;
        // Long enough to tell a lag past max_lag from one within it.
        let keep = router.max_lag * 2 + RESOLUTION;
        match wal_position(&router.primary).await {
            Ok(primary) => router.primary_positions.record(primary.position, keep),
            Err(_) => router.primary_positions.forget(),
        }
        for replica in &router.replicas {
            let verdict = wal_position(&replica.db).await.map(|node| {
                if !node.standby {
                    return Duration::ZERO;
                }
                router
                    .primary_positions
                    .lag_of(node.position)
                    .unwrap_or_else(|| {
                        if node.unreplayed > 0 {
                            Duration::try_from_secs_f64(node.since_last_replay.max(0.0))
                                .unwrap_or(Duration::MAX)
                        } else {
                            Duration::ZERO
                        }
                    })
            });
            replica.judge(verdict, router.max_lag);
        }
    }

    /// Runs [`ReadRouter::check_replicas`] every 500 ms on the current
    /// tokio runtime, for as long as the runtime lives.
    pub fn spawn_health_checks(&self) -> tokio::task::JoinHandle<()> {
        let router = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(POLL);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                router.check_replicas().await;
            }
        })
    }
}

impl Replica {
    fn judge(&self, verdict: Result<Duration, String>, max_lag: Duration) {
        let healthy = match &verdict {
            Ok(lag) => {
                self.lag_seconds
                    .store(lag.as_secs_f64().to_bits(), Ordering::Relaxed);
                *lag <= max_lag
            }
            Err(_) => false,
        };
        if self.healthy.swap(healthy, Ordering::Relaxed) == healthy {
            return;
        }
        let replica = &self.name;
        match verdict {
            Ok(lag) if healthy => {
                tracing::info!(replica, ?lag, "replica healthy: serving reads");
            }
            Ok(lag) => {
                tracing::warn!(replica, ?lag, ?max_lag, "replica lags too far: skipped");
            }
            Err(error) => tracing::warn!(replica, %error, "replica not answering: skipped"),
        }
    }
}
