use std::time::{Duration, Instant};

use super::*;
use crate::testing::TestDatabase;

#[tokio::test]
async fn health_check_answers() {
    let db = TestDatabase::new();
    PgHealthCheck::new(db.database()).check().await.unwrap();
}

#[tokio::test]
async fn a_pool_exhausted_past_its_timeout_is_unavailable() {
    let test_db = TestDatabase::new();
    let db = Database::connect(
        test_db.url(),
        PoolSettings::new(1, Duration::from_millis(300)),
    )
    .unwrap();

    let (held_tx, held_rx) = std::sync::mpsc::channel::<()>();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let holder = tokio::spawn({
        let db = db.clone();
        async move {
            db.run_blocking(move |_conn| {
                let _ = held_tx.send(());
                let _ = release_rx.recv();
                Ok(())
            })
            .await
        }
    });
    tokio::task::spawn_blocking(move || held_rx.recv())
        .await
        .unwrap()
        .unwrap();

    let started = Instant::now();
    let error = db.run_blocking(|_conn| Ok(())).await.unwrap_err();
    assert!(matches!(error, DomainError::Unavailable(_)), "{error:?}");
    assert!(started.elapsed() >= Duration::from_millis(300));

    release_tx.send(()).unwrap();
    holder.await.unwrap().unwrap();
    db.run_blocking(|_conn| Ok(())).await.unwrap();
}

#[tokio::test]
async fn a_statement_past_the_timeout_is_unavailable_and_other_errors_unexpected() {
    let test_db = TestDatabase::new();
    let db = test_db.database();
    let error = db
        .run_blocking(|conn| {
            diesel::sql_query("SET statement_timeout = 50")
                .execute(conn)
                .map_err(db_error)?;
            let outcome = diesel::sql_query("SELECT pg_sleep(1)")
                .execute(conn)
                .map_err(db_error);
            diesel::sql_query("RESET statement_timeout")
                .execute(conn)
                .map_err(db_error)?;
            outcome
        })
        .await
        .unwrap_err();
    assert!(matches!(error, DomainError::Unavailable(_)), "{error:?}");

    let error = db
        .run_blocking(|conn| {
            diesel::sql_query("SELECT * FROM no_such_table")
                .execute(conn)
                .map_err(db_error)
        })
        .await
        .unwrap_err();
    assert!(matches!(error, DomainError::Unexpected(_)), "{error:?}");
}

/// Each lane's statements run with its settings: a bounded one with 10 s
/// and generic plans; a search with 3 s, a plan for its term, and no writes,
/// whether its connections are agora's own (set once) or a pooler's
/// (`prepared_statements` off: set in a transaction around it).
#[tokio::test]
async fn every_lane_sets_its_timeout_and_plans() {
    use diesel::sql_types::Text;
    let test_db = TestDatabase::new();
    let pooled = PoolSettings {
        prepared_statements: false,
        ..PoolSettings::new(2, Duration::from_secs(5))
    };
    for db in [
        test_db.database(),
        Database::connect(test_db.url(), pooled).unwrap(),
    ] {
        let settings_of = |lane| {
            db.run_in(lane, |conn| {
                diesel::dsl::sql::<(Text, Text, Text)>(
                    "SELECT current_setting('statement_timeout'), \
                     current_setting('plan_cache_mode'), current_setting('transaction_read_only')",
                )
                .get_result::<(String, String, String)>(conn)
                .map_err(db_error)
            })
        };
        let owned = |(a, b, c): (&str, &str, &str)| (a.to_owned(), b.to_owned(), c.to_owned());
        assert_eq!(
            settings_of(Lane::Bounded).await.unwrap(),
            owned(("10s", "force_generic_plan", "off")),
            "{db:?}"
        );
        assert_eq!(
            settings_of(Lane::Costly).await.unwrap(),
            owned(("3s", "force_custom_plan", "on")),
            "{db:?}"
        );
        // What the closure fails with is what the caller gets, in either scope.
        let error = db
            .run_in(Lane::Costly, |_conn| -> Result<(), DomainError> {
                Err(DomainError::NotFound(domain::Entity::Post))
            })
            .await
            .unwrap_err();
        assert!(matches!(error, DomainError::NotFound(_)), "{error:?}");
    }
}

#[test]
fn an_unreachable_database_is_a_one_line_start_up_error() {
    let error = Database::connect(
        "postgres://agora:hunter2@127.0.0.1:1/agora",
        PoolSettings::new(4, Duration::from_secs(1)),
    )
    .unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, InfraError::Connect { .. }), "{error:?}");
    assert!(!message.contains('\n'), "{message}");
    assert!(message.contains("127.0.0.1:1/agora"), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
}

#[test]
fn pool_settings_are_checked_instead_of_panicking() {
    let url = "postgres://agora@127.0.0.1:1/agora";
    assert!(matches!(
        Database::connect(url, PoolSettings::new(0, Duration::from_secs(1))),
        Err(InfraError::PoolSettings(_))
    ));
    assert!(matches!(
        Database::connect(url, PoolSettings::new(1, Duration::ZERO)),
        Err(InfraError::PoolSettings(_))
    ));
}

/// Two transactions that take two locks in opposite orders: PostgreSQL
/// breaks the deadlock by failing one, which runs again and succeeds.
#[tokio::test]
async fn a_deadlocked_transaction_runs_again_and_succeeds() {
    use std::sync::{Arc, Barrier, atomic::AtomicUsize, atomic::Ordering};
    let test_db = TestDatabase::new();
    let db = test_db.database();
    let attempts = Arc::new(AtomicUsize::new(0));
    let both_hold_one = Arc::new(Barrier::new(2));
    let run = |first: i64, second: i64| {
        let db = db.clone();
        let attempts = attempts.clone();
        let both_hold_one = both_hold_one.clone();
        async move {
            db.run_blocking(move |conn| {
                let attempt = attempts.fetch_add(1, Ordering::SeqCst);
                conn.transaction(|conn| {
                    diesel::sql_query(format!("SELECT pg_advisory_xact_lock({first})"))
                        .execute(conn)?;
                    // Only the first attempts meet; the rerun goes straight through.
                    if attempt < 2 {
                        both_hold_one.wait();
                    }
                    diesel::sql_query(format!("SELECT pg_advisory_xact_lock({second})"))
                        .execute(conn)
                })
                .map_err(db_error)
            })
            .await
        }
    };
    let (one, other) = tokio::join!(run(1, 2), run(2, 1));
    one.unwrap();
    other.unwrap();
    assert_eq!(
        attempts.load(Ordering::SeqCst),
        3,
        "one of the two ran again"
    );
}

#[tokio::test]
async fn a_connection_killed_under_the_pool_is_discarded_not_lent_again() {
    #[derive(diesel::QueryableByName)]
    struct Pid {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        pid: i32,
    }
    let test_db = TestDatabase::new();
    let db =
        Database::connect(test_db.url(), PoolSettings::new(1, Duration::from_secs(2))).unwrap();
    let pid = |db: Database| async move {
        db.run_blocking(|conn| {
            diesel::sql_query("SELECT pg_backend_pid() AS pid")
                .get_result::<Pid>(conn)
                .map(|row| row.pid)
                .map_err(db_error)
        })
        .await
    };
    let first = pid(db.clone()).await.unwrap();
    let other =
        Database::connect(test_db.url(), PoolSettings::new(1, Duration::from_secs(2))).unwrap();
    other
        .run_blocking(move |conn| {
            diesel::sql_query(format!("SELECT pg_terminate_backend({first})"))
                .execute(conn)
                .map_err(db_error)
        })
        .await
        .unwrap();
    // The pool's one connection is dead: the request that finds out gets a
    // 503 (or, when nothing was sent yet, a fresh connection), never a 500...
    match pid(db.clone()).await {
        Ok(second) => assert_ne!(second, first),
        Err(error) => assert!(matches!(error, DomainError::Unavailable(_)), "{error:?}"),
    }
    // ...and the next one a new connection.
    let next = pid(db).await.unwrap();
    assert_ne!(next, first);
}

/// Named statements a connection holds after running a query twice: the
/// query diesel caches, with prepared statements on; none with them off, as a
/// pooler in transaction mode needs.
async fn named_statements_after_a_query(prepared_statements: bool) -> i64 {
    let test_db = TestDatabase::new();
    let settings = PoolSettings {
        prepared_statements,
        ..PoolSettings::new(1, Duration::from_secs(2))
    };
    let db = Database::connect(test_db.url(), settings).unwrap();
    db.run_blocking(|conn| {
        use crate::schema::users;
        for _ in 0..2 {
            users::table
                .count()
                .get_result::<i64>(conn)
                .map_err(db_error)?;
        }
        // A raw query is never cached, so it counts only the query above.
        diesel::dsl::sql::<diesel::sql_types::BigInt>("SELECT count(*) FROM pg_prepared_statements")
            .get_result::<i64>(conn)
            .map_err(db_error)
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn prepared_statements_can_be_turned_off_for_a_pooler() {
    assert!(named_statements_after_a_query(true).await >= 1);
    assert_eq!(named_statements_after_a_query(false).await, 0);
}

/// The wording probe must leave no setting behind: behind a pooler in
/// transaction mode its server connection serves other clients next.
#[tokio::test]
async fn learning_the_server_wording_leaves_the_session_as_it_was() {
    let test_db = TestDatabase::new();
    let mut conn = PgConnection::establish(test_db.url()).unwrap();
    ServerWording::learn(&mut conn);
    let timeout = diesel::dsl::sql::<diesel::sql_types::Text>("SHOW statement_timeout")
        .get_result::<String>(&mut conn)
        .unwrap();
    assert_eq!(timeout, "0");
    diesel::sql_query("SELECT pg_sleep(0.01)")
        .execute(&mut conn)
        .unwrap();
}

/// Costly statements (searches) hold at most half the pool, however many
/// wait: the others keep a connection, and the costly ones past the cap
/// wait their turn rather than fail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn costly_statements_leave_half_the_pool_to_the_others() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Condvar, Mutex};
    let test_db = TestDatabase::new();
    let db =
        Database::connect(test_db.url(), PoolSettings::new(4, Duration::from_secs(20))).unwrap();
    let running = Arc::new(AtomicUsize::new(0));
    let release = Arc::new((Mutex::new(false), Condvar::new()));
    let costly: Vec<_> = (0..4)
        .map(|_| {
            let (db, running, release) = (db.clone(), running.clone(), release.clone());
            tokio::spawn(async move {
                db.run_in(Lane::Costly, move |_conn| {
                    running.fetch_add(1, Ordering::SeqCst);
                    let (released, wake) = &*release;
                    let mut released = released.lock().unwrap();
                    while !*released {
                        released = wake.wait(released).unwrap();
                    }
                    Ok(())
                })
                .await
            })
        })
        .collect();
    let started = Instant::now();
    while running.load(Ordering::SeqCst) < 2 && started.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Time for a third to start, were the cap not there.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(running.load(Ordering::SeqCst), 2, "half of a pool of 4");

    // Two connections are still free for everything else.
    let select_one = || {
        db.run_blocking(|conn| {
            diesel::sql_query("SELECT 1")
                .execute(conn)
                .map_err(db_error)
        })
    };
    let (one, other) = tokio::join!(select_one(), select_one());
    assert_eq!((one.unwrap(), other.unwrap()), (1, 1));

    let (released, wake) = &*release;
    *released.lock().unwrap() = true;
    wake.notify_all();
    for search in costly {
        search.await.unwrap().unwrap();
    }
    assert_eq!(
        running.load(Ordering::SeqCst),
        4,
        "the last two waited, then ran"
    );
    assert_eq!(db.busiest_in(Lane::Costly), 2);
}
