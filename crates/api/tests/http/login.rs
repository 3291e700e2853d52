//! `POST /login`: the OAuth2 password form, JSON, and throttling.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use actix_web::{
    http::{
        StatusCode,
        header::{CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE},
    },
    test::TestRequest,
};
use api::HttpSettings;
use domain::{
    AccessToken, Count, InFlight, MockLoginAttempts, PasswordHash, RefreshToken, Rotation,
    SessionId, TokenDigest, UserId,
};
use serde_json::json;

use super::support::{Mocks, ada, fields, json, problem, send, send_with};

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
    mocks.tokens.expect_issue().returning(|_, _| {
        Ok(AccessToken {
            token: "the-token".into(),
            expires_in_seconds: 1800,
        })
    });
    mocks.tokens.expect_new_refresh_token().returning(|| {
        Ok(RefreshToken {
            token: "the-refresh-token".into(),
            digest: TokenDigest::new(vec![1]),
        })
    });
    mocks
        .tokens
        .expect_refresh_lifetime()
        .returning(|| Duration::from_secs(86_400));
    mocks
        .tokens
        .expect_digest()
        .returning(|token| TokenDigest::new(token.as_bytes().to_vec()));
    mocks
        .sessions
        .expect_create()
        .returning(|_| Ok(SessionId::new(3)));
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
        json!({
            "access_token": "the-token", "token_type": "bearer", "expires_in": 1800,
            "refresh_token": "the-refresh-token", "refresh_expires_in": 86_400,
        })
    );
}

#[actix_web::test]
async fn the_refresh_grant_rotates_the_refresh_token() {
    let mut mocks = ada_can_log_in();
    mocks
        .sessions
        .expect_rotate()
        .withf(|presented, next, _| presented.as_bytes() == b"old-one" && next.as_bytes() == [1])
        .times(1)
        .returning(|_, _, _| {
            Ok(Rotation::Rotated {
                user: UserId::new(7),
                session: SessionId::new(3),
            })
        });
    let response = send(
        mocks,
        form("grant_type=refresh_token&refresh_token=old-one"),
    )
    .await;
    let body = json(response, StatusCode::OK).await;
    assert_eq!(body["refresh_token"], "the-refresh-token");
    assert_eq!(body["access_token"], "the-token");
}

#[actix_web::test]
async fn a_refresh_grant_without_its_token_is_a_422_and_another_grant_a_400() {
    let response = send(Mocks::default(), form("grant_type=refresh_token")).await;
    let body = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["refresh_token"]);
    let response = send(Mocks::default(), form("grant_type=client_credentials")).await;
    problem(response, StatusCode::BAD_REQUEST).await;
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

/// RFC 6749 §5.2: what OAuth2 clients and Swagger UI's Authorize dialog read.
#[actix_web::test]
async fn token_endpoint_refusals_carry_oauth2_error_members() {
    let cases = [
        (
            "username=ada%40example.com&password=wrong",
            StatusCode::UNAUTHORIZED,
            "invalid_grant",
        ),
        (
            "grant_type=password",
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            "grant_type=implicit",
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
        ),
    ];
    for (form_body, status, code) in cases {
        let body = problem(send(ada_can_log_in(), form(form_body)).await, status).await;
        assert_eq!(body["error"], code, "{form_body}: {body}");
        assert!(
            !body["error_description"].as_str().unwrap().is_empty(),
            "{body}"
        );
    }
    let refused = problem(
        send(
            ada_can_log_in(),
            form("username=ada%40example.com&password=wrong"),
        )
        .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(refused["error_description"], "incorrect email or password");
    // Only the token endpoint speaks OAuth2.
    let elsewhere = TestRequest::get().uri("/users/me");
    let body = problem(
        send(Mocks::default(), elsewhere).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert!(body.get("error").is_none(), "{body}");
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

/// A store where the pair (email, network) has spent its failures, with
/// `window_left` to go; it records the keys it was asked about.
fn pair_locked(window_left: Duration, asked: Arc<Mutex<Vec<String>>>) -> MockLoginAttempts {
    let mut attempts = MockLoginAttempts::new();
    attempts.expect_enter().returning(|_| InFlight::new(()));
    attempts.expect_counts().returning(move |keys| {
        asked
            .lock()
            .unwrap()
            .extend(keys.iter().map(|k| k.as_str().to_owned()));
        let mut counts = vec![Count::ZERO; keys.len()];
        counts[0] = Count {
            events: 5,
            window_left,
            since_last: Duration::from_secs(1),
        };
        Ok(counts)
    });
    attempts.expect_refused().returning(|_| ());
    attempts
}

#[actix_web::test]
async fn a_refused_login_is_a_429_with_retry_after_and_no_password_check() {
    let mut mocks = ada_can_log_in();
    mocks.hasher = domain::MockPasswordHasher::new();
    mocks.hasher.expect_verify().never();
    let asked = Arc::new(Mutex::new(Vec::new()));
    mocks.attempts = Some(pair_locked(Duration::from_millis(899_001), asked.clone()));
    let client: SocketAddr = "192.0.2.1:50000".parse().unwrap();
    let request = form("username=ada%40example.com&password=right+password").peer_addr(client);
    let response = send(mocks, request).await;
    assert_eq!(response.headers().get(RETRY_AFTER).unwrap(), "900");
    let body = problem(response, StatusCode::TOO_MANY_REQUESTS).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["error"], "invalid_grant");
    let description = body["error_description"].as_str().unwrap();
    assert!(
        description.ends_with("try again later (in 900 seconds)"),
        "{body}"
    );
    assert!(
        asked
            .lock()
            .unwrap()
            .contains(&"pair 192.0.2.1 ada@example.com".to_owned()),
        "{asked:?}"
    );
}

#[actix_web::test]
async fn forwarding_headers_count_only_behind_a_trusted_proxy() {
    let proxy: SocketAddr = "10.0.0.1:40000".parse().unwrap();
    for (trusted, counted) in [
        (Vec::new(), "network 10.0.0.1"),
        (
            vec![api::parse_trusted_proxy("10.0.0.0/8").unwrap()],
            "network 2001:db8:1:2::/64",
        ),
    ] {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let mocks = Mocks {
            attempts: Some(pair_locked(Duration::from_secs(60), asked.clone())),
            ..Mocks::default()
        };
        let settings = HttpSettings {
            trusted_proxies: trusted,
            ..HttpSettings::default()
        };
        let request = form("username=ada%40example.com&password=guess")
            .peer_addr(proxy)
            .insert_header(("x-forwarded-for", "2001:db8:1:2::77"));
        let response = send_with(mocks.services(), settings, request).await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(
            asked.lock().unwrap().contains(&counted.to_owned()),
            "{counted}: {asked:?}"
        );
    }
}
