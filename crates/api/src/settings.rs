use std::{fmt, sync::Arc, time::Duration};

use actix_web::http::Uri;
use ipnet::IpNet;

/// How the HTTP adapter behaves; built once by the composition root.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Browser origins allowed to call the API, like `https://app.example.com`.
    /// Empty: no CORS headers at all, so browsers keep to same-origin calls.
    pub cors_allowed_origins: Vec<String>,
    /// Proxies whose `Forwarded` / `X-Forwarded-For` name the client (see
    /// `client.rs`); empty: the peer address is the client.
    pub trusted_proxies: Vec<IpNet>,
    /// How long `GET /health/ready` waits for the storage before answering 503.
    pub readiness_timeout: Duration,
    /// How long a request body may take to arrive once its headers have;
    /// past it the request is answered 408 and the connection closed.
    pub body_timeout: Duration,
    /// The most client connections open at once, across all workers; past
    /// it the server stops accepting and new clients wait in the listen
    /// backlog. Keep it below the process's file descriptor limit.
    pub max_connections: usize,
    /// Server workers (threads running the event loops); at least 1.
    pub workers: usize,
    /// How long [`crate::server`] keeps serving once told to stop, with
    /// readiness answering 503 and every connection closed after its
    /// response, before it stops accepting: at least the time the balancer
    /// takes to drop a node whose readiness fails. Zero: stop at once.
    pub shutdown_drain: Duration,
    /// What `GET /metrics` answers; `None`: a 404 there.
    pub metrics: Option<MetricsText>,
}

/// Renders the process's metrics in the Prometheus text format, fresh for
/// each scrape. The binary builds it around the recorder it installs.
#[derive(Clone)]
pub struct MetricsText(pub Arc<dyn Fn() -> String + Send + Sync>);

impl fmt::Debug for MetricsText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MetricsText")
    }
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            cors_allowed_origins: Vec::new(),
            trusted_proxies: Vec::new(),
            readiness_timeout: Duration::from_secs(1),
            body_timeout: Duration::from_secs(10),
            max_connections: 25_000,
            workers: std::thread::available_parallelism().map_or(1, usize::from),
            shutdown_drain: Duration::ZERO,
            metrics: None,
        }
    }
}

impl HttpSettings {
    /// Errors: the first CORS origin that is not `http(s)://host[:port]`.
    pub fn validate(&self) -> Result<(), InvalidOrigin> {
        self.normalised_origins().map(drop)
    }

    /// The origins as browsers send them in `Origin`: without a trailing slash.
    pub(crate) fn normalised_origins(&self) -> Result<Vec<String>, InvalidOrigin> {
        self.cors_allowed_origins
            .iter()
            .map(|origin| normalise_origin(origin))
            .collect()
    }
}

/// `raw` as browsers send it in `Origin` (no trailing slash), or why it is
/// not a CORS origin. The one check of origins: configuration uses it too.
pub fn normalise_origin(raw: &str) -> Result<String, InvalidOrigin> {
    let origin = raw.trim().trim_end_matches('/');
    let invalid = || InvalidOrigin {
        origin: raw.to_owned(),
    };
    let uri: Uri = origin.parse().map_err(|_| invalid())?;
    let plausible = matches!(uri.scheme_str(), Some("http" | "https"))
        && uri.authority().is_some_and(|a| !a.as_str().contains('@'))
        && uri
            .path_and_query()
            .is_none_or(|p| p.as_str().is_empty() || p.as_str() == "/");
    if plausible {
        Ok(origin.to_owned())
    } else {
        Err(invalid())
    }
}

/// A CORS origin that is not `scheme://host[:port]`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{origin}` is not a CORS origin: expected http(s)://host[:port], like https://app.example.com"
)]
pub struct InvalidOrigin {
    pub origin: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(origins: &[&str]) -> HttpSettings {
        HttpSettings {
            cors_allowed_origins: origins.iter().map(|o| (*o).to_owned()).collect(),
            ..HttpSettings::default()
        }
    }

    #[test]
    fn origins_lose_their_trailing_slash() {
        let origins = settings(&["https://app.example.com/", "http://localhost:3000"])
            .normalised_origins()
            .unwrap();
        assert_eq!(
            origins,
            ["https://app.example.com", "http://localhost:3000"]
        );
    }

    #[test]
    fn what_is_not_an_origin_is_refused() {
        for bad in [
            "*",
            "",
            "app.example.com",
            "ftp://example.com",
            "https://example.com/path",
            "https://user@example.com",
            "https://example.com?x=1",
        ] {
            assert!(
                settings(&[bad]).validate().is_err(),
                "{bad:?} should be refused"
            );
        }
    }
}
