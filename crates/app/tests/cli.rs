//! The `agora` binary as an operator meets it: start-up refusals are one line
//! and a non-zero exit; SIGTERM and SIGINT stop it cleanly with exit code 0.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    net::TcpListener,
    process::{Child, Command, Output, Stdio},
    thread,
    time::{Duration, Instant},
};

use infra::testing::TestDatabase;

const SECRET: &str = "a cli test secret that is long enough";

/// `agora` with a clean environment: only what the test sets.
fn agora(dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_agora"));
    command
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    command
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).trim().to_owned()
}

/// The `agora: error:` lines of stderr; any other line must be an info log.
fn errors_of(output: &Output) -> String {
    let stderr = stderr_of(output);
    let (errors, others): (Vec<&str>, Vec<&str>) = stderr
        .lines()
        .partition(|line| line.starts_with("agora: error: "));
    assert!(others.iter().all(|line| line.contains("INFO")), "{stderr}");
    errors.join("\n")
}

#[test]
fn pending_migrations_on_a_configured_database_refuse_the_start() {
    let db = TestDatabase::empty();
    let dir = tempfile::tempdir().unwrap();
    let output = agora(dir.path())
        .env("DATABASE_URL", db.url())
        .env("JWT_SECRET", SECRET)
        .env("PORT", free_port().to_string())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = errors_of(&output);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("pending migration")
            && stderr.contains("create_users")
            && stderr.contains("just migrate"),
        "{stderr}"
    );
}

#[test]
fn migrate_up_then_status_lists_everything_applied() {
    let db = TestDatabase::empty();
    let dir = tempfile::tempdir().unwrap();
    let up = agora(dir.path())
        .args(["migrate", "up"])
        .env("DATABASE_URL", db.url())
        .output()
        .unwrap();
    assert!(up.status.success(), "{}", stderr_of(&up));
    let status = agora(dir.path())
        .args(["migrate", "status"])
        .env("DATABASE_URL", db.url())
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(listing.lines().count() >= 3, "{listing}");
    assert!(
        listing.lines().all(|line| line.starts_with("applied")),
        "{listing}"
    );
}

#[test]
fn a_port_in_use_is_one_line_naming_the_port() {
    let db = TestDatabase::new();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let output = agora(dir.path())
        .env("DATABASE_URL", db.url())
        .env("JWT_SECRET", SECRET)
        .env("PORT", port.to_string())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = errors_of(&output);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&port.to_string()) && stderr.contains("in use"),
        "{stderr}"
    );
}

#[test]
fn every_configuration_problem_is_one_line_naming_key_and_source() {
    let dir = tempfile::tempdir().unwrap();
    let bad = agora(dir.path())
        .env("PORT", "eighty")
        .env("DATABASE_POOL_SIZE", "0")
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let stderr = stderr_of(&bad);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with(
            "agora: error: DATABASE_POOL_SIZE (from environment variable DATABASE_POOL_SIZE): "
        ),
        "{stderr}"
    );
    assert!(
        lines[1].starts_with("agora: error: PORT (from environment variable PORT): "),
        "{stderr}"
    );
}

#[test]
fn production_without_database_or_secret_stops_with_one_line_each() {
    let dir = tempfile::tempdir().unwrap();
    let output = agora(dir.path())
        .env("AGORA_PROFILE", "production")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = stderr_of(&output);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with(
            "agora: error: DATABASE_URL (not set): required in the production profile"
        ),
        "{stderr}"
    );
    assert!(
        lines[1]
            .starts_with("agora: error: JWT_SECRET (not set): required in the production profile"),
        "{stderr}"
    );
    assert!(
        !dir.path().join(".data").exists(),
        "production started a local database"
    );
}

#[test]
fn an_unreachable_database_is_one_line_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("postgres://agora:hunter2@127.0.0.1:{}/agora", free_port());
    let output = agora(dir.path())
        .env("DATABASE_URL", &url)
        .env("JWT_SECRET", SECRET)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = errors_of(&output);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("127.0.0.1"), "{stderr}");
    assert!(
        stderr.contains("named by DATABASE_URL (from environment variable DATABASE_URL)"),
        "{stderr}"
    );
    let log = stderr_of(&output);
    assert!(
        log.contains(&format!(
            "using the database at 127.0.0.1:{}/agora",
            url.rsplit(':').next().unwrap().trim_end_matches("/agora")
        )),
        "{log}"
    );
    assert!(
        !stderr.contains("hunter2"),
        "the password must not be printed: {stderr}"
    );
}

/// `agora serve` on `db` at `port` (bcrypt cost 4 unless `env` says
/// otherwise), once it listens.
fn serve(db: &TestDatabase, port: u16, env: &[(&str, &str)]) -> Child {
    let dir = tempfile::tempdir().unwrap();
    let child = agora(dir.path())
        .env("DATABASE_URL", db.url())
        .env("JWT_SECRET", SECRET)
        .env("PORT", port.to_string())
        .env("BCRYPT_COST", "4")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "agora did not start listening");
        thread::sleep(Duration::from_millis(50));
    }
    child
}

fn signal_and_wait(mut child: Child, signal: &str) -> std::process::ExitStatus {
    let killed = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "agora did not stop after {signal}"
        );
        thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn sigterm_and_sigint_stop_the_server_with_exit_code_zero() {
    let db = TestDatabase::new();
    for signal in ["-TERM", "-INT"] {
        let port = free_port();
        let child = serve(&db, port, &[]);
        let status = signal_and_wait(child, signal);
        assert_eq!(status.code(), Some(0), "after {signal}");
        assert!(
            std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
            "still listening after {signal}"
        );
    }
}

#[tokio::test]
async fn a_request_in_flight_when_sigint_arrives_still_completes() {
    let db = TestDatabase::new();
    let port = free_port();
    // Cost 14 makes a login take about a second: long enough to interrupt.
    let child = serve(&db, port, &[("BCRYPT_COST", "14")]);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let user =
        serde_json::json!({"name": "Ada", "email": "ada@example.com", "password": "correct horse"});
    let created = client
        .post(format!("{base}/users"))
        .json(&user)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), reqwest::StatusCode::CREATED);

    let login = tokio::spawn({
        let client = client.clone();
        async move {
            client
                .post(format!("{base}/login"))
                .form(&[
                    ("username", "ada@example.com"),
                    ("password", "correct horse"),
                ])
                .send()
                .await
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let status = tokio::task::spawn_blocking(move || signal_and_wait(child, "-INT"))
        .await
        .unwrap();
    let login = login
        .await
        .unwrap()
        .expect("the in-flight login was cut off");
    assert_eq!(login.status(), reqwest::StatusCode::OK);
    assert_eq!(status.code(), Some(0));
}

/// Behind a balancer, SIGTERM must not close the port before the balancer
/// has seen readiness fail: a request it sends in between would be cut off.
#[tokio::test]
async fn with_a_drain_sigterm_fails_readiness_and_keeps_serving_before_the_port_closes() {
    let db = TestDatabase::new();
    let port = free_port();
    let child = serve(&db, port, &[("SHUTDOWN_DRAIN_SECONDS", "2")]);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let before = client.get(format!("{base}/posts")).send().await.unwrap();
    assert_eq!(before.status(), reqwest::StatusCode::OK);
    assert_eq!(before.headers().get("connection"), None, "kept alive");

    let signalled = Instant::now();
    let stopped = tokio::task::spawn_blocking(move || signal_and_wait(child, "-TERM"));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let ready = client
        .get(format!("{base}/health/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), reqwest::StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(ready.headers()["connection"], "close");
    // A new connection is still accepted and served, and told to close.
    let posts = client.get(format!("{base}/posts")).send().await.unwrap();
    assert_eq!(posts.status(), reqwest::StatusCode::OK);
    assert_eq!(posts.headers()["connection"], "close");

    let status = stopped.await.unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(
        signalled.elapsed() >= Duration::from_secs(2),
        "stopped {:?} after SIGTERM, inside its 2 s drain",
        signalled.elapsed()
    );
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[tokio::test]
async fn two_instances_on_one_database_share_the_login_limits() {
    let db = TestDatabase::new();
    let ports = [free_port(), free_port()];
    let instances: Vec<Child> = ports.iter().map(|port| serve(&db, *port, &[])).collect();
    let client = reqwest::Client::new();
    let guess = |port: u16| {
        client
            .post(format!("http://127.0.0.1:{port}/login"))
            .form(&[("username", "ada@example.com"), ("password", "guess")])
            .send()
    };
    // Five failures, the limit for one email from one address, spread over both.
    let mut answers = Vec::new();
    for n in 0..5 {
        answers.push(guess(ports[n % 2]).await.unwrap().status().as_u16());
    }
    for port in ports {
        answers.push(guess(port).await.unwrap().status().as_u16());
    }
    println!("instances A, B, A, B, A, then A, B: {answers:?}");
    assert_eq!(answers, [401, 401, 401, 401, 401, 429, 429]);
    for instance in instances {
        let status = tokio::task::spawn_blocking(move || signal_and_wait(instance, "-TERM"))
            .await
            .unwrap();
        assert_eq!(status.code(), Some(0));
    }
}
