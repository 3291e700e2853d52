//! The dev server stops when the process that started it is killed with
//! SIGKILL and nobody else uses it: its watchdog does it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn accepts_connections(port: u16) -> bool {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok()
}

#[test]
fn the_server_stops_when_its_owner_is_killed() {
    let project = tempfile::tempdir().unwrap();
    std::fs::set_permissions(project.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_hold-dev-database"))
        .arg(project.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let port: u16 = stdout
        .lines()
        .map_while(Result::ok)
        .find_map(|line| {
            line.strip_prefix("PORT=")
                .map(|p| p.trim().parse().unwrap())
        })
        .expect("the helper printed no port");
    assert!(accepts_connections(port));

    child.kill().unwrap(); // SIGKILL: no destructor runs.
    child.wait().unwrap();

    let deadline = Instant::now() + Duration::from_secs(15);
    while accepts_connections(port) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        !accepts_connections(port),
        "the server on port {port} outlived its owner"
    );
    let pid_file = project.path().join(".data/postgres/postmaster.pid");
    let deadline = Instant::now() + Duration::from_secs(5);
    while pid_file.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        !pid_file.exists(),
        "a server still holds the data directory"
    );
}
