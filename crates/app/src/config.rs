//! Typed settings, loaded once by the composition root and passed down.
//!
//! Sources, lowest precedence first: built-in defaults, `agora.toml`
//! (lower-case keys such as `port`), `.env` and the process environment
//! (upper-case keys such as `PORT`); the files are optional and read from
//! one directory. Any missing or invalid value is a [`ConfigError`] naming
//! the key, the value's source and what is allowed.

mod checks;
mod database;
mod error;
mod keys;
mod raw;
mod secret;
mod sources;

use std::path::Path;
use std::time::Duration;

use figment::Figment;

pub use error::ConfigError;
pub use secret::Secret;

use checks::Checker;
use raw::Raw;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub database: DatabaseSettings,
    pub jwt: JwtSettings,
    pub bcrypt_cost: u32,
    pub host: String,
    pub port: u16,
    /// Exact origins (`scheme://host[:port]`); empty for no CORS.
    pub cors_allowed_origins: Vec<String>,
    /// How long a request body may take to arrive.
    pub body_timeout: Duration,
    /// Proxies whose forwarding headers name the client; empty: none.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// An `EnvFilter` directive string, already checked to parse.
    pub log_filter: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseSettings {
    /// A `postgres://` URL; `None` means start a local PostgreSQL.
    pub url: Option<Secret>,
    pub pool_size: u32,
    /// How long a request waits for a pooled connection.
    pub timeout: Duration,
    /// Off behind a pooler in transaction mode.
    pub prepared_statements: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwtSettings {
    /// At least 32 bytes when present. Absent is only acceptable with a
    /// local PostgreSQL, which the composition root decides.
    pub secret: Option<Secret>,
    pub expire: Duration,
    /// Written to every access token's `iss`, and required there.
    pub issuer: String,
    /// How long a refresh token stays usable.
    pub refresh_expire: Duration,
}

impl Settings {
    /// Loads from `agora.toml` and `.env` in the current directory and from
    /// the process environment.
    pub fn load() -> Result<Self, ConfigError> {
        Self::load_from(Path::new(""))
    }

    /// Loads from `agora.toml` and `.env` in `dir` and from the process
    /// environment.
    pub fn load_from(dir: &Path) -> Result<Self, ConfigError> {
        Self::from_figment(Self::figment(dir)?)
    }

    /// The layers [`Settings::load_from`] reads, before checking, for a
    /// caller that wants to add its own on top (command-line flags, say).
    /// Keys are the lower-case names: `port`, `database_url`, ...
    pub fn figment(dir: &Path) -> Result<Figment, ConfigError> {
        sources::layered(dir)
    }

    /// Checks and converts whatever `figment` holds; keys it lacks take
    /// their built-in defaults.
    pub fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        // Lossy: the environment and .env give strings, "8000" must read as a port.
        let raw: Raw = figment
            .extract_lossy()
            .map_err(|error| ConfigError::from_figment(&figment, error))?;
        let check = Checker::new(&figment);
        Ok(Self {
            database: DatabaseSettings {
                url: database::url(&raw, &check)?,
                pool_size: check.in_range(
                    keys::DATABASE_POOL_SIZE,
                    raw.database_pool_size,
                    1..=u32::MAX,
                )?,
                timeout: Duration::from_secs(check.in_range(
                    keys::DATABASE_TIMEOUT_SECONDS,
                    raw.database_timeout_seconds,
                    1..=86_400,
                )?),
                prepared_statements: raw.database_prepared_statements,
            },
            jwt: JwtSettings {
                secret: check.jwt_secret(raw.jwt_secret)?,
                expire: Duration::from_secs(
                    60 * check.in_range(
                        keys::JWT_EXPIRE_MINUTES,
                        raw.jwt_expire_minutes,
                        1..=525_600,
                    )?,
                ),
                issuer: check.issuer(raw.jwt_issuer)?,
                refresh_expire: Duration::from_secs(
                    86_400
                        * check.in_range(
                            keys::REFRESH_EXPIRE_DAYS,
                            raw.refresh_expire_days,
                            1..=3650,
                        )?,
                ),
            },
            bcrypt_cost: check.in_range(
                keys::BCRYPT_COST,
                raw.bcrypt_cost,
                auth::BcryptHasher::MIN_COST..=auth::BcryptHasher::MAX_COST,
            )?,
            host: check.host(raw.host)?,
            port: raw.port,
            cors_allowed_origins: check.cors_origins(raw.cors_allowed_origins.entries())?,
            body_timeout: Duration::from_secs(check.in_range(
                keys::BODY_TIMEOUT_SECONDS,
                raw.body_timeout_seconds,
                1..=3600,
            )?),
            trusted_proxies: check.trusted_proxies(raw.trusted_proxies.entries())?,
            log_filter: check.log_filter(raw.rust_log)?,
        })
    }
}

#[cfg(test)]
mod tests;
