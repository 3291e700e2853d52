use std::time::Duration;

use diesel::prelude::*;
use domain::{Count, CounterKey, LoginAttempts};

use super::PgLoginAttempts;
use crate::{schema::attempt_counters, testing::TestDatabase};

const HOUR: Duration = Duration::from_secs(3600);

fn key(n: u32) -> CounterKey {
    CounterKey::new(format!("test {n}"))
}

#[tokio::test]
async fn counters_start_at_zero_count_events_and_can_be_cleared() {
    let db = TestDatabase::new();
    let attempts = PgLoginAttempts::new(db.database());
    assert_eq!(
        attempts.counts(vec![key(1), key(2)]).await.unwrap(),
        [Count::ZERO, Count::ZERO]
    );
    attempts.add(vec![(key(1), HOUR)]).await.unwrap();
    let after = attempts
        .add(vec![(key(1), HOUR), (key(2), HOUR)])
        .await
        .unwrap();
    assert_eq!(after.iter().map(|c| c.events).collect::<Vec<_>>(), [2, 1]);
    let counts = attempts.counts(vec![key(2), key(1)]).await.unwrap();
    assert_eq!(counts[0].events, 1);
    assert_eq!(counts[1].events, 2);
    assert!(
        counts[1].window_left <= HOUR && counts[1].window_left > HOUR - Duration::from_secs(60)
    );
    assert!(counts[1].since_last < Duration::from_secs(60));
    attempts.clear(key(1)).await.unwrap();
    assert_eq!(attempts.counts(vec![key(1)]).await.unwrap(), [Count::ZERO]);
}

#[tokio::test]
async fn a_closed_window_counts_nothing_and_the_next_event_opens_a_new_one() {
    let db = TestDatabase::new();
    let attempts = PgLoginAttempts::new(db.database());
    let short = Duration::from_millis(200);
    attempts.add(vec![(key(1), short)]).await.unwrap();
    attempts.add(vec![(key(1), short)]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(attempts.counts(vec![key(1)]).await.unwrap(), [Count::ZERO]);
    let reopened = attempts.add(vec![(key(1), HOUR)]).await.unwrap();
    assert_eq!(reopened[0].events, 1);
    assert!(reopened[0].window_left > HOUR - Duration::from_secs(60));
}

#[tokio::test]
async fn concurrent_additions_are_all_counted() {
    let db = TestDatabase::new();
    let attempts = PgLoginAttempts::new(db.database());
    let additions: Vec<_> = (0..40)
        .map(|_| {
            let attempts = attempts.clone();
            tokio::spawn(async move { attempts.add(vec![(key(2), HOUR), (key(1), HOUR)]).await })
        })
        .collect();
    for addition in additions {
        addition.await.unwrap().unwrap();
    }
    let counts = attempts.counts(vec![key(1), key(2)]).await.unwrap();
    assert_eq!((counts[0].events, counts[1].events), (40, 40));
}

#[tokio::test]
async fn two_instances_on_one_database_share_the_counters() {
    let db = TestDatabase::new();
    let first = PgLoginAttempts::new(db.database());
    // Its own pool, as another process would have.
    let second = PgLoginAttempts::new(
        crate::Database::connect(
            db.url(),
            crate::PoolSettings::new(2, Duration::from_secs(5)),
        )
        .unwrap(),
    );
    first.add(vec![(key(1), HOUR)]).await.unwrap();
    second.add(vec![(key(1), HOUR)]).await.unwrap();
    assert_eq!(first.counts(vec![key(1)]).await.unwrap()[0].events, 2);
}

#[tokio::test]
async fn the_sweep_deletes_only_closed_windows() {
    let db = TestDatabase::new();
    let attempts = PgLoginAttempts::new(db.database());
    for n in 1..super::SWEEP_EVERY {
        let n = u32::try_from(n).unwrap();
        attempts
            .add(vec![(key(n), Duration::from_millis(1))])
            .await
            .unwrap();
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    // This addition is the one that sweeps; its own window is open.
    attempts.add(vec![(key(0), HOUR)]).await.unwrap();
    let open = attempts.counts(vec![key(0)]).await.unwrap();
    assert_eq!(open[0].events, 1);
    let mut conn = PgConnection::establish(db.url()).unwrap();
    let rows: i64 = attempt_counters::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(rows, 1, "only the open window is left");
}

#[tokio::test]
async fn turns_bound_what_runs_at_once_and_leave_nothing_behind() {
    let db = TestDatabase::new();
    let attempts = PgLoginAttempts::new(db.database());
    let first = attempts.enter(vec![(key(1), 1)]).await;
    let waiting = attempts.enter(vec![(key(1), 1)]);
    tokio::pin!(waiting);
    assert!(
        tokio::time::timeout(Duration::from_millis(100), &mut waiting)
            .await
            .is_err(),
        "a second turn on a key bounded to one waits"
    );
    drop(first);
    let second = tokio::time::timeout(Duration::from_secs(5), waiting)
        .await
        .expect("the wait ends when the first turn is over");
    let other_key = attempts.enter(vec![(key(2), 1)]).await;
    drop((second, other_key));
    assert_eq!(attempts.turns.keys_held(), 0);
}
