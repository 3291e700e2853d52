//! The one way the adapters run blocking work (diesel in `agora-infra`,
//! bcrypt in `agora-auth`): on [`Workers`], a fixed set of threads of their
//! own fed by one queue, never on an async worker, and inside the caller's
//! tracing span, so that a log line written by the work still carries the
//! request's id.
//!
//! Its own crate because the two adapters may not depend on each other and
//! the domain knows no runtime.
//!
//! Why not tokio's `spawn_blocking`, which this replaced: its pool parks a
//! thread after every job, and in front of it a semaphore held requests to
//! the number of connections. Every request then cost three wake-ups across
//! threads (a permit freed, a parked thread woken, the result back), and the
//! kernel's task switching took a third of the server's samples under load
//! (docs/performance.md, finding 13). Here a thread that finishes takes the
//! next queued job without sleeping, and a caller waits to be let in only
//! beyond a few jobs a thread. No crate offers such a pool with the two
//! things the adapters need: a job that no thread took before its deadline,
//! or whose caller left, never starts (so a 503 means nothing ran), and the
//! counts for the pool's gauges. The queue is crossbeam's and the bound
//! tokio's semaphore; only that bookkeeping is written here.

use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

/// Jobs let in per thread: one running and three behind it. At 64
/// connections on a pool of 16 no request waits to be let in; two per
/// thread served `GET /posts/{id}` 18% slower (docs/performance.md).
const ADMITTED_PER_THREAD: usize = 4;

/// Why blocking work did not give its result.
#[derive(Debug, thiserror::Error)]
pub enum WorkError {
    #[error("no thread was free before the deadline; the work did not start")]
    Late,
    #[error("the blocking work panicked")]
    Panicked,
    #[error("the blocking threads have stopped")]
    Stopped,
}

/// A fixed number of threads taking jobs from one queue, first come first
/// served. Cloning shares them; they end when the last clone is dropped.
#[derive(Debug, Clone)]
pub struct Workers {
    jobs: Sender<Job>,
    /// Jobs let in at once, queued, running or done and not yet collected
    /// (a job whose caller left keeps its place until a thread is done with
    /// it): enough that a thread never waits for the next, and few enough
    /// that results do not pile up faster than the callers take them (at
    /// 1,024 connections an unbounded queue held 20 MB of pages nobody had
    /// sent).
    admitted: Arc<Semaphore>,
    counts: Arc<Counts>,
}

type Job = Box<dyn FnOnce() + Send>;

/// What a job and its caller share.
#[derive(Debug)]
struct Ticket {
    state: AtomicU8,
    /// The caller's admission, handed over when the caller leaves before
    /// collecting the result: freed with the job, once a thread has run or
    /// skipped it, so jobs nobody waits for still count against the bound.
    left_behind: OnceLock<OwnedSemaphorePermit>,
}

#[derive(Debug)]
struct Counts {
    threads: usize,
    waiting: AtomicUsize,
    running: AtomicUsize,
    busiest: AtomicUsize,
}

/// Where a job stands; whoever moves it out of `QUEUED` decides its fate.
const QUEUED: u8 = 0;
const STARTED: u8 = 1;
const ABANDONED: u8 = 2;

impl Workers {
    /// Starts `threads` threads (at least one), each named `name`.
    ///
    /// # Errors
    /// When the operating system refuses a thread.
    pub fn start(name: &str, threads: usize) -> io::Result<Self> {
        let threads = threads.max(1);
        let (jobs, queue) = crossbeam_channel::unbounded::<Job>();
        for _ in 0..threads {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(name.to_owned())
                .spawn(move || {
                    while let Ok(job) = queue.recv() {
                        // The work's own panic is its caller's error (see
                        // `submit`); this keeps the thread through a panic
                        // in a drop, too.
                        let _ = catch_unwind(AssertUnwindSafe(job));
                    }
                })?;
        }
        let counts = Arc::new(Counts {
            threads,
            waiting: AtomicUsize::new(0),
            running: AtomicUsize::new(0),
            busiest: AtomicUsize::new(0),
        });
        Ok(Self {
            jobs,
            admitted: Arc::new(Semaphore::new(threads * ADMITTED_PER_THREAD)),
            counts,
        })
    }

    /// Runs `work` on one of the threads, in the current span, and waits for
    /// it. If this future is dropped before a thread takes the work, it never
    /// runs; once taken, it runs to its end.
    ///
    /// # Errors
    /// [`WorkError::Panicked`] when `work` panicked (the thread lives on),
    /// [`WorkError::Stopped`] when the threads are gone.
    pub async fn run<T, F>(&self, work: F) -> Result<T, WorkError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.submit(work, None).await
    }

    /// As [`Workers::run`], but gives up with [`WorkError::Late`] when no
    /// thread has taken the work by `deadline`, which it then never does.
    ///
    /// # Errors
    /// [`WorkError::Late`], or as [`Workers::run`].
    pub async fn run_before<T, F>(&self, deadline: Instant, work: F) -> Result<T, WorkError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.submit(work, Some(deadline)).await
    }

    async fn submit<T, F>(&self, work: F, deadline: Option<Instant>) -> Result<T, WorkError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let ticket = Arc::new(Ticket {
            state: AtomicU8::new(QUEUED),
            left_behind: OnceLock::new(),
        });
        let (result, answer) = oneshot::channel();
        let job: Job = {
            let ticket = ticket.clone();
            let counts = self.counts.clone();
            let span = tracing::Span::current();
            Box::new(move || {
                if !counts.leave_queue(&ticket.state, STARTED) {
                    return;
                }
                let running = counts.running.fetch_add(1, Ordering::Relaxed) + 1;
                counts.busiest.fetch_max(running, Ordering::Relaxed);
                let outcome = catch_unwind(AssertUnwindSafe(|| span.in_scope(work)));
                counts.running.fetch_sub(1, Ordering::Relaxed);
                // The caller may have stopped waiting; the work is done anyway.
                let _ = result.send(outcome.map_err(|_| WorkError::Panicked));
            })
        };
        self.counts.waiting.fetch_add(1, Ordering::Relaxed);
        // However this future ends, a job still queued is never started.
        let counts = self.counts.clone();
        let ticket = scopeguard::guard(ticket, move |ticket| {
            counts.leave_queue(&ticket.state, ABANDONED);
        });
        let admitted = self.admitted.clone().acquire_owned();
        let admitted = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline.into(), admitted)
                .await
                .map_err(|_| {
                    self.counts.leave_queue(&ticket.state, ABANDONED);
                    WorkError::Late
                })?,
            None => admitted.await,
        }
        .map_err(|_| WorkError::Stopped)?;
        self.jobs.send(job).map_err(|_| WorkError::Stopped)?;
        // Freed by the caller on its own thread once it has the result, not
        // by a database thread that would have to wake the next caller; a
        // caller that leaves first hands it to the job.
        let left_with = ticket.clone();
        let admitted = scopeguard::guard(admitted, move |admitted| {
            let _ = left_with.left_behind.set(admitted);
        });
        let mut answer = std::pin::pin!(answer);
        let outcome = match deadline {
            Some(deadline) => tokio::select! {
                outcome = &mut answer => outcome,
                () = tokio::time::sleep_until(deadline.into()) => {
                    if self.counts.leave_queue(&ticket.state, ABANDONED) {
                        return Err(WorkError::Late);
                    }
                    answer.await
                }
            },
            None => answer.await,
        };
        drop(scopeguard::ScopeGuard::into_inner(admitted));
        outcome.map_err(|_| WorkError::Stopped)?
    }

    /// Waits, blocking, until no job is queued or running, or `limit` has
    /// passed; true when idle. For the end of a process: its threads are
    /// not joined, so work still running when `main` returns is cut off.
    pub fn wait_idle(&self, limit: Duration) -> bool {
        let until = Instant::now() + limit;
        loop {
            if self.waiting() == 0 && self.running() == 0 {
                return true;
            }
            if Instant::now() >= until {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// How many threads there are.
    pub fn threads(&self) -> usize {
        self.counts.threads
    }

    /// Jobs waiting for a thread right now.
    pub fn waiting(&self) -> usize {
        self.counts.waiting.load(Ordering::Relaxed)
    }

    /// Jobs running right now.
    pub fn running(&self) -> usize {
        self.counts.running.load(Ordering::Relaxed)
    }

    /// The most jobs that ever ran at once: never more than the threads.
    pub fn busiest(&self) -> usize {
        self.counts.busiest.load(Ordering::Relaxed)
    }
}

impl Counts {
    /// Moves a queued job to `to`; false when it had left the queue already.
    fn leave_queue(&self, state: &AtomicU8, to: u8) -> bool {
        let left = state
            .compare_exchange(QUEUED, to, Ordering::AcqRel, Ordering::Acquire)
            .is_ok();
        if left {
            self.waiting.fetch_sub(1, Ordering::Relaxed);
        }
        left
    }
}
