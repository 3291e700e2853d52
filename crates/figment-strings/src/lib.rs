//! figment providers for the process environment and `.env` files whose
//! values stay strings.
//!
//! figment's own `Env` provider parses every value, so `DB_PASSWORD=007`
//! arrives as the number 7 and a `String` field refuses it (or, read
//! leniently, loses the zeros). Here every value is a string; typed fields
//! still read `"8000"` as a port through `Figment::extract_lossy`. The one
//! crate found that keeps values as strings for figment, `adotenv-figment`,
//! is young, has one author and brings its own `.env` parser; this is a
//! hundred lines over dotenvy, which the workspace uses already, and its
//! `.env` errors name the line without quoting it (a line may hold a secret).
//!
//! Names with a lower-case letter are skipped (configuration keys are upper
//! case; `http_proxy` and the like are not), and keys are lower-cased, as
//! figment's `Env` does.

use std::path::{Path, PathBuf};

use figment::value::{Dict, Map, Value};
use figment::{Metadata, Profile, Provider};

/// `NAME=value` pairs as string values under lower-case keys.
#[derive(Debug, Clone)]
pub struct Strings {
    metadata: Metadata,
    values: Dict,
}

impl Strings {
    /// The pairs, named by `metadata` in figment's messages.
    pub fn new(metadata: Metadata, pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let values = pairs
            .into_iter()
            .filter(|(name, _)| !name.chars().any(|c| c.is_ascii_lowercase()))
            .map(|(name, value)| (name.to_ascii_lowercase(), Value::from(value)))
            .collect();
        Self { metadata, values }
    }

    /// The process environment's variables whose name and value are UTF-8,
    /// named "environment variable" (figment then says `environment
    /// variable PORT`).
    pub fn environment() -> Self {
        let pairs = std::env::vars_os().filter_map(|(name, value)| {
            Some((name.into_string().ok()?, value.into_string().ok()?))
        });
        Self::new(Metadata::named("environment variable"), pairs)
    }

    /// The pairs of the `.env` file at `path` (dotenvy's syntax), or none
    /// when there is no such file.
    pub fn dotenv(path: &Path) -> Result<Self, DotenvError> {
        let error = |what| DotenvError {
            path: path.to_owned(),
            what,
        };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(error(e.to_string())),
        };
        match dotenvy::from_read_iter(text.as_bytes()).collect::<Result<Vec<_>, _>>() {
            Ok(pairs) => Ok(Self::new(Metadata::from(".env file", path), pairs)),
            // dotenvy's message quotes the line, value and all: give its number.
            Err(dotenvy::Error::LineParse(line, _)) => {
                let number = text.lines().position(|l| l.trim_end() == line.trim_end());
                let at = number.map_or_else(String::new, |n| format!("line {} ", n + 1));
                Err(error(format!("{at}is not KEY=VALUE syntax")))
            }
            Err(e) => Err(error(e.to_string())),
        }
    }

    /// Only the keys (lower case) in `keys`: the environment holds PATH and
    /// the like, and a `.env` file is often shared with other tools.
    pub fn only(mut self, keys: &[&str]) -> Self {
        self.values.retain(|key, _| keys.contains(&key.as_str()));
        self
    }
}

impl Provider for Strings {
    fn metadata(&self) -> Metadata {
        self.metadata.clone()
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(Profile::Default.collect(self.values.clone()))
    }
}

/// A `.env` file that could not be read or parsed; never quotes its text.
#[derive(Debug, thiserror::Error)]
#[error("{}: {what}", path.display())]
pub struct DotenvError {
    pub path: PathBuf,
    pub what: String,
}

#[cfg(test)]
mod tests;
