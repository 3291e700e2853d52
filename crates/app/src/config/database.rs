//! The databases the settings name: `DATABASE_URL` or the original design's
//! `DB_*` parts, and the read replicas. infra reads and builds the URLs.

use std::num::NonZeroU16;

use secrecy::ExposeSecret;

use super::{Config, Profile};
use crate::database::DatabaseUrl;

impl Config {
    /// The configured database; `None` if none is (development then starts a
    /// local one) or if it is invalid (a problem is recorded).
    pub fn database(&mut self) -> Option<DatabaseUrl> {
        let driver = self.settings.db_driver.as_deref();
        if driver.is_some_and(|driver| !infra::names_postgres(driver)) {
            self.problem("DB_DRIVER", "Agora only speaks PostgreSQL: expected a driver name such as postgresql or psycopg2, or no DB_DRIVER");
        }
        if let Some(url) = &self.settings.database_url {
            let url = infra::postgres_url(url.expose_secret());
            let url = self.check("DATABASE_URL", url)?.into();
            let origin = format!("DATABASE_URL ({})", self.source("DATABASE_URL"));
            return Some(DatabaseUrl { url, origin });
        }
        let parts = ["DB_USER", "DB_PASSWORD", "DB_HOST", "DB_PORT", "DB_NAME"];
        let Some(first) = parts.into_iter().find(|k| self.source(k) != "not set") else {
            if self.profile() == Profile::Production {
                self.problem("DATABASE_URL", "required in the production profile, which starts no local PostgreSQL: set DATABASE_URL (or DB_USER, DB_HOST and DB_NAME)");
            }
            return None;
        };
        let s = &self.settings;
        let given = |part: &Option<String>| part.clone().filter(|p| !p.trim().is_empty());
        let (user, host, name) = (given(&s.db_user), given(&s.db_host), given(&s.db_name));
        let (port, password) = (s.db_port.map(NonZeroU16::get), s.db_password.clone());
        for (key, part) in [("DB_USER", &user), ("DB_HOST", &host), ("DB_NAME", &name)] {
            if part.is_none() {
                self.problem(key, format!("{first} is set, so the URL is built from the DB_* parts, which need DB_USER, DB_HOST and DB_NAME, not empty: set {key}, or DATABASE_URL instead"));
            }
        }
        let password = password.as_ref().map(|p| p.expose_secret());
        let url = infra::url_from_parts(&user?, password, &host?, port, &name?);
        let url = self.check("DB_HOST", url)?.into();
        let origin = format!("DB_* parts ({first} {})", self.source(first));
        Some(DatabaseUrl { url, origin })
    }

    /// The read replicas of `DATABASE_REPLICA_URLS`, each a URL like
    /// `DATABASE_URL`'s; an invalid one is a problem (its text is not shown).
    pub fn replica_databases(&mut self) -> Vec<DatabaseUrl> {
        let urls = self.settings.database_replica_urls.clone();
        let urls = urls.as_ref().map_or("", |urls| urls.expose_secret());
        let origin = format!(
            "DATABASE_REPLICA_URLS ({})",
            self.source("DATABASE_REPLICA_URLS")
        );
        super::list(urls)
            .enumerate()
            .filter_map(|(index, url)| {
                let url = infra::postgres_url(url).map_err(|e| format!("entry {}: {e}", index + 1));
                let url = self.check("DATABASE_REPLICA_URLS", url)?.into();
                let origin = origin.clone();
                Some(DatabaseUrl { url, origin })
            })
            .collect()
    }
}
