//! [`InMemoryLoginAttempts`]: the throttle's counters and turns in one
//! process. Unlike PostgreSQL's, they are not shared between instances.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::{Duration, Instant},
};

use domain::async_trait;
use domain::{Count, CounterKey, DomainError, InFlight, LoginAttempts, Refusal};
use tokio::sync::Semaphore;

/// The credential throttle's record, in memory. It counts for real, so a
/// test can drive the throttle to a refusal; [`InMemoryLoginAttempts::refusals`]
/// tells what was refused.
#[derive(Default)]
pub struct InMemoryLoginAttempts {
    counters: Mutex<HashMap<CounterKey, Counter>>,
    /// One semaphore per key ever entered: a test store meets few keys, so
    /// none is swept (PostgreSQL's adapter sweeps idle ones).
    turns: Mutex<HashMap<CounterKey, Arc<Semaphore>>>,
    refusals: Mutex<Vec<Refusal>>,
}

struct Counter {
    events: u32,
    closes_at: Instant,
    last_at: Instant,
}

impl Counter {
    fn count(&self, at: Instant) -> Count {
        if self.closes_at <= at {
            return Count::ZERO;
        }
        Count {
            events: self.events,
            window_left: self.closes_at - at,
            since_last: at - self.last_at,
        }
    }
}

/// A panic while a lock was held leaves whole maps behind: go on with them.
fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl InMemoryLoginAttempts {
    /// Nothing counted yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every refusal reported so far, oldest first.
    pub fn refusals(&self) -> Vec<Refusal> {
        locked(&self.refusals).clone()
    }
}

#[async_trait]
impl LoginAttempts for InMemoryLoginAttempts {
    async fn enter(&self, keys: Vec<(CounterKey, u32)>) -> InFlight {
        let mut permits = Vec::with_capacity(keys.len());
        for (key, bound) in keys {
            let semaphore = locked(&self.turns)
                .entry(key)
                .or_insert_with(|| {
                    let bound = usize::try_from(bound.max(1)).unwrap_or(usize::MAX);
                    Arc::new(Semaphore::new(bound.min(Semaphore::MAX_PERMITS)))
                })
                .clone();
            // Never closed, so acquiring cannot fail.
            permits.push(semaphore.acquire_owned().await.ok());
        }
        InFlight::new(permits)
    }

    async fn counts(&self, keys: Vec<CounterKey>) -> Result<Vec<Count>, DomainError> {
        let counters = locked(&self.counters);
        let at = Instant::now();
        Ok(keys
            .iter()
            .map(|key| counters.get(key).map_or(Count::ZERO, |c| c.count(at)))
            .collect())
    }

    async fn add(&self, keys: Vec<(CounterKey, Duration)>) -> Result<Vec<Count>, DomainError> {
        let mut counters = locked(&self.counters);
        let at = Instant::now();
        Ok(keys
            .into_iter()
            .map(|(key, window)| {
                let counter = counters.entry(key).or_insert(Counter {
                    events: 0,
                    closes_at: at,
                    last_at: at,
                });
                if counter.closes_at <= at {
                    counter.events = 0;
                    counter.closes_at = at + window;
                }
                counter.events = counter.events.saturating_add(1);
                counter.last_at = at;
                counter.count(at)
            })
            .collect())
    }

    async fn clear(&self, key: CounterKey) -> Result<(), DomainError> {
        locked(&self.counters).remove(&key);
        Ok(())
    }

    fn refused(&self, refusal: &Refusal) {
        locked(&self.refusals).push(refusal.clone());
    }
}
