/// Failures of infrastructure set-up (connecting, migrating), as opposed to
/// the [`domain::DomainError`]s that repositories return. Each message is one
/// line that names the problem and, where there is one, the fix.
#[derive(Debug, thiserror::Error)]
pub enum InfraError {
    #[error(
        "cannot connect to the database at {target}: {reason} (is the server running? Check the database \
         settings)"
    )]
    Connect { target: String, reason: String },

    #[error("{0}")]
    DatabaseUrl(String),

    #[error("invalid database pool setting: {0}")]
    PoolSettings(&'static str),

    #[error("could not start the database's threads: {0}")]
    Threads(std::io::Error),

    #[error("migration {name} failed: {reason}")]
    Migration { name: String, reason: String },

    #[error("could not read which migrations the database at {target} has: {reason}")]
    MigrationState { target: String, reason: String },

    #[error(
        "the database has migration {version} applied, which this build does not contain: \
         run the build that applied it, or a newer one"
    )]
    UnknownMigration { version: String },
}
