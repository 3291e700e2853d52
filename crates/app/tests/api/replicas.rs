//! Read routing through the real server. A second fresh database stands in
//! for the replica: it holds no rows, so a read that finds nothing was served
//! by it, and one that finds the primary's rows was not.

use std::time::Duration;

use infra::ReadRouter;
use infra::testing::TestDatabase;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, body, spawn_app_on, unlimited_registrations};

async fn items(app: &TestApp, path: &str, token: Option<&str>) -> Vec<Value> {
    let response = app.get(path, token).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    body(response).await["items"].as_array().unwrap().clone()
}

/// A read on a connection of its own: another client's.
async fn anonymous_items(app: &TestApp, path: &str) -> Vec<Value> {
    let response = reqwest::get(app.url(path)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    body(response).await["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn reads_go_to_the_replica_except_a_writers_own_and_survive_its_loss() {
    let primary = TestDatabase::new();
    let replica = TestDatabase::new();
    let reads = ReadRouter::new(
        primary.database(),
        vec![replica.database()],
        Duration::from_secs(2),
    );
    reads.check_replicas().await;
    assert!(reads.any_replica_healthy());
    let primary = std::sync::Arc::new(primary);
    let app = spawn_app_on(
        reads,
        unlimited_registrations(),
        api::HttpSettings::default(),
        primary.clone(),
    );

    let (_, ada) = app.signed_up("Ada").await;
    let created = app
        .post_json(
            "/posts",
            &json!({"title": "Hello", "content": "First post", "published": true}),
            Some(&ada),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let post = body(created).await["id"].as_i64().unwrap();

    assert!(
        anonymous_items(&app, "/posts").await.is_empty(),
        "anonymous: the replica, which lacks the post (no read-your-writes)"
    );
    assert_eq!(
        items(&app, "/posts", Some(&ada)).await.len(),
        1,
        "Ada just wrote: the primary"
    );
    assert!(
        items(&app, "/posts", None).await.is_empty(),
        "unsigned on Ada's own connection: the replica still"
    );
    let liked = app
        .client
        .put(app.url(&format!("/posts/{post}/like")))
        .bearer_auth(&ada)
        .send()
        .await
        .unwrap();
    assert_eq!(liked.status(), StatusCode::OK);
    // The likers query names no user: the request's own lookup routes it.
    let likers = items(&app, &format!("/posts/{post}/likes"), Some(&ada)).await;
    assert_eq!(likers.len(), 1, "{likers:?}");

    primary.execute("UPDATE user_writes SET written_at = now() - interval '1 hour'");
    assert!(
        items(&app, "/posts", Some(&ada)).await.is_empty(),
        "long after her write, Ada reads from the replica too"
    );

    drop(replica);
    for _ in 0..3 {
        assert_eq!(
            anonymous_items(&app, "/posts").await.len(),
            1,
            "the replica is gone: the primary answers, with no error"
        );
    }
    let ready = app.get("/health/ready", None).await;
    assert_eq!(ready.status(), StatusCode::OK);
}
