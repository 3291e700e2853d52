//! User routes.

use actix_web::{
    http::{StatusCode, header::LOCATION},
    test::TestRequest,
};
use domain::{Page, PasswordHash, UserId, UserName, UserProfile};
use serde_json::json;

use super::support::{Mocks, ada, at, bearer, fields, json, post, problem, send};

#[actix_web::test]
async fn registering_is_a_201_with_location_and_no_password() {
    let mut mocks = Mocks::default();
    mocks
        .hasher
        .expect_hash()
        .returning(|_| Ok(PasswordHash::new("hash")));
    mocks.users.expect_insert().returning(|_| Ok(ada()));
    let request = TestRequest::post().uri("/users").set_json(json!({
        "name": "Ada",
        "email": "ada@example.com",
        "password": "sturdy-pass-1",
    }));
    let response = send(mocks, request).await;
    assert_eq!(response.headers().get(LOCATION).unwrap(), "/users/7");
    let body = json(response, StatusCode::CREATED).await;
    assert_eq!(
        body,
        json!({"id": 7, "name": "Ada", "email": "ada@example.com", "created_at": "2025-11-26T12:00:00.000000Z"})
    );
}

#[actix_web::test]
async fn a_profile_shows_no_email() {
    let mut mocks = Mocks::default();
    mocks.users.expect_profile().returning(|id| {
        Ok(Some(UserProfile {
            id,
            name: UserName::parse("Bob").unwrap(),
            created_at: at(0),
            post_count: 2,
        }))
    });
    let body = json(
        send(mocks, TestRequest::get().uri("/users/8")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        body,
        json!({"id": 8, "name": "Bob", "created_at": "1970-01-01T00:00:00.000000Z", "post_count": 2})
    );
}

#[actix_web::test]
async fn an_unknown_user_is_a_404() {
    let mut mocks = Mocks::default();
    mocks.users.expect_profile().returning(|_| Ok(None));
    problem(
        send(mocks, TestRequest::get().uri("/users/8")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[actix_web::test]
async fn ones_own_posts_include_drafts() {
    let author = ada();
    let mut mocks = Mocks::default().claimed(author.id);
    mocks.sessions.expect_caller().never();
    mocks.users.expect_find_by_id().never();
    mocks.posts.expect_list().never();
    mocks
        .posts
        .expect_list_for_session()
        .withf(|filter, claims, _| {
            filter.author_id == Some(UserId::new(7))
                && filter.include_drafts
                && claims.user == UserId::new(7)
        })
        .returning(move |_, _, _| {
            Ok(Some(Page {
                items: vec![post(3, &author, false)],
                next_cursor: None,
            }))
        });
    let request = TestRequest::get()
        .uri("/users/7/posts")
        .insert_header(bearer());
    let body = json(send(mocks, request).await, StatusCode::OK).await;
    assert_eq!(body["items"][0]["published"], false);
}

#[actix_web::test]
async fn a_new_password_needs_the_current_one() {
    let mocks = Mocks::default().signed_in(ada());
    let request = TestRequest::patch()
        .uri("/users/me")
        .insert_header(bearer())
        .set_json(json!({"password": "new password"}));
    let body = problem(send(mocks, request).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["current_password"]);
}

#[actix_web::test]
async fn a_wrong_current_password_is_a_422_on_that_field() {
    let mut mocks = Mocks::default().signed_in(ada());
    mocks.hasher.expect_verify().returning(|_, _| Ok(false));
    mocks.users.expect_update().never();
    let request = TestRequest::patch()
        .uri("/users/me")
        .insert_header(bearer())
        .set_json(json!({"password": "new password", "current_password": "wrong"}));
    let body = problem(send(mocks, request).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["current_password"]);
    assert_eq!(body["errors"][0]["message"], "is incorrect");
}

#[actix_web::test]
async fn renaming_oneself_returns_the_account() {
    let mut mocks = Mocks::default().signed_in(ada());
    mocks
        .users
        .expect_update()
        .withf(|_, changes| changes.name.as_ref().map(UserName::as_str) == Some("Ada L."))
        .returning(|_, _| {
            let mut renamed = ada();
            renamed.name = UserName::parse("Ada L.").unwrap();
            Ok(Some(renamed))
        });
    let request = TestRequest::patch()
        .uri("/users/me")
        .insert_header(bearer())
        .set_json(json!({"name": "Ada L."}));
    let body = json(send(mocks, request).await, StatusCode::OK).await;
    assert_eq!(body["name"], "Ada L.");
}

#[actix_web::test]
async fn deleting_oneself_with_the_password_is_a_204() {
    let mut mocks = Mocks::default().signed_in(ada());
    mocks.users.expect_delete().times(1).returning(|_| Ok(true));
    mocks
        .hasher
        .expect_verify()
        .returning(|candidate, _| Ok(candidate == "right password"));
    let request = TestRequest::delete()
        .uri("/users/me")
        .insert_header(bearer())
        .set_json(json!({"current_password": "right password"}));
    assert_eq!(send(mocks, request).await.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn deleting_oneself_without_the_password_is_a_422_and_deletes_nothing() {
    let mut mocks = Mocks::default().signed_in(ada());
    mocks.users.expect_delete().never();
    let request = TestRequest::delete()
        .uri("/users/me")
        .insert_header(bearer())
        .set_json(json!({}));
    let body = problem(send(mocks, request).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["current_password"]);
}
