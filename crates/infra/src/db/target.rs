//! Reading and adjusting database URLs without printing their secrets.

use std::time::Duration;

/// `host:port/database` from a `postgres://` URL, without user or password,
/// for messages and logs.
pub(crate) fn describe_target(url: &str) -> String {
    let Some((_, rest)) = url.split_once("://") else {
        return "the configured database".to_owned();
    };
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let target = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    if target.is_empty() {
        "the default local server".to_owned()
    } else {
        target.to_owned()
    }
}

/// Adds libpq's `connect_timeout` to a URL that sets none: without it a
/// connection to a host that drops packets waits for the kernel's TCP timeout,
/// minutes instead of the pool's few seconds. libpq's minimum is 2 seconds.
pub(crate) fn with_connect_timeout(url: &str, timeout: Duration) -> String {
    let is_uri = url.starts_with("postgres://") || url.starts_with("postgresql://");
    if !is_uri || url.contains("connect_timeout=") {
        return url.to_owned();
    }
    let seconds = timeout.as_secs().max(2);
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}connect_timeout={seconds}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_leaves_out_credentials_and_parameters() {
        assert_eq!(
            describe_target("postgres://ada:s3cr@t@db.example.com:6543/agora?sslmode=require"),
            "db.example.com:6543/agora"
        );
        assert_eq!(
            describe_target("postgresql://localhost/agora"),
            "localhost/agora"
        );
        assert_eq!(
            describe_target("host=x password=y"),
            "the configured database"
        );
    }

    #[test]
    fn connect_timeout_is_added_once() {
        let five = Duration::from_secs(5);
        assert_eq!(
            with_connect_timeout("postgres://a@h/db", five),
            "postgres://a@h/db?connect_timeout=5"
        );
        assert_eq!(
            with_connect_timeout(
                "postgres://a@h/db?sslmode=disable",
                Duration::from_millis(200)
            ),
            "postgres://a@h/db?sslmode=disable&connect_timeout=2"
        );
        assert_eq!(
            with_connect_timeout("postgres://a@h/db?connect_timeout=9", five),
            "postgres://a@h/db?connect_timeout=9"
        );
    }
}
