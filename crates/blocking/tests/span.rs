//! A log line written inside the blocking work carries the caller's span.
//! Its own test binary: the subscriber must be global, since the work runs
//! on another thread.

use std::io::Write;
use std::sync::{Arc, Mutex};

use tracing::Instrument;

/// Everything the subscriber writes, for the test to read.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut buffer = self
            .0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?;
        buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_log_line_inside_the_work_carries_the_request_span() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let workers = agora_blocking::Workers::start("test-workers", 1).unwrap();
    let span = tracing::info_span!("request", request_id = "req-42");
    let thread = workers
        .run(|| {
            tracing::info!("inside the blocking work");
            std::thread::current().id()
        })
        .instrument(span)
        .await
        .unwrap();

    assert_ne!(
        thread,
        std::thread::current().id(),
        "ran on a thread of the workers"
    );
    let output = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let line = output
        .lines()
        .find(|line| line.contains("inside the blocking work"))
        .unwrap_or_else(|| panic!("no log line: {output:?}"));
    assert!(line.contains("request{request_id=\"req-42\"}"), "{line}");
}
