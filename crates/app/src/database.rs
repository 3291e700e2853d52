use std::path::Path;

use anyhow::{Context, bail};
use infra::migrations;

use secrecy::{ExposeSecret, SecretString};

/// A configured database: its `postgres://` URL and the keys that named it.
#[derive(Debug, Clone)]
pub struct DatabaseUrl {
    pub(crate) url: SecretString,
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

/// The database every command works on: the configured one, or (development
/// profile only) a project-local PostgreSQL kept for the lifetime of this value.
pub enum DatabaseTarget {
    Configured(DatabaseUrl),
    #[cfg(feature = "devdb")]
    Local(devdb::LocalPostgres),
}

impl DatabaseTarget {
    /// The configured database, or without one the local server whose data
    /// lives under `project_dir/.data`. `Config::database` has already
    /// refused the production profile without a database.
    pub fn resolve(configured: Option<DatabaseUrl>, project_dir: &Path) -> anyhow::Result<Self> {
        if let Some(url) = configured {
            tracing::info!(
                "using the database at {} named by {}",
                url.describe(),
                url.origin
            );
            return Ok(Self::Configured(url));
        }
        Self::local(project_dir)
    }

    #[cfg(feature = "devdb")]
    fn local(project_dir: &Path) -> anyhow::Result<Self> {
        let local = devdb::LocalPostgres::start_dev(project_dir)?;
        tracing::info!("using local {}", local.describe());
        Ok(Self::Local(local))
    }

    #[cfg(not(feature = "devdb"))]
    fn local(_project_dir: &Path) -> anyhow::Result<Self> {
        bail!(
            "DATABASE_URL is not set and this build has no local PostgreSQL (cargo feature `devdb`): set DATABASE_URL"
        )
    }

    pub fn url(&self) -> String {
        match self {
            Self::Configured(url) => url.expose().to_owned(),
            #[cfg(feature = "devdb")]
            Self::Local(local) => local.url(),
        }
    }

    /// What an error about this database starts with: which keys named it,
    /// since the infrastructure's own message only knows the URL.
    pub fn blame(&self) -> String {
        match self {
            Self::Configured(url) => format!("the database named by {}", url.origin),
            #[cfg(feature = "devdb")]
            Self::Local(_) => "the local PostgreSQL".to_owned(),
        }
    }

    /// Makes sure the schema is current before serving: the local development
    /// database is migrated on the spot; a configured one must have been
    /// migrated deliberately, so pending migrations stop the start.
    pub fn ensure_schema_current(&self) -> anyhow::Result<()> {
        let url = self.url();
        let context = || self.blame();
        if !matches!(self, Self::Configured(_)) {
            for name in migrations::run_pending(&url).with_context(context)? {
                tracing::info!(migration = %name, "applied migration");
            }
            return Ok(());
        }
        let pending = migrations::pending(&url).with_context(context)?;
        if !pending.is_empty() {
            bail!(
                "{} has {} pending migration(s) ({}): apply them with `just migrate` (cargo run -- migrate up)",
                self.blame(),
                pending.len(),
                pending.join(", ")
            );
        }
        Ok(())
    }
}
