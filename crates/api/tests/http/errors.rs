//! Every error class: status, problem+json body, and the headers that go with it.

use actix_web::{
    http::{
        StatusCode,
        header::{ALLOW, CONTENT_TYPE, WWW_AUTHENTICATE},
    },
    test::TestRequest,
};
use domain::DomainError;
use serde_json::json;

use super::support::{Mocks, ada, bearer, fields, post, problem, send, user};

#[actix_web::test]
async fn an_unknown_route_is_a_404_problem() {
    let response = send(Mocks::default(), TestRequest::get().uri("/nowhere")).await;
    problem(response, StatusCode::NOT_FOUND).await;
}

#[actix_web::test]
async fn a_known_path_with_another_method_is_a_405_with_allow() {
    let response = send(Mocks::default(), TestRequest::delete().uri("/posts")).await;
    assert_eq!(response.headers().get(ALLOW).unwrap(), "GET, POST");
    problem(response, StatusCode::METHOD_NOT_ALLOWED).await;

    let response = send(Mocks::default(), TestRequest::post().uri("/posts/1")).await;
    assert_eq!(
        response.headers().get(ALLOW).unwrap(),
        "GET, PUT, PATCH, DELETE"
    );
    problem(response, StatusCode::METHOD_NOT_ALLOWED).await;
}

#[actix_web::test]
async fn a_path_id_that_is_not_an_integer_is_a_404() {
    for uri in [
        "/posts/abc",
        "/users/1.5",
        "/posts/99999999999999999999/likes",
    ] {
        let response = send(Mocks::default(), TestRequest::get().uri(uri)).await;
        problem(response, StatusCode::NOT_FOUND).await;
    }
}

#[actix_web::test]
async fn malformed_json_is_a_400() {
    for body in [
        "{",
        "",
        "{\"name\": \"Ada\",}",
        "{\"name\": \"Ada\"",
        "not json",
    ] {
        let request = TestRequest::post()
            .uri("/users")
            .insert_header((CONTENT_TYPE, "application/json"))
            .set_payload(body);
        let response = send(Mocks::default(), request).await;
        problem(response, StatusCode::BAD_REQUEST).await;
    }
}

#[actix_web::test]
async fn a_body_that_is_not_json_is_a_415() {
    let request = TestRequest::post()
        .uri("/users")
        .insert_header((CONTENT_TYPE, "text/plain"))
        .set_payload(r#"{"name":"Ada","email":"ada@example.com","password":"sturdy-pass-1"}"#);
    problem(
        send(Mocks::default(), request).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    )
    .await;

    let request = TestRequest::post()
        .uri("/users")
        .set_payload(r#"{"name":"Ada","email":"ada@example.com","password":"sturdy-pass-1"}"#);
    problem(
        send(Mocks::default(), request).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    )
    .await;
}

#[actix_web::test]
async fn a_body_over_64_kib_is_a_413() {
    let request = TestRequest::post().uri("/users").set_json(json!({
        "name": "Ada",
        "email": "ada@example.com",
        "password": "x".repeat(70 * 1024),
    }));
    problem(
        send(Mocks::default(), request).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
}

#[actix_web::test]
async fn a_missing_field_is_a_422_naming_it() {
    let request = TestRequest::post()
        .uri("/users")
        .set_json(json!({"name": "Ada", "password": "sturdy-pass-1"}));
    let body = problem(
        send(Mocks::default(), request).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&body), ["email"]);
}

#[actix_web::test]
async fn a_wrong_json_type_is_a_422() {
    let request = TestRequest::post()
        .uri("/users")
        .set_json(json!({"name": 5, "email": "ada@example.com", "password": "sturdy-pass-1"}));
    let body = problem(
        send(Mocks::default(), request).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&body), ["body"]);
}

#[actix_web::test]
async fn broken_rules_are_a_422_listing_every_field() {
    let request = TestRequest::post().uri("/users").set_json(json!({
        "name": " ",
        "email": "not-an-email",
        "password": "short",
    }));
    let body = problem(
        send(Mocks::default(), request).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&body), ["name", "email", "password"]);
}

/// The documented limits count the text as sent, whitespace around it included.
#[actix_web::test]
async fn a_name_title_or_search_over_its_limit_is_a_422_even_when_padded() {
    let request = TestRequest::post().uri("/users").set_json(json!({
        "name": format!(" {} ", "a".repeat(50)),
        "email": "ada@example.com",
        "password": "correct horse",
    }));
    let response = send(Mocks::default(), request).await;
    let body = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["name"]);

    let request = TestRequest::post()
        .uri("/posts")
        .insert_header(bearer())
        .set_json(json!({"title": format!("{}\n", "t".repeat(200)), "content": "x"}));
    let response = send(Mocks::default().signed_in(ada()), request).await;
    let body = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["title"]);

    let uri = format!("/posts?search=%20{}", "s".repeat(200));
    let response = send(Mocks::default(), TestRequest::get().uri(&uri)).await;
    let body = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["search"]);
}

#[actix_web::test]
async fn bad_query_values_are_a_422_naming_them() {
    let response = send(
        Mocks::default(),
        TestRequest::get().uri("/posts?limit=abc&cursor=forged&author_id=x"),
    )
    .await;
    let body = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["limit", "cursor", "author_id"]);

    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("cursor=7631", "cursor"),
    ] {
        let uri = format!("/posts?{query}");
        let response = send(Mocks::default(), TestRequest::get().uri(&uri)).await;
        let body = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(fields(&body), [field], "{query}");
    }
}

#[actix_web::test]
async fn a_repeated_query_parameter_is_a_400() {
    let response = send(
        Mocks::default(),
        TestRequest::get().uri("/posts?limit=1&limit=2"),
    )
    .await;
    problem(response, StatusCode::BAD_REQUEST).await;
}

#[actix_web::test]
async fn an_unauthenticated_call_is_a_401_with_www_authenticate() {
    let response = send(Mocks::default(), TestRequest::get().uri("/users/me")).await;
    assert_eq!(response.headers().get(WWW_AUTHENTICATE).unwrap(), "Bearer");
    problem(response, StatusCode::UNAUTHORIZED).await;
}

#[actix_web::test]
async fn a_taken_email_is_a_409() {
    let mut mocks = Mocks::default();
    mocks
        .hasher
        .expect_hash()
        .returning(|_| Ok(domain::PasswordHash::new("h")));
    mocks
        .users
        .expect_insert()
        .returning(|_| Err(DomainError::EmailTaken));
    let request = TestRequest::post().uri("/users").set_json(json!({
        "name": "Ada",
        "email": "ada@example.com",
        "password": "sturdy-pass-1",
    }));
    problem(send(mocks, request).await, StatusCode::CONFLICT).await;
}

#[actix_web::test]
async fn changing_someone_elses_post_is_a_403() {
    let mut mocks = Mocks::default().signed_in(ada());
    let bob = user(8, "Bob");
    mocks
        .posts
        .expect_find()
        .returning(move |_, _| Ok(Some(post(1, &bob, true))));
    mocks.posts.expect_update().never();
    let request = TestRequest::patch()
        .uri("/posts/1")
        .insert_header(bearer())
        .set_json(json!({"title": "Mine now"}));
    problem(send(mocks, request).await, StatusCode::FORBIDDEN).await;
}

#[actix_web::test]
async fn a_missing_post_is_a_404() {
    let mut mocks = Mocks::default();
    mocks.posts.expect_find().returning(|_, _| Ok(None));
    let response = send(mocks, TestRequest::get().uri("/posts/99")).await;
    let body = problem(response, StatusCode::NOT_FOUND).await;
    assert_eq!(body["detail"], "post not found");
}

#[actix_web::test]
async fn unreachable_storage_is_a_503() {
    let mut mocks = Mocks::default();
    mocks
        .posts
        .expect_list()
        .returning(|_, _, _| Err(DomainError::Unavailable("pool timed out".into())));
    let response = send(mocks, TestRequest::get().uri("/posts")).await;
    let body = problem(response, StatusCode::SERVICE_UNAVAILABLE).await;
    assert!(!body.to_string().contains("pool"), "{body}");
}

#[actix_web::test]
async fn an_unexpected_error_is_a_500_that_reveals_nothing() {
    let mut mocks = Mocks::default();
    mocks.posts.expect_find().returning(|_, _| {
        Err(DomainError::unexpected(
            "relation \"posts\" does not exist; password=hunter2",
        ))
    });
    let response = send(mocks, TestRequest::get().uri("/posts/1")).await;
    let body = problem(response, StatusCode::INTERNAL_SERVER_ERROR).await;
    let text = body.to_string();
    for secret in ["relation", "hunter2"] {
        assert!(!text.contains(secret), "{text}");
    }
    assert_eq!(body["detail"], "an unexpected error occurred");
}
