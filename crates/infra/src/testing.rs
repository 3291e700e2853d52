//! One fresh database per test, cloned from a migrated template, so database
//! tests run in parallel without sharing state (the pattern of crates.io's
//! `crates_io_test_db`).
//!
//! The first [`TestDatabase::new`] in a process starts a throwaway PostgreSQL
//! cluster under the system temp directory, or uses the server named by
//! `TEST_DATABASE_URL` (a URL whose user may create databases), and migrates a
//! template database once. Each test database is dropped with its
//! [`TestDatabase`]; the cluster is stopped and deleted by its watchdog when
//! the test process exits.
//!
//! Test support: failures panic with a message saying what to fix.

use std::sync::OnceLock;
use std::time::Duration;

use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool, PooledConnection};

use crate::catalog::pg_database;
use crate::{Database, PoolSettings, migrations};
use devdb::LocalPostgres;

const POOL_SIZE: u32 = 4;
const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(5);
/// Guards template creation among processes sharing a `TEST_DATABASE_URL` server.
const TEMPLATE_LOCK: i64 = 0x4147_4f52_415f_5454;

/// A database of its own for one test, with every migration applied.
/// Dropped (with `DROP DATABASE ... WITH (FORCE)`) when this value drops.
pub struct TestDatabase {
    name: String,
    url: String,
    database: Option<Database>,
}

impl TestDatabase {
    /// A fresh database with the schema of every migration.
    pub fn new() -> Self {
        let server = server();
        Self::create(server, &format!("TEMPLATE {}", server.template))
    }

    /// A fresh database with no migration applied.
    pub fn empty() -> Self {
        Self::create(server(), "")
    }

    fn create(server: &'static TestServer, options: &str) -> Self {
        let name = format!("test_{}", uuid::Uuid::new_v4().simple());
        let sql = format!("CREATE DATABASE {name} {options}");
        if let Err(error) = diesel::sql_query(&sql).execute(&mut server.admin()) {
            panic!("test database: `{sql}` failed: {error}");
        }
        let url = with_database(&server.url, &name)
            .unwrap_or_else(|error| panic!("test database: {error}"));
        let database = Database::connect(&url, PoolSettings::new(POOL_SIZE, CHECKOUT_TIMEOUT))
            .unwrap_or_else(|error| panic!("test database: {error}"));
        Self {
            name,
            url,
            database: Some(database),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Runs `sql` on this database on a connection of its own, for a test's
    /// set-up; returns the rows it changed.
    pub fn execute(&self, sql: &str) -> usize {
        let mut conn = PgConnection::establish(&self.url)
            .unwrap_or_else(|error| panic!("test database: {error}"));
        diesel::sql_query(sql)
            .execute(&mut conn)
            .unwrap_or_else(|error| panic!("test database: `{sql}` failed: {error}"))
    }

    /// A pool on this database (4 connections, 5 s checkout timeout), shared
    /// by every call. The database is dropped with `self`: keep `self` alive
    /// while the pool is in use.
    pub fn database(&self) -> Database {
        match &self.database {
            Some(database) => database.clone(),
            None => unreachable!("the pool is only taken away in drop"),
        }
    }
}

impl Default for TestDatabase {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Close our own connections first; FORCE ends any a test leaked.
        self.database = None;
        let Some(Ok(server)) = SERVER.get() else {
            return;
        };
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let dropped = server.try_admin().and_then(|mut conn| {
            diesel::sql_query(&sql)
                .execute(&mut conn)
                .map_err(|e| e.to_string())
        });
        // Panicking in drop would abort a test that is already unwinding.
        if let Err(error) = dropped {
            eprintln!("test database: `{sql}` failed: {error}");
        }
    }
}

/// A PostgreSQL server of one test's own, with a migrated `agora` database,
/// for tests that crash and restart it. Stopped and deleted when dropped.
pub struct CrashableServer {
    cluster: LocalPostgres,
}

impl CrashableServer {
    pub fn start() -> Self {
        // Durable: a throwaway cluster's synchronous_commit=off would lose
        // acknowledged commits in a crash, which is what the tests look for.
        let cluster = LocalPostgres::start_crash_safe()
            .unwrap_or_else(|error| panic!("no PostgreSQL for the test: {error}"));
        cluster
            .create_database("agora")
            .unwrap_or_else(|error| panic!("crashable server: {error}"));
        migrations::run_pending(&cluster.url())
            .unwrap_or_else(|error| panic!("crashable server: {error}"));
        Self { cluster }
    }

    /// The migrated `agora` database.
    pub fn url(&self) -> String {
        self.cluster.url()
    }

    /// Stops the server as a crash would: `pg_ctl -m immediate stop`.
    pub fn crash(&self) {
        assert!(self.cluster.crash(), "the server would not stop");
    }

    /// Starts the server again on the same port.
    pub fn restart(&self) {
        self.cluster
            .restart()
            .unwrap_or_else(|error| panic!("crashable server: {error}"));
    }
}

static SERVER: OnceLock<Result<TestServer, String>> = OnceLock::new();

struct TestServer {
    /// Keeps the throwaway cluster running. A static is never dropped: the
    /// cluster's watchdog stops and deletes it when the process exits.
    _cluster: Option<LocalPostgres>,
    /// The maintenance database on the server, e.g. `.../postgres`.
    url: String,
    admin: Pool<ConnectionManager<PgConnection>>,
    template: String,
}

fn server() -> &'static TestServer {
    match SERVER.get_or_init(TestServer::start) {
        Ok(server) => server,
        Err(error) => panic!("no PostgreSQL for tests: {error}"),
    }
}

impl TestServer {
    fn start() -> Result<Self, String> {
        let (cluster, url) = match std::env::var("TEST_DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => (None, url),
            _ => {
                let cluster = LocalPostgres::start_throwaway().map_err(|e| e.to_string())?;
                let url = cluster.url_for("postgres");
                (Some(cluster), url)
            }
        };
        let admin = Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(30))
            .build_unchecked(ConnectionManager::new(url.clone()));
        let server = Self {
            _cluster: cluster,
            url,
            admin,
            template: template_name()?,
        };
        server.prepare_template()?;
        Ok(server)
    }

    fn admin(&self) -> PooledConnection<ConnectionManager<PgConnection>> {
        self.try_admin()
            .unwrap_or_else(|error| panic!("test database server: {error}"))
    }

    fn try_admin(&self) -> Result<PooledConnection<ConnectionManager<PgConnection>>, String> {
        self.admin.get().map_err(|e| e.to_string())
    }

    /// Creates and migrates the template unless a finished one exists. A
    /// template is only marked `IS_TEMPLATE` once migrated, so one left half
    /// made by a killed process is rebuilt.
    fn prepare_template(&self) -> Result<(), String> {
        let mut conn = self.try_admin()?;
        let sql = |conn: &mut PgConnection, sql: String| {
            diesel::sql_query(&sql)
                .execute(conn)
                .map(drop)
                .map_err(|e| format!("`{sql}` failed: {e}"))
        };
        sql(
            &mut conn,
            format!("SELECT pg_advisory_lock({TEMPLATE_LOCK})"),
        )?;
        let ready: Option<bool> = pg_database::table
            .filter(pg_database::datname.eq(&self.template))
            .select(pg_database::datistemplate)
            .first(&mut conn)
            .optional()
            .map_err(|e| e.to_string())?;
        let outcome = match ready {
            Some(true) => Ok(()),
            half_made => {
                if half_made.is_some() {
                    sql(
                        &mut conn,
                        format!("DROP DATABASE {} WITH (FORCE)", self.template),
                    )?;
                }
                sql(&mut conn, format!("CREATE DATABASE {}", self.template))?;
                migrations::run_pending(&with_database(&self.url, &self.template)?)
                    .map_err(|e| e.to_string())?;
                sql(
                    &mut conn,
                    format!("ALTER DATABASE {} IS_TEMPLATE true", self.template),
                )
            }
        };
        sql(
            &mut conn,
            format!("SELECT pg_advisory_unlock({TEMPLATE_LOCK})"),
        )?;
        outcome
    }
}

/// `agora_template_<hash of the migration names>`: on a long-lived
/// `TEST_DATABASE_URL` server, a build with other migrations gets its own
/// template instead of a stale one.
fn template_name() -> Result<String, String> {
    let names = migrations::known_names().map_err(|e| e.to_string())?;
    let hash = devdb::short_hash(names.join("\n").as_bytes());
    Ok(format!("agora_template_{hash:08x}"))
}

/// The same server URL with another database name. A URL that cannot be
/// read is an error: handing it on unchanged would run the tests in the
/// server's own database.
fn with_database(url: &str, database: &str) -> Result<String, String> {
    let mut url = url::Url::parse(url).map_err(|e| format!("the test server's URL: {e}"))?;
    url.set_path(database);
    Ok(url.into())
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn with_database_swaps_only_the_name() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/postgres?sslmode=disable", "test_1").unwrap(),
            "postgres://u:p@h:5432/test_1?sslmode=disable"
        );
        assert_eq!(
            with_database("postgresql://h", "x").unwrap(),
            "postgresql://h/x"
        );
    }
}
