//! Post routes: shapes, defaults, and what reaches the use cases.

use actix_web::{
    http::{
        StatusCode,
        header::{CONTENT_TYPE, LOCATION},
    },
    test::TestRequest,
};
use domain::{Cursor, Page, PostId, UserId};
use serde_json::json;

use super::support::{Mocks, SESSION, ada, at, bearer, fields, json, post, problem, send};

#[actix_web::test]
async fn a_post_reads_as_the_contract_says() {
    let mut mocks = Mocks::default();
    let ada = ada();
    mocks
        .posts
        .expect_find()
        .returning(move |_, _| Ok(Some(post(1, &ada, true))));
    let body = json(
        send(mocks, TestRequest::get().uri("/posts/1")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        body,
        json!({
            "id": 1,
            "title": "Hello",
            "content": "First post",
            "published": true,
            "created_at": "2025-11-26T12:00:00.123456Z",
            "updated_at": "2025-11-26T12:00:01.000000Z",
            "author": {"id": 7, "name": "Ada"},
            "like_count": 3,
            "liked_by_me": false,
        })
    );
}

#[actix_web::test]
async fn creating_a_post_is_a_201_with_location_and_published_by_default() {
    let mut mocks = Mocks::default().claimed(UserId::new(7));
    mocks.sessions.expect_caller().never();
    let ada = ada();
    mocks
        .posts
        .expect_insert()
        .withf(|new, session| {
            new.published
                && new.author_id == UserId::new(7)
                && new.title.as_str() == "Hello"
                && *session == SESSION
        })
        .returning(move |_, _| Ok(Some(post(12, &ada, true))));
    let request = TestRequest::post()
        .uri("/posts")
        .insert_header(bearer())
        .set_json(json!({"title": " Hello ", "content": "First post"}));
    let response = send(mocks, request).await;
    assert_eq!(response.headers().get(LOCATION).unwrap(), "/posts/12");
    let body = json(response, StatusCode::CREATED).await;
    assert_eq!(body["id"], 12);
}

#[actix_web::test]
async fn creating_a_post_needs_a_token() {
    let mut mocks = Mocks::default();
    mocks.posts.expect_insert().never();
    let request = TestRequest::post()
        .uri("/posts")
        .set_json(json!({"title": "Hello", "content": "First post"}));
    problem(send(mocks, request).await, StatusCode::UNAUTHORIZED).await;
}

#[actix_web::test]
async fn listing_passes_the_query_on_and_returns_a_cursor() {
    let mut mocks = Mocks::default();
    let ada = ada();
    let after = Cursor {
        created_at: at(5),
        id: 40,
    };
    let next = Cursor {
        created_at: at(4),
        id: 12,
    };
    mocks
        .posts
        .expect_list()
        .withf(move |filter, viewer, page| {
            filter.search.as_deref() == Some("rust")
                && filter.author_id == Some(UserId::new(7))
                && !filter.include_drafts
                && viewer.is_none()
                && page.limit.get() == 5
                && page.after == Some(after)
        })
        .returning(move |_, _, _| {
            Ok(Page {
                items: vec![post(12, &ada, true)],
                next_cursor: Some(next),
            })
        });
    let uri = format!(
        "/posts?limit=5&search=rust&author_id=7&cursor={}",
        api::cursor_token::encode(&after)
    );
    let body = json(
        send(mocks, TestRequest::get().uri(&uri)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["items"][0]["id"], 12);
    assert_eq!(body["next_cursor"], api::cursor_token::encode(&next));
}

#[actix_web::test]
async fn the_last_page_has_a_null_cursor() {
    let mut mocks = Mocks::default();
    mocks
        .posts
        .expect_list()
        .withf(|_, _, page| page.limit.get() == 20 && page.after.is_none())
        .returning(|_, _, _| {
            Ok(Page {
                items: vec![],
                next_cursor: None,
            })
        });
    let response = send(mocks, TestRequest::get().uri("/posts")).await;
    // A page answers for itself (docs/performance.md, finding 34), with the
    // type actix-web's `Json` gave it.
    assert_eq!(
        response.headers().get(CONTENT_TYPE).unwrap(),
        "application/json"
    );
    let body = json(response, StatusCode::OK).await;
    assert_eq!(body, json!({"items": [], "next_cursor": null}));
}

#[actix_web::test]
async fn put_requires_every_field() {
    let mocks = Mocks::default().signed_in(ada());
    let request = TestRequest::put()
        .uri("/posts/1")
        .insert_header(bearer())
        .set_json(json!({"title": "New", "content": "Body"}));
    let body = problem(send(mocks, request).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["published"]);
}

#[actix_web::test]
async fn patch_changes_only_what_is_given() {
    let mut mocks = Mocks::default().signed_in(ada());
    let ada = ada();
    let author = ada.clone();
    mocks
        .posts
        .expect_find()
        .returning(move |_, _| Ok(Some(post(1, &author, true))));
    mocks
        .posts
        .expect_update()
        .withf(|id, changes| {
            *id == PostId::new(1)
                && changes.title.is_none()
                && changes.content.is_none()
                && changes.published == Some(false)
        })
        .returning(move |_, _| Ok(Some(post(1, &ada, false).post)));
    let request = TestRequest::patch()
        .uri("/posts/1")
        .insert_header(bearer())
        .set_json(json!({"published": false}));
    let body = json(send(mocks, request).await, StatusCode::OK).await;
    assert_eq!(body["published"], false);
}

#[actix_web::test]
async fn deleting_ones_post_is_a_204() {
    let mut mocks = Mocks::default().signed_in(ada());
    let ada = ada();
    mocks
        .posts
        .expect_find()
        .returning(move |_, _| Ok(Some(post(1, &ada, true))));
    mocks.posts.expect_delete().returning(|_| Ok(true));
    let request = TestRequest::delete()
        .uri("/posts/1")
        .insert_header(bearer());
    let response = send(mocks, request).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}
