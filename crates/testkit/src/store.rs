//! [`InMemoryStore`]: the storage ports over maps behind one lock.
//!
//! One store implements [`domain::UserRepository`], [`domain::PostRepository`],
//! [`domain::LikeRepository`], [`domain::SessionRepository`] and
//! [`domain::HealthCheck`], so reads see each other's writes as a database's
//! would. Every method takes the lock once and never across an `.await`: each
//! call is atomic, as the ports' one-transaction contracts ask.

mod likes;
mod posts;
mod sessions;
mod users;

use std::{
    collections::{BTreeMap, HashMap},
    sync::{Mutex, MutexGuard, PoisonError},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use domain::async_trait;
use domain::{DomainError, HealthCheck, Post, SessionId, Timestamp, User, UserId};

/// Users, posts, likes and sessions of one application, kept in memory.
/// Share it as an `Arc<InMemoryStore>`: it coerces to each port.
#[derive(Default)]
pub struct InMemoryStore {
    data: Mutex<Data>,
}

impl InMemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A poisoned lock means a panic mid-call; the maps are still whole
    /// (each call changes them only after its checks), so go on.
    fn data(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// `(post, user)` to when the like was made.
type Likes = BTreeMap<(i64, i64), Timestamp>;

#[derive(Default)]
struct Data {
    /// The last id handed out, per kind: ids start at 1 and are never reused.
    last_user_id: i64,
    last_post_id: i64,
    last_session_id: i64,
    users: BTreeMap<i64, User>,
    posts: BTreeMap<i64, Post>,
    likes: Likes,
    sessions: BTreeMap<i64, SessionRow>,
    /// Refresh token digests to their session and whether they were spent.
    refresh_tokens: HashMap<Vec<u8>, TokenRow>,
}

struct SessionRow {
    user: UserId,
    created_at: Timestamp,
    last_used_at: Timestamp,
    expires_at: Timestamp,
    client_address: Option<String>,
    user_agent: Option<String>,
}

struct TokenRow {
    session: SessionId,
    spent: bool,
}

impl Data {
    fn user_exists(&self, id: UserId) -> bool {
        self.users.contains_key(&id.get())
    }

    /// Whether `session` is a live session of `user`, as the caller lookup finds it.
    fn is_live(&self, user: UserId, session: SessionId) -> bool {
        self.sessions
            .get(&session.get())
            .is_some_and(|row| row.user == user)
            && self.user_exists(user)
    }

    fn remove_session(&mut self, id: i64) -> bool {
        self.refresh_tokens
            .retain(|_, token| token.session.get() != id);
        self.sessions.remove(&id).is_some()
    }

    /// Removes the post's likes; the post's own count goes with the post.
    fn remove_post(&mut self, id: i64) -> bool {
        self.likes.retain(|(post, _), _| *post != id);
        self.posts.remove(&id).is_some()
    }
}

/// The ports keep time to the microsecond: a finer time would sort apart
/// items that a cursor, rounded to the microsecond, cannot tell apart.
fn now() -> Timestamp {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let micros = u64::try_from(since_epoch.as_micros()).unwrap_or(u64::MAX);
    UNIX_EPOCH + Duration::from_micros(micros)
}

#[async_trait]
impl HealthCheck for InMemoryStore {
    /// Memory always answers.
    async fn check(&self) -> Result<(), DomainError> {
        Ok(())
    }
}
