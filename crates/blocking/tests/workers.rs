//! What a job's caller can count on: the bound on threads and on jobs let
//! in, a job that no thread took in time (or whose caller left) never
//! running, and a job taken running to its end.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
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

/// Counts its drops: a job's captures are dropped when the job is.
struct DropCount(Arc<AtomicUsize>);

impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn four_jobs_a_thread_are_let_in_and_a_late_one_keeps_its_place_until_skipped() {
    let workers = Workers::start("test-workers", 1).unwrap();
    // One of the thread's four places, held until released.
    let release = occupy(&workers).await;
    let (ran, dropped) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));

    // One caller after another, each giving up after 30 ms. The first three
    // are let in and queued; had they given their places back on leaving,
    // each next caller would be let in too, and queue a job nobody waits for.
    for _ in 0..10 {
        let (ran, captured) = (ran.clone(), DropCount(dropped.clone()));
        let late = workers
            .run_before(Instant::now() + Duration::from_millis(30), move || {
                let _captured = captured;
                ran.fetch_add(1, Ordering::SeqCst);
            })
            .await;
        assert!(matches!(late, Err(WorkError::Late)), "{late:?}");
    }
    assert_eq!(
        dropped.load(Ordering::SeqCst),
        7,
        "seven were never let in; three wait in the queue"
    );

    release.send(()).unwrap();
    assert_eq!(workers.run(|| 1).await.unwrap(), 1);
    assert_eq!(
        dropped.load(Ordering::SeqCst),
        10,
        "the thread skipped the three"
    );
    assert_eq!(ran.load(Ordering::SeqCst), 0, "no late job ran");
    assert_eq!((workers.waiting(), workers.running()), (0, 0));
}

#[tokio::test]
async fn waiting_for_idle_ends_when_the_last_job_does_or_at_the_limit() {
    let workers = Workers::start("test-workers", 1).unwrap();
    let release = occupy(&workers).await;
    let waiter = workers.clone();
    let busy = tokio::task::spawn_blocking(move || waiter.wait_idle(Duration::from_millis(50)));
    assert!(!busy.await.unwrap(), "a job still runs");

    release.send(()).unwrap();
    let waiter = workers.clone();
    let idle = tokio::task::spawn_blocking(move || waiter.wait_idle(Duration::from_secs(5)));
    assert!(idle.await.unwrap(), "the job ended");
    assert_eq!((workers.waiting(), workers.running()), (0, 0));
}
