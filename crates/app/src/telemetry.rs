use std::io::IsTerminal;

use tracing_subscriber::{EnvFilter, fmt};

/// Human-readable logs on stderr, filtered like RUST_LOG: stdout stays for
/// what commands print (`migrate status`, `with-db` children).
pub fn init(filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    // A second init (tests spawning several apps) is harmless: keep the first.
    let _ = fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
