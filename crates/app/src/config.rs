//! Configuration: one struct that figment reads from the built-in defaults,
//! `agora.toml` (lower-case keys), `.env` and the environment (upper-case),
//! each overriding the one before. Values are only typed here: each is
//! checked once, by the constructor that uses it (`BcryptHasher::new`, ...),
//! through [`Config::check`], which collects every problem so that a start
//! reports them all, one line each naming the key and its value's source.

mod database;
mod sources;

use std::fmt::Display;
use std::num::{NonZeroU16, NonZeroU32, NonZeroU64};
use std::path::Path;

use figment::{Figment, Metadata};
use secrecy::SecretString;
use serde::Deserialize;

/// Only development starts a local PostgreSQL or invents a JWT secret. By
/// default debug builds are development, release builds production.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    Development,
    Production,
}

/// Every key, in its `agora.toml` spelling; `.env.example` says what each
/// does and holds the defaults. Unknown fields are denied so that a typo in
/// `agora.toml` is reported.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub agora_profile: Option<Profile>,
    pub database_url: Option<SecretString>,
    pub db_driver: Option<String>,
    pub db_user: Option<String>,
    pub db_password: Option<SecretString>,
    pub db_host: Option<String>,
    pub db_port: Option<NonZeroU16>,
    pub db_name: Option<String>,
    pub database_pool_size: NonZeroU32,
    pub database_timeout_seconds: NonZeroU64,
    pub database_prepared_statements: bool,
    pub database_replica_urls: Option<SecretString>,
    pub replica_max_lag: f64,
    pub metrics_addr: Option<String>,
    pub jwt_secret: Option<SecretString>,
    pub jwt_expire_minutes: u64,
    pub jwt_issuer: String,
    pub refresh_expire_days: NonZeroU64,
    pub bcrypt_cost: u32,
    pub host: String,
    pub port: u16,
    pub cors_allowed_origins: String,
    pub body_timeout_seconds: NonZeroU64,
    pub shutdown_drain_seconds: u64,
    pub http_workers: Option<NonZeroU16>,
    pub trusted_proxies: String,
    pub rust_log: String,
}

/// The entries of a comma-separated list, trimmed, empty ones dropped.
pub fn list(joined: &str) -> impl Iterator<Item = &str> {
    joined.split(',').map(str::trim).filter(|e| !e.is_empty())
}

/// Every problem found, one line each.
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.join("\n"))]
pub struct ConfigError(pub Vec<String>);

/// The settings, where each came from, and the problems found so far.
pub struct Config {
    pub settings: Settings,
    figment: Figment,
    problems: Vec<String>,
}

impl Config {
    /// Reads `agora.toml` and `.env` in `dir`, then the environment.
    pub fn load(dir: &Path) -> Result<Self, ConfigError> {
        let figment = sources::layered(dir)?;
        let (settings, found) = sources::extract(&figment)?;
        let problems = Vec::with_capacity(found.len());
        let mut config = Self {
            settings,
            figment,
            problems,
        };
        found
            .iter()
            .for_each(|(key, what)| config.problem(key, what));
        Ok(config)
    }

    pub fn profile(&self) -> Profile {
        let built = match cfg!(debug_assertions) {
            true => Profile::Development,
            false => Profile::Production,
        };
        self.settings.agora_profile.unwrap_or(built)
    }

    /// The value of `key` (environment spelling) if `result` holds one;
    /// otherwise records the problem, as a constructor told it.
    pub fn check<T, E: Display>(&mut self, key: &str, result: Result<T, E>) -> Option<T> {
        result.map_err(|error| self.problem(key, error)).ok()
    }

    /// Records a problem with `key`, naming where its value came from.
    pub fn problem(&mut self, key: &str, what: impl Display) {
        let line = format!("{key} ({}): {what}", self.source(key));
        self.problems.push(line);
    }

    /// `from environment variable PORT`, `from agora.toml`, or `not set`.
    pub fn source(&self, key: &str) -> String {
        match self.figment.find_metadata(&key.to_ascii_lowercase()) {
            None => "not set".to_owned(),
            Some(Metadata {
                source: Some(file), ..
            }) => format!("from {file}"),
            Some(metadata) => format!("from {} {key}", metadata.name),
        }
    }

    /// All problems recorded so far, if any; start nothing after an error.
    pub fn finish(&mut self) -> Result<(), ConfigError> {
        match std::mem::take(&mut self.problems) {
            problems if problems.is_empty() => Ok(()),
            problems => Err(ConfigError(problems)),
        }
    }

    /// The JWT secret, or in development a random one for this run (tokens
    /// then die with the process: the server warns). Production must set one.
    pub fn jwt_secret(&mut self) -> Option<SecretString> {
        if let Some(secret) = &self.settings.jwt_secret {
            return Some(secret.clone());
        }
        if self.profile() == Profile::Production {
            let what = "required in the production profile: a random string of at least 32 bytes (e.g. `openssl rand -hex 32`)";
            self.problem("JWT_SECRET", what);
            return None;
        }
        let mut bytes = [0u8; 32];
        self.check("JWT_SECRET", getrandom::fill(&mut bytes))?;
        Some(base16ct::lower::encode_string(&bytes).into())
    }
}

#[cfg(test)]
mod tests;
