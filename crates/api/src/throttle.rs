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

    /// `Err(retry_after)` while the email or the client has used up its failures.
    pub(crate) fn check(&self, email: &str, client: Option<IpAddr>) -> Result<(), Duration> {
        self.check_at(Instant::now(), email, client)
    }

    pub(crate) fn record_failure(&self, email: &str, client: Option<IpAddr>) {
        self.record_failure_at(Instant::now(), email, client);
    }

    /// Clears the email's failures but not the client's: otherwise one
    /// account of their own would let a client reset its count at will.
    pub(crate) fn record_success(&self, email: &str) {
        self.state().by_email.entries.remove(&email_key(email));
    }

    fn check_at(&self, now: Instant, email: &str, client: Option<IpAddr>) -> Result<(), Duration> {
        let state = self.state();
        let by_email = state
            .by_email
            .locked_for(&email_key(email), now, self.window);
        let by_client = client.and_then(|ip| state.by_client.locked_for(&ip, now, self.window));
        match by_email.max(by_client) {
            Some(retry_after) => Err(retry_after),
            None => Ok(()),
        }
    }

    fn record_failure_at(&self, now: Instant, email: &str, client: Option<IpAddr>) {
        let mut state = self.state();
        state
            .by_email
            .record(email_key(email), now, self.window, self.max_tracked);
        if let Some(ip) = client {
            state
                .by_client
                .record(ip, now, self.window, self.max_tracked);
        }
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
            assert!(throttle.check_at(start, "ada@example.com", CLIENT).is_ok());
            throttle.record_failure_at(start, "ada@example.com", CLIENT);
        }
        let later = start + Duration::from_secs(60);
        assert_eq!(
            throttle.check_at(later, " ADA@example.com", None),
            Err(WINDOW - Duration::from_secs(60)),
            "the same email however it is spelled, from anywhere"
        );
        assert!(throttle.check_at(later, "bob@example.com", CLIENT).is_ok());
        assert!(
            throttle
                .check_at(start + WINDOW, "ada@example.com", CLIENT)
                .is_ok()
        );
    }

    #[test]
    fn a_client_is_locked_after_failures_over_many_emails() {
        let throttle = throttle(100, 3, 100);
        let now = Instant::now();
        for n in 0..3 {
            throttle.record_failure_at(now, &format!("user{n}@example.com"), CLIENT);
        }
        assert!(throttle.check_at(now, "new@example.com", CLIENT).is_err());
        let elsewhere = Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)));
        assert!(throttle.check_at(now, "new@example.com", elsewhere).is_ok());
    }

    #[test]
    fn a_success_clears_the_email_but_not_the_client() {
        let throttle = throttle(2, 2, 100);
        let now = Instant::now();
        throttle.record_failure_at(now, "ada@example.com", CLIENT);
        throttle.record_failure_at(now, "ada@example.com", CLIENT);
        throttle.record_success("ada@example.com");
        assert!(throttle.check_at(now, "ada@example.com", None).is_ok());
        assert!(throttle.check_at(now, "ada@example.com", CLIENT).is_err());
    }

    #[test]
    fn a_failure_after_the_window_opens_a_new_one() {
        let throttle = throttle(2, 100, 100);
        let start = Instant::now();
        throttle.record_failure_at(start, "ada@example.com", None);
        throttle.record_failure_at(start + WINDOW, "ada@example.com", None);
        assert!(
            throttle
                .check_at(start + WINDOW, "ada@example.com", None)
                .is_ok()
        );
    }

    #[test]
    fn memory_stays_bounded() {
        let throttle = throttle(1, 1000, 3);
        let start = Instant::now();
        for n in 0..10u64 {
            let at = start + Duration::from_secs(n);
            throttle.record_failure_at(at, &format!("user{n}@example.com"), None);
        }
        let state = throttle.state();
        assert_eq!(state.by_email.entries.len(), 3);
        assert!(state.by_email.entries.contains_key("user9@example.com"));
        assert!(!state.by_email.entries.contains_key("user0@example.com"));
    }
}
