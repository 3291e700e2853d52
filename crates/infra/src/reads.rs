//! Where reads go: the primary, or a healthy read replica.
//!
//! Reads that may be a moment old (post lists, single posts, profiles,
//! likers) go round-robin to the replicas that [`health`] last found
//! reachable and at most `max_lag` behind; with none healthy, to the primary.
//! A read that finds its replica down runs again on the primary, so a replica
//! that just died costs no failed request. Writes, sign-in and the token's
//! session lookup always use the primary.
//!
//! Read-your-writes: the session lookup on the primary also reads when the
//! caller last wrote (`user_writes`, kept by triggers). A caller who wrote
//! within `max_lag` plus [`health::RESOLUTION`] reads from the primary for the
//! rest of that window ([`recent`]), on whichever node serves them.
//!
//! Hand-written: the routing rule is Agora's (which reads, whose writes), and
//! no pool crate for diesel routes by replica lag.

mod health;
mod recent;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use diesel::PgConnection;
use domain::{DomainError, UserId};

use crate::Database;
use crate::db::Lane;
use recent::RecentWriters;

/// Sends each read to the primary or to a healthy replica. Cloning shares it.
#[derive(Clone, Debug)]
pub struct ReadRouter(Arc<Router>);

#[derive(Debug)]
struct Router {
    primary: Database,
    replicas: Vec<Replica>,
    next: AtomicUsize,
    max_lag: Duration,
    recent: RecentWriters,
    primary_positions: health::PrimaryPositions,
}

#[derive(Debug)]
struct Replica {
    /// `replica0`, `replica1`...: the metrics' `pool` label and the logs' name.
    name: String,
    db: Database,
    healthy: AtomicBool,
    /// The last lag measured, as `f64` bits, in seconds.
    lag_seconds: AtomicU64,
}

impl Replica {
    fn is_healthy(&self) -> bool {
        self.healthy.load(Ordering::Relaxed)
    }

    fn lag_seconds(&self) -> f64 {
        f64::from_bits(self.lag_seconds.load(Ordering::Relaxed))
    }
}

impl ReadRouter {
    /// Every read on `primary`: a deployment without replicas.
    pub fn primary_only(primary: Database) -> Self {
        Self::new(primary, Vec::new(), Duration::from_secs(1))
    }

    /// Reads spread over `replicas` (named `replica0`... in that order) once
    /// [`ReadRouter::check_replicas`] has found them healthy, that is at most
    /// `max_lag` behind the primary.
    pub fn new(primary: Database, replicas: Vec<Database>, max_lag: Duration) -> Self {
        let replicas = replicas
            .into_iter()
            .enumerate()
            .map(|(index, db)| Replica {
                name: format!("replica{index}"),
                db,
                healthy: AtomicBool::new(false),
                lag_seconds: AtomicU64::new(0f64.to_bits()),
            })
            .collect();
        Self(Arc::new(Router {
            primary,
            replicas,
            next: AtomicUsize::new(0),
            max_lag,
            recent: RecentWriters::default(),
            primary_positions: health::PrimaryPositions::default(),
        }))
    }

    /// Where writes go.
    pub fn primary(&self) -> &Database {
        &self.0.primary
    }

    /// Whether any replica is configured.
    pub fn has_replicas(&self) -> bool {
        !self.0.replicas.is_empty()
    }

    /// How long after a user's write their reads stay on the primary: the
    /// allowed lag, plus how stale a health verdict can be.
    pub(crate) fn read_your_writes_window(&self) -> Duration {
        self.0.max_lag + health::RESOLUTION
    }

    /// Records, from the primary's session lookup, how long ago `user` last
    /// wrote (`None`: never, or long ago), for this request's reads and
    /// for `user`'s.
    pub(crate) fn note_caller(&self, user: UserId, seconds_since_write: Option<f64>) {
        if !self.has_replicas() {
            return;
        }
        let window = self.read_your_writes_window();
        let left = seconds_since_write
            .map(|age| Duration::try_from_secs_f64(age.max(0.0)).unwrap_or(Duration::MAX))
            .and_then(|age| window.checked_sub(age));
        self.0.recent.note(user, left);
    }

    /// Runs the read `f` where it belongs: on a healthy replica, unless
    /// `writer` (the viewer, or the user whose own changes this read shows)
    /// wrote recently. `None`: an anonymous read, which may be up to the
    /// allowed lag old. `f` may run twice: on the replica and, if that
    /// replica turned out to be down, on the primary.
    pub(crate) async fn read<T, F>(&self, writer: Option<UserId>, f: F) -> Result<T, DomainError>
    where
        F: FnMut(&mut PgConnection) -> Result<T, DomainError> + Clone + Send + 'static,
        T: Send + 'static,
    {
        self.read_in(Lane::Bounded, writer, f).await
    }

    /// [`ReadRouter::read`] on `lane`'s threads of the pool it picks.
    pub(crate) async fn read_in<T, F>(
        &self,
        lane: Lane,
        writer: Option<UserId>,
        f: F,
    ) -> Result<T, DomainError>
    where
        F: FnMut(&mut PgConnection) -> Result<T, DomainError> + Clone + Send + 'static,
        T: Send + 'static,
    {
        let recent = writer.is_some_and(|user| self.0.recent.wrote_recently(Some(user)));
        self.route(recent, lane, f).await
    }

    /// [`ReadRouter::read`] for a read whose port call names no user: it
    /// follows the current request's signed-in caller, if any.
    pub(crate) async fn read_for_caller<T, F>(&self, f: F) -> Result<T, DomainError>
    where
        F: FnMut(&mut PgConnection) -> Result<T, DomainError> + Clone + Send + 'static,
        T: Send + 'static,
    {
        let recent = self.0.recent.wrote_recently(None);
        self.route(recent, Lane::Bounded, f).await
    }

    async fn route<T, F>(&self, recent_write: bool, lane: Lane, f: F) -> Result<T, DomainError>
    where
        F: FnMut(&mut PgConnection) -> Result<T, DomainError> + Clone + Send + 'static,
        T: Send + 'static,
    {
        let router = &self.0;
        if router.replicas.is_empty() {
            return router.primary.run_in(lane, f).await;
        }
        let replica = if recent_write {
            routed("primary", "recent_write");
            None
        } else {
            let replica = self.pick();
            if replica.is_none() {
                routed("primary", "no_healthy_replica");
            }
            replica
        };
        let Some(replica) = replica else {
            return router.primary.run_in(lane, f).await;
        };
        match replica.db.run_in(lane, f.clone()).await {
            Err(DomainError::Unavailable(error)) if replica.db.is_down() => {
                if replica.healthy.swap(false, Ordering::Relaxed) {
                    tracing::warn!(replica = %replica.name, %error, "replica down: reads go elsewhere until it answers again");
                }
                routed("primary", "replica_failed");
                router.primary.run_in(lane, f).await
            }
            result => {
                routed(&replica.name, "replica");
                result
            }
        }
    }

    /// The next healthy replica, round-robin.
    fn pick(&self) -> Option<&Replica> {
        let replicas = &self.0.replicas;
        let start = self.0.next.fetch_add(1, Ordering::Relaxed);
        (0..replicas.len())
            .map(|offset| &replicas[(start + offset) % replicas.len()])
            .find(|replica| replica.is_healthy())
    }

    /// Sets the gauges of every pool (`pool="primary"`, `"replica0"`...) and
    /// each replica's lag (seconds) and health (1 or 0). Call before a scrape.
    pub fn record_metrics(&self) {
        self.0.primary.record_pool_metrics_as("primary");
        for replica in &self.0.replicas {
            replica.db.record_pool_metrics_as(&replica.name);
            let label = [("replica", replica.name.clone())];
            metrics::gauge!("agora_db_replica_lag_seconds", &label).set(replica.lag_seconds());
            metrics::gauge!("agora_db_replica_healthy", &label).set(if replica.is_healthy() {
                1.0
            } else {
                0.0
            });
        }
    }

    /// Whether any replica is healthy: with the primary down, the service
    /// can still answer reads.
    pub fn any_replica_healthy(&self) -> bool {
        self.0.replicas.iter().any(Replica::is_healthy)
    }
}

impl From<Database> for ReadRouter {
    fn from(primary: Database) -> Self {
        Self::primary_only(primary)
    }
}

fn routed(target: &str, reason: &'static str) {
    metrics::counter!("agora_db_reads_total", "target" => target.to_owned(), "reason" => reason)
        .increment(1);
}

#[cfg(test)]
mod tests;
