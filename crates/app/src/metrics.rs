//! The process's metrics: the recorder behind the `metrics` facade that the
//! adapters record into, and the text `GET /metrics` answers.

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use anyhow::{Context, anyhow};
use infra::ReadRouter;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};

/// Request latency buckets, in seconds: a healthy request takes a few
/// milliseconds, a login a quarter of a second, a timeout seconds.
const LATENCY_BUCKETS: [f64; 14] = [
    0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0,
];

/// How often histogram samples are drained into their buckets, as the
/// exporter's own `install` does.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// Installs the process-wide metrics recorder, and returns what `GET /metrics`
/// answers: the recorder's text, with the pools' gauges and the replicas'
/// lag read just before.
///
/// The recorder keeps every histogram sample until upkeep drains it into its
/// buckets, and without a scrape nothing ran upkeep: the server grew by
/// about 18 bytes a request, 60 MB in one benchmark run. A thread of its own
/// runs it on a timer, since this runs before any async runtime exists.
///
/// Errors: a recorder is already installed (this runs once per process), or
/// the upkeep thread cannot start.
pub fn install(reads: &ReadRouter) -> anyhow::Result<api::MetricsText> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), &LATENCY_BUCKETS)
        .context("configuring metrics")?
        .install_recorder()
        .map_err(|error| anyhow!("installing the metrics recorder: {error}"))?;
    let upkeep = handle.clone();
    thread::Builder::new()
        .name("agora-metrics".to_owned())
        .spawn(move || {
            loop {
                thread::sleep(UPKEEP_INTERVAL);
                upkeep.run_upkeep();
            }
        })
        .context("starting the metrics upkeep thread")?;
    let reads = reads.clone();
    Ok(api::MetricsText(Arc::new(move || {
        reads.record_metrics();
        // Drains the samples since the last upkeep, so a scrape is current.
        handle.run_upkeep();
        handle.render()
    })))
}
