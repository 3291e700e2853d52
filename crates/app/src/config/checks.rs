//! Rules a type alone cannot express, each failing with the key and the
//! source of the offending value.

use std::fmt::Display;
use std::net::IpAddr;
use std::ops::RangeInclusive;

use figment::Figment;
use ipnet::IpNet;

use super::error::{ConfigError, source_of};
use super::keys::{self, Key};
use super::secret::Secret;

pub(super) struct Checker<'a> {
    figment: &'a Figment,
}

impl<'a> Checker<'a> {
    pub fn new(figment: &'a Figment) -> Self {
        Self { figment }
    }

    pub fn source(&self, key: Key) -> String {
        source_of(self.figment, key)
    }

    pub fn invalid(&self, key: Key, problem: impl Display) -> ConfigError {
        let value = self.figment.find_value(key.field).ok();
        ConfigError::invalid(key, value.as_ref(), &self.source(key), problem)
    }

    pub fn not_allowed(&self, key: Key) -> ConfigError {
        self.invalid(key, format_args!("expected {}", key.expected))
    }

    pub fn in_range<T: PartialOrd>(
        &self,
        key: Key,
        value: T,
        allowed: RangeInclusive<T>,
    ) -> Result<T, ConfigError> {
        if allowed.contains(&value) {
            Ok(value)
        } else {
            Err(self.not_allowed(key))
        }
    }

    pub fn jwt_secret(&self, secret: Option<String>) -> Result<Option<Secret>, ConfigError> {
        let Some(secret) = secret else {
            return Ok(None);
        };
        let min = auth::JwtTokenService::MIN_SECRET_BYTES;
        if secret.len() < min {
            return Err(self.invalid(
                keys::JWT_SECRET,
                format_args!(
                    "must be at least {min} bytes long, got {} bytes (generate one with `openssl rand -hex 32`)",
                    secret.len()
                ),
            ));
        }
        Ok(Some(Secret::new(secret)))
    }

    pub fn host(&self, host: String) -> Result<String, ConfigError> {
        let is_name = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        if host.parse::<IpAddr>().is_ok() || is_name {
            Ok(host)
        } else {
            Err(self.not_allowed(keys::HOST))
        }
    }

    pub fn issuer(&self, issuer: String) -> Result<String, ConfigError> {
        if !issuer.is_empty() && !issuer.chars().any(|c| c.is_whitespace() || c.is_control()) {
            Ok(issuer)
        } else {
            Err(self.not_allowed(keys::JWT_ISSUER))
        }
    }

    pub fn cors_origins(&self, origins: Vec<String>) -> Result<Vec<String>, ConfigError> {
        self.each(keys::CORS_ALLOWED_ORIGINS, &origins, api::normalise_origin)
    }

    pub fn trusted_proxies(&self, proxies: Vec<String>) -> Result<Vec<IpNet>, ConfigError> {
        self.each(keys::TRUSTED_PROXIES, &proxies, api::parse_trusted_proxy)
    }

    /// Each entry of a list through `parse`; the first it refuses is the error.
    fn each<T, E: Display>(
        &self,
        key: Key,
        entries: &[String],
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Result<Vec<T>, ConfigError> {
        entries
            .iter()
            .map(|entry| parse(entry))
            .collect::<Result<_, _>>()
            .map_err(|bad| self.invalid(key, format_args!("{bad}; expected {}", key.expected)))
    }

    pub fn log_filter(&self, filter: String) -> Result<String, ConfigError> {
        if filter.trim().is_empty() {
            return Err(self.not_allowed(keys::RUST_LOG));
        }
        match tracing_subscriber::EnvFilter::try_new(&filter) {
            Ok(_) => Ok(filter),
            Err(error) => Err(self.invalid(
                keys::RUST_LOG,
                format_args!("{error}; expected {}", keys::RUST_LOG.expected),
            )),
        }
    }
}
