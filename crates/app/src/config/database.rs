//! The database the settings name: `DATABASE_URL` as given (SQLAlchemy's
//! `postgresql+psycopg2://` too), or built from the original design's `DB_*` parts.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::{Config, Profile};

/// Driver names SQLAlchemy-style configurations use for PostgreSQL; they
/// mean nothing to libpq but are not mistakes.
const POSTGRES_DRIVERS: &str =
    "postgres postgresql pg libpq psycopg psycopg2 psycopg2cffi asyncpg pg8000 pygresql";

/// RFC 3986's unreserved characters stay; all else in a part is encoded,
/// `%` included (`url`'s setters keep a `%` as it is).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A `postgres://` URL and the keys that named it, for messages.
#[derive(Debug, Clone)]
pub struct DatabaseUrl {
    url: SecretString,
    /// `DATABASE_URL (from .env)`, `DB_* parts (DB_USER from environment variable DB_USER)`.
    pub origin: String,
}

impl DatabaseUrl {
    pub fn expose(&self) -> &str {
        self.url.expose_secret()
    }

    /// `host:port/name`, never the user or password: what logs may say.
    pub fn describe(&self) -> String {
        let Ok(url) = Url::parse(self.expose()) else {
            return "an unparsable database URL".to_owned();
        };
        let host = percent_encoding::percent_decode_str(url.host_str().unwrap_or_default());
        let port = url.port().unwrap_or(5432);
        format!("{}:{port}{}", host.decode_utf8_lossy(), url.path())
    }
}

impl Config {
    /// The configured database; `None` when none is configured (the
    /// development profile then starts a local one) or when it is invalid
    /// (a problem is recorded).
    pub fn database(&mut self) -> Option<DatabaseUrl> {
        if let Some(driver) = &self.settings.db_driver
            && !names_postgres(driver)
        {
            self.problem("DB_DRIVER", "Agora only speaks PostgreSQL: expected a driver name such as postgresql or psycopg2, or no DB_DRIVER");
        }
        if let Some(url) = &self.settings.database_url {
            let url = url.expose_secret().to_owned();
            let origin = format!("DATABASE_URL ({})", self.source("DATABASE_URL"));
            let url = self.check("DATABASE_URL", given_url(&url))?;
            return Some(DatabaseUrl { url, origin });
        }
        let parts = ["DB_USER", "DB_PASSWORD", "DB_HOST", "DB_PORT", "DB_NAME"];
        let Some(first) = parts.iter().find(|k| self.source(k) != "not set") else {
            if self.profile() == Profile::Production {
                self.problem("DATABASE_URL", "required in the production profile, which starts no local PostgreSQL: set DATABASE_URL (or DB_USER, DB_HOST and DB_NAME)");
            }
            return None;
        };
        let origin = format!("DB_* parts ({first} {})", self.source(first));
        let user = self.required("DB_USER", self.settings.db_user.clone(), first);
        let host = self.required("DB_HOST", self.settings.db_host.clone(), first);
        let name = self.required("DB_NAME", self.settings.db_name.clone(), first);
        let port = self.settings.db_port;
        if port == Some(0) {
            self.problem("DB_PORT", "expected a port 1..=65535");
        }
        let password = self.settings.db_password.as_ref();
        let url = from_parts(
            &user?,
            password.map(|p| p.expose_secret()),
            &host?,
            port,
            &name?,
        );
        let url = self.check("DB_HOST", url)?;
        Some(DatabaseUrl { url, origin })
    }

    /// The read replicas of `DATABASE_REPLICA_URLS`, each a URL like
    /// `DATABASE_URL`'s; an invalid one is a problem (its text is not shown).
    pub fn replica_databases(&mut self) -> Vec<DatabaseUrl> {
        let Some(urls) = self.settings.database_replica_urls.clone() else {
            return Vec::new();
        };
        let origin = format!(
            "DATABASE_REPLICA_URLS ({})",
            self.source("DATABASE_REPLICA_URLS")
        );
        super::list(urls.expose_secret())
            .enumerate()
            .filter_map(|(index, url)| {
                let url = given_url(url).map_err(|e| format!("entry {}: {e}", index + 1));
                let url = self.check("DATABASE_REPLICA_URLS", url)?;
                Some(DatabaseUrl {
                    url,
                    origin: origin.clone(),
                })
            })
            .collect()
    }

    /// A part the URL cannot do without, once `first` is set.
    fn required(&mut self, key: &str, value: Option<String>, first: &str) -> Option<String> {
        match value {
            Some(value) if !value.trim().is_empty() => return Some(value),
            Some(_) => self.problem(key, "must not be empty"),
            None => self.problem(
                key,
                format!("{first} is set, so the URL is built from the DB_* parts, which need DB_USER, DB_HOST and DB_NAME: set {key}, or DATABASE_URL instead"),
            ),
        }
        None
    }
}

fn names_postgres(driver: &str) -> bool {
    let driver = driver.trim().to_ascii_lowercase();
    let driver = driver
        .strip_prefix("postgresql+")
        .or_else(|| driver.strip_prefix("postgres+"))
        .unwrap_or(&driver);
    POSTGRES_DRIVERS.split(' ').any(|known| known == driver)
}

/// The URL libpq understands, `postgres://`, whatever driver suffix it had.
fn given_url(given: &str) -> Result<SecretString, String> {
    let expected = "expected a PostgreSQL URL like postgres://user:password@host:5432/db";
    let mut url = Url::parse(given).map_err(|error| format!("{error}; {expected}"))?;
    let scheme = url.scheme().to_owned();
    if !(scheme.starts_with("postgres") && names_postgres(&scheme)) {
        return Err(format!(
            "scheme {scheme:?} is not PostgreSQL (Agora only speaks PostgreSQL); {expected}"
        ));
    }
    url.set_scheme("postgres")
        .map_err(|()| format!("scheme {scheme:?} cannot be rewritten; {expected}"))?;
    Ok(String::from(url).into())
}

fn from_parts(
    user: &str,
    password: Option<&str>,
    host: &str,
    port: Option<u16>,
    name: &str,
) -> Result<SecretString, String> {
    let encode = |part: &str| utf8_percent_encode(part, COMPONENT).to_string();
    // An IPv6 address goes in brackets; a name, an IPv4 address or a socket
    // directory (/run/postgresql) is percent-encoded, as libpq expects.
    let host = match host.parse::<std::net::Ipv6Addr>() {
        Ok(_) => format!("[{host}]"),
        Err(_) => encode(host),
    };
    let password = password
        .map(|p| format!(":{}", encode(p)))
        .unwrap_or_default();
    let port = port.map(|p| format!(":{p}")).unwrap_or_default();
    let url = format!(
        "postgres://{}{password}@{host}{port}/{}",
        encode(user),
        encode(name)
    );
    Url::parse(&url)
        .map(|url| String::from(url).into())
        .map_err(|error| {
            format!("{error}: expected a host name, an IP address or a socket directory")
        })
}
