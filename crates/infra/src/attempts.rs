//! [`LoginAttempts`] over PostgreSQL: the throttle's counters live in the
//! UNLOGGED table `attempt_counters`, so every instance on one database
//! shares them; turns of checks running now are kept in this process.

mod turns;

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};
use std::time::Duration;

use async_trait::async_trait;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Integer, Text};
use domain::{Count, CounterKey, DomainError, InFlight, LoginAttempts, Refusal};

use crate::Database;
use crate::db::db_error;
use turns::Turns;

/// Every this many additions, expired counters are deleted.
const SWEEP_EVERY: u64 = 256;

/// The throttle's storage. Clones share the turns.
#[derive(Clone)]
pub struct PgLoginAttempts {
    db: Database,
    turns: Arc<Turns>,
    additions: Arc<AtomicU64>,
}

impl PgLoginAttempts {
    pub fn new(db: Database) -> Self {
        Self {
            db,
            turns: Arc::new(Turns::default()),
            additions: Arc::new(AtomicU64::new(0)),
        }
    }
}

#[derive(QueryableByName)]
struct CounterRow {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = Integer)]
    events: i32,
    #[diesel(sql_type = BigInt)]
    window_left_ms: i64,
    #[diesel(sql_type = BigInt)]
    since_last_ms: i64,
}

impl CounterRow {
    fn count(&self) -> Count {
        let millis = |ms: i64| Duration::from_millis(u64::try_from(ms).unwrap_or(0));
        Count {
            events: u32::try_from(self.events).unwrap_or(0),
            window_left: millis(self.window_left_ms),
            since_last: millis(self.since_last_ms),
        }
    }
}

/// The rows' counts in the order of `keys`; a key without a row is zero.
fn in_order(keys: &[String], rows: &[CounterRow]) -> Vec<Count> {
    keys.iter()
        .map(|key| {
            rows.iter()
                .find(|row| &row.key == key)
                .map_or(Count::ZERO, CounterRow::count)
        })
        .collect()
}

// Times are the database's, so instances with skewed clocks agree.
const COUNTS: &str = "\
    SELECT key, events, \
           (EXTRACT(EPOCH FROM expires_at - now()) * 1000)::bigint AS window_left_ms, \
           (EXTRACT(EPOCH FROM now() - last_at) * 1000)::bigint AS since_last_ms \
    FROM attempt_counters WHERE key = ANY($1) AND expires_at > now()";

// Keys go in sorted, so concurrent additions lock rows in one order.
const ADD: &str = "\
    INSERT INTO attempt_counters AS c (key, events, last_at, expires_at) \
    SELECT k, 1, now(), now() + w * interval '1 millisecond' \
    FROM unnest($1::text[], $2::bigint[]) AS t(k, w) ORDER BY k \
    ON CONFLICT (key) DO UPDATE SET \
        events = CASE WHEN c.expires_at > now() THEN LEAST(c.events, 2147483646) + 1 ELSE 1 END, \
        expires_at = CASE WHEN c.expires_at > now() THEN c.expires_at ELSE EXCLUDED.expires_at END, \
        last_at = now() \
    RETURNING key, events, \
        (EXTRACT(EPOCH FROM expires_at - now()) * 1000)::bigint AS window_left_ms, \
        0::bigint AS since_last_ms";

#[async_trait]
impl LoginAttempts for PgLoginAttempts {
    async fn enter(&self, keys: Vec<(CounterKey, u32)>) -> InFlight {
        let mut turns = Vec::with_capacity(keys.len());
        for (key, bound) in keys {
            turns.push(self.turns.enter(key.as_str(), bound).await);
        }
        InFlight::new(turns)
    }

    async fn counts(&self, keys: Vec<CounterKey>) -> Result<Vec<Count>, DomainError> {
        let keys: Vec<String> = keys.iter().map(|k| k.as_str().to_owned()).collect();
        self.db
            .run_blocking(move |conn| {
                let rows: Vec<CounterRow> = diesel::sql_query(COUNTS)
                    .bind::<Array<Text>, _>(&keys)
                    .load(conn)
                    .map_err(db_error)?;
                Ok(in_order(&keys, &rows))
            })
            .await
    }

    async fn add(&self, keys: Vec<(CounterKey, Duration)>) -> Result<Vec<Count>, DomainError> {
        let sweep = self.additions.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1;
        let (names, windows): (Vec<String>, Vec<i64>) = keys
            .iter()
            .map(|(key, window)| {
                let millis = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
                (key.as_str().to_owned(), millis)
            })
            .unzip();
        self.db
            .run_blocking(move |conn| {
                let rows: Vec<CounterRow> = diesel::sql_query(ADD)
                    .bind::<Array<Text>, _>(&names)
                    .bind::<Array<BigInt>, _>(&windows)
                    .load(conn)
                    .map_err(db_error)?;
                if sweep {
                    diesel::sql_query("DELETE FROM attempt_counters WHERE expires_at <= now()")
                        .execute(conn)
                        .map_err(db_error)?;
                }
                Ok(in_order(&names, &rows))
            })
            .await
    }

    async fn clear(&self, key: CounterKey) -> Result<(), DomainError> {
        let key = key.as_str().to_owned();
        self.db
            .run_blocking(move |conn| {
                diesel::sql_query("DELETE FROM attempt_counters WHERE key = $1")
                    .bind::<Text, _>(&key)
                    .execute(conn)
                    .map(drop)
                    .map_err(db_error)
            })
            .await
    }

    fn refused(&self, refusal: &Refusal) {
        metrics::counter!("agora_throttle_refusals_total", "limit" => refusal.limit.to_string())
            .increment(1);
        tracing::info!(
            limit = %refusal.limit,
            email = %refusal.masked_email,
            network = %refusal.network,
            retry_after_seconds = refusal.retry_after.as_secs(),
            "credential throttle refused a request"
        );
    }
}

#[cfg(test)]
mod tests;
