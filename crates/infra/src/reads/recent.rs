//! Who must read from the primary for now, because they wrote moments ago.
//!
//! Filled by the session lookup, which runs on the primary at the start of
//! every signed-in request (for `GET /posts`, in the list's read, before
//! its page), so it is right on every node. Two keys:
//! - the user, for reads that name the viewer or the author (post lists and
//!   posts, profiles, the caller's own account);
//! - the tokio task of the request, for the one read whose port call names
//!   no user (a post's likers).
//!
//! An HTTP/1 connection's requests share its task, so the task's mark holds
//! for the client connection: a later request on it reads likers from the
//! primary until the window ends or a signed-in request of someone who did
//! not write clears it. Slower, never staler; `scripts/cluster` sets HAProxy's
//! `http-reuse never` so that one client's mark stays on its own connection.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use domain::UserId;

/// Above this many marks, expired ones are swept at the next note.
const SWEEP_ABOVE: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Task(tokio::task::Id),
    User(i64),
}

#[derive(Debug, Default)]
pub(super) struct RecentWriters {
    /// Until when each key reads from the primary.
    until: Mutex<HashMap<Key, Instant>>,
}

impl RecentWriters {
    /// `user`, signed in on the current request, wrote recently enough to
    /// read from the primary for `left` more (or, `None`, not).
    pub(super) fn note(&self, user: UserId, left: Option<Duration>) {
        let now = Instant::now();
        let mut until = self.until.lock().unwrap_or_else(PoisonError::into_inner);
        if until.len() > SWEEP_ABOVE {
            until.retain(|_, until| *until > now);
        }
        let keys = [
            Some(Key::User(user.get())),
            tokio::task::try_id().map(Key::Task),
        ];
        for key in keys.into_iter().flatten() {
            match left {
                Some(left) => until.insert(key, now + left),
                None => until.remove(&key),
            };
        }
    }

    /// Whether `user` wrote recently, or with `None`, the signed-in caller
    /// of the current request.
    pub(super) fn wrote_recently(&self, user: Option<UserId>) -> bool {
        let key = match user {
            Some(user) => Key::User(user.get()),
            None => match tokio::task::try_id() {
                Some(task) => Key::Task(task),
                None => return false,
            },
        };
        let until = self.until.lock().unwrap_or_else(PoisonError::into_inner);
        until.get(&key).is_some_and(|until| *until > Instant::now())
    }
}
