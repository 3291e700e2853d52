//! The database the settings name: `DATABASE_URL` as given, or built from the
//! original design's `DB_*` parts. infra reads and builds the URLs.

use secrecy::{ExposeSecret, SecretString};

use super::{Config, Profile};

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
        infra::describe_target(self.expose())
    }
}

impl Config {
    /// The configured database; `None` when none is configured (the
    /// development profile then starts a local one) or when it is invalid
    /// (a problem is recorded).
    pub fn database(&mut self) -> Option<DatabaseUrl> {
        if let Some(driver) = &self.settings.db_driver
            && !infra::names_postgres(driver)
        {
            self.problem("DB_DRIVER", "Agora only speaks PostgreSQL: expected a driver name such as postgresql or psycopg2, or no DB_DRIVER");
        }
        if let Some(url) = self.settings.database_url.clone() {
            let origin = format!("DATABASE_URL ({})", self.source("DATABASE_URL"));
            let url = infra::postgres_url(url.expose_secret());
            let url = self.check("DATABASE_URL", url)?.into();
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
        let s = &self.settings;
        let (user, host, name) = (s.db_user.clone(), s.db_host.clone(), s.db_name.clone());
        let (user, host) = (
            self.required("DB_USER", user, first),
            self.required("DB_HOST", host, first),
        );
        let name = self.required("DB_NAME", name, first);
        let port = self.settings.db_port;
        if port == Some(0) {
            self.problem("DB_PORT", "expected a port 1..=65535");
        }
        let password = self
            .settings
            .db_password
            .as_ref()
            .map(|p| p.expose_secret());
        let url = infra::url_from_parts(&user?, password, &host?, port, &name?);
        let url = self.check("DB_HOST", url)?.into();
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
                let url = infra::postgres_url(url).map_err(|e| format!("entry {}: {e}", index + 1));
                let url = self.check("DATABASE_REPLICA_URLS", url)?;
                Some(DatabaseUrl {
                    url: url.into(),
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
            None => self.problem(key, format!("{first} is set, so the URL is built from the DB_* parts, which need DB_USER, DB_HOST and DB_NAME: set {key}, or DATABASE_URL instead")),
        }
        None
    }
}
