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
    let db = Database::connect(test_db.url(), 1, Duration::from_millis(300)).unwrap();

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

#[tokio::test]
async fn every_connection_has_a_statement_timeout() {
    #[derive(diesel::QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        statement_timeout: String,
    }
    let test_db = TestDatabase::new();
    let db = test_db.database();
    let setting = db
        .run_blocking(|conn| {
            diesel::sql_query("SHOW statement_timeout")
                .get_result::<Setting>(conn)
                .map_err(db_error)
        })
        .await
        .unwrap();
    assert_eq!(setting.statement_timeout, "10s");
}

#[test]
fn an_unreachable_database_is_a_one_line_start_up_error() {
    let error = Database::connect(
        "postgres://agora:hunter2@127.0.0.1:1/agora",
        4,
        Duration::from_secs(1),
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
        Database::connect(url, 0, Duration::from_secs(1)),
        Err(InfraError::PoolSettings(_))
    ));
    assert!(matches!(
        Database::connect(url, 1, Duration::ZERO),
        Err(InfraError::PoolSettings(_))
    ));
}
