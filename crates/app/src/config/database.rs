//! The database URL: `DATABASE_URL` as given, or built from the `DB_*` parts.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::checks::Checker;
use super::error::ConfigError;
use super::keys::{self, Key};
use super::raw::Raw;
use super::secret::Secret;

/// Driver names SQLAlchemy-style configurations use for PostgreSQL; they
/// mean nothing to us but are not mistakes.
const POSTGRES_DRIVERS: [&str; 10] = [
    "postgres",
    "postgresql",
    "pg",
    "libpq",
    "psycopg",
    "psycopg2",
    "psycopg2cffi",
    "asyncpg",
    "pg8000",
    "pygresql",
];

/// RFC 3986 unreserved characters stay; everything else in user, password,
/// host and database name is percent-encoded so it cannot end a URL part.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `None` when neither `DATABASE_URL` nor any `DB_*` part is set: the
/// caller then starts a local PostgreSQL.
pub(super) fn url(raw: &Raw, check: &Checker<'_>) -> Result<Option<Secret>, ConfigError> {
    if let Some(driver) = &raw.db_driver
        && !names_postgres(driver)
    {
        return Err(check.not_allowed(keys::DB_DRIVER));
    }
    match &raw.database_url {
        Some(url) => given_url(url, check).map(Some),
        None => from_parts(raw, check),
    }
}

fn names_postgres(driver: &str) -> bool {
    let driver = driver.trim().to_ascii_lowercase();
    let driver = driver
        .strip_prefix("postgresql+")
        .or_else(|| driver.strip_prefix("postgres+"))
        .unwrap_or(&driver);
    POSTGRES_DRIVERS.contains(&driver)
}

/// Accepts SQLAlchemy's `postgresql+psycopg2://` too, rewritten to the
/// `postgres://` libpq understands.
fn given_url(url: &str, check: &Checker<'_>) -> Result<Secret, ConfigError> {
    let key = keys::DATABASE_URL;
    if url.trim().is_empty() {
        return Err(check.invalid(
            key,
            format_args!(
                "is empty; expected {}, or no DATABASE_URL to start a local PostgreSQL",
                key.expected
            ),
        ));
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(check.invalid(key, format_args!("is not a URL; expected {}", key.expected)));
    };
    let lowered = scheme.to_ascii_lowercase();
    let postgres = match lowered.split_once('+') {
        Some((base, driver)) => {
            matches!(base, "postgres" | "postgresql") && POSTGRES_DRIVERS.contains(&driver)
        }
        None => matches!(lowered.as_str(), "postgres" | "postgresql"),
    };
    if !postgres {
        return Err(check.invalid(key, scheme_problem(scheme)));
    }
    if rest.is_empty() {
        return Err(check.invalid(key, format_args!("has no host; expected {}", key.expected)));
    }
    Ok(Secret::new(format!("postgres://{rest}")))
}

fn scheme_problem(scheme: &str) -> String {
    let expected = keys::DATABASE_URL.expected;
    // The scheme is safe to quote, unless the URL is so mangled that the
    // "scheme" is really something else.
    let plain = scheme
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if plain {
        format!(
            "scheme {scheme:?} is not PostgreSQL (Agora only speaks PostgreSQL); expected {expected}"
        )
    } else {
        format!("the scheme is not PostgreSQL; expected {expected}")
    }
}

fn from_parts(raw: &Raw, check: &Checker<'_>) -> Result<Option<Secret>, ConfigError> {
    let parts = [
        (keys::DB_USER, raw.db_user.is_some()),
        (keys::DB_PASSWORD, raw.db_password.is_some()),
        (keys::DB_HOST, raw.db_host.is_some()),
        (keys::DB_PORT, raw.db_port.is_some()),
        (keys::DB_NAME, raw.db_name.is_some()),
    ];
    let Some((first_set, _)) = parts.iter().find(|(_, set)| *set) else {
        return Ok(None);
    };
    let required = Required {
        check,
        first_set: *first_set,
    };
    let user = required.get(keys::DB_USER, raw.db_user.as_deref())?;
    let host = required.get(keys::DB_HOST, raw.db_host.as_deref())?;
    let name = required.get(keys::DB_NAME, raw.db_name.as_deref())?;
    let port = match raw.db_port {
        Some(0) => return Err(check.not_allowed(keys::DB_PORT)),
        Some(port) => format!(":{port}"),
        None => String::new(),
    };
    let password = raw
        .db_password
        .as_deref()
        .map(|password| format!(":{}", encode(password)))
        .unwrap_or_default();
    let url = format!(
        "postgres://{}{password}@{}{port}/{}",
        encode(user),
        encode_host(host),
        encode(name)
    );
    Ok(Some(Secret::new(url)))
}

/// A part the URL cannot do without, once any part is set.
struct Required<'c, 'f> {
    check: &'c Checker<'f>,
    first_set: Key,
}

impl Required<'_, '_> {
    fn get<'v>(&self, key: Key, value: Option<&'v str>) -> Result<&'v str, ConfigError> {
        match value {
            None => Err(ConfigError::missing(
                key,
                format_args!(
                    "{} is set (from {}), so the database URL is built from the DB_* parts, which need DB_USER, DB_HOST and DB_NAME; set {}, or set DATABASE_URL instead",
                    self.first_set.env,
                    self.check.source(self.first_set),
                    key.env
                ),
            )),
            Some(value) if value.trim().is_empty() => {
                Err(self.check.invalid(key, "must not be empty"))
            }
            Some(value) => Ok(value),
        }
    }
}

fn encode(component: &str) -> String {
    utf8_percent_encode(component, COMPONENT).to_string()
}

/// An IPv6 address goes in brackets; anything else (a name, an IPv4
/// address, a socket directory such as /run/postgresql) is encoded.
fn encode_host(host: &str) -> String {
    if host.starts_with('[') {
        host.to_owned()
    } else if host.parse::<std::net::Ipv6Addr>().is_ok() {
        format!("[{host}]")
    } else {
        encode(host)
    }
}
