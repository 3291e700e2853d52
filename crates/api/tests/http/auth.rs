//! Bearer tokens on protected and optional-auth routes.

use actix_web::{
    http::{StatusCode, header::WWW_AUTHENTICATE},
    test::TestRequest,
};
use domain::DomainError;

use super::support::{Mocks, TOKEN, ada, bearer, json, post, problem, send};

#[actix_web::test]
async fn a_valid_token_reaches_the_handler_as_its_user() {
    let mocks = Mocks::default().signed_in(ada());
    let request = TestRequest::get().uri("/users/me").insert_header(bearer());
    let body = json(send(mocks, request).await, StatusCode::OK).await;
    assert_eq!(body["id"], 7);
    assert_eq!(body["email"], "ada@example.com");
}

#[actix_web::test]
async fn a_bad_token_or_another_scheme_is_a_401() {
    for header in [
        "Bearer forged".to_owned(),
        format!("Basic {TOKEN}"),
        "Bearer".to_owned(),
        "Bearer    ".to_owned(),
        TOKEN.to_owned(),
    ] {
        let mocks = Mocks::default().signed_in(ada());
        let request = TestRequest::get()
            .uri("/users/me")
            .insert_header(("Authorization", header.as_str()));
        let response = send(mocks, request).await;
        assert_eq!(response.headers().get(WWW_AUTHENTICATE).unwrap(), "Bearer");
        problem(response, StatusCode::UNAUTHORIZED).await;
    }
}

#[actix_web::test]
async fn the_token_of_a_deleted_user_or_revoked_session_is_a_401() {
    let mut mocks = Mocks::default();
    mocks.tokens.expect_verify().returning(|_| {
        Ok(domain::TokenClaims {
            user: domain::UserId::new(7),
            session: domain::SessionId::new(3),
        })
    });
    mocks.sessions.expect_caller().returning(|_, _| Ok(None));
    let request = TestRequest::get().uri("/users/me").insert_header(bearer());
    problem(send(mocks, request).await, StatusCode::UNAUTHORIZED).await;
}

#[actix_web::test]
async fn optional_auth_reads_anonymously_without_a_header() {
    let mut mocks = Mocks::default();
    let ada = ada();
    mocks
        .posts
        .expect_find()
        .withf(|_, viewer| viewer.is_none())
        .returning(move |_, _| Ok(Some(post(1, &ada, true))));
    let body = json(
        send(mocks, TestRequest::get().uri("/posts/1")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["liked_by_me"], false);
}

#[actix_web::test]
async fn optional_auth_still_refuses_a_bad_token() {
    let mut mocks = Mocks::default();
    mocks
        .tokens
        .expect_verify()
        .returning(|_| Err(DomainError::InvalidToken));
    mocks.posts.expect_find().never();
    let request = TestRequest::get()
        .uri("/posts/1")
        .insert_header(("Authorization", "Bearer expired"));
    let response = send(mocks, request).await;
    assert_eq!(response.headers().get(WWW_AUTHENTICATE).unwrap(), "Bearer");
    problem(response, StatusCode::UNAUTHORIZED).await;
}

#[actix_web::test]
async fn optional_auth_passes_the_viewer_on() {
    let ada = ada();
    let mut mocks = Mocks::default().claimed(ada.id);
    mocks.sessions.expect_caller().never();
    mocks.posts.expect_find().never();
    mocks
        .posts
        .expect_find_for_session()
        .withf(|_, claims| claims.user == domain::UserId::new(7))
        .returning(move |_, _| {
            let mut view = post(1, &ada, false);
            view.liked_by_me = true;
            Ok(Some(Some(view)))
        });
    let request = TestRequest::get().uri("/posts/1").insert_header(bearer());
    let body = json(send(mocks, request).await, StatusCode::OK).await;
    assert_eq!(body["liked_by_me"], true);
    assert_eq!(body["published"], false);
}
