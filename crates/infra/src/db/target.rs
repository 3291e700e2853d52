//! Reading, building and adjusting database URLs without printing their secrets.

use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use url::Url;

use crate::InfraError;

/// Driver names SQLAlchemy-style configurations use for PostgreSQL
/// (`postgresql+psycopg2://`); they mean nothing to libpq but are not mistakes.
const POSTGRES_DRIVERS: &str =
    "postgres postgresql pg libpq psycopg psycopg2 psycopg2cffi asyncpg pg8000 pygresql";

/// RFC 3986's unreserved characters stay; all else in a part is encoded,
/// `%` included (`url`'s setters keep a `%` as it is).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Whether `driver` (`psycopg2`, `postgresql+asyncpg`) names PostgreSQL.
pub fn names_postgres(driver: &str) -> bool {
    let driver = driver.trim().to_ascii_lowercase();
    let suffix = driver
        .split_once('+')
        .filter(|(db, _)| db.starts_with("postgres"));
    let driver = suffix.map_or(driver.as_str(), |(_, suffix)| suffix);
    POSTGRES_DRIVERS.split(' ').any(|known| known == driver)
}

/// The URL libpq understands, `postgres://`, whatever driver suffix it had.
/// Errors never quote the URL.
pub fn postgres_url(given: &str) -> Result<String, InfraError> {
    let expected = "expected a PostgreSQL URL like postgres://user:password@host:5432/db";
    let refuse = |what: String| InfraError::DatabaseUrl(format!("{what}; {expected}"));
    let mut url = Url::parse(given).map_err(|error| refuse(error.to_string()))?;
    let scheme = url.scheme().to_owned();
    if !(scheme.starts_with("postgres") && names_postgres(&scheme)) {
        return Err(refuse(format!("scheme {scheme:?} is not PostgreSQL")));
    }
    url.set_scheme("postgres")
        .map_err(|()| refuse(format!("scheme {scheme:?} cannot be rewritten")))?;
    Ok(url.into())
}

/// A `postgres://` URL from its parts, each percent-encoded. An IPv6 host
/// goes in brackets; a name, an IPv4 address or a socket directory
/// (`/run/postgresql`) is percent-encoded, as libpq expects.
pub fn url_from_parts(
    user: &str,
    password: Option<&str>,
    host: &str,
    port: Option<u16>,
    name: &str,
) -> Result<String, InfraError> {
    let encode = |part: &str| utf8_percent_encode(part, COMPONENT).to_string();
    let host = match host.parse::<std::net::Ipv6Addr>() {
        Ok(_) => format!("[{host}]"),
        Err(_) => encode(host),
    };
    let password = password.map_or_else(String::new, |p| format!(":{}", encode(p)));
    let port = port.map_or_else(String::new, |p| format!(":{p}"));
    let (user, name) = (encode(user), encode(name));
    let url = format!("postgres://{user}{password}@{host}{port}/{name}");
    let url = Url::parse(&url).map_err(|error| {
        InfraError::DatabaseUrl(format!(
            "{error}: expected a host name, an IP address or a socket directory"
        ))
    })?;
    Ok(url.into())
}

/// `host:port/database` from a `postgres://` URL, without user or password,
/// for messages and logs.
pub fn describe_target(url: &str) -> String {
    let Ok(url) = Url::parse(url) else {
        return "the configured database".to_owned();
    };
    let host = url.host_str().unwrap_or_default();
    if host.is_empty() {
        return "the default local server".to_owned();
    }
    let port = url
        .port()
        .map_or_else(String::new, |port| format!(":{port}"));
    format!("{host}{port}{}", url.path())
}

/// Adds libpq's `connect_timeout` to a URL that sets none: without it a
/// connection to a host that drops packets waits for the kernel's TCP timeout,
/// minutes instead of the pool's few seconds. libpq's minimum is 2 seconds.
pub(crate) fn with_connect_timeout(url: &str, timeout: Duration) -> String {
    let Ok(mut parsed) = Url::parse(url) else {
        return url.to_owned();
    };
    if parsed
        .query_pairs()
        .any(|(key, _)| key == "connect_timeout")
    {
        return url.to_owned();
    }
    let seconds = timeout.as_secs().max(2);
    parsed
        .query_pairs_mut()
        .append_pair("connect_timeout", &seconds.to_string());
    parsed.into()
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
    fn driver_suffixes_become_postgres_and_other_databases_are_refused() {
        assert_eq!(
            postgres_url("postgresql+psycopg2://u:p@h:5432/db").unwrap(),
            "postgres://u:p@h:5432/db"
        );
        assert!(names_postgres("PostgreSQL+asyncpg") && !names_postgres("mysql"));
        for refused in ["mysql://root:hunter2@db/agora", "hunter2", ""] {
            let message = postgres_url(refused).unwrap_err().to_string();
            assert!(!message.contains("hunter2"), "{message}");
        }
    }

    #[test]
    fn parts_are_percent_encoded_and_ipv6_hosts_bracketed() {
        let url = url_from_parts("me@x", Some("p@ss:w/rd%"), "/run/postgresql", None, "a b");
        assert_eq!(
            url.unwrap(),
            "postgres://me%40x:p%40ss%3Aw%2Frd%25@%2Frun%2Fpostgresql/a%20b"
        );
        let url = url_from_parts("agora", None, "::1", Some(5433), "agora");
        assert_eq!(url.unwrap(), "postgres://agora@[::1]:5433/agora");
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
