//! The process's metrics: the recorder behind the `metrics` facade that the
//! adapters record into, and the text `GET /metrics` answers.

use std::sync::Arc;

use anyhow::{Context, anyhow};
use infra::ReadRouter;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};

/// Request latency buckets, in seconds: a healthy request takes a few
/// milliseconds, a login a quarter of a second, a timeout seconds.
const LATENCY_BUCKETS: [f64; 14] = [
    0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0,
];

/// Installs the process-wide metrics recorder, and returns what `GET /metrics`
/// answers: the recorder's text, with the pools' gauges and the replicas'
/// lag read just before.
///
/// Errors: a recorder is already installed (this runs once per process).
pub fn install(reads: &ReadRouter) -> anyhow::Result<api::MetricsText> {
    let recorder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), &LATENCY_BUCKETS)
        .context("configuring metrics")?
        .build_recorder();
    let handle = recorder.handle();
    metrics::set_global_recorder(recorder)
        .map_err(|_| anyhow!("a metrics recorder was already installed"))?;
    let reads = reads.clone();
    Ok(api::MetricsText(Arc::new(move || {
        reads.record_metrics();
        // Drains histogram samples into their buckets (the exporter's own
        // HTTP listener would do it on a timer).
        handle.run_upkeep();
        handle.render()
    })))
}
