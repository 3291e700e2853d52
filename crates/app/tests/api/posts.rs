use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, body, problem, spawn_app};

async fn create(app: &TestApp, token: &str, post: Value) -> Value {
    let response = app.post_json("/posts", &post, Some(token)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let post = body(response).await;
    assert_eq!(location, format!("/posts/{}", post["id"]));
    post
}

/// The titles of the page at `path`, which must answer 200.
pub(crate) async fn titles(app: &TestApp, path: &str, token: Option<&str>) -> Vec<String> {
    let response = app.get(path, token).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    body(response).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn create_returns_the_full_post_shape() {
    let app = spawn_app().await;
    let (ada, token) = app.signed_up("Ada").await;
    let post = create(
        &app,
        &token,
        json!({"title": " Hello ", "content": "World"}),
    )
    .await;
    assert_eq!(post["title"], "Hello");
    assert_eq!(post["content"], "World");
    assert_eq!(post["published"], true);
    assert_eq!(post["author"], json!({"id": ada, "name": "Ada"}));
    assert_eq!(post["like_count"], 0);
    assert_eq!(post["liked_by_me"], false);
    assert_eq!(post["created_at"], post["updated_at"]);
    assert!(post["created_at"].as_str().unwrap().ends_with('Z'));

    let fetched = app.get(&format!("/posts/{}", post["id"]), None).await;
    assert_eq!(fetched.status(), StatusCode::OK);
    assert_eq!(body(fetched).await, post);
}

#[tokio::test]
async fn invalid_posts_are_422_and_store_nothing() {
    let app = spawn_app().await;
    let (_, token) = app.signed_up("Ada").await;
    let invalid = app
        .post_json(
            "/posts",
            &json!({"title": "", "content": "x".repeat(10_001)}),
            Some(&token),
        )
        .await;
    let invalid = problem(invalid, StatusCode::UNPROCESSABLE_ENTITY).await;
    let fields: Vec<&str> = invalid["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["title", "content"]);
    // PostgreSQL's text cannot hold NUL: refused before it gets there.
    let nul = app
        .post_json(
            "/posts",
            &json!({"title": "a\u{0}b", "content": "c"}),
            Some(&token),
        )
        .await;
    problem(nul, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        titles(&app, "/posts", None).await.is_empty(),
        "nothing was stored"
    );
}

#[tokio::test]
async fn drafts_are_visible_only_to_their_author_everywhere() {
    let app = spawn_app().await;
    let (ada, ada_token) = app.signed_up("Ada").await;
    let (_, bob_token) = app.signed_up("Bob").await;
    create(&app, &ada_token, json!({"title": "public", "content": "c"})).await;
    let draft = create(
        &app,
        &ada_token,
        json!({"title": "draft", "content": "c", "published": false}),
    )
    .await;
    let draft_path = format!("/posts/{}", draft["id"]);

    assert_eq!(
        app.get(&draft_path, Some(&ada_token)).await.status(),
        StatusCode::OK
    );
    problem(
        app.get(&draft_path, Some(&bob_token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(app.get(&draft_path, None).await, StatusCode::NOT_FOUND).await;

    assert_eq!(titles(&app, "/posts", Some(&ada_token)).await, ["public"]);
    let own = format!("/users/{ada}/posts");
    assert_eq!(
        titles(&app, &own, Some(&ada_token)).await,
        ["draft", "public"]
    );
    assert_eq!(titles(&app, &own, Some(&bob_token)).await, ["public"]);
    assert_eq!(titles(&app, &own, None).await, ["public"]);

    let profile = body(app.get(&format!("/users/{ada}"), None).await).await;
    assert_eq!(profile["post_count"], 1, "drafts are not counted");

    let like = app
        .client
        .put(app.url(&format!("{draft_path}/like")))
        .bearer_auth(&bob_token)
        .send()
        .await
        .unwrap();
    problem(like, StatusCode::NOT_FOUND).await;
    problem(
        app.get(&format!("{draft_path}/likes"), Some(&bob_token))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let edit = app
        .client
        .patch(app.url(&draft_path))
        .bearer_auth(&bob_token)
        .json(&json!({"title": "mine"}))
        .send()
        .await
        .unwrap();
    problem(edit, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn only_the_owner_may_change_or_delete() {
    let app = spawn_app().await;
    let (_, ada_token) = app.signed_up("Ada").await;
    let (_, bob_token) = app.signed_up("Bob").await;
    let post = create(&app, &ada_token, json!({"title": "t", "content": "c"})).await;
    let path = app.url(&format!("/posts/{}", post["id"]));

    let put = app
        .client
        .put(&path)
        .bearer_auth(&bob_token)
        .json(&json!({"title": "x", "content": "y", "published": true}))
        .send()
        .await
        .unwrap();
    problem(put, StatusCode::FORBIDDEN).await;
    let patch = app
        .client
        .patch(&path)
        .bearer_auth(&bob_token)
        .json(&json!({"title": "x"}))
        .send()
        .await
        .unwrap();
    problem(patch, StatusCode::FORBIDDEN).await;
    let delete = app
        .client
        .delete(&path)
        .bearer_auth(&bob_token)
        .send()
        .await
        .unwrap();
    problem(delete, StatusCode::FORBIDDEN).await;
    let anonymous = app.client.delete(&path).send().await.unwrap();
    problem(anonymous, StatusCode::UNAUTHORIZED).await;

    let unchanged = body(app.get(&format!("/posts/{}", post["id"]), None).await).await;
    assert_eq!(unchanged, post);
}

#[tokio::test]
async fn put_replaces_everything_patch_changes_a_subset_and_updated_at_moves() {
    let app = spawn_app().await;
    let (_, token) = app.signed_up("Ada").await;
    let post = create(&app, &token, json!({"title": "t", "content": "c"})).await;
    let path = app.url(&format!("/posts/{}", post["id"]));

    let incomplete = app
        .client
        .put(&path)
        .bearer_auth(&token)
        .json(&json!({"title": "x", "content": "y"}))
        .send()
        .await
        .unwrap();
    problem(incomplete, StatusCode::UNPROCESSABLE_ENTITY).await;

    let put = app
        .client
        .put(&path)
        .bearer_auth(&token)
        .json(&json!({"title": "T2", "content": "C2", "published": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), StatusCode::OK);
    let replaced = body(put).await;
    assert_eq!(
        (
            replaced["title"].as_str(),
            replaced["content"].as_str(),
            replaced["published"].as_bool()
        ),
        (Some("T2"), Some("C2"), Some(false))
    );
    assert_eq!(replaced["created_at"], post["created_at"]);
    assert!(replaced["updated_at"].as_str() > post["updated_at"].as_str());

    let patch = app
        .client
        .patch(&path)
        .bearer_auth(&token)
        .json(&json!({"published": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status(), StatusCode::OK);
    let patched = body(patch).await;
    assert_eq!(patched["title"], "T2");
    assert_eq!(patched["published"], true);
    assert!(patched["updated_at"].as_str() > replaced["updated_at"].as_str());

    let bad = app
        .client
        .patch(&path)
        .bearer_auth(&token)
        .json(&json!({"title": ""}))
        .send()
        .await
        .unwrap();
    problem(bad, StatusCode::UNPROCESSABLE_ENTITY).await;
}

#[tokio::test]
async fn delete_is_204_then_404() {
    let app = spawn_app().await;
    let (_, token) = app.signed_up("Ada").await;
    let post = create(&app, &token, json!({"title": "t", "content": "c"})).await;
    let path = app.url(&format!("/posts/{}", post["id"]));
    assert_eq!(
        app.client
            .delete(&path)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    problem(
        app.client
            .delete(&path)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        app.get(&format!("/posts/{}", post["id"]), None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(app.get("/posts/999999", None).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn paging_7_posts_3_at_a_time_while_one_is_inserted_skips_and_repeats_nothing() {
    let app = spawn_app().await;
    let (_, token) = app.signed_up("Ada").await;
    for n in 1..=7 {
        create(
            &app,
            &token,
            json!({"title": format!("post {n}"), "content": "c"}),
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut path = "/posts?limit=3".to_owned();
    let mut pages = 0;
    loop {
        let page = body(app.get(&path, None).await).await;
        pages += 1;
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["title"].as_str().unwrap().to_owned()),
        );
        if pages == 1 {
            create(
                &app,
                &token,
                json!({"title": "inserted mid-way", "content": "c"}),
            )
            .await;
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/posts?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let expected: Vec<String> = (1..=7).rev().map(|n| format!("post {n}")).collect();
    assert_eq!(seen, expected);
    assert_eq!(
        titles(&app, "/posts?limit=1", None).await,
        ["inserted mid-way"]
    );
}

#[tokio::test]
async fn search_matches_title_or_content_case_insensitively_and_literally() {
    let app = spawn_app().await;
    let (ada, token) = app.signed_up("Ada").await;
    let (bob, bob_token) = app.signed_up("Bob").await;
    for (title, content) in [
        ("Fifty percent", "50% off"),
        ("Five hundred", "500 off"),
        ("snake_case", "x"),
        ("snakeXcase", "x"),
        ("quotes", "it's \"quoted\""),
        ("path", r"C:\temp\new"),
        ("other", "MiXeD Case body"),
    ] {
        create(&app, &token, json!({"title": title, "content": content})).await;
    }
    create(
        &app,
        &bob_token,
        json!({"title": "bob's mixed", "content": "x"}),
    )
    .await;
    let search = |term: &str| {
        let query: String = url_encode(term);
        format!("/posts?search={query}")
    };
    assert_eq!(
        titles(&app, &search("50% o"), None).await,
        ["Fifty percent"]
    );
    for too_short in ["50", "%%%", "_ _"] {
        let body = problem(
            app.get(&search(too_short), None).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(body["errors"][0]["field"], "search", "{too_short:?}");
    }
    assert_eq!(titles(&app, &search("snake_"), None).await, ["snake_case"]);
    assert_eq!(titles(&app, &search("it's \"q"), None).await, ["quotes"]);
    assert_eq!(titles(&app, &search(r"C:\temp"), None).await, ["path"]);
    assert_eq!(
        titles(&app, &search("mixed"), None).await,
        ["bob's mixed", "other"]
    );
    assert_eq!(
        titles(&app, &format!("{}&author_id={ada}", search("mixed")), None).await,
        ["other"]
    );
    assert_eq!(
        titles(&app, &format!("{}&author_id={bob}", search("mixed")), None).await,
        ["bob's mixed"]
    );
    problem(
        app.get(&search(&"x".repeat(201)), None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn posts_of_an_unknown_user_are_404() {
    let app = spawn_app().await;
    problem(
        app.get("/users/999999/posts", None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn reading_routes_serve_anonymous_callers_but_refuse_a_bad_token() {
    let app = spawn_app().await;
    let (ada, token) = app.signed_up("Ada").await;
    let post = create(&app, &token, json!({"title": "t", "content": "c"})).await;
    let id = &post["id"];
    for path in [
        "/posts".to_owned(),
        format!("/posts/{id}"),
        format!("/posts/{id}/likes"),
        format!("/users/{ada}/posts"),
    ] {
        assert_eq!(
            app.get(&path, None).await.status(),
            StatusCode::OK,
            "{path}"
        );
        let forged = app.get(&path, Some("not.a.token")).await;
        assert_eq!(forged.headers()["www-authenticate"], "Bearer", "{path}");
        problem(forged, StatusCode::UNAUTHORIZED).await;
    }
}
