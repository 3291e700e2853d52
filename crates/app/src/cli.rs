use std::ffi::OsString;

use clap::{Parser, Subcommand};

/// Agora: a social-posting REST service.
///
/// In the development profile (debug builds; AGORA_PROFILE overrides) with no
/// DATABASE_URL (or DB_* parts), every command uses a project-local
/// PostgreSQL kept under .data/ at the checkout's root, started on demand.
/// From a checkout, run it as `cargo run -- <command>` or `just agora <command>`.
#[derive(Debug, Parser)]
#[command(name = "agora", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API (the default).
    Serve,
    /// Inspect or change the database schema.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Run a command on the migrated database, with DATABASE_URL and libpq's
    /// PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE set for it
    /// (e.g. `agora with-db -- psql -c '\dt'`, or
    /// `agora with-db -- sh -c 'diesel print-schema --database-url "$DATABASE_URL"'`).
    WithDb {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
        command: Vec<OsString>,
    },
}

#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Revert the most recent migration.
    Down,
    /// Revert and re-apply the most recent migration.
    Redo,
    /// List applied and pending migrations.
    Status,
    /// Create a new timestamped migration folder with up.sql and down.sql.
    New {
        /// snake_case name, e.g. add_post_tags
        name: String,
    },
}
