//! Where the project lives: `agora.toml`, `.env` and the local database's
//! data are found there, wherever in the checkout `cargo run` is started.

use std::path::{Path, PathBuf};

use anyhow::Context;

/// The nearest directory at or above the current one that is a Cargo
/// workspace root with `migrations/` (this checkout); else the current
/// directory (an installed binary, run where its configuration is).
pub fn dir() -> anyhow::Result<PathBuf> {
    let cwd = std::env::current_dir().context("reading the current directory")?;
    Ok(cwd
        .ancestors()
        .find(|dir| is_checkout(dir))
        .map_or_else(|| cwd.clone(), Path::to_path_buf))
}

fn is_checkout(dir: &Path) -> bool {
    dir.join("migrations").is_dir()
        && std::fs::read_to_string(dir.join("Cargo.toml"))
            .is_ok_and(|manifest| manifest.lines().any(|line| line.trim() == "[workspace]"))
}
