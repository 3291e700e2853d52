use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, body, problem, spawn_app};

async fn new_post(app: &TestApp, token: &str) -> i64 {
    let response = app
        .post_json(
            "/posts",
            &json!({"title": "t", "content": "c"}),
            Some(token),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    body(response).await["id"].as_i64().unwrap()
}

pub(crate) async fn like(app: &TestApp, post: i64, token: &str) -> (StatusCode, Value) {
    let response = app
        .client
        .put(app.url(&format!("/posts/{post}/like")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

pub(crate) async fn unlike(app: &TestApp, post: i64, token: &str) -> (StatusCode, Value) {
    let response = app
        .client
        .delete(app.url(&format!("/posts/{post}/like")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn like_count(app: &TestApp, post: i64) -> i64 {
    body(app.get(&format!("/posts/{post}"), None).await).await["like_count"]
        .as_i64()
        .unwrap()
}

async fn likers(app: &TestApp, post: i64) -> Vec<i64> {
    let page = body(
        app.get(&format!("/posts/{post}/likes?limit=100"), None)
            .await,
    )
    .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["user"]["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn like_and_unlike_are_idempotent() {
    let app = spawn_app().await;
    let (_, ada) = app.signed_up("Ada").await;
    let (bob_id, bob) = app.signed_up("Bob").await;
    let post = new_post(&app, &ada).await;

    for _ in 0..2 {
        let (status, state) = like(&app, post, &bob).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            state,
            json!({"post_id": post, "like_count": 1, "liked": true})
        );
    }
    let seen_by_bob = body(app.get(&format!("/posts/{post}"), Some(&bob)).await).await;
    assert_eq!(seen_by_bob["liked_by_me"], true);
    assert_eq!(
        body(app.get(&format!("/posts/{post}"), Some(&ada)).await).await["liked_by_me"],
        false
    );

    let page = body(app.get(&format!("/posts/{post}/likes"), None).await).await;
    assert_eq!(
        page["items"][0]["user"],
        json!({"id": bob_id, "name": "Bob"})
    );
    assert!(
        page["items"][0]["liked_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    assert_eq!(page["next_cursor"], Value::Null);

    for _ in 0..2 {
        let (status, state) = unlike(&app, post, &bob).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            state,
            json!({"post_id": post, "like_count": 0, "liked": false})
        );
    }
}

#[tokio::test]
async fn likes_need_a_token_and_an_existing_post() {
    let app = spawn_app().await;
    let (_, ada) = app.signed_up("Ada").await;
    let post = new_post(&app, &ada).await;
    let anonymous = app
        .client
        .put(app.url(&format!("/posts/{post}/like")))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.headers()["www-authenticate"], "Bearer");
    problem(anonymous, StatusCode::UNAUTHORIZED).await;
    let missing = app
        .client
        .put(app.url("/posts/999999/like"))
        .bearer_auth(&ada)
        .send()
        .await
        .unwrap();
    problem(missing, StatusCode::NOT_FOUND).await;
    let missing = app
        .client
        .delete(app.url("/posts/999999/like"))
        .bearer_auth(&ada)
        .send()
        .await
        .unwrap();
    problem(missing, StatusCode::NOT_FOUND).await;
    problem(
        app.get("/posts/999999/likes", None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        app.get(&format!("/posts/{post}/likes?cursor=nope"), None)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
}

/// The bug: once the post became a draft, its liker could not take the
/// like back (404); now the like goes, and shows gone when it is published again.
#[tokio::test]
async fn a_liker_can_unlike_a_post_that_became_a_draft() {
    let app = spawn_app().await;
    let (_, ada) = app.signed_up("Ada").await;
    let (_, bob) = app.signed_up("Bob").await;
    let post = new_post(&app, &ada).await;
    assert_eq!(like(&app, post, &bob).await.0, StatusCode::OK);
    let set_published = |published: bool| {
        app.client
            .patch(app.url(&format!("/posts/{post}")))
            .bearer_auth(&ada)
            .json(&json!({ "published": published }))
            .send()
    };
    assert_eq!(set_published(false).await.unwrap().status(), StatusCode::OK);
    // To anyone who does not like it, the draft still does not exist.
    let (_, cy) = app.signed_up("Cy").await;
    assert_eq!(unlike(&app, post, &cy).await.0, StatusCode::NOT_FOUND);

    let (status, state) = unlike(&app, post, &bob).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        state,
        json!({"post_id": post, "like_count": 0, "liked": false})
    );
    assert_eq!(set_published(true).await.unwrap().status(), StatusCode::OK);
    assert_eq!(like_count(&app, post).await, 0);
    assert!(likers(&app, post).await.is_empty());
}

#[tokio::test]
async fn like_count_stays_exact_under_100_concurrent_likes_and_unlikes() {
    let app = spawn_app().await;
    let (_, author) = app.signed_up("Author").await;
    let post = new_post(&app, &author).await;
    let mut users = Vec::new();
    for n in 0..50 {
        users.push(app.signed_up(&format!("Fan{n}")).await.1);
    }
    // Everyone likes; then, all at once, the even ones unlike while the odd
    // ones like again (a no-op) and the even ones' second like races their unlike.
    join_all(users.iter().map(|token| like(&app, post, token))).await;
    let app = &app;
    let requests = users.iter().enumerate().flat_map(|(n, token)| {
        let first = async move {
            if n % 2 == 0 {
                unlike(app, post, token).await
            } else {
                like(app, post, token).await
            }
        };
        let second = async move { like(app, post, token).await };
        [
            futures_util::future::Either::Left(first),
            futures_util::future::Either::Right(second),
        ]
    });
    let results = join_all(requests).await;
    assert_eq!(results.len(), 100);
    assert!(results.iter().all(|(status, _)| *status == StatusCode::OK));

    let count = like_count(app, post).await;
    let rows = likers(app, post).await.len() as i64;
    assert_eq!(count, rows, "like_count must equal the number of likes");
    assert!((25..=50).contains(&count), "{count}");
}

#[tokio::test]
async fn a_liker_deleting_their_account_lowers_the_like_count() {
    let app = spawn_app().await;
    let (_, ada) = app.signed_up("Ada").await;
    let (_, bob) = app.signed_up("Bob").await;
    let (_, carol) = app.signed_up("Carol").await;
    let post = new_post(&app, &ada).await;
    like(&app, post, &bob).await;
    like(&app, post, &carol).await;
    assert_eq!(like_count(&app, post).await, 2);

    let deleted = app.delete_me(&bob, "correct horse").await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(like_count(&app, post).await, 1);
    assert_eq!(likers(&app, post).await.len(), 1);
}

#[tokio::test]
async fn deleting_an_account_removes_its_posts() {
    let app = spawn_app().await;
    let (_, ada) = app.signed_up("Ada").await;
    let post = new_post(&app, &ada).await;
    let deleted = app.delete_me(&ada, "correct horse").await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    problem(
        app.get(&format!("/posts/{post}"), None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

/// Account deletion locks the user, then posts, then likes; likes and unlikes
/// take the same order, so they cannot deadlock. Half the users delete their
/// accounts while everyone likes everyone else's posts.
#[tokio::test]
async fn likes_racing_account_deletions_never_fail_and_counts_stay_exact() {
    let app = spawn_app().await;
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for round in 0..20 {
        let names: Vec<String> = (0..20).map(|i| format!("R{round}u{i}")).collect();
        let app = &app;
        let users = join_all(names.iter().map(|name| app.signed_up(name))).await;
        let posts = join_all(users.iter().map(|(_, token)| new_post(app, token))).await;
        let likes = users.iter().enumerate().flat_map(|(liker, (_, token))| {
            posts
                .iter()
                .enumerate()
                .filter(move |(author, _)| *author != liker)
                .map(move |(_, post)| async move { like(app, *post, token).await.0 })
        });
        let deletions = users[..10]
            .iter()
            .map(|(_, token)| async move { app.delete_me(token, "correct horse").await.status() });
        let (liked, deleted) = tokio::join!(join_all(likes), join_all(deletions));
        for status in liked.into_iter().chain(deleted) {
            *statuses.entry(status.as_u16()).or_default() += 1;
        }
        for post in &posts[10..] {
            assert_eq!(likers(app, *post).await.len(), 9, "round {round}");
            assert_eq!(like_count(app, *post).await, 9, "round {round}");
        }
    }
    println!("likes racing deletions, 20 rounds: statuses {statuses:?}");
    let unexpected: Vec<_> = statuses
        .keys()
        .filter(|status| ![200, 204, 401, 404].contains(*status))
        .collect();
    assert!(unexpected.is_empty(), "{statuses:?}");
    assert_eq!(statuses[&204], 20 * 10);
}
