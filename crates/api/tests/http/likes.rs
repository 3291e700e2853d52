//! Like routes.

use actix_web::{http::StatusCode, test::TestRequest};
use domain::{Author, Liker, Page, PostId, UserId};
use serde_json::json;

use super::support::{Mocks, ada, at, bearer, json, post, problem, send, user};

#[actix_web::test]
async fn liking_returns_the_new_count() {
    let mut mocks = Mocks::default().signed_in(ada());
    let bob = user(8, "Bob");
    mocks
        .posts
        .expect_find()
        .returning(move |_, _| Ok(Some(post(3, &bob, true))));
    mocks
        .likes
        .expect_like()
        .withf(|user, post| *user == UserId::new(7) && *post == PostId::new(3))
        .returning(|_, _| Ok(4));
    let request = TestRequest::put()
        .uri("/posts/3/like")
        .insert_header(bearer());
    let body = json(send(mocks, request).await, StatusCode::OK).await;
    assert_eq!(body, json!({"post_id": 3, "like_count": 4, "liked": true}));
}

#[actix_web::test]
async fn unliking_returns_the_new_count() {
    let mut mocks = Mocks::default().signed_in(ada());
    let bob = user(8, "Bob");
    mocks
        .posts
        .expect_find()
        .returning(move |_, _| Ok(Some(post(3, &bob, true))));
    mocks.likes.expect_unlike().returning(|_, _| Ok(0));
    let request = TestRequest::delete()
        .uri("/posts/3/like")
        .insert_header(bearer());
    let body = json(send(mocks, request).await, StatusCode::OK).await;
    assert_eq!(body, json!({"post_id": 3, "like_count": 0, "liked": false}));
}

#[actix_web::test]
async fn liking_someone_elses_draft_is_a_404() {
    let mut mocks = Mocks::default().signed_in(ada());
    let bob = user(8, "Bob");
    mocks
        .posts
        .expect_find()
        .returning(move |_, _| Ok(Some(post(3, &bob, false))));
    mocks.likes.expect_like().never();
    let request = TestRequest::put()
        .uri("/posts/3/like")
        .insert_header(bearer());
    problem(send(mocks, request).await, StatusCode::NOT_FOUND).await;
}

#[actix_web::test]
async fn likers_are_listed_with_name_and_time() {
    let mut mocks = Mocks::default();
    let ada = ada();
    mocks
        .posts
        .expect_find()
        .returning(move |_, _| Ok(Some(post(3, &ada, true))));
    mocks
        .likes
        .expect_likers()
        .withf(|_, page| page.limit.get() == 2)
        .returning(|_, _| {
            Ok(Page {
                items: vec![Liker {
                    user: Author {
                        id: UserId::new(8),
                        name: domain::UserName::parse("Bob").unwrap(),
                    },
                    liked_at: at(1_764_158_400_000_000),
                }],
                next_cursor: None,
            })
        });
    let response = send(mocks, TestRequest::get().uri("/posts/3/likes?limit=2")).await;
    let body = json(response, StatusCode::OK).await;
    assert_eq!(
        body,
        json!({
            "items": [{"user": {"id": 8, "name": "Bob"}, "liked_at": "2025-11-26T12:00:00.000000Z"}],
            "next_cursor": null,
        })
    );
}
