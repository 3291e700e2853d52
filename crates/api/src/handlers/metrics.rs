use actix_web::{HttpResponse, web::Data};

use crate::{error::ApiError, settings::MetricsText};

/// The Prometheus text format's media type.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Metrics
///
/// This process's metrics in the Prometheus text format: requests by route,
/// method and status with their latency; the database pool; throttle
/// refusals; sessions issued. Each instance reports its own; keep the route
/// away from the public network (HAProxy in docs/deploy.md does).
#[utoipa::path(
    get,
    path = "/metrics",
    operation_id = "metrics",
    tag = "operations",
    responses(
        (status = 200, description = "The metrics.", content_type = "text/plain", body = String),
        (status = 404, response = crate::openapi::responses::NotFound),
    ),
)]
pub(crate) async fn metrics(text: Option<Data<MetricsText>>) -> Result<HttpResponse, ApiError> {
    let text = text.ok_or_else(|| ApiError::NotFound("this server keeps no metrics".to_owned()))?;
    Ok(HttpResponse::Ok()
        .content_type(TEXT_FORMAT)
        .body((text.0)()))
}
