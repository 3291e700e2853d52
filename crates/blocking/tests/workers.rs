//! What a job's caller can count on: the bound on threads, a job that no
//! thread took in time (or whose caller left) never running, and a job taken
//! running to its end.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use agora_blocking::{WorkError, Workers};

/// Occupies the only thread of `workers` until the returned sender is
/// dropped or sent to.
async fn occupy(workers: &Workers) -> mpsc::Sender<()> {
    let (release, held) = mpsc::channel::<()>();
    let (started, running) = tokio::sync::oneshot::channel();
    let occupier = workers.clone();
    tokio::spawn(async move {
        occupier
            .run(move || {
                let _ = started.send(());
                let _ = held.recv();
            })
            .await
    });
    assert!(running.await.is_ok(), "the occupying job started");
    release
}

#[test]
fn calls_from_several_runtimes_share_the_threads_and_their_bound() {
    let workers = Workers::start("test-workers", 2).unwrap();
    // Two runtimes, as actix runs one per worker, each sending four calls.
    let runtimes: Vec<_> = (0..2)
        .map(|_| {
            let workers = workers.clone();
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    let calls = (0..4).map(|_| {
                        workers.run(|| {
                            std::thread::sleep(Duration::from_millis(50));
                            let thread = std::thread::current();
                            (thread.id(), thread.name().map(str::to_owned))
                        })
                    });
                    futures_util::future::join_all(calls).await
                })
            })
        })
        .collect();
    let mut threads = HashSet::new();
    for runtime in runtimes {
        for ran_on in runtime.join().unwrap() {
            let (id, name) = ran_on.unwrap();
            assert_eq!(name.as_deref(), Some("test-workers"));
            threads.insert(id);
        }
    }
    assert_eq!(threads.len(), 2, "eight calls, two threads: {threads:?}");
    assert_eq!(workers.busiest(), 2);
    assert_eq!((workers.waiting(), workers.running()), (0, 0));
}

#[tokio::test]
async fn work_no_thread_took_before_its_deadline_never_runs() {
    let workers = Workers::start("test-workers", 1).unwrap();
    let release = occupy(&workers).await;
    let ran = Arc::new(AtomicBool::new(false));

    let flag = ran.clone();
    let started = Instant::now();
    let late = workers
        .run_before(started + Duration::from_millis(100), move || {
            flag.store(true, Ordering::SeqCst);
        })
        .await;
    assert!(matches!(late, Err(WorkError::Late)), "{late:?}");
    assert!(started.elapsed() >= Duration::from_millis(100));
    assert_eq!(workers.waiting(), 0, "the late job left the queue");

    release.send(()).unwrap();
    // The single thread takes jobs in order: once this one ran, the late
    // one was seen and skipped.
    workers.run(|| ()).await.unwrap();
    assert!(!ran.load(Ordering::SeqCst), "a late job must never start");
}

#[tokio::test]
async fn work_whose_caller_left_before_a_thread_took_it_never_runs() {
    let workers = Workers::start("test-workers", 1).unwrap();
    let release = occupy(&workers).await;
    let ran = Arc::new(AtomicBool::new(false));

    let flag = ran.clone();
    let call = workers.run(move || flag.store(true, Ordering::SeqCst));
    let left = tokio::time::timeout(Duration::from_millis(50), call).await;
    assert!(left.is_err(), "the call was still waiting when dropped");
    assert_eq!(workers.waiting(), 0);

    release.send(()).unwrap();
    workers.run(|| ()).await.unwrap();
    assert!(
        !ran.load(Ordering::SeqCst),
        "an abandoned job must never start"
    );
}

#[tokio::test]
async fn work_a_thread_took_in_time_runs_to_its_end_past_the_deadline() {
    let workers = Workers::start("test-workers", 1).unwrap();
    let answer = workers
        .run_before(Instant::now() + Duration::from_millis(20), || {
            std::thread::sleep(Duration::from_millis(150));
            7
        })
        .await;
    assert_eq!(answer.unwrap(), 7);
}

#[tokio::test]
async fn a_panic_in_the_work_is_an_error_and_the_thread_lives_on() {
    let workers = Workers::start("test-workers", 1).unwrap();
    let outcome = workers.run(|| -> u8 { panic!("test-only panic") }).await;
    assert!(matches!(outcome, Err(WorkError::Panicked)), "{outcome:?}");
    assert_eq!(workers.run(|| 5).await.unwrap(), 5);
    assert_eq!(workers.running(), 0);
}
