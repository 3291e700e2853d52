use std::io::IsTerminal;

use tracing_subscriber::{EnvFilter, fmt};

/// Human-readable logs on stderr, filtered like RUST_LOG: stdout stays for
/// what commands print (`migrate status`, `with-db` children). An invalid
/// filter is the caller's problem to report; logs then filter at `info`.
pub fn init(filter: Option<EnvFilter>) {
    let filter = filter.unwrap_or_else(|| EnvFilter::new("info"));
    // A second init (tests spawning several apps) is harmless: keep the first.
    let _ = fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
