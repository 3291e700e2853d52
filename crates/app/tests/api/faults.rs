//! What the server does at its edges: the database crashing under load,
//! transactions that collide, clients that send their bodies a byte at a time.

use std::collections::BTreeMap;
use std::sync::{
    Arc, Mutex,
    atomic::{AtomicBool, Ordering},
};
use std::time::{Duration, Instant};

use infra::{
    Database, PoolSettings,
    testing::{CrashableServer, TestDatabase},
};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{spawn_app_on, unlimited_registrations};

/// The database crashes (`pg_ctl -m immediate stop`) and comes back, again
/// and again, under concurrent reads and writes: every answer stays honest.
const CYCLES: usize = 10;
const DOWN_FOR: Duration = Duration::from_millis(1500);
const UP_BETWEEN: Duration = Duration::from_millis(1000);
const POOL_SIZE: u32 = 8;
/// About 100 requests a second from each client.
const PAUSE: Duration = Duration::from_millis(10);

#[derive(Default)]
struct Tally {
    statuses: BTreeMap<u16, usize>,
    unavailable_without_retry_after: usize,
    transport_errors: Vec<String>,
    created: Vec<i64>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn crashes_of_the_database_get_honest_answers_and_lose_nothing_acknowledged() {
    // Its own server: the crashes must not touch the other tests' databases.
    let server = Arc::new(CrashableServer::start());
    let database = Database::connect(
        &server.url(),
        PoolSettings::new(POOL_SIZE, Duration::from_secs(2)),
    )
    .unwrap();
    let app = spawn_app_on(
        database.clone(),
        unlimited_registrations(),
        api::HttpSettings::default(),
        server.clone(),
    );
    let (client, base) = (app.client.clone(), app.address.clone());
    let (_, token) = app.signed_up("Writer").await;

    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let most_threads = Arc::new(Mutex::new(0usize));
    let mut load = Vec::new();
    for writer in 0..2 {
        load.push(tokio::spawn(drive(
            client.clone(),
            base.clone(),
            Some(token.clone()),
            writer,
            stop.clone(),
            tally.clone(),
        )));
    }
    load.push(tokio::spawn(drive(
        client.clone(),
        base.clone(),
        None,
        2,
        stop.clone(),
        tally.clone(),
    )));
    let sampler = tokio::spawn({
        let stop = stop.clone();
        let most_threads = most_threads.clone();
        async move {
            while !stop.load(Ordering::Relaxed) {
                let threads = thread_count();
                {
                    let mut most = most_threads.lock().unwrap();
                    *most = (*most).max(threads);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    });

    let mut recoveries = Vec::new();
    for _ in 0..CYCLES {
        tokio::time::sleep(UP_BETWEEN).await;
        server.crash();
        tokio::time::sleep(DOWN_FOR).await;
        server.restart();
        let restarted = Instant::now();
        loop {
            let ready = client.get(format!("{base}/health/ready")).send().await;
            if ready.is_ok_and(|r| r.status() == StatusCode::OK) {
                break;
            }
            assert!(
                restarted.elapsed() < Duration::from_secs(20),
                "not ready 20 s after the restart"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        recoveries.push(restarted.elapsed());
    }
    tokio::time::sleep(UP_BETWEEN).await;
    stop.store(true, Ordering::Relaxed);
    for task in load {
        task.await.unwrap();
    }
    sampler.await.unwrap();

    let tally = std::mem::take(&mut *tally.lock().unwrap());
    let mut lost = Vec::new();
    for id in &tally.created {
        let found = client
            .get(format!("{base}/posts/{id}"))
            .send()
            .await
            .unwrap();
        if found.status() != StatusCode::OK {
            lost.push(*id);
        }
    }
    let recoveries_ms: Vec<u128> = recoveries.iter().map(Duration::as_millis).collect();
    println!(
        "outage: {CYCLES} crashes of {DOWN_FOR:?}; statuses {:?}; {} posts acknowledged, {} lost; \
         503s without Retry-After: {}; transport errors: {}; \
         most requests holding a blocking thread: {} (pool {POOL_SIZE}); \
         most threads in the process: {}; readiness back after (ms): {recoveries_ms:?}",
        tally.statuses,
        tally.created.len(),
        lost.len(),
        tally.unavailable_without_retry_after,
        tally.transport_errors.len(),
        database.busiest_blocking(),
        most_threads.lock().unwrap(),
    );
    assert_eq!(
        tally.statuses.get(&500),
        None,
        "no 500s: {:?}",
        tally.statuses
    );
    assert_eq!(tally.unavailable_without_retry_after, 0);
    assert!(
        tally.transport_errors.is_empty(),
        "{:?}",
        tally.transport_errors
    );
    assert!(lost.is_empty(), "acknowledged posts lost: {lost:?}");
    assert!(
        tally.statuses.get(&503).is_some_and(|n| *n > 0),
        "the outages were seen: {:?}",
        tally.statuses
    );
    assert!(tally.created.len() > 100, "the writers wrote");
}

/// Writes posts with a token, or reads the newest page without one, until
/// told to stop; every answer goes into the tally.
async fn drive(
    client: Client,
    base: String,
    token: Option<String>,
    client_number: usize,
    stop: Arc<AtomicBool>,
    tally: Arc<Mutex<Tally>>,
) {
    let mut sent = 0;
    while !stop.load(Ordering::Relaxed) {
        sent += 1;
        let request = match &token {
            Some(token) => client
                .post(format!("{base}/posts"))
                .bearer_auth(token)
                .json(&json!({"title": format!("post {client_number}-{sent}"), "content": "x"})),
            None => client.get(format!("{base}/posts?limit=10")),
        };
        match request.send().await {
            Ok(response) => {
                let status = response.status();
                let retry_after = response.headers().contains_key("retry-after");
                let created = if status == StatusCode::CREATED {
                    let body: Value = response.json().await.unwrap();
                    body["id"].as_i64()
                } else {
                    None
                };
                let mut tally = tally.lock().unwrap();
                *tally.statuses.entry(status.as_u16()).or_default() += 1;
                if status == StatusCode::SERVICE_UNAVAILABLE && !retry_after {
                    tally.unavailable_without_retry_after += 1;
                }
                tally.created.extend(created);
            }
            Err(error) => tally
                .lock()
                .unwrap()
                .transport_errors
                .push(error.to_string()),
        }
        tokio::time::sleep(PAUSE).await;
    }
}

fn thread_count() -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("Threads:"))
                .and_then(|n| n.trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Two thousand clients trickle their request bodies a byte at a time; each
/// is cut off at the body deadline, and an ordinary client is served
/// throughout.
const SLOW_CLIENTS: usize = 2000;
const BODY_TIMEOUT: Duration = Duration::from_secs(3);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn slow_bodies_are_cut_at_the_deadline_while_others_are_served() {
    // Client and server sockets both live in this process.
    let limit = rlimit::increase_nofile_limit(u64::MAX).unwrap();
    if limit < 2 * SLOW_CLIENTS as u64 + 512 {
        eprintln!(
            "SKIPPED slow_bodies_are_cut_at_the_deadline_while_others_are_served: \
             the open file limit is {limit}, too low for {SLOW_CLIENTS} clients and their server"
        );
        return;
    }
    let db = TestDatabase::new();
    let settings = api::HttpSettings {
        body_timeout: BODY_TIMEOUT,
        ..api::HttpSettings::default()
    };
    let app = spawn_app_on(db.database(), unlimited_registrations(), settings, db);
    let address: std::net::SocketAddr = app.address.trim_start_matches("http://").parse().unwrap();

    let started = Instant::now();
    let mut slow = Vec::with_capacity(SLOW_CLIENTS);
    for _ in 0..SLOW_CLIENTS {
        slow.push(tokio::spawn(trickle(address)));
    }
    // The ordinary client, while every slow one is connected and trickling.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let client = &app.client;
    let mut latencies = Vec::new();
    while started.elapsed() < BODY_TIMEOUT {
        let sent = Instant::now();
        let response = client
            .get(format!("http://{address}/posts?limit=10"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        latencies.push(sent.elapsed());
    }
    let mut answers = std::collections::BTreeMap::<String, usize>::new();
    let mut longest = Duration::ZERO;
    for client in slow {
        let (answer, held) = client.await.unwrap();
        *answers.entry(answer).or_default() += 1;
        longest = longest.max(held);
    }
    latencies.sort();
    let p50 = latencies[latencies.len() / 2];
    let p99 = latencies[latencies.len() * 99 / 100];
    println!(
        "{SLOW_CLIENTS} slow clients: answers {answers:?}, longest held {longest:?} \
         (deadline {BODY_TIMEOUT:?}); ordinary client meanwhile: {} requests, p50 {p50:?}, p99 {p99:?}",
        latencies.len()
    );
    assert_eq!(
        answers.get("408 problem"),
        Some(&SLOW_CLIENTS),
        "{answers:?}"
    );
    assert!(
        longest < BODY_TIMEOUT + Duration::from_secs(3),
        "{longest:?}"
    );
    assert!(latencies.len() > 20, "the ordinary client was served");
}

/// Sends a request whose body never finishes, a byte a second; returns the
/// status the server answered with (or what happened instead) and how long
/// the connection stayed open once the headers were sent.
async fn trickle(address: std::net::SocketAddr) -> (String, Duration) {
    let Ok(mut stream) = TcpStream::connect(address).await else {
        return ("connect failed".to_owned(), Duration::ZERO);
    };
    let head = "POST /users HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
                Content-Length: 1000\r\n\r\n{";
    if stream.write_all(head.as_bytes()).await.is_err() {
        return ("write failed".to_owned(), Duration::ZERO);
    }
    let started = Instant::now();
    let mut response = Vec::new();
    let mut buffer = [0u8; 1024];
    loop {
        tokio::select! {
            read = stream.read(&mut buffer) => match read {
                Ok(0) | Err(_) => break,
                Ok(n) => response.extend_from_slice(&buffer[..n]),
            },
            () = tokio::time::sleep(Duration::from_secs(1)) => {
                if stream.write_all(b" ").await.is_err() {
                    // Closed by the server; read what it said first.
                    let _ = tokio::time::timeout(
                        Duration::from_secs(1),
                        stream.read_to_end(&mut response),
                    )
                    .await;
                    break;
                }
            }
        }
        if started.elapsed() > Duration::from_secs(30) {
            return ("still open after 30 s".to_owned(), started.elapsed());
        }
    }
    let text = String::from_utf8_lossy(&response);
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .unwrap_or("no answer")
        .to_owned();
    let problem =
        text.contains("content-type: application/problem+json") && text.contains("x-request-id: ");
    let answer = if problem {
        format!("{status} problem")
    } else {
        status
    };
    (answer, started.elapsed())
}
