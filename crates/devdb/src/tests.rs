use std::net::{SocketAddr, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use diesel::prelude::*;

use super::*;

/// A project directory the postgres user can reach, as a normal checkout is.
fn open_project_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

fn accepts_connections(port: u16) -> bool {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok()
}

fn assert_stopped(port: u16, data_dir: &Path) {
    assert!(
        !accepts_connections(port),
        "port {port} still accepts connections"
    );
    assert!(
        !data_dir.join("postmaster.pid").exists(),
        "a server still holds {}",
        data_dir.display()
    );
}

fn is_root() -> bool {
    Runner::detect().unwrap() == Runner::SystemUser
}

#[test]
fn dev_cluster_keeps_its_data_across_restarts_and_stops_with_its_owner() {
    let project = open_project_dir();
    let server = LocalPostgres::start_dev(project.path()).unwrap();
    let data_dir = server.data_dir().to_owned();
    let port = server.port();
    assert_eq!(
        data_dir,
        project
            .path()
            .canonicalize()
            .unwrap()
            .join(".data/postgres")
    );
    assert_eq!(
        server.url(),
        format!("postgres://agora@127.0.0.1:{port}/agora")
    );
    let described = server.describe();
    assert!(
        described.starts_with("PostgreSQL ")
            && described.contains(&format!("127.0.0.1:{port}"))
            && described.contains(&data_dir.display().to_string())
            && !described.contains('\n'),
        "{described}"
    );

    let mut conn = PgConnection::establish(&server.url()).unwrap();
    diesel::sql_query("CREATE TABLE kept (id int)")
        .execute(&mut conn)
        .unwrap();
    drop(conn);
    drop(server);
    assert_stopped(port, &data_dir);

    let again = LocalPostgres::start_dev(project.path()).unwrap();
    assert_eq!(again.data_dir(), data_dir);
    let mut conn = PgConnection::establish(&again.url()).unwrap();
    diesel::sql_query("SELECT * FROM kept")
        .execute(&mut conn)
        .unwrap();
    drop(conn);
    let port = again.port();
    drop(again);
    assert_stopped(port, &data_dir);
}

#[test]
fn a_dev_server_already_running_is_shared_and_the_last_user_stops_it() {
    let project = open_project_dir();
    let owner = LocalPostgres::start_dev(project.path()).unwrap();
    let guest = LocalPostgres::start_dev(project.path()).unwrap();
    assert_eq!(guest.port(), owner.port());
    assert!(
        guest.describe().contains("already running"),
        "{}",
        guest.describe()
    );

    drop(guest);
    PgConnection::establish(&owner.url()).unwrap();

    let (port, data_dir) = (owner.port(), owner.data_dir().to_owned());
    drop(owner);
    assert_stopped(port, &data_dir);
}

/// Issue 8's scenario: `agora with-db -- sleep 8` starts the server, `agora
/// serve` starts while it runs and borrows it, then the first one exits.
#[test]
fn the_process_that_started_the_dev_server_leaves_it_to_one_still_using_it() {
    let project = open_project_dir();
    let with_db = LocalPostgres::start_dev(project.path()).unwrap();
    let serve = LocalPostgres::start_dev(project.path()).unwrap();
    let (port, data_dir) = (serve.port(), serve.data_dir().to_owned());

    drop(with_db);
    let mut conn = PgConnection::establish(&serve.url()).expect("the server lost its database");
    diesel::sql_query("SELECT 1").execute(&mut conn).unwrap();
    drop(conn);

    drop(serve);
    assert_stopped(port, &data_dir);
}

#[test]
fn as_root_a_project_the_postgres_user_cannot_reach_uses_var_tmp() {
    if !is_root() {
        eprintln!(
            "SKIPPED as_root_a_project_the_postgres_user_cannot_reach_uses_var_tmp: needs root"
        );
        return;
    }
    // Like a checkout under a mode-700 home directory.
    let home = tempfile::tempdir().unwrap();
    std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    let project = home.path().join("agora");
    std::fs::create_dir(&project).unwrap();
    let server = LocalPostgres::start_dev(&project).unwrap();
    let data_dir = server.data_dir().to_owned();
    let base = data_dir.parent().unwrap().to_owned();
    assert!(base.starts_with("/var/tmp"), "{}", data_dir.display());
    assert!(
        base.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("agora-"),
        "{}",
        base.display()
    );
    assert!(server.describe().contains(&data_dir.display().to_string()));
    PgConnection::establish(&server.url()).unwrap();
    let port = server.port();
    drop(server);
    assert_stopped(port, &data_dir);
    std::fs::remove_dir_all(base).unwrap();
}

#[test]
fn a_throwaway_cluster_is_deleted_when_dropped() {
    let server = LocalPostgres::start_throwaway().unwrap();
    let base = server.data_dir().parent().unwrap().to_owned();
    assert!(base.starts_with(std::env::temp_dir()));
    PgConnection::establish(&server.url_for("postgres")).unwrap();
    let port = server.port();
    drop(server);
    assert!(!accepts_connections(port));
    assert!(!base.exists(), "{} is left behind", base.display());
}

fn assert_one_line_pointing_to_the_log(message: &str, log: &Path) {
    assert!(!message.contains('\n'), "{message}");
    assert!(message.contains(&log.display().to_string()), "{message}");
}

#[test]
fn a_server_that_will_not_start_is_a_one_line_error_with_its_fatal_message() {
    let project = open_project_dir();
    let server = LocalPostgres::start_dev(project.path()).unwrap();
    let data_dir = server.data_dir().to_owned();
    drop(server);
    let mut conf = std::fs::OpenOptions::new()
        .append(true)
        .open(data_dir.join("postgresql.conf"))
        .unwrap();
    std::io::Write::write_all(&mut conf, b"\nagora_bogus_setting = 1\n").unwrap();

    let error = LocalPostgres::start_dev(project.path()).unwrap_err();
    assert!(matches!(error, LocalPgError::Start { .. }), "{error:?}");
    let message = error.to_string();
    assert_one_line_pointing_to_the_log(
        &message,
        &project
            .path()
            .canonicalize()
            .unwrap()
            .join(".data/postgres.log"),
    );
    assert!(message.contains("agora_bogus_setting"), "{message}");
}

#[test]
fn a_failed_initdb_is_a_one_line_error_naming_the_directory() {
    let project = open_project_dir();
    let data_dir = project.path().join(".data/postgres");
    std::fs::create_dir_all(&data_dir).unwrap();
    std::fs::write(data_dir.join("stray-file"), "not a cluster").unwrap();

    let error = LocalPostgres::start_dev(project.path()).unwrap_err();
    assert!(matches!(error, LocalPgError::InitDb { .. }), "{error:?}");
    let message = error.to_string();
    assert_one_line_pointing_to_the_log(
        &message,
        &project
            .path()
            .canonicalize()
            .unwrap()
            .join(".data/postgres.log"),
    );
    assert!(message.contains("not empty"), "{message}");
}

#[test]
fn a_port_taken_by_another_program_is_recognised() {
    let server = LocalPostgres::start_throwaway().unwrap();
    assert!(server.cluster.stop("fast"));
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port();
    let outcome = server.cluster.start_on(port).unwrap();
    assert!(matches!(outcome, Err(cluster::StartFailure::PortTaken)));

    let log = server.cluster.log.clone();
    let message = LocalPgError::PortInUse {
        port,
        log: log.clone(),
    }
    .to_string();
    assert_one_line_pointing_to_the_log(&message, &log);
    assert!(message.contains(&format!("port {port}")), "{message}");
}
