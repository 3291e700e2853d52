use std::path::Path;

use anyhow::{Context, bail};
use infra::{local_pg::LocalPostgres, migrations};

use crate::config::Settings;

/// The database every command works on: the configured one, or a
/// project-local PostgreSQL started for the lifetime of this value.
pub enum DatabaseTarget {
    Configured { url: String },
    Local(LocalPostgres),
}

impl DatabaseTarget {
    /// Uses `DATABASE_URL` (or the `DB_*` parts) when set; otherwise starts
    /// (or reuses) the local server whose data lives under `project_dir/.data`.
    pub fn resolve(settings: &Settings, project_dir: &Path) -> anyhow::Result<Self> {
        if let Some(url) = &settings.database.url {
            return Ok(Self::Configured {
                url: url.expose().to_owned(),
            });
        }
        let local = LocalPostgres::start_dev(project_dir)?;
        tracing::info!("started local {}", local.describe());
        Ok(Self::Local(local))
    }

    pub fn url(&self) -> String {
        match self {
            Self::Configured { url } => url.clone(),
            Self::Local(local) => local.url(),
        }
    }

    pub fn is_local(&self) -> bool {
        matches!(self, Self::Local(_))
    }

    /// Makes sure the schema is current before serving: the local development
    /// database is migrated on the spot; a configured one must have been
    /// migrated deliberately, so pending migrations stop the start.
    pub fn ensure_schema_current(&self) -> anyhow::Result<()> {
        let url = self.url();
        if self.is_local() {
            for name in migrations::run_pending(&url).context("applying migrations")? {
                tracing::info!(migration = %name, "applied migration");
            }
            return Ok(());
        }
        let pending = migrations::pending(&url).context("reading migration status")?;
        if !pending.is_empty() {
            bail!(
                "the database has {} pending migration(s) ({}): apply them with `just migrate` (agora migrate up)",
                pending.len(),
                pending.join(", ")
            );
        }
        Ok(())
    }
}
