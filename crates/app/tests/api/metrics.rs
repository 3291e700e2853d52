//! `GET /metrics` of the real server, with the binary's own recorder.

use std::sync::OnceLock;

use infra::testing::TestDatabase;
use reqwest::StatusCode;

use crate::helpers::{spawn_app_on, unlimited_registrations};

/// The recorder is process-wide, and other tests in this binary serve
/// requests too: values are checked as lower bounds.
fn value(metrics: &str, series: &str) -> f64 {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_report_the_pool() {
    static TEXT: OnceLock<api::MetricsText> = OnceLock::new();
    let db = TestDatabase::new();
    let text = TEXT
        .get_or_init(|| agora::metrics::install(&db.database().into()).unwrap())
        .clone();
    let settings = api::HttpSettings {
        metrics: Some(text),
        ..api::HttpSettings::default()
    };
    let app = spawn_app_on(db.database(), unlimited_registrations(), settings, db);
    for id in [1, 2, 3] {
        let response = app.get(&format!("/posts/{id}"), None).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
    app.register("Ada", "ada@example.com", "correct horse")
        .await;
    assert_eq!(
        app.login("ada@example.com", "correct horse").await.status(),
        StatusCode::OK
    );

    let response = app.get("/metrics", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain"),
        "{:?}",
        response.headers()
    );
    let metrics = response.text().await.unwrap();
    let not_found = r#"agora_http_requests_total{method="GET",route="/posts/{id}",status="404"}"#;
    assert!(value(&metrics, not_found) >= 3.0, "{metrics}");
    assert!(
        !metrics.contains(r#"route="/posts/1""#),
        "ids never become series"
    );
    let latency =
        r#"agora_http_request_duration_seconds_bucket{method="POST",route="/login",le="+Inf"}"#;
    assert!(value(&metrics, latency) >= 1.0, "{metrics}");
    assert!(
        value(&metrics, "agora_sessions_issued_total") >= 1.0,
        "{metrics}"
    );
    let max = r#"agora_db_pool_max_connections{pool="primary"}"#;
    assert!(value(&metrics, max) >= 1.0, "{metrics}");
    assert!(
        metrics.contains(r#"agora_db_pool_waiting{pool="primary"}"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_metrics_address_of_its_own_serves_the_metrics_and_nothing_else() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let text = api::MetricsText(std::sync::Arc::new(|| "agora_probe 1\n".to_owned()));
    tokio::spawn(api::metrics_server(listener, text).unwrap());

    let metrics = reqwest::get(format!("http://{address}/metrics"))
        .await
        .unwrap();
    assert_eq!(metrics.status(), StatusCode::OK);
    assert_eq!(metrics.text().await.unwrap(), "agora_probe 1\n");
    let other = reqwest::get(format!("http://{address}/posts"))
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
}
