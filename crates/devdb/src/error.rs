use std::path::PathBuf;

/// Why the project-local PostgreSQL could not be started. Every message is one
/// line naming the problem and what to do about it, fit to end a CLI run.
#[derive(Debug, thiserror::Error)]
pub enum LocalPgError {
    #[error(
        "PostgreSQL server binaries not found (initdb, pg_ctl, postgres): install postgresql \
         (Debian: apt-get install postgresql) or put its bin directory on PATH"
    )]
    BinariesNotFound,

    #[error(
        "running as root, PostgreSQL must run as the `postgres` system user, which does not \
         exist: create it (Debian: apt-get install postgresql, or useradd --system postgres) \
         or run as a regular user"
    )]
    NoSystemUser,

    #[error("could not run {program}: {reason}")]
    Spawn {
        program: String,
        reason: std::io::Error,
    },

    #[error("could not {action} {}: {reason}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        reason: std::io::Error,
    },

    #[error(
        "the `postgres` user cannot reach {}: make it and every directory above it \
         traversable (chmod o+x), or run as a regular user",
        dir.display()
    )]
    Unreachable { dir: PathBuf },

    #[error(
        "initdb failed for {}: {reason}; see {}; delete that directory to start afresh",
        data_dir.display(),
        log.display()
    )]
    InitDb {
        data_dir: PathBuf,
        reason: String,
        log: PathBuf,
    },

    #[error(
        "port {port} on 127.0.0.1 is already in use: stop the program using it and retry, or \
         set DATABASE_URL to use another server; see {}",
        log.display()
    )]
    PortInUse { port: u16, log: PathBuf },

    #[error(
        "PostgreSQL did not start on {}: {reason}; see {}",
        data_dir.display(),
        log.display()
    )]
    Start {
        data_dir: PathBuf,
        reason: String,
        log: PathBuf,
    },

    #[error("could not create the `{database}` database on 127.0.0.1:{port}: {reason}")]
    CreateDatabase {
        database: String,
        port: u16,
        reason: String,
    },
}
