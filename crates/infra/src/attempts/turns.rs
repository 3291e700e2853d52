//! Turns of password checks running at once, per key, in this process.
//!
//! tokio's `Semaphore` does the waiting, first come first served; this only
//! keeps one semaphore per key while someone holds or awaits it. A keyed
//! semaphore is the few lines below; no kept crate fits better than that.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Past this many keys, the ones nobody uses are swept out (a wait that was
/// abandoned can leave its key behind).
const SWEEP_ABOVE: usize = 1024;

#[derive(Default)]
pub(super) struct Turns {
    by_key: Mutex<HashMap<String, Arc<Semaphore>>>,
}

/// A place among the at most `bound` holders of one key; freed on drop.
pub(super) struct Turn {
    turns: Arc<Turns>,
    key: String,
    semaphore: Arc<Semaphore>,
    permit: Option<OwnedSemaphorePermit>,
}

impl Turns {
    /// Waits until fewer than `bound` (at least 1) turns of `key` are held.
    pub(super) async fn enter(self: &Arc<Self>, key: &str, bound: u32) -> Turn {
        let semaphore = {
            let mut by_key = self.by_key();
            if by_key.len() > SWEEP_ABOVE {
                by_key.retain(|_, semaphore| Arc::strong_count(semaphore) > 1);
            }
            by_key
                .entry(key.to_owned())
                .or_insert_with(|| {
                    let bound = usize::try_from(bound.max(1)).unwrap_or(usize::MAX);
                    Arc::new(Semaphore::new(bound.min(Semaphore::MAX_PERMITS)))
                })
                .clone()
        };
        // Built before waiting, so an abandoned wait still cleans up.
        let mut turn = Turn {
            turns: self.clone(),
            key: key.to_owned(),
            semaphore: semaphore.clone(),
            permit: None,
        };
        // The semaphore is never closed, so acquiring cannot fail.
        turn.permit = semaphore.acquire_owned().await.ok();
        turn
    }

    /// A panic while holding the lock leaves a map that is still
    /// meaningful, so a poisoned lock is simply taken over.
    fn by_key(&self) -> MutexGuard<'_, HashMap<String, Arc<Semaphore>>> {
        self.by_key.lock().unwrap_or_else(PoisonError::into_inner)
    }

    #[cfg(test)]
    pub(super) fn keys_held(&self) -> usize {
        self.by_key().len()
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        self.permit = None;
        let mut by_key = self.turns.by_key();
        // Only the map and this turn still know the semaphore: nobody holds
        // or awaits the key any more.
        if Arc::strong_count(&self.semaphore) == 2 {
            by_key.remove(&self.key);
        }
    }
}
