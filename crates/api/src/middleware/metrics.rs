use std::time::Instant;

use actix_web::{
    Error,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::Method,
    middleware::Next,
};

/// Counts and times every request by route pattern (`/posts/{id}`, never
/// the path itself, so that ids cannot multiply the series), method and
/// status, through the `metrics` facade: the binary installs the recorder
/// that `GET /metrics` renders; without one this costs next to nothing.
pub(crate) async fn record_metrics(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let method = known_method(request.method());
    let route = request
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let result = next.call(request).await;
    let status = super::answered_status(&result);
    metrics::histogram!(
        "agora_http_request_duration_seconds",
        "method" => method,
        "route" => route.clone(),
    )
    .record(started.elapsed().as_secs_f64());
    metrics::counter!(
        "agora_http_requests_total",
        "method" => method,
        "route" => route,
        "status" => status.as_str().to_owned(),
    )
    .increment(1);
    result
}

/// Methods a client may invent stay one series.
fn known_method(method: &Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "HEAD" => "HEAD",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}
