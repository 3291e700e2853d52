//! Counting failed logins per email and per client address, in memory.
//!
//! Per process: with several instances behind a balancer each counts on its
//! own, which still bounds guessing to a multiple of the limits.

use std::{
    collections::HashMap,
    hash::Hash,
    net::IpAddr,
    sync::{Mutex, PoisonError},
    time::{Duration, Instant},
};

use crate::settings::LoginThrottleSettings;

pub(crate) struct LoginThrottle {
    window: Duration,
    max_tracked: usize,
    state: Mutex<State>,
}

struct State {
    by_email: Failures<String>,
    by_client: Failures<IpAddr>,
}

impl LoginThrottle {
    pub(crate) fn new(settings: &LoginThrottleSettings) -> Self {
        Self {
            window: settings.window,
            max_tracked: settings.max_tracked.max(1),
            state: Mutex::new(State {
                by_email: Failures::new(settings.max_failures_per_email),
                by_client: Failures::new(settings.max_failures_per_client),
            }),
        }
    }

    /// Counts an attempt as a failure before its password is checked, so
    /// attempts in flight at the same time cannot all slip under the limit:
    /// `Err(retry_after)` (and nothing counted) while the email or the client
    /// has used up its failures.
    pub(crate) fn begin_attempt(
        &self,
        email: &str,
        client: Option<IpAddr>,
    ) -> Result<(), Duration> {
        self.begin_attempt_at(Instant::now(), email, client)
    }

    /// The attempt logged in: the email's failures are cleared, and the
    /// client gets back the one counted for this attempt but keeps the rest,
    /// or one account of its own would let it reset its count at will.
    pub(crate) fn succeeded(&self, email: &str, client: Option<IpAddr>) {
        let mut state = self.state();
        state.by_email.entries.remove(&email_key(email));
        if let Some(ip) = client {
            state.by_client.take_back(&ip);
        }
    }

    /// The attempt failed for another reason than its credentials (the
    /// storage was unavailable, say): it does not count.
    pub(crate) fn abandoned(&self, email: &str, client: Option<IpAddr>) {
        let mut state = self.state();
        state.by_email.take_back(&email_key(email));
        if let Some(ip) = client {
            state.by_client.take_back(&ip);
        }
    }

    fn begin_attempt_at(
        &self,
        now: Instant,
        email: &str,
        client: Option<IpAddr>,
    ) -> Result<(), Duration> {
        let mut state = self.state();
        let email = email_key(email);
        let by_email = state.by_email.locked_for(&email, now, self.window);
        let by_client = client.and_then(|ip| state.by_client.locked_for(&ip, now, self.window));
        if let Some(retry_after) = by_email.max(by_client) {
            return Err(retry_after);
        }
        state
            .by_email
            .record(email, now, self.window, self.max_tracked);
        if let Some(ip) = client {
            state
                .by_client
                .record(ip, now, self.window, self.max_tracked);
        }
        Ok(())
    }

    /// A panic while holding the lock leaves counters that are still
    /// meaningful, so a poisoned lock is simply taken over.
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The email as the domain stores it (trimmed, lower-cased), and bounded so
/// that huge made-up addresses cannot inflate the table.
fn email_key(email: &str) -> String {
    email
        .trim()
        .chars()
        .take(domain::Email::MAX_LEN)
        .collect::<String>()
        .to_lowercase()
}

/// A fixed window per key, opened by its first failure.
struct Failures<K> {
    limit: u32,
    entries: HashMap<K, Window>,
}

#[derive(Clone, Copy)]
struct Window {
    opened: Instant,
    failures: u32,
}

impl<K: Eq + Hash + Clone> Failures<K> {
    fn new(limit: u32) -> Self {
        Self {
            limit,
            entries: HashMap::new(),
        }
    }

    fn locked_for(&self, key: &K, now: Instant, window: Duration) -> Option<Duration> {
        let entry = self.entries.get(key)?;
        let closes = entry.opened + window;
        (entry.failures >= self.limit && now < closes).then(|| closes - now)
    }

    fn record(&mut self, key: K, now: Instant, window: Duration, max_tracked: usize) {
        if !self.entries.contains_key(&key) && self.entries.len() >= max_tracked {
            self.make_room(now, window, max_tracked);
        }
        let entry = self.entries.entry(key).or_insert(Window {
            opened: now,
            failures: 0,
        });
        if now >= entry.opened + window {
            *entry = Window {
                opened: now,
                failures: 0,
            };
        }
        entry.failures = entry.failures.saturating_add(1);
    }

    fn take_back(&mut self, key: &K) {
        if let Some(entry) = self.entries.get_mut(key) {
            entry.failures = entry.failures.saturating_sub(1);
        }
    }

    /// Drops closed windows; if still full, the oldest one goes, which
    /// frees at most one key's count early rather than growing without bound.
    fn make_room(&mut self, now: Instant, window: Duration, max_tracked: usize) {
        self.entries.retain(|_, entry| now < entry.opened + window);
        if self.entries.len() < max_tracked {
            return;
        }
        let oldest = self
            .entries
            .iter()
            .min_by_key(|(_, entry)| entry.opened)
            .map(|(key, _)| key.clone());
        if let Some(key) = oldest {
            self.entries.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    const WINDOW: Duration = Duration::from_secs(900);

    fn throttle(per_email: u32, per_client: u32, max_tracked: usize) -> LoginThrottle {
        LoginThrottle::new(&LoginThrottleSettings {
            max_failures_per_email: per_email,
            max_failures_per_client: per_client,
            window: WINDOW,
            max_tracked,
        })
    }

    const CLIENT: Option<IpAddr> = Some(IpAddr::V4(Ipv4Addr::LOCALHOST));

    #[test]
    fn an_email_is_locked_after_its_failures_until_the_window_closes() {
        let throttle = throttle(3, 100, 100);
        let start = Instant::now();
        for _ in 0..3 {
            assert!(
                throttle
                    .begin_attempt_at(start, "ada@example.com", CLIENT)
                    .is_ok()
            );
        }
        let later = start + Duration::from_secs(60);
        assert_eq!(
            throttle.begin_attempt_at(later, " ADA@example.com", None),
            Err(WINDOW - Duration::from_secs(60)),
            "the same email however it is spelled, from anywhere"
        );
        assert!(
            throttle
                .begin_attempt_at(later, "bob@example.com", CLIENT)
                .is_ok()
        );
        assert!(
            throttle
                .begin_attempt_at(start + WINDOW, "ada@example.com", CLIENT)
                .is_ok()
        );
    }

    #[test]
    fn attempts_in_flight_together_cannot_pass_the_limit() {
        // Nobody has finished yet: each attempt counts as it starts.
        let throttle = throttle(5, 20, 100);
        let now = Instant::now();
        let admitted = (0..200)
            .filter(|_| {
                throttle
                    .begin_attempt_at(now, "ada@example.com", CLIENT)
                    .is_ok()
            })
            .count();
        assert_eq!(admitted, 5);
    }

    #[test]
    fn a_client_is_locked_after_failures_over_many_emails() {
        let throttle = throttle(100, 3, 100);
        let now = Instant::now();
        for n in 0..3 {
            assert!(
                throttle
                    .begin_attempt_at(now, &format!("user{n}@example.com"), CLIENT)
                    .is_ok()
            );
        }
        assert!(
            throttle
                .begin_attempt_at(now, "new@example.com", CLIENT)
                .is_err()
        );
        let elsewhere = Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)));
        assert!(
            throttle
                .begin_attempt_at(now, "new@example.com", elsewhere)
                .is_ok()
        );
    }

    #[test]
    fn a_success_clears_the_email_and_takes_back_only_its_own_client_count() {
        let throttle = throttle(3, 3, 100);
        let now = Instant::now();
        throttle
            .begin_attempt_at(now, "ada@example.com", CLIENT)
            .unwrap();
        throttle
            .begin_attempt_at(now, "ada@example.com", CLIENT)
            .unwrap();
        throttle
            .begin_attempt_at(now, "ada@example.com", CLIENT)
            .unwrap();
        throttle.succeeded("ada@example.com", CLIENT);
        // Two earlier failures stay on the client, one slot is free again.
        assert!(
            throttle
                .begin_attempt_at(now, "ada@example.com", CLIENT)
                .is_ok()
        );
        assert!(
            throttle
                .begin_attempt_at(now, "bob@example.com", CLIENT)
                .is_err()
        );
        assert!(
            throttle
                .begin_attempt_at(now, "ada@example.com", None)
                .is_ok()
        );
    }

    #[test]
    fn an_abandoned_attempt_does_not_count() {
        let throttle = throttle(1, 1, 100);
        let now = Instant::now();
        for _ in 0..3 {
            throttle
                .begin_attempt_at(now, "ada@example.com", CLIENT)
                .unwrap();
            throttle.abandoned("ada@example.com", CLIENT);
        }
    }

    #[test]
    fn a_failure_after_the_window_opens_a_new_one() {
        let throttle = throttle(1, 100, 100);
        let start = Instant::now();
        throttle
            .begin_attempt_at(start, "ada@example.com", None)
            .unwrap();
        assert!(
            throttle
                .begin_attempt_at(start + WINDOW, "ada@example.com", None)
                .is_ok()
        );
    }

    #[test]
    fn memory_stays_bounded() {
        let throttle = throttle(1, 1000, 3);
        let start = Instant::now();
        for n in 0..10u64 {
            let at = start + Duration::from_secs(n);
            let _ = throttle.begin_attempt_at(at, &format!("user{n}@example.com"), None);
        }
        let state = throttle.state();
        assert_eq!(state.by_email.entries.len(), 3);
        assert!(state.by_email.entries.contains_key("user9@example.com"));
        assert!(!state.by_email.entries.contains_key("user0@example.com"));
    }
}
