//! Health probes, request ids and CORS.

use std::time::Duration;

use actix_web::{
    http::{
        StatusCode,
        header::{
            ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ALLOW, AUTHORIZATION,
            CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ORIGIN, RETRY_AFTER,
            X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
        },
    },
    test::TestRequest,
};
use api::{HttpSettings, Services};
use async_trait::async_trait;
use domain::{DomainError, HealthCheck};
use serde_json::json;

use super::support::{Mocks, json, problem, send, send_with};

const X_REQUEST_ID: &str = "x-request-id";

#[actix_web::test]
async fn liveness_needs_nothing() {
    let body = json(
        send(Mocks::default(), TestRequest::get().uri("/health/live")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body, json!({"status": "ok"}));
}

#[actix_web::test]
async fn readiness_is_ok_when_the_storage_answers() {
    let mut mocks = Mocks::default();
    mocks.health.expect_check().returning(|| Ok(()));
    let response = send(mocks, TestRequest::get().uri("/health/ready")).await;
    json(response, StatusCode::OK).await;
}

#[actix_web::test]
async fn readiness_is_a_503_when_the_storage_fails() {
    let mut mocks = Mocks::default();
    mocks
        .health
        .expect_check()
        .returning(|| Err(DomainError::Unavailable("connection refused".into())));
    let response = send(mocks, TestRequest::get().uri("/health/ready")).await;
    assert_eq!(response.headers().get(RETRY_AFTER).unwrap(), "1");
    let body = problem(response, StatusCode::SERVICE_UNAVAILABLE).await;
    assert!(!body.to_string().contains("refused"), "{body}");
}

#[actix_web::test]
async fn every_response_says_nosniff_and_one_to_a_token_is_not_stored() {
    let mut mocks = Mocks::default();
    mocks.health.expect_check().returning(|| Ok(()));
    let anonymous = send(mocks, TestRequest::get().uri("/health/ready")).await;
    assert_eq!(
        anonymous.headers().get(X_CONTENT_TYPE_OPTIONS).unwrap(),
        "nosniff"
    );
    assert!(anonymous.headers().get(CACHE_CONTROL).is_none());
    // An error to a request with a token: the same headers, and no-store.
    let with_token = send(
        Mocks::default(),
        TestRequest::get()
            .uri("/no/such/route")
            .insert_header((AUTHORIZATION, "Bearer whatever")),
    )
    .await;
    assert_eq!(
        with_token.headers().get(X_CONTENT_TYPE_OPTIONS).unwrap(),
        "nosniff"
    );
    assert_eq!(with_token.headers().get(CACHE_CONTROL).unwrap(), "no-store");
    problem(with_token, StatusCode::NOT_FOUND).await;
}

#[actix_web::test]
async fn the_docs_page_cannot_be_framed_by_another_site() {
    let response = send(Mocks::default(), TestRequest::get().uri("/docs/")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers().get(CONTENT_SECURITY_POLICY).unwrap(),
        "frame-ancestors 'none'"
    );
    assert_eq!(response.headers().get(X_FRAME_OPTIONS).unwrap(), "DENY");
}

/// A database that never answers.
struct Hangs;

#[async_trait]
impl HealthCheck for Hangs {
    async fn check(&self) -> Result<(), DomainError> {
        std::future::pending().await
    }
}

#[actix_web::test]
async fn readiness_is_a_503_when_the_storage_takes_too_long() {
    let services = Services {
        health: std::sync::Arc::new(Hangs),
        ..Mocks::default().services()
    };
    let settings = HttpSettings {
        readiness_timeout: Duration::from_millis(50),
        ..HttpSettings::default()
    };
    let response = send_with(services, settings, TestRequest::get().uri("/health/ready")).await;
    problem(response, StatusCode::SERVICE_UNAVAILABLE).await;
}

#[test]
fn readiness_waits_one_second_by_default() {
    assert_eq!(
        HttpSettings::default().readiness_timeout,
        Duration::from_secs(1)
    );
}

#[actix_web::test]
async fn a_sane_request_id_is_echoed() {
    let request = TestRequest::get()
        .uri("/health/live")
        .insert_header((X_REQUEST_ID, "trace-abc-123"));
    let response = send(Mocks::default(), request).await;
    assert_eq!(
        response.headers().get(X_REQUEST_ID).unwrap(),
        "trace-abc-123"
    );
}

#[actix_web::test]
async fn a_request_id_is_made_when_missing_or_unfit() {
    let long = "x".repeat(129);
    for given in [None, Some("has spaces"), Some(long.as_str())] {
        let mut request = TestRequest::get().uri("/nowhere");
        if let Some(id) = given {
            request = request.insert_header((X_REQUEST_ID, id));
        }
        let response = send(Mocks::default(), request).await;
        let id = response
            .headers()
            .get(X_REQUEST_ID)
            .expect("an id, on errors too");
        assert!(
            uuid::Uuid::parse_str(id.to_str().unwrap()).is_ok(),
            "{id:?}"
        );
    }
}

fn with_cors() -> HttpSettings {
    HttpSettings {
        cors_allowed_origins: vec!["https://app.example.com/".into()],
        ..HttpSettings::default()
    }
}

#[actix_web::test]
async fn an_allowed_origin_gets_a_preflight_answer() {
    let request = TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri("/posts")
        .insert_header((ORIGIN, "https://app.example.com"))
        .insert_header(("Access-Control-Request-Method", "POST"))
        .insert_header((
            "Access-Control-Request-Headers",
            "authorization, content-type",
        ));
    let response = send_with(Mocks::default().services(), with_cors(), request).await;
    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(
        response.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(),
        "https://app.example.com"
    );
}

#[actix_web::test]
async fn cors_responses_expose_location_and_the_request_id() {
    let request = TestRequest::get()
        .uri("/health/live")
        .insert_header((ORIGIN, "https://app.example.com"));
    let response = send_with(Mocks::default().services(), with_cors(), request).await;
    let exposed = response
        .headers()
        .get(ACCESS_CONTROL_EXPOSE_HEADERS)
        .unwrap()
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        exposed.contains("location") && exposed.contains(X_REQUEST_ID),
        "{exposed}"
    );
}

#[actix_web::test]
async fn a_refused_preflight_is_still_a_problem() {
    let request = TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri("/posts")
        .insert_header((ORIGIN, "https://evil.example.com"))
        .insert_header(("Access-Control-Request-Method", "POST"));
    let response = send_with(Mocks::default().services(), with_cors(), request).await;
    assert!(response.status().is_client_error(), "{}", response.status());
    let status = response.status();
    problem(response, status).await;
}

#[actix_web::test]
async fn without_cors_an_options_request_is_a_405() {
    let request = TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri("/posts")
        .insert_header((ORIGIN, "https://app.example.com"))
        .insert_header(("Access-Control-Request-Method", "POST"));
    let response = send(Mocks::default(), request).await;
    assert!(
        response
            .headers()
            .get(ACCESS_CONTROL_ALLOW_ORIGIN)
            .is_none()
    );
    assert_eq!(response.headers().get(ALLOW).unwrap(), "GET, POST");
    problem(response, StatusCode::METHOD_NOT_ALLOWED).await;
}

#[actix_web::test]
async fn invalid_cors_origins_are_refused_up_front() {
    let settings = HttpSettings {
        cors_allowed_origins: vec!["*".into()],
        ..HttpSettings::default()
    };
    assert!(settings.validate().is_err());
    assert!(api::HttpApp::new(Mocks::default().services(), settings).is_err());
}

#[actix_web::test]
async fn metrics_are_the_exporter_text_or_a_404_without_one() {
    let request = || TestRequest::get().uri("/metrics");
    problem(
        send(Mocks::default(), request()).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    let settings = HttpSettings {
        metrics: Some(api::MetricsText(std::sync::Arc::new(|| {
            "agora_up 1\n".to_owned()
        }))),
        ..HttpSettings::default()
    };
    let response = send_with(Mocks::default().services(), settings, request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers().get(CONTENT_TYPE).unwrap();
    let content_type = content_type.to_str().unwrap().to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    assert_eq!(actix_web::test::read_body(response).await, "agora_up 1\n");
}
