//! Development only: a project-local PostgreSQL, started from the machine's server binaries:
//! for `cargo run` without `DATABASE_URL` (a durable dev cluster) and for tests
//! (a throwaway cluster per test process).
//!
//! The server listens on 127.0.0.1 only, on a free port, with no Unix socket,
//! and trusts local connections as user `agora`. As root, it runs as the
//! `postgres` system user, since initdb and pg_ctl refuse to run as root.
//!
//! A throwaway server is stopped when its [`LocalPostgres`] drops, and by a
//! watchdog child process if this process dies without dropping it. The dev
//! server is shared by every process of the project that uses it (a server,
//! `with-db`, `migrate`), each holding `users.lock` shared: whichever is the
//! last to leave stops it, so none pulls the database from under another.

mod binaries;
mod cluster;
mod error;
mod runner;
mod watchdog;

use std::fs::{DirBuilder, File};
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use diesel::prelude::*;

pub use error::LocalPgError;

use binaries::{DEBIAN_ROOT, PgBinaries};
use cluster::{Cluster, Durability, io_error};
use runner::Runner;
use watchdog::Watchdog;

/// The database the application uses on the dev cluster.
const APP_DATABASE: &str = "agora";
/// The role initdb creates; it owns every database on the cluster.
const SUPERUSER: &str = "agora";

/// A running PostgreSQL server on 127.0.0.1 that this process started (or,
/// for the dev cluster, found already running on the same data directory).
#[derive(Debug)]
pub struct LocalPostgres {
    cluster: Cluster,
    port: u16,
    ownership: Ownership,
    /// The dev cluster's `users.lock`, held shared while this value lives.
    users: Option<File>,
}

#[derive(Debug)]
enum Ownership {
    /// We started the server, so we stop it, and delete `remove` afterwards.
    Started {
        watchdog: Option<Watchdog>,
        remove: Option<PathBuf>,
    },
    /// Another process of the project started it; we stop it only if we
    /// are the last to use it.
    Reused,
}

impl LocalPostgres {
    /// Starts (or reuses) the dev cluster whose data lives in
    /// `<project_dir>/.data/postgres` and survives restarts, and makes sure
    /// the `agora` database exists.
    ///
    /// As root, when the `postgres` user cannot reach the project directory
    /// (a checkout under a mode-700 home), the data goes to
    /// `/var/tmp/agora-<hash of the project path>/postgres` instead;
    /// [`LocalPostgres::data_dir`] tells which.
    ///
    /// A server already running on that data directory (from another process
    /// of this project) is reused, not restarted, and left running at exit.
    pub fn start_dev(project_dir: &Path) -> Result<Self, LocalPgError> {
        let binaries =
            PgBinaries::discover(std::env::var_os("PATH").as_deref(), Path::new(DEBIAN_ROOT))?;
        let runner = Runner::detect()?;
        // The server programs run from "/", so every path handed to them must
        // be absolute.
        let project_dir = project_dir
            .canonicalize()
            .map_err(|reason| io_error("open the project directory", project_dir, reason))?;
        let base = dev_base_dir(&project_dir, runner)?;
        // Taken before looking for a running server: one being stopped by
        // its last user holds the lock exclusively until it is gone.
        let users = join_users(&base.join("users.lock"))?;
        let cluster = Cluster {
            binaries,
            runner,
            data_dir: base.join("postgres"),
            log: base.join("postgres.log"),
            durability: Durability::Durable,
        };
        cluster.prepare()?;
        let mut server = match cluster.running_port() {
            Some(port) => Self {
                cluster,
                port,
                ownership: Ownership::Reused,
                users: None,
            },
            None => Self::init_and_start(cluster, None, Some(&base.join("users.lock")))?,
        };
        server.users = Some(users);
        server.create_database(APP_DATABASE)?;
        Ok(server)
    }

    /// Starts a fresh cluster under the system temp directory, tuned for speed
    /// over durability, deleted when it stops.
    pub fn start_throwaway() -> Result<Self, LocalPgError> {
        Self::start_temporary(Durability::Throwaway)
    }

    /// A fresh cluster under the system temp directory that keeps every
    /// commit through a crash, deleted when it stops.
    pub fn start_crash_safe() -> Result<Self, LocalPgError> {
        Self::start_temporary(Durability::Durable)
    }

    fn start_temporary(durability: Durability) -> Result<Self, LocalPgError> {
        let binaries =
            PgBinaries::discover(std::env::var_os("PATH").as_deref(), Path::new(DEBIAN_ROOT))?;
        let runner = Runner::detect()?;
        let suffix = uuid::Uuid::new_v4().simple().to_string();
        let temp = std::path::absolute(std::env::temp_dir())
            .map_err(|reason| io_error("locate", &std::env::temp_dir(), reason))?;
        let base = temp.join(format!("agora-test-pg-{}", &suffix[..12]));
        create_shared_dir(&base)?;
        if !runner.can_enter(&base) {
            let _ = std::fs::remove_dir_all(&base);
            return Err(LocalPgError::Unreachable { dir: base });
        }
        let cluster = Cluster {
            binaries,
            runner,
            data_dir: base.join("postgres"),
            log: base.join("postgres.log"),
            durability,
        };
        let started = cluster
            .prepare()
            .and_then(|()| Self::init_and_start(cluster, Some(base.clone()), None));
        if started.is_err() {
            let _ = std::fs::remove_dir_all(&base);
        }
        started
    }

    fn init_and_start(
        cluster: Cluster,
        remove: Option<PathBuf>,
        users_lock: Option<&Path>,
    ) -> Result<Self, LocalPgError> {
        if !cluster.is_initialized() {
            cluster.init()?;
        }
        let port = cluster.start()?;
        // A throwaway directory is ours alone, so its watchdog stops whatever
        // server runs there, one a test restarted included.
        let guarded_pid = match remove {
            Some(_) => Some(None),
            None => cluster.postmaster_pid().map(Some),
        };
        // A watchdog that failed to spawn leaves Drop as the only guard; the
        // server still works, so that is not worth refusing to start.
        let watchdog = guarded_pid.and_then(|pid| {
            Watchdog::spawn(&cluster, pid, remove.as_deref(), users_lock)
                .inspect_err(|error| tracing::warn!(%error, "no watchdog for the local PostgreSQL"))
                .ok()
        });
        Ok(Self {
            cluster,
            port,
            ownership: Ownership::Started { watchdog, remove },
            users: None,
        })
    }

    /// Stops the server as a crash would (`pg_ctl -m immediate`): for tests
    /// of what clients see while the database is gone.
    pub fn crash(&self) -> bool {
        self.cluster.stop("immediate")
    }

    /// Starts the server again on its port after [`LocalPostgres::crash`].
    pub fn restart(&self) -> Result<(), LocalPgError> {
        self.cluster
            .start_on(self.port)?
            .map_err(|failure| LocalPgError::Start {
                data_dir: self.cluster.data_dir.clone(),
                reason: match failure {
                    cluster::StartFailure::PortTaken => format!("port {} was taken", self.port),
                    cluster::StartFailure::Other(reason) => reason,
                },
                log: self.cluster.log.clone(),
            })
    }

    /// `postgres://agora@127.0.0.1:PORT/agora`.
    pub fn url(&self) -> String {
        self.url_for(APP_DATABASE)
    }

    pub fn url_for(&self, database: &str) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/{database}", self.port)
    }

    /// Where the data lives: `.data/postgres` under the project, or the
    /// fallback directory chosen when running as root.
    pub fn data_dir(&self) -> &Path {
        &self.cluster.data_dir
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// One line for the log: what runs where.
    pub fn describe(&self) -> String {
        let reused = match self.ownership {
            Ownership::Reused => " (already running, shared: the last process using it stops it)",
            Ownership::Started { .. } => "",
        };
        format!(
            "PostgreSQL {} on 127.0.0.1:{}, data in {}{reused}",
            self.cluster.version(),
            self.port,
            self.cluster.data_dir.display()
        )
    }

    pub fn create_database(&self, name: &str) -> Result<(), LocalPgError> {
        let failed = |reason: String| LocalPgError::CreateDatabase {
            database: name.to_owned(),
            port: self.port,
            reason: reason.trim().replace('\n', "; "),
        };
        let mut conn = PgConnection::establish(&self.url_for("postgres"))
            .map_err(|e| failed(e.to_string()))?;
        // A SELECT's "affected rows" are the rows it found.
        let exists = |conn: &mut PgConnection| {
            diesel::sql_query("SELECT 1 FROM pg_database WHERE datname = $1")
                .bind::<diesel::sql_types::Text, _>(name)
                .execute(conn)
                .map(|rows| rows > 0)
        };
        if exists(&mut conn).map_err(|e| failed(e.to_string()))? {
            return Ok(());
        }
        match diesel::sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut conn) {
            Ok(_) => Ok(()),
            // Another process sharing this dev cluster created it meanwhile.
            Err(_) if exists(&mut conn).unwrap_or(false) => Ok(()),
            Err(e) => Err(failed(e.to_string())),
        }
    }
}

impl Drop for LocalPostgres {
    fn drop(&mut self) {
        // Only the last user of a shared dev server may stop it; the lock,
        // now exclusive, is held until the server is down.
        let users = self.users.take();
        let last = users.as_ref().is_none_or(|users| users.try_lock().is_ok());
        match &mut self.ownership {
            Ownership::Started { watchdog, .. } if !last => {
                watchdog.take().map(Watchdog::leave);
            }
            Ownership::Started { watchdog, remove } => {
                let stopped_by_watchdog = watchdog.take().is_some_and(Watchdog::stop_now);
                if !stopped_by_watchdog {
                    self.cluster.stop("fast");
                    if let Some(dir) = remove {
                        let _ = std::fs::remove_dir_all(dir);
                    }
                }
            }
            Ownership::Reused if last => {
                self.cluster.stop("fast");
            }
            Ownership::Reused => {}
        }
        drop(users);
    }
}

/// Opens the dev cluster's users lock and holds it shared: one more process
/// using the server.
fn join_users(path: &Path) -> Result<File, LocalPgError> {
    let users = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|reason| io_error("open", path, reason))?;
    users
        .lock_shared()
        .map_err(|reason| io_error("lock", path, reason))?;
    Ok(users)
}

/// `<project>/.data`, unless we are root and the postgres user cannot reach
/// it; then a directory under /var/tmp named after the project path, so each
/// checkout keeps its own data across restarts.
fn dev_base_dir(project_dir: &Path, runner: Runner) -> Result<PathBuf, LocalPgError> {
    let preferred = project_dir.join(".data");
    if runner == Runner::CurrentUser || runner.can_enter(project_dir) {
        create_shared_dir(&preferred)?;
        if runner.can_enter(&preferred) {
            return Ok(preferred);
        }
    }
    let fallback = Path::new("/var/tmp").join(format!(
        "agora-{:08x}",
        short_hash(project_dir.as_os_str().as_encoded_bytes())
    ));
    create_shared_dir(&fallback)?;
    if runner.can_enter(&fallback) {
        Ok(fallback)
    } else {
        Err(LocalPgError::Unreachable { dir: fallback })
    }
}

/// A directory others may enter (mode 755): the data directory inside it
/// stays private to the server's user.
fn create_shared_dir(dir: &Path) -> Result<(), LocalPgError> {
    use std::os::unix::fs::PermissionsExt;
    DirBuilder::new()
        .recursive(true)
        .mode(0o755)
        .create(dir)
        .map_err(|reason| io_error("create", dir, reason))?;
    let mode = std::fs::metadata(dir)
        .map_err(|reason| io_error("inspect", dir, reason))?
        .permissions()
        .mode();
    // The umask may have taken away what the postgres user needs.
    if mode & 0o005 != 0o005 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode | 0o755))
            .map_err(|reason| io_error("open up (chmod 755)", dir, reason))?;
    }
    Ok(())
}

/// FNV-1a folded to 32 bits: the same in every build and Rust release
/// (unlike `DefaultHasher`), for names that must stay put across runs. The
/// one hash helper of the development tooling; too small for a crate.
pub fn short_hash(bytes: &[u8]) -> u32 {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    });
    (hash ^ (hash >> 32)) as u32
}

#[cfg(test)]
mod tests;
