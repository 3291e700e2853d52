//! [`domain::LoginAttempts`]: counters with windows, and turns.

use std::time::Duration;

use domain::{Count, CounterKey};

use super::Adapters;

const HOUR: Duration = Duration::from_secs(3600);

fn key(name: &str) -> CounterKey {
    CounterKey::new(format!("conformance {name}"))
}

/// Unknown keys count zero; `add` counts one per key and returns the
/// counters in the order given; an open window keeps its end.
pub async fn counters_start_at_zero_and_count_in_order(adapters: Adapters) {
    let attempts = &adapters.attempts;
    let zero = attempts.counts(vec![key("a"), key("b")]).await.unwrap();
    assert_eq!(zero, [Count::ZERO, Count::ZERO]);
    attempts.add(vec![(key("a"), HOUR)]).await.unwrap();
    let added = attempts
        .add(vec![(key("b"), HOUR), (key("a"), 2 * HOUR)])
        .await
        .unwrap();
    let events: Vec<u32> = added.iter().map(|c| c.events).collect();
    assert_eq!(events, [1, 2]);
    assert!(added[1].window_left <= HOUR, "an open window keeps its end");
    assert!(added[1].window_left > HOUR - Duration::from_secs(60));
    let counts = attempts
        .counts(vec![key("a"), key("b"), key("c")])
        .await
        .unwrap();
    assert_eq!(counts[0].events, 2);
    assert_eq!(counts[1].events, 1);
    assert_eq!(counts[2], Count::ZERO);
    assert!(counts[0].since_last < Duration::from_secs(60));
}

/// Once its window closes a counter is zero, and the next event opens a new
/// window of its own duration.
pub async fn a_closed_window_counts_nothing(adapters: Adapters) {
    let attempts = &adapters.attempts;
    let short = Duration::from_millis(200);
    attempts.add(vec![(key("a"), short)]).await.unwrap();
    attempts.add(vec![(key("a"), short)]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        attempts.counts(vec![key("a")]).await.unwrap(),
        [Count::ZERO]
    );
    let reopened = attempts.add(vec![(key("a"), HOUR)]).await.unwrap();
    assert_eq!(reopened[0].events, 1);
    assert!(reopened[0].window_left > HOUR - Duration::from_secs(60));
}

/// `clear` forgets one counter and no other.
pub async fn clearing_forgets_a_counter(adapters: Adapters) {
    let attempts = &adapters.attempts;
    attempts
        .add(vec![(key("a"), HOUR), (key("b"), HOUR)])
        .await
        .unwrap();
    attempts.clear(key("a")).await.unwrap();
    let counts = attempts.counts(vec![key("a"), key("b")]).await.unwrap();
    assert_eq!(counts[0], Count::ZERO);
    assert_eq!(counts[1].events, 1);
}

/// With a bound of one, a second `enter` on a key waits until the first
/// place is dropped; other keys do not wait.
pub async fn entering_waits_for_a_free_turn(adapters: Adapters) {
    let attempts = &adapters.attempts;
    let held = attempts.enter(vec![(key("a"), 1)]).await;
    let blocked = tokio::time::timeout(
        Duration::from_millis(100),
        attempts.enter(vec![(key("a"), 1)]),
    )
    .await;
    assert!(blocked.is_err(), "a second holder got in");
    let other = tokio::time::timeout(HOUR, attempts.enter(vec![(key("b"), 1)])).await;
    assert!(other.is_ok());
    drop(held);
    let next = tokio::time::timeout(HOUR, attempts.enter(vec![(key("a"), 1)])).await;
    assert!(next.is_ok(), "the turn was not released");
}
