use std::{sync::Arc, time::Duration};

use actix_web::{
    rt::time::timeout,
    web::{Data, Json},
};
use domain::HealthCheck;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{error::ApiError, middleware::Draining, openapi::responses::Unavailable};

/// A probe's answer when all is well.
#[derive(Serialize, ToSchema)]
pub(crate) struct Health {
    status: HealthStatus,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum HealthStatus {
    Ok,
}

const HEALTHY: Health = Health {
    status: HealthStatus::Ok,
};

/// The storage check behind `/health/ready`, with the time it is given.
pub(crate) struct Readiness {
    pub check: Arc<dyn HealthCheck>,
    pub timeout: Duration,
}

/// Liveness
///
/// The process is up and serving. It says nothing of the database, so that
/// an orchestrator does not restart healthy processes during a database outage.
#[utoipa::path(
    get,
    path = "/health/live",
    operation_id = "live",
    tag = "operations",
    responses((status = 200, description = "Serving.", body = Health)),
)]
pub(crate) async fn live() -> Json<Health> {
    Json(HEALTHY)
}

/// Readiness
///
/// Ready to serve requests: the database answered within a second, and the
/// server is not draining before a stop.
#[utoipa::path(
    get,
    path = "/health/ready",
    operation_id = "ready",
    tag = "operations",
    responses(
        (status = 200, description = "Ready.", body = Health),
        (status = 503, response = Unavailable),
    ),
)]
pub(crate) async fn ready(
    readiness: Data<Readiness>,
    draining: Data<Draining>,
) -> Result<Json<Health>, ApiError> {
    if draining.is_on() {
        return Err(ApiError::Draining);
    }
    match timeout(readiness.timeout, readiness.check.check()).await {
        Ok(Ok(())) => Ok(Json(HEALTHY)),
        Ok(Err(error)) => Err(ApiError::NotReady(error)),
        Err(_) => Err(ApiError::NotReadyInTime(readiness.timeout)),
    }
}
