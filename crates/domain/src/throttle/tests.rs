use std::{
    net::{IpAddr, Ipv4Addr},
    sync::{Arc, Mutex},
};

use futures_executor::block_on;

use super::*;
use crate::MockLoginAttempts;

const CLIENT: ClientAddress = ClientAddress(Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1))));

fn count(events: u32, window_left_secs: u64, since_last_secs: u64) -> Count {
    Count {
        events,
        window_left: Duration::from_secs(window_left_secs),
        since_last: Duration::from_secs(since_last_secs),
    }
}

/// A store answering `pair`, `network` and `email` counts (in that order,
/// as `begin` asks) for a network the email does not know, recording
/// refusals and added keys.
struct Store {
    refusals: Arc<Mutex<Vec<Refusal>>>,
    added: Arc<Mutex<Vec<(String, Duration)>>>,
    attempts: MockLoginAttempts,
}

fn store(pair: Count, network: Count, email: Count) -> Store {
    store_known(pair, network, email, Count::ZERO)
}

fn store_known(pair: Count, network: Count, email: Count, known: Count) -> Store {
    let refusals = Arc::new(Mutex::new(Vec::new()));
    let added = Arc::new(Mutex::new(Vec::new()));
    let mut attempts = MockLoginAttempts::new();
    attempts.expect_enter().returning(|_| InFlight::new(()));
    attempts
        .expect_counts()
        .returning(move |_| Ok(vec![pair, network, email, known]));
    let seen = refusals.clone();
    attempts
        .expect_refused()
        .returning(move |refusal| seen.lock().unwrap().push(refusal.clone()));
    let recorded = added.clone();
    attempts.expect_add().returning(move |keys| {
        let mut added = recorded.lock().unwrap();
        added.extend(keys.iter().map(|(k, w)| (k.as_str().to_owned(), *w)));
        Ok(vec![count(1, 60, 0); keys.len()])
    });
    Store {
        refusals,
        added,
        attempts,
    }
}

fn throttle(attempts: MockLoginAttempts) -> CredentialThrottle {
    CredentialThrottle::new(Arc::new(attempts), ThrottlePolicy::default())
}

fn refusal_of(result: Result<PasswordCheck<'_>, DomainError>) -> Refusal {
    match result {
        Err(DomainError::TooManyAttempts(refusal)) => refusal,
        Err(other) => panic!("expected a refusal, got {other:?}"),
        Ok(_) => panic!("expected a refusal, the check was admitted"),
    }
}

#[test]
fn a_pair_with_its_failures_spent_is_refused_until_its_window_closes() {
    let store = store(count(5, 600, 1), Count::ZERO, count(5, 80_000, 1));
    let refusals = store.refusals.clone();
    let throttle = throttle(store.attempts);
    let refusal = refusal_of(block_on(throttle.begin("Ada@Example.com", &CLIENT)));
    assert_eq!(refusal.limit, LimitKind::Pair);
    assert_eq!(refusal.retry_after, Duration::from_secs(600));
    assert_eq!(refusal.masked_email, "a***@example.com");
    assert_eq!(refusal.network, "192.0.2.1");
    assert_eq!(
        *refusals.lock().unwrap(),
        [refusal],
        "every refusal is reported"
    );
}

#[test]
fn a_network_with_its_failures_spent_is_refused_for_every_email() {
    let store = store(Count::ZERO, count(50, 300, 1), Count::ZERO);
    let throttle = throttle(store.attempts);
    let refusal = refusal_of(block_on(throttle.begin("new@example.com", &CLIENT)));
    assert_eq!(refusal.limit, LimitKind::Network);
    assert_eq!(refusal.retry_after, Duration::from_secs(300));
}

#[test]
fn an_email_past_its_budget_is_slowed_not_locked() {
    // 100 failures spread over other networks: this pair and network are clean.
    let recent = store(Count::ZERO, Count::ZERO, count(100, 80_000, 60));
    let refusal = refusal_of(block_on(
        throttle(recent.attempts).begin("ada@example.com", &CLIENT),
    ));
    assert_eq!(refusal.limit, LimitKind::Email);
    assert_eq!(refusal.retry_after, Duration::from_secs(240));

    let quiet = store(Count::ZERO, Count::ZERO, count(500, 80_000, 300));
    let throttle = throttle(quiet.attempts);
    assert!(
        block_on(throttle.begin("ada@example.com", &CLIENT)).is_ok(),
        "once the interval has passed since the last failure, one more check runs"
    );
}

#[test]
fn a_network_the_email_logged_in_from_is_not_slowed() {
    let spent = count(500, 80_000, 1);
    let known = store_known(Count::ZERO, Count::ZERO, spent, count(1, 2_000_000, 100));
    let added = known.added.clone();
    let from_known = throttle(known.attempts);
    let check = block_on(from_known.begin("ada@example.com", &CLIENT)).unwrap();
    block_on(check.succeeded()).unwrap();
    assert!(
        added.lock().unwrap().is_empty(),
        "a login from a known network writes nothing"
    );

    let unknown = store(Count::ZERO, Count::ZERO, count(99, 80_000, 1));
    let added = unknown.added.clone();
    let from_unknown = throttle(unknown.attempts);
    let check = block_on(from_unknown.begin("ada@example.com", &CLIENT)).unwrap();
    block_on(check.succeeded()).unwrap();
    assert_eq!(
        *added.lock().unwrap(),
        [(
            "known 192.0.2.1 ada@example.com".to_owned(),
            ThrottlePolicy::default().known_network_for
        )],
        "a correct password makes the network known"
    );
}

#[test]
fn under_every_limit_a_check_runs_and_a_failure_counts_on_all_three_keys() {
    let store = store(count(4, 600, 1), count(49, 600, 1), count(99, 80_000, 1));
    let added = store.added.clone();
    let throttle = throttle(store.attempts);
    let check = block_on(throttle.begin(" ADA@example.com", &CLIENT)).unwrap();
    block_on(check.failed()).unwrap();
    let policy = ThrottlePolicy::default();
    assert_eq!(
        *added.lock().unwrap(),
        [
            (
                "pair 192.0.2.1 ada@example.com".to_owned(),
                policy.per_pair.window
            ),
            ("network 192.0.2.1".to_owned(), policy.per_network.window),
            ("email ada@example.com".to_owned(), policy.per_email.window),
        ]
    );
}

#[test]
fn checks_wait_their_turn_per_network_then_per_email() {
    let mut attempts = MockLoginAttempts::new();
    attempts
        .expect_enter()
        .withf(|keys| {
            let keys: Vec<_> = keys.iter().map(|(k, n)| (k.as_str(), *n)).collect();
            keys == [("network 192.0.2.1", 16), ("email ada@example.com", 1)]
        })
        .times(1)
        .returning(|_| InFlight::new(()));
    attempts
        .expect_counts()
        .returning(|keys| Ok(vec![Count::ZERO; keys.len()]));
    attempts.expect_clear().never();
    attempts
        .expect_add()
        .withf(|keys| keys.len() == 1 && keys[0].0.as_str().starts_with("known "))
        .times(1)
        .returning(|keys| Ok(vec![Count::ZERO; keys.len()]));
    let throttle = throttle(attempts);
    let check = block_on(throttle.begin("ada@example.com", &CLIENT)).unwrap();
    block_on(check.succeeded()).unwrap();
}

#[test]
fn a_success_forgets_the_pairs_own_failures_only() {
    let mut attempts = MockLoginAttempts::new();
    attempts.expect_enter().returning(|_| InFlight::new(()));
    attempts
        .expect_counts()
        .returning(|_| Ok(vec![count(3, 600, 1); 4]));
    attempts
        .expect_clear()
        .withf(|key| key.as_str() == "pair 192.0.2.1 ada@example.com")
        .times(1)
        .returning(|_| Ok(()));
    let throttle = throttle(attempts);
    let check = block_on(throttle.begin("ada@example.com", &CLIENT)).unwrap();
    block_on(check.succeeded()).unwrap();
}

#[test]
fn a_storage_that_miscounts_is_an_error_not_a_pass() {
    let mut attempts = MockLoginAttempts::new();
    attempts.expect_enter().returning(|_| InFlight::new(()));
    attempts.expect_counts().returning(|_| Ok(Vec::new()));
    let throttle = throttle(attempts);
    assert!(matches!(
        block_on(throttle.begin("ada@example.com", &CLIENT)),
        Err(DomainError::Unexpected(_))
    ));
}

#[test]
fn registrations_past_the_limit_are_refused() {
    for (events, refused) in [(20, false), (21, true)] {
        let mut attempts = MockLoginAttempts::new();
        attempts
            .expect_add()
            .withf(|keys| keys[0].0.as_str() == "register 192.0.2.1")
            .returning(move |_| Ok(vec![count(events, 1200, 0)]));
        attempts.expect_refused().returning(|_| ());
        let outcome = block_on(throttle(attempts).register(&CLIENT));
        match outcome {
            Err(DomainError::TooManyAttempts(refusal)) => {
                assert!(refused, "registration {events} refused");
                assert_eq!(refusal.limit, LimitKind::Registrations);
                assert_eq!(refusal.retry_after, Duration::from_secs(1200));
            }
            Ok(()) => assert!(!refused, "registration {events} admitted"),
            Err(other) => panic!("{other:?}"),
        }
    }
}

#[test]
fn an_ipv6_client_is_its_whole_64() {
    let one = ClientAddress::new("2001:db8:1:2:aaaa::1".parse().unwrap());
    let other = ClientAddress::new("2001:db8:1:2:ffff:1:2:3".parse().unwrap());
    let next = ClientAddress::new("2001:db8:1:3::1".parse().unwrap());
    assert_eq!(one.network(), "2001:db8:1:2::/64");
    assert_eq!(one.network(), other.network());
    assert_ne!(one.network(), next.network());
}

#[test]
fn an_ipv4_mapped_address_is_the_ipv4_client() {
    let mapped = ClientAddress::new("::ffff:192.0.2.1".parse().unwrap());
    assert_eq!(mapped.network(), CLIENT.network());
}

#[test]
fn masking_keeps_too_little_to_read_the_email_back() {
    assert_eq!(mask(" Ada.Lovelace@Example.com"), "a***@example.com");
    assert_eq!(mask("no-at-sign"), "***");
    assert_eq!(mask(""), "");
}
