//! Like routes.

use actix_web::{http::StatusCode, test::TestRequest};
use domain::{Author, LikeWrite, Liker, Page, PostId, UserId};
use serde_json::json;

use super::support::{Mocks, SESSION, ada, at, bearer, json, post, problem, send};

/// A like is the store's write alone: no caller lookup, no read of the
/// post first.
fn claimed_without_reads() -> Mocks {
    let mut mocks = Mocks::default().claimed(UserId::new(7));
    mocks.sessions.expect_caller().never();
    mocks.posts.expect_find().never();
    mocks.posts.expect_find_for_session().never();
    mocks
}

#[actix_web::test]
async fn liking_returns_the_new_count() {
    let mut mocks = claimed_without_reads();
    mocks
        .likes
        .expect_like()
        .withf(|claims, post| {
            claims.user == UserId::new(7) && claims.session == SESSION && *post == PostId::new(3)
        })
        .returning(|_, _| Ok(LikeWrite::Counted(4)));
    let request = TestRequest::put()
        .uri("/posts/3/like")
        .insert_header(bearer());
    let body = json(send(mocks, request).await, StatusCode::OK).await;
    assert_eq!(body, json!({"post_id": 3, "like_count": 4, "liked": true}));
}

#[actix_web::test]
async fn unliking_returns_the_new_count() {
    let mut mocks = claimed_without_reads();
    mocks
        .likes
        .expect_unlike()
        .returning(|_, _| Ok(LikeWrite::Counted(0)));
    let request = TestRequest::delete()
        .uri("/posts/3/like")
        .insert_header(bearer());
    let body = json(send(mocks, request).await, StatusCode::OK).await;
    assert_eq!(body, json!({"post_id": 3, "like_count": 0, "liked": false}));
}

/// What the store refuses: no post to like is a 404, an ended session a
/// 401 with its challenge.
#[actix_web::test]
async fn a_refused_like_is_a_404_or_a_401() {
    for (refused, status) in [
        (LikeWrite::NoPost, StatusCode::NOT_FOUND),
        (LikeWrite::SessionEnded, StatusCode::UNAUTHORIZED),
    ] {
        let mut mocks = claimed_without_reads();
        mocks.likes.expect_like().returning(move |_, _| Ok(refused));
        let request = TestRequest::put()
            .uri("/posts/3/like")
            .insert_header(bearer());
        problem(send(mocks, request).await, status).await;
    }
}

#[actix_web::test]
async fn liking_needs_a_token() {
    let mut mocks = Mocks::default();
    mocks.likes.expect_like().never();
    let request = TestRequest::put().uri("/posts/3/like");
    problem(send(mocks, request).await, StatusCode::UNAUTHORIZED).await;
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
