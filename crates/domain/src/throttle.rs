//! Credential throttling: which failed password checks count against whom,
//! and when a check is refused before any hashing is spent on it.
//!
//! Only failures count, against three keys at once:
//! - the pair (email, client network): the one key that locks out quickly,
//!   so a guesser locks out itself, never the owner elsewhere;
//! - the client network (an IPv4 address, or an IPv6 /64, which one client
//!   owns whole): bounds one client's guessing over many emails;
//! - the email over every network: a daily budget that, once spent, slows
//!   the email to one failure per interval rather than locking it, so
//!   guessing stays bounded whatever the number of addresses while the
//!   owner is at worst kept waiting; and not even that from a network the
//!   email logged in from lately (a "known" network), which only someone
//!   who knew the password can have made known.
//!
//! Attempts on one email (and, more loosely, from one network) run a few
//! at a time, so parallel guesses cannot all pass a count taken before any
//! of them failed; correct logins beyond that wait their turn, never refused.

use std::{
    fmt,
    net::{IpAddr, Ipv6Addr},
    sync::Arc,
    time::Duration,
};

use crate::{DomainError, Email, LoginAttempts};

/// Where a request comes from, as the driving adapter determined it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(Option<IpAddr>);

impl ClientAddress {
    /// A client at this address.
    pub fn new(address: IpAddr) -> Self {
        Self(Some(address.to_canonical()))
    }

    /// A client whose address is not known (a test, a Unix socket): all such
    /// clients count as one.
    pub const fn unknown() -> Self {
        Self(None)
    }

    /// The address itself, for a person to recognise (a session's origin).
    pub fn address(&self) -> Option<String> {
        self.0.map(|address| address.to_string())
    }

    /// The block of addresses one client controls: the IPv4 address itself,
    /// or the /64 of an IPv6 address (the unit a provider hands out).
    pub fn network(&self) -> String {
        match self.0 {
            None => "unknown".to_owned(),
            Some(IpAddr::V4(v4)) => v4.to_string(),
            Some(IpAddr::V6(v6)) => {
                let prefix = u128::from(v6) & !u128::from(u64::MAX);
                format!("{}/64", Ipv6Addr::from(prefix))
            }
        }
    }
}

/// At most `max` events within a window of `window`, opened by the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Events allowed within one window.
    pub max: u32,
    /// How long a window lasts from its first event.
    pub window: Duration,
}

/// The numbers of the throttle; [`ThrottlePolicy::default`] is what
/// production runs and what docs/api.md states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures per (email, client network): past it, that pair is refused.
    pub per_pair: Limit,
    /// Failures per client network over all emails: past it, the network is refused.
    pub per_network: Limit,
    /// Failures per email over all networks before the email is slowed.
    pub per_email: Limit,
    /// Once the email's budget is spent: one failure per this interval.
    pub slowed_interval: Duration,
    /// How long a network stays known to an email after a correct password
    /// from it; known networks are never slowed by the email's budget.
    pub known_network_for: Duration,
    /// Registrations per client network.
    pub registrations: Limit,
    /// Password checks of one email running at once (per instance); more wait.
    pub in_flight_per_email: u32,
    /// Password checks from one client network running at once (per instance); more wait.
    pub in_flight_per_network: u32,
}

const MINUTE: Duration = Duration::from_secs(60);

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            per_pair: Limit {
                max: 5,
                window: 15 * MINUTE,
            },
            per_network: Limit {
                max: 50,
                window: 15 * MINUTE,
            },
            per_email: Limit {
                max: 100,
                window: 24 * 60 * MINUTE,
            },
            slowed_interval: 5 * MINUTE,
            known_network_for: 30 * 24 * 60 * MINUTE,
            registrations: Limit {
                max: 20,
                window: 60 * MINUTE,
            },
            in_flight_per_email: 1,
            in_flight_per_network: 16,
        }
    }
}

/// A counter the throttle keeps, as the storage names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CounterKey(String);

impl CounterKey {
    /// A key named `name`; the policy names its own keys, storage tests theirs.
    pub fn new(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    fn pair(email: &str, network: &str) -> Self {
        Self::new(format!("pair {network} {email}"))
    }

    fn network(network: &str) -> Self {
        Self::new(format!("network {network}"))
    }

    fn email(email: &str) -> Self {
        Self::new(format!("email {email}"))
    }

    fn known(email: &str, network: &str) -> Self {
        Self::new(format!("known {network} {email}"))
    }

    fn registrations(network: &str) -> Self {
        Self::new(format!("register {network}"))
    }

    /// The key as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A counter as it stands: an absent or expired one is [`Count::ZERO`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    /// Events within the current window.
    pub events: u32,
    /// Until the current window closes.
    pub window_left: Duration,
    /// Since the latest event.
    pub since_last: Duration,
}

impl Count {
    /// No event in any open window.
    pub const ZERO: Self = Self {
        events: 0,
        window_left: Duration::ZERO,
        since_last: Duration::MAX,
    };
}

/// Held while a password check runs; dropping it lets the next one in.
pub struct InFlight {
    _release_on_drop: Box<dyn Send + Sync>,
}

impl InFlight {
    /// Wraps whatever the adapter releases on drop.
    pub fn new(release_on_drop: impl Send + Sync + 'static) -> Self {
        Self {
            _release_on_drop: Box::new(release_on_drop),
        }
    }
}

/// Which limit refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    /// Failures of this email from this client network.
    Pair,
    /// Failures from this client network over all emails.
    Network,
    /// The email's budget is spent and its last failure is too recent.
    Email,
    /// Registrations from this client network.
    Registrations,
}

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Pair => "pair",
            Self::Network => "network",
            Self::Email => "email",
            Self::Registrations => "registrations",
        })
    }
}

/// A request refused by the throttle, with what logs may say of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The limit that refused.
    pub limit: LimitKind,
    /// When the same request could succeed at the earliest.
    pub retry_after: Duration,
    /// The email, masked (`a***@example.com`); empty for registrations.
    pub masked_email: String,
    /// The client network.
    pub network: String,
}

/// The policy applied through the [`LoginAttempts`] port.
#[derive(Clone)]
pub struct CredentialThrottle {
    attempts: Arc<dyn LoginAttempts>,
    policy: ThrottlePolicy,
}

/// A password check admitted by [`CredentialThrottle::begin`]: report how it
/// ended with [`PasswordCheck::failed`] or [`PasswordCheck::succeeded`].
pub(crate) struct PasswordCheck<'a> {
    throttle: &'a CredentialThrottle,
    pair: CounterKey,
    network: CounterKey,
    email: CounterKey,
    known: CounterKey,
    pair_had_failures: bool,
    network_was_known: bool,
    _in_flight: InFlight,
}

impl CredentialThrottle {
    /// The policy over its storage.
    pub fn new(attempts: Arc<dyn LoginAttempts>, policy: ThrottlePolicy) -> Self {
        Self { attempts, policy }
    }

    /// Waits for a turn to check a password of `email` from `client`.
    /// Errors: [`DomainError::TooManyAttempts`] when a limit refuses it.
    pub(crate) async fn begin(
        &self,
        email: &str,
        client: &ClientAddress,
    ) -> Result<PasswordCheck<'_>, DomainError> {
        let email_id = email_key(email);
        let network_id = client.network();
        let (pair, network, email_key, known) = (
            CounterKey::pair(&email_id, &network_id),
            CounterKey::network(&network_id),
            CounterKey::email(&email_id),
            CounterKey::known(&email_id, &network_id),
        );
        // Network before email, always: no two attempts wait on each other in a cycle.
        let in_flight = self
            .attempts
            .enter(vec![
                (network.clone(), self.policy.in_flight_per_network),
                (email_key.clone(), self.policy.in_flight_per_email),
            ])
            .await;
        let counts = self
            .attempts
            .counts(vec![
                pair.clone(),
                network.clone(),
                email_key.clone(),
                known.clone(),
            ])
            .await?;
        let [pair_count, network_count, email_count, known_count] = counts_of::<4>(&counts)?;
        let network_was_known = known_count.events > 0;
        if let Some((limit, retry_after)) =
            self.refusal(pair_count, network_count, email_count, network_was_known)
        {
            return Err(self.refuse(limit, retry_after, email, network_id));
        }
        Ok(PasswordCheck {
            throttle: self,
            pair,
            network,
            email: email_key,
            known,
            pair_had_failures: pair_count.events > 0,
            network_was_known,
            _in_flight: in_flight,
        })
    }

    /// Counts a registration from `client`.
    /// Errors: [`DomainError::TooManyAttempts`] past the limit.
    pub(crate) async fn register(&self, client: &ClientAddress) -> Result<(), DomainError> {
        let limit = self.policy.registrations;
        let network = client.network();
        let counts = self
            .attempts
            .add(vec![(CounterKey::registrations(&network), limit.window)])
            .await?;
        let [count] = counts_of::<1>(&counts)?;
        if count.events > limit.max {
            return Err(self.refuse(LimitKind::Registrations, count.window_left, "", network));
        }
        Ok(())
    }

    /// The limit that refuses a check with these failure counts, and for how long.
    fn refusal(
        &self,
        pair: Count,
        network: Count,
        email: Count,
        network_is_known: bool,
    ) -> Option<(LimitKind, Duration)> {
        let policy = &self.policy;
        if pair.events >= policy.per_pair.max {
            return Some((LimitKind::Pair, pair.window_left));
        }
        if network.events >= policy.per_network.max {
            return Some((LimitKind::Network, network.window_left));
        }
        if !network_is_known
            && email.events >= policy.per_email.max
            && email.since_last < policy.slowed_interval
        {
            return Some((LimitKind::Email, policy.slowed_interval - email.since_last));
        }
        None
    }

    fn refuse(
        &self,
        limit: LimitKind,
        retry_after: Duration,
        email: &str,
        network: String,
    ) -> DomainError {
        let refusal = Refusal {
            limit,
            retry_after,
            masked_email: mask(email),
            network,
        };
        self.attempts.refused(&refusal);
        DomainError::TooManyAttempts(refusal)
    }
}

impl PasswordCheck<'_> {
    /// The password was wrong: one failure on each key.
    pub(crate) async fn failed(self) -> Result<(), DomainError> {
        let policy = &self.throttle.policy;
        self.throttle
            .attempts
            .add(vec![
                (self.pair, policy.per_pair.window),
                (self.network, policy.per_network.window),
                (self.email, policy.per_email.window),
            ])
            .await
            .map(drop)
    }

    /// The password was right: the pair's own failures are forgotten (the
    /// owner's typos); the network's and the email's stay, or an attacker
    /// could reset them by logging in to an account of their own. The
    /// network becomes known to the email, once per window: a login from a
    /// known network costs no write.
    pub(crate) async fn succeeded(self) -> Result<(), DomainError> {
        if self.pair_had_failures {
            self.throttle.attempts.clear(self.pair).await?;
        }
        if !self.network_was_known {
            let remember = self.throttle.policy.known_network_for;
            self.throttle
                .attempts
                .add(vec![(self.known, remember)])
                .await?;
        }
        Ok(())
    }
}

/// The storage must answer one count per key asked, in order.
fn counts_of<const N: usize>(counts: &[Count]) -> Result<[Count; N], DomainError> {
    <[Count; N]>::try_from(counts).map_err(|_| {
        DomainError::unexpected(format!(
            "the attempt storage answered {} counts for {N} keys",
            counts.len()
        ))
    })
}

/// The email as the domain stores it (trimmed, lower-cased), bounded so
/// that huge made-up addresses cannot inflate the counters.
fn email_key(email: &str) -> String {
    email
        .trim()
        .chars()
        .take(Email::MAX_LEN)
        .collect::<String>()
        .to_lowercase()
}

/// Enough of an email to tell refusals apart in logs, not to read it back:
/// its first character and its domain.
fn mask(email: &str) -> String {
    let email = email_key(email);
    match email.rsplit_once('@') {
        Some((local, domain)) => {
            let first = local.chars().next().map(String::from).unwrap_or_default();
            format!("{first}***@{domain}")
        }
        None if email.is_empty() => String::new(),
        None => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests;
