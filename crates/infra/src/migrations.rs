//! The schema migrations of the workspace's `migrations/` folder, embedded
//! in the binary at build time.
//!
//! These functions block: they are for start-up and the `migrate` command,
//! not for request handlers.

use diesel::connection::CacheSize;
use diesel::migration::{Migration, MigrationSource};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::InfraError;
use crate::db::{describe_target, one_line, with_connect_timeout};

const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

/// Any fixed number shared by every Agora process: two processes migrating the
/// same database at once (two replicas starting) take turns on it.
const MIGRATION_LOCK: i64 = 0x4147_4f52_415f_4d47;

/// A migration known to this build, and whether the database has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    /// The folder name, e.g. `2026-11-26-120000_create_users`.
    pub name: String,
    pub applied: bool,
}

/// Applies every pending migration, each in its own transaction; returns the
/// names applied, oldest first.
pub fn run_pending(db_url: &str) -> Result<Vec<String>, InfraError> {
    let mut session = Session::open(db_url)?;
    session.lock()?;
    let pending = session.pending()?;
    let mut applied = Vec::with_capacity(pending.len());
    for migration in pending {
        let name = migration.name().to_string();
        session
            .conn
            .run_migration(&*migration)
            .map_err(|error| InfraError::Migration {
                name: name.clone(),
                reason: one_line(&error.to_string()),
            })?;
        applied.push(name);
    }
    Ok(applied)
}

/// The names of the migrations not applied yet, oldest first.
pub fn pending(db_url: &str) -> Result<Vec<String>, InfraError> {
    let mut session = Session::open(db_url)?;
    Ok(session
        .pending()?
        .iter()
        .map(|m| m.name().to_string())
        .collect())
}

/// Reverts the most recently applied migration with its `down.sql`; `None`
/// when none is applied.
pub fn revert_last(db_url: &str) -> Result<Option<String>, InfraError> {
    let mut session = Session::open(db_url)?;
    session.lock()?;
    let Some(last) = session.applied_versions()?.into_iter().max() else {
        return Ok(None);
    };
    let migration = session
        .known()?
        .into_iter()
        .find(|m| m.name().version().to_string() == last)
        .ok_or(InfraError::UnknownMigration { version: last })?;
    let name = migration.name().to_string();
    session
        .conn
        .revert_migration(&*migration)
        .map_err(|error| InfraError::Migration {
            name: name.clone(),
            reason: one_line(&error.to_string()),
        })?;
    Ok(Some(name))
}

/// Every migration this build knows, oldest first, with whether it is applied.
pub fn status(db_url: &str) -> Result<Vec<MigrationStatus>, InfraError> {
    let mut session = Session::open(db_url)?;
    let applied = session.applied_versions()?;
    Ok(session
        .known()?
        .iter()
        .map(|m| MigrationStatus {
            name: m.name().to_string(),
            applied: applied.contains(&m.name().version().to_string()),
        })
        .collect())
}

/// The names of the migrations this build contains, oldest first.
#[cfg(any(test, feature = "testing"))]
pub(crate) fn known_names() -> Result<Vec<String>, InfraError> {
    let mut names = MigrationSource::<Pg>::migrations(&MIGRATIONS)
        .map_err(|e| InfraError::MigrationState {
            target: "this build".to_owned(),
            reason: one_line(&e.to_string()),
        })?
        .iter()
        .map(|m| m.name().to_string())
        .collect::<Vec<_>>();
    names.sort();
    Ok(names)
}

/// One connection for one command; the advisory lock, if taken, goes with it.
struct Session {
    conn: PgConnection,
    target: String,
}

impl Session {
    fn open(db_url: &str) -> Result<Self, InfraError> {
        let target = describe_target(db_url);
        let url = with_connect_timeout(db_url, std::time::Duration::from_secs(5));
        let mut conn = PgConnection::establish(&url).map_err(|error| InfraError::Connect {
            target: target.clone(),
            reason: one_line(&error.to_string()),
        })?;
        // A command runs a few statements once: caching them gains nothing,
        // and the server's checks at start-up may pass through a pooler in
        // transaction mode, where named statements collide.
        conn.set_prepared_statement_cache_size(CacheSize::Disabled);
        Ok(Self { conn, target })
    }

    fn lock(&mut self) -> Result<(), InfraError> {
        diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
            .execute(&mut self.conn)
            .map(drop)
            .map_err(|error| self.state_error(&error))
    }

    fn known(&self) -> Result<Vec<Box<dyn Migration<Pg>>>, InfraError> {
        let mut known =
            MigrationSource::<Pg>::migrations(&MIGRATIONS).map_err(|e| self.state_error(&*e))?;
        known.sort_by_key(|m| m.name().version().to_string());
        Ok(known)
    }

    /// Versions as strings: diesel's `MigrationVersion` borrows from its
    /// source, which makes it awkward to keep.
    fn applied_versions(&mut self) -> Result<Vec<String>, InfraError> {
        let applied = self
            .conn
            .applied_migrations()
            .map_err(|e| InfraError::MigrationState {
                target: self.target.clone(),
                reason: one_line(&e.to_string()),
            })?;
        Ok(applied.iter().map(ToString::to_string).collect())
    }

    fn pending(&mut self) -> Result<Vec<Box<dyn Migration<Pg>>>, InfraError> {
        let applied = self.applied_versions()?;
        Ok(self
            .known()?
            .into_iter()
            .filter(|m| !applied.contains(&m.name().version().to_string()))
            .collect())
    }

    fn state_error(&self, error: &dyn std::error::Error) -> InfraError {
        InfraError::MigrationState {
            target: self.target.clone(),
            reason: one_line(&error.to_string()),
        }
    }
}

#[cfg(test)]
mod tests;
