//! `POST /login`: the OAuth2 password form, JSON, and throttling.

use std::net::SocketAddr;

use actix_web::{
    http::{
        StatusCode,
        header::{CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE},
    },
    test::{self, TestRequest},
};
use api::{HttpApp, HttpSettings, LoginThrottleSettings};
use domain::{AccessToken, PasswordHash};
use serde_json::json;

use super::support::{Mocks, ada, fields, json, problem, send};

/// Ada exists with password "right password"; a login issues "the-token".
fn ada_can_log_in() -> Mocks {
    let mut mocks = Mocks::default();
    mocks
        .users
        .expect_find_by_email()
        .withf(|email| email.as_str() == "ada@example.com")
        .returning(|_| Ok(Some(ada())));
    mocks.users.expect_find_by_email().returning(|_| Ok(None));
    mocks
        .hasher
        .expect_dummy_hash()
        .returning(|| PasswordHash::new("dummy"));
    mocks
        .hasher
        .expect_verify()
        .returning(|candidate, hash| Ok(hash.as_str() == "hash" && candidate == "right password"));
    mocks.tokens.expect_issue().returning(|_| {
        Ok(AccessToken {
            token: "the-token".into(),
            expires_in_seconds: 1800,
        })
    });
    mocks
}

/// As browsers and Swagger UI send it, with a charset parameter.
fn form(body: &str) -> TestRequest {
    TestRequest::post()
        .uri("/login")
        .insert_header((
            CONTENT_TYPE,
            "application/x-www-form-urlencoded; charset=UTF-8",
        ))
        .set_payload(body.to_owned())
}

#[actix_web::test]
async fn the_oauth2_password_form_logs_in() {
    let request = form("grant_type=password&username=Ada%40example.com&password=right+password");
    let response = send(ada_can_log_in(), request).await;
    assert_eq!(response.headers().get(CACHE_CONTROL).unwrap(), "no-store");
    let body = json(response, StatusCode::OK).await;
    assert_eq!(
        body,
        json!({"access_token": "the-token", "token_type": "bearer", "expires_in": 1800})
    );
}

#[actix_web::test]
async fn json_credentials_log_in() {
    let request = TestRequest::post()
        .uri("/login")
        .set_json(json!({"email": "ada@example.com", "password": "right password"}));
    let body = json(send(ada_can_log_in(), request).await, StatusCode::OK).await;
    assert_eq!(body["access_token"], "the-token");
}

#[actix_web::test]
async fn wrong_password_and_unknown_email_are_the_same_401() {
    let mut details = Vec::new();
    for body in [
        "username=ada%40example.com&password=wrong",
        "username=nobody%40example.com&password=right+password",
    ] {
        let response = send(ada_can_log_in(), form(body)).await;
        assert_eq!(response.headers().get(WWW_AUTHENTICATE).unwrap(), "Bearer");
        details.push(problem(response, StatusCode::UNAUTHORIZED).await);
    }
    assert_eq!(details[0], details[1]);
}

#[actix_web::test]
async fn other_content_types_are_a_415() {
    let request = TestRequest::post()
        .uri("/login")
        .insert_header((CONTENT_TYPE, "text/plain"))
        .set_payload("ada@example.com:right password");
    problem(
        send(Mocks::default(), request).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    )
    .await;
}

#[actix_web::test]
async fn a_form_without_its_fields_is_a_422() {
    let response = send(Mocks::default(), form("grant_type=password")).await;
    let body = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["username", "password"]);
}

#[actix_web::test]
async fn json_without_a_password_is_a_422() {
    let request = TestRequest::post()
        .uri("/login")
        .set_json(json!({"email": "ada@example.com"}));
    let body = problem(
        send(Mocks::default(), request).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&body), ["password"]);
}

#[actix_web::test]
async fn an_oversized_form_is_a_413() {
    let body = format!(
        "username=ada%40example.com&password={}",
        "x".repeat(70 * 1024)
    );
    problem(
        send(Mocks::default(), form(&body)).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
}

#[actix_web::test]
async fn repeated_failures_are_throttled_with_retry_after() {
    let mut mocks = ada_can_log_in();
    // Two failures are checked against a hash; the refused third is not.
    mocks.hasher = domain::MockPasswordHasher::new();
    mocks
        .hasher
        .expect_verify()
        .times(2)
        .returning(|_, _| Ok(false));
    let settings = HttpSettings {
        login_throttle: LoginThrottleSettings {
            max_failures_per_email: 2,
            ..LoginThrottleSettings::default()
        },
        ..HttpSettings::default()
    };
    let app = test::init_service(HttpApp::new(mocks.services(), settings).unwrap().build()).await;
    let client: SocketAddr = "192.0.2.1:50000".parse().unwrap();
    let attempt = || form("username=ada%40example.com&password=guess").peer_addr(client);
    for _ in 0..2 {
        let response = test::call_service(&app, attempt().to_request()).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = test::call_service(&app, attempt().to_request()).await;
    let retry_after: u64 = response
        .headers()
        .get(RETRY_AFTER)
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    problem(response, StatusCode::TOO_MANY_REQUESTS).await;
}

#[actix_web::test]
async fn a_client_failing_over_many_emails_is_throttled() {
    let mut mocks = Mocks::default();
    mocks.users.expect_find_by_email().returning(|_| Ok(None));
    mocks
        .hasher
        .expect_dummy_hash()
        .returning(|| PasswordHash::new("dummy"));
    mocks
        .hasher
        .expect_verify()
        .times(3)
        .returning(|_, _| Ok(false));
    let settings = HttpSettings {
        login_throttle: LoginThrottleSettings {
            max_failures_per_client: 3,
            ..LoginThrottleSettings::default()
        },
        ..HttpSettings::default()
    };
    let app = test::init_service(HttpApp::new(mocks.services(), settings).unwrap().build()).await;
    let client: SocketAddr = "192.0.2.1:50000".parse().unwrap();
    for n in 0..3 {
        let request = form(&format!("username=user{n}%40example.com&password=guess"));
        let response = test::call_service(&app, request.peer_addr(client).to_request()).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let request = form("username=user9%40example.com&password=guess").peer_addr(client);
    let response = test::call_service(&app, request.to_request()).await;
    assert!(response.headers().contains_key(RETRY_AFTER));
    problem(response, StatusCode::TOO_MANY_REQUESTS).await;
}
