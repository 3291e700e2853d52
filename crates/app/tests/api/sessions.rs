//! Sessions over HTTP against PostgreSQL: refresh with rotation, reuse
//! detection, logout, the sessions a user sees and ends, and revocation on
//! password change and account deletion.

use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, body, problem, spawn_app};
use crate::likes::{like, unlike};
use crate::posts::titles;

/// A token pair from a fresh login.
struct Pair {
    access: String,
    refresh: String,
}

impl Pair {
    async fn from(response: Response) -> Self {
        assert_eq!(response.status(), StatusCode::OK);
        let body = body(response).await;
        Self {
            access: body["access_token"].as_str().unwrap().to_owned(),
            refresh: body["refresh_token"].as_str().unwrap().to_owned(),
        }
    }
}

async fn refresh(app: &TestApp, refresh_token: &str) -> Response {
    app.client
        .post(app.url("/login"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ])
        .send()
        .await
        .unwrap()
}

async fn login_as(app: &TestApp, user_agent: &str) -> Pair {
    let response = app
        .client
        .post(app.url("/login"))
        .header("user-agent", user_agent)
        .form(&[
            ("username", "ada@example.com"),
            ("password", "correct horse"),
        ])
        .send()
        .await
        .unwrap();
    Pair::from(response).await
}

async fn ada(app: &TestApp) -> Pair {
    let created = app
        .register("Ada", "ada@example.com", "correct horse")
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    login_as(app, "first device").await
}

/// `{"title": "Hello", "content": "World"}`, a post to write.
fn hello() -> Value {
    json!({"title": "Hello", "content": "World"})
}

/// Ada signed in twice, with [`hello`] written in her first session: what
/// the tests of a session ending start from. The post as written.
async fn hello_in_two_sessions(app: &TestApp) -> (Pair, Pair, Value) {
    let pair = ada(app).await;
    let other = login_as(app, "second device").await;
    let created = app.post_json("/posts", &hello(), Some(&pair.access)).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    (pair, other, body(created).await)
}

async fn status_of_me(app: &TestApp, access: &str) -> StatusCode {
    app.get("/users/me", Some(access)).await.status()
}

async fn sessions(app: &TestApp, access: &str) -> Vec<Value> {
    let response = app.get("/users/me/sessions", Some(access)).await;
    assert_eq!(response.status(), StatusCode::OK);
    body(response).await.as_array().unwrap().clone()
}

async fn delete(app: &TestApp, path: &str, access: &str) -> Response {
    app.client
        .delete(app.url(path))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
}

async fn logout(app: &TestApp, access: &str) -> Response {
    app.client
        .post(app.url("/logout"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn login_returns_a_refresh_token_that_rotates() {
    let app = spawn_app().await;
    app.register("Ada", "ada@example.com", "correct horse")
        .await;
    let login = app.login("ada@example.com", "correct horse").await;
    assert_eq!(login.headers()["cache-control"], "no-store");
    let first = body(login).await;
    assert_eq!(first["refresh_expires_in"], 30 * 24 * 60 * 60);
    let old = first["refresh_token"].as_str().unwrap();
    assert!(old.len() >= 43, "256 bits in base64url: {old}");

    let rotated = refresh(&app, old).await;
    assert_eq!(rotated.headers()["cache-control"], "no-store");
    let next = Pair::from(rotated).await;
    assert_ne!(next.refresh, old);
    assert_eq!(status_of_me(&app, &next.access).await, StatusCode::OK);
    // The same session throughout: one session listed.
    assert_eq!(sessions(&app, &next.access).await.len(), 1);

    let json_refresh = app
        .post_json(
            "/login",
            &json!({"grant_type": "refresh_token", "refresh_token": next.refresh}),
            None,
        )
        .await;
    assert_eq!(json_refresh.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_reused_refresh_token_is_refused_and_revokes_its_whole_family() {
    let app = spawn_app().await;
    let first = ada(&app).await;
    let other_session = login_as(&app, "second device").await;
    let second = Pair::from(refresh(&app, &first.refresh).await).await;

    let reused = refresh(&app, &first.refresh).await;
    assert_eq!(reused.headers()["www-authenticate"], "Bearer");
    problem(reused, StatusCode::UNAUTHORIZED).await;
    // The family is gone: its latest refresh token and access tokens too.
    problem(
        refresh(&app, &second.refresh).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(
        status_of_me(&app, &second.access).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        status_of_me(&app, &first.access).await,
        StatusCode::UNAUTHORIZED
    );
    // Another session of the same user is another family.
    assert_eq!(
        status_of_me(&app, &other_session.access).await,
        StatusCode::OK
    );
    assert!(
        refresh(&app, &other_session.refresh)
            .await
            .status()
            .is_success()
    );
}

#[tokio::test]
async fn an_unknown_or_malformed_refresh_token_is_a_401_and_a_missing_one_a_422() {
    let app = spawn_app().await;
    let pair = ada(&app).await;
    for token in ["", "not-a-token", &pair.access, &"A".repeat(5000)] {
        problem(refresh(&app, token).await, StatusCode::UNAUTHORIZED).await;
    }
    let missing = app
        .client
        .post(app.url("/login"))
        .form(&[("grant_type", "refresh_token")])
        .send()
        .await
        .unwrap();
    let missing = problem(missing, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(missing["errors"][0]["field"], "refresh_token");
    // None of it cost the real session anything.
    assert!(refresh(&app, &pair.refresh).await.status().is_success());
}

#[tokio::test]
async fn logout_ends_the_session_at_once_and_is_idempotent() {
    let app = spawn_app().await;
    let pair = ada(&app).await;
    let other = login_as(&app, "second device").await;

    assert_eq!(
        logout(&app, &pair.access).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        status_of_me(&app, &pair.access).await,
        StatusCode::UNAUTHORIZED
    );
    problem(refresh(&app, &pair.refresh).await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(
        logout(&app, &pair.access).await.status(),
        StatusCode::NO_CONTENT
    );
    // Only that session ended.
    assert_eq!(status_of_me(&app, &other.access).await, StatusCode::OK);
    let anonymous = app.client.post(app.url("/logout")).send().await.unwrap();
    problem(anonymous, StatusCode::UNAUTHORIZED).await;
}

/// `GET /posts` checks the session in the page's own statement: a page,
/// or an empty one, while it lives; a 401 once it ended, whether or not any
/// post matches. Input that breaks a rule is refused before the session is
/// read, so an ended session's bad query is a 422. Another live session of
/// the same user changes nothing.
#[tokio::test]
async fn a_signed_in_post_list_ends_with_its_session() {
    let app = spawn_app().await;
    let (pair, other, _) = hello_in_two_sessions(&app).await;
    let listed = |query: &'static str| {
        let app = &app;
        let token = pair.access.clone();
        async move { app.get(&format!("/posts{query}"), Some(&token)).await }
    };

    let page = body(listed("").await).await;
    assert_eq!(page["items"][0]["title"], "Hello");
    let nothing = body(listed("?search=no+post+says+this").await).await;
    assert_eq!(nothing["items"], json!([]));

    assert_eq!(
        logout(&app, &pair.access).await.status(),
        StatusCode::NO_CONTENT
    );
    for query in ["", "?search=no+post+says+this"] {
        let ended = listed(query).await;
        assert_eq!(ended.headers()["www-authenticate"], "Bearer", "{query:?}");
        problem(ended, StatusCode::UNAUTHORIZED).await;
    }
    problem(listed("?search=ab").await, StatusCode::UNPROCESSABLE_ENTITY).await;
    let still = app.get("/posts", Some(&other.access)).await;
    assert_eq!(body(still).await["items"][0]["title"], "Hello");
}

/// The other reads open to anyone check the session in their own read
/// too: `GET /posts/{id}`, `/users/{id}/posts` and `/posts/{id}/likes`
/// answer as the reader sees them while it lives (their like, their own
/// draft, a 404 for what is not there), and a 401 once it ended, for what
/// exists and what does not; a bad query is still its 422 first. Another
/// live session of the same user changes nothing.
#[tokio::test]
async fn signed_in_reads_of_posts_end_with_their_session() {
    let app = spawn_app().await;
    let pair = ada(&app).await;
    let other = login_as(&app, "second device").await;
    let mut ids = Vec::new();
    for post in [
        hello(),
        json!({"title": "Draft", "content": "Not yet", "published": false}),
    ] {
        let created = app.post_json("/posts", &post, Some(&pair.access)).await;
        assert_eq!(created.status(), StatusCode::CREATED);
        ids.push(body(created).await["id"].as_i64().unwrap());
    }
    let (hello, draft, missing) = (ids[0], ids[1], ids[1] + 1000);
    assert_eq!(like(&app, hello, &pair.access).await.0, StatusCode::OK);
    let read = |path: String, token: &str| {
        let app = &app;
        let token = token.to_owned();
        async move { app.get(&path, Some(&token)).await }
    };
    let post = body(read(format!("/posts/{hello}"), &pair.access).await).await;
    assert_eq!(post["liked_by_me"], true);
    let ada_id = post["author"]["id"].as_i64().unwrap();
    let nobody = ada_id + 1000;

    let own_draft = body(read(format!("/posts/{draft}"), &pair.access).await).await;
    assert_eq!(own_draft["title"], "Draft");
    let authored = titles(&app, &format!("/users/{ada_id}/posts"), Some(&pair.access)).await;
    assert_eq!(authored, ["Draft", "Hello"], "her own drafts too");
    let likers = body(read(format!("/posts/{hello}/likes"), &pair.access).await).await;
    assert_eq!(likers["items"].as_array().unwrap().len(), 1);
    let absent = [
        format!("/posts/{missing}"),
        format!("/users/{nobody}/posts"),
        format!("/posts/{missing}/likes"),
    ];
    for path in &absent {
        problem(
            read(path.clone(), &pair.access).await,
            StatusCode::NOT_FOUND,
        )
        .await;
    }

    assert_eq!(
        logout(&app, &pair.access).await.status(),
        StatusCode::NO_CONTENT
    );
    let present = [
        format!("/posts/{hello}"),
        format!("/posts/{draft}"),
        format!("/users/{ada_id}/posts"),
        format!("/posts/{hello}/likes"),
    ];
    for path in present.iter().chain(&absent) {
        let ended = read(path.clone(), &pair.access).await;
        assert_eq!(ended.headers()["www-authenticate"], "Bearer", "{path}");
        problem(ended, StatusCode::UNAUTHORIZED).await;
    }
    for path in [
        format!("/users/{ada_id}/posts?limit=0"),
        format!("/posts/{hello}/likes?limit=0"),
    ] {
        let bad_query = read(path, &pair.access).await;
        problem(bad_query, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let still = body(read(format!("/posts/{hello}"), &other.access).await).await;
    assert_eq!(still["liked_by_me"], true);
}

/// `POST /posts` checks the session in its insert, and a like or an
/// unlike in its write: once the session has ended, each is a 401 and
/// nothing is stored, while a body that breaks a rule is still its 422
/// first. Another live session of the same user still writes.
#[tokio::test]
async fn writing_a_post_ends_with_its_session() {
    let app = spawn_app().await;
    let (pair, other, created) = hello_in_two_sessions(&app).await;
    let ada_id = created["author"]["id"].as_i64().unwrap();
    let post_id = created["id"].as_i64().unwrap();

    assert_eq!(
        logout(&app, &pair.access).await.status(),
        StatusCode::NO_CONTENT
    );
    let refused = json!({"title": "After", "content": "Not stored"});
    let ended = app.post_json("/posts", &refused, Some(&pair.access)).await;
    assert_eq!(ended.headers()["www-authenticate"], "Bearer");
    problem(ended, StatusCode::UNAUTHORIZED).await;
    let breaks_a_rule = json!({"title": "", "content": "World"});
    let invalid = app
        .post_json("/posts", &breaks_a_rule, Some(&pair.access))
        .await;
    problem(invalid, StatusCode::UNPROCESSABLE_ENTITY).await;

    // A like and an unlike check the session in their write too: nothing
    // changes for the ended session, and another session still likes.
    assert_eq!(
        like(&app, post_id, &pair.access).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        unlike(&app, post_id, &pair.access).await.0,
        StatusCode::UNAUTHORIZED
    );
    let liked = body(app.get(&format!("/posts/{post_id}"), None).await).await;
    assert_eq!(liked["like_count"], 0);
    assert_eq!(like(&app, post_id, &other.access).await.0, StatusCode::OK);

    let still = app.post_json("/posts", &hello(), Some(&other.access)).await;
    assert_eq!(still.status(), StatusCode::CREATED);
    let authored = titles(&app, &format!("/users/{ada_id}/posts"), None).await;
    assert_eq!(
        authored,
        ["Hello", "Hello"],
        "nothing stored for the ended one"
    );
}

#[tokio::test]
async fn a_user_lists_their_sessions_and_ends_one_or_all_others() {
    let app = spawn_app().await;
    let first = ada(&app).await;
    let second = login_as(&app, "second device").await;
    let third = login_as(&app, "third device").await;
    let (_, bob) = app.signed_up("Bob").await;

    let listed = sessions(&app, &first.access).await;
    assert_eq!(listed.len(), 3);
    let current: Vec<&Value> = listed.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["user_agent"], "first device");
    for session in &listed {
        assert_eq!(session["client_address"], "127.0.0.1");
        assert!(session["created_at"].is_string() && session["last_used_at"].is_string());
    }
    let second_id = listed
        .iter()
        .find(|s| s["user_agent"] == "second device")
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    // Bob cannot end Ada's session, nor see it.
    let path = format!("/users/me/sessions/{second_id}");
    problem(delete(&app, &path, &bob).await, StatusCode::NOT_FOUND).await;
    assert_eq!(sessions(&app, &bob).await.len(), 1);
    assert_eq!(status_of_me(&app, &second.access).await, StatusCode::OK);

    assert_eq!(
        delete(&app, &path, &first.access).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        status_of_me(&app, &second.access).await,
        StatusCode::UNAUTHORIZED
    );
    problem(
        delete(&app, &path, &first.access).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    assert_eq!(
        delete(&app, "/users/me/sessions", &first.access)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        status_of_me(&app, &third.access).await,
        StatusCode::UNAUTHORIZED
    );
    problem(
        refresh(&app, &third.refresh).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(status_of_me(&app, &first.access).await, StatusCode::OK);
    assert_eq!(sessions(&app, &first.access).await.len(), 1);
    assert_eq!(status_of_me(&app, &bob).await, StatusCode::OK);
}

#[tokio::test]
async fn a_password_change_ends_every_other_session() {
    let app = spawn_app().await;
    let here = ada(&app).await;
    let elsewhere = login_as(&app, "stolen laptop").await;

    let renamed = app
        .client
        .patch(app.url("/users/me"))
        .bearer_auth(&elsewhere.access)
        .json(&json!({"name": "Ada L."}))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), StatusCode::OK, "a rename revokes nothing");
    assert_eq!(status_of_me(&app, &here.access).await, StatusCode::OK);

    let changed = app
        .client
        .patch(app.url("/users/me"))
        .bearer_auth(&here.access)
        .json(&json!({"password": "a new horse", "current_password": "correct horse"}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(status_of_me(&app, &here.access).await, StatusCode::OK);
    assert_eq!(
        status_of_me(&app, &elsewhere.access).await,
        StatusCode::UNAUTHORIZED
    );
    problem(
        refresh(&app, &elsewhere.refresh).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let posted = app
        .post_json(
            "/posts",
            &json!({"title": "Still here?", "content": "no"}),
            Some(&elsewhere.access),
        )
        .await;
    problem(posted, StatusCode::UNAUTHORIZED).await;
    assert!(refresh(&app, &here.refresh).await.status().is_success());
}

#[tokio::test]
async fn deleting_the_account_ends_every_session() {
    let app = spawn_app().await;
    let here = ada(&app).await;
    let elsewhere = login_as(&app, "second device").await;
    assert_eq!(
        app.delete_me(&here.access, "correct horse").await.status(),
        StatusCode::NO_CONTENT
    );
    for pair in [&here, &elsewhere] {
        assert_eq!(
            status_of_me(&app, &pair.access).await,
            StatusCode::UNAUTHORIZED
        );
        problem(refresh(&app, &pair.refresh).await, StatusCode::UNAUTHORIZED).await;
    }
}
