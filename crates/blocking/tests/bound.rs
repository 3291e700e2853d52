//! The pool's bound holds however many runtimes use it. Its own test binary:
//! the pool is the process's.

use std::collections::HashSet;
use std::time::Duration;

#[test]
fn work_from_several_runtimes_shares_one_bounded_pool() {
    agora_blocking::size_pool(2).unwrap();
    assert!(
        agora_blocking::size_pool(8).is_err(),
        "the pool is sized once"
    );

    // Two runtimes, as actix runs one per worker, each sending four calls.
    let runtimes: Vec<_> = (0..2)
        .map(|_| {
            std::thread::spawn(|| {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    let calls = (0..4).map(|_| {
                        agora_blocking::run(|| {
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
            assert_eq!(name.as_deref(), Some("agora-blocking"));
            threads.insert(id);
        }
    }
    assert_eq!(threads.len(), 2, "eight calls, two threads: {threads:?}");
}
