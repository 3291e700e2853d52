use std::{sync::Arc, time::Duration};

use actix_web::{
    rt::time::timeout,
    web::{Data, Json},
};
use domain::HealthCheck;
use serde_json::{Value, json};

use crate::error::ApiError;

/// The storage check behind `/health/ready`, with the time it is given.
pub(crate) struct Readiness {
    pub check: Arc<dyn HealthCheck>,
    pub timeout: Duration,
}

/// The process is up and serving; says nothing of the storage, so that an
/// orchestrator does not restart healthy processes during a database outage.
pub(crate) async fn live() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

pub(crate) async fn ready(readiness: Data<Readiness>) -> Result<Json<Value>, ApiError> {
    match timeout(readiness.timeout, readiness.check.check()).await {
        Ok(Ok(())) => Ok(Json(json!({ "status": "ok" }))),
        Ok(Err(error)) => Err(ApiError::NotReady(error)),
        Err(_) => Err(ApiError::NotReadyInTime(readiness.timeout)),
    }
}
