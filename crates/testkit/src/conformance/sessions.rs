//! [`domain::SessionRepository`]: rotation, reuse, expiry and revocation.

use std::time::Duration;

use domain::{
    DomainError, NewSession, Rotation, SessionId, TokenDigest, TokenService, UserAgent, UserId,
};

use crate::FakeTokenService;

use super::{Adapters, user};

pub(super) const HOUR: Duration = Duration::from_secs(3600);

/// The digest of a token named `text`, of the length storage keeps.
fn digest(text: &str) -> TokenDigest {
    FakeTokenService::new().digest(text)
}

fn new_session(user: UserId, token: &str, lifetime: Duration) -> NewSession {
    NewSession {
        user,
        refresh: digest(token),
        lifetime,
        client_address: Some("192.0.2.7".to_owned()),
        user_agent: UserAgent::new(Some("conformance")),
    }
}

/// Stores a session for `user` whose first refresh token is named `token`.
pub(super) async fn session(
    adapters: &Adapters,
    user: UserId,
    token: &str,
    lifetime: Duration,
) -> SessionId {
    adapters
        .sessions
        .create(new_session(user, token, lifetime))
        .await
        .unwrap()
}

/// The ids of the user's live sessions, in list order.
async fn listed(adapters: &Adapters, user: UserId) -> Vec<SessionId> {
    let sessions = adapters.sessions.list(user).await.unwrap();
    sessions.iter().map(|s| s.id).collect()
}

/// A new session's caller is its user; another user's id or an unknown
/// session names no one.
pub async fn a_new_session_names_its_caller(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let bob = user(&adapters, "Bob").await;
    let session = session(&adapters, ada, "t1", HOUR).await;
    let caller = adapters
        .sessions
        .caller(ada, session)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(caller.id, ada);
    assert_eq!(adapters.sessions.caller(bob, session).await.unwrap(), None);
    let unknown = SessionId::new(session.get() + 1000);
    assert_eq!(adapters.sessions.caller(ada, unknown).await.unwrap(), None);
    let listed = adapters.sessions.list(ada).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, session);
    assert_eq!(listed[0].client_address.as_deref(), Some("192.0.2.7"));
    assert_eq!(listed[0].user_agent.as_deref(), Some("conformance"));
    assert_eq!(listed[0].created_at, listed[0].last_used_at);
    assert!(super::whole_microseconds(listed[0].created_at));
}

/// A session for a user who does not exist is `CallerGone`.
pub async fn a_session_for_an_unknown_user_is_caller_gone(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let ghost = UserId::new(ada.get() + 1000);
    let error = adapters
        .sessions
        .create(new_session(ghost, "t1", HOUR))
        .await
        .unwrap_err();
    assert!(matches!(error, DomainError::CallerGone), "{error:?}");
}

/// The current token rotates once, to its successor, which rotates in turn;
/// an unknown token is `Unknown`.
pub async fn rotation_spends_the_token_and_stores_its_successor(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let session = session(&adapters, ada, "t1", HOUR).await;
    let rotated = Rotation::Rotated { user: ada, session };
    let first = adapters.sessions.rotate(digest("t1"), digest("t2"), HOUR);
    assert_eq!(first.await.unwrap(), rotated);
    let second = adapters.sessions.rotate(digest("t2"), digest("t3"), HOUR);
    assert_eq!(second.await.unwrap(), rotated);
    let unknown = adapters
        .sessions
        .rotate(digest("never"), digest("t4"), HOUR);
    assert_eq!(unknown.await.unwrap(), Rotation::Unknown);
    let listed = adapters.sessions.list(ada).await.unwrap();
    assert!(listed[0].last_used_at >= listed[0].created_at);
}

/// Presenting a spent token is `Reused` and revokes the whole session: its
/// current token stops working and the session names no caller.
pub async fn a_reused_token_revokes_its_session(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let session = session(&adapters, ada, "t1", HOUR).await;
    adapters
        .sessions
        .rotate(digest("t1"), digest("t2"), HOUR)
        .await
        .unwrap();
    let reuse = adapters.sessions.rotate(digest("t1"), digest("t3"), HOUR);
    assert_eq!(reuse.await.unwrap(), Rotation::Reused);
    assert_eq!(adapters.sessions.caller(ada, session).await.unwrap(), None);
    let current = adapters.sessions.rotate(digest("t2"), digest("t4"), HOUR);
    assert_eq!(current.await.unwrap(), Rotation::Unknown);
    assert!(adapters.sessions.list(ada).await.unwrap().is_empty());
}

/// A session past its lifetime does not rotate, is not listed, and is
/// forgotten when its user signs in again.
pub async fn an_expired_session_does_not_rotate_and_is_forgotten(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let expired = session(&adapters, ada, "old", Duration::ZERO).await;
    let rotation = adapters.sessions.rotate(digest("old"), digest("t2"), HOUR);
    assert_eq!(rotation.await.unwrap(), Rotation::Unknown);
    assert!(adapters.sessions.list(ada).await.unwrap().is_empty());
    let live = session(&adapters, ada, "new", HOUR).await;
    assert_eq!(adapters.sessions.caller(ada, expired).await.unwrap(), None);
    assert!(adapters.sessions.caller(ada, live).await.unwrap().is_some());
}

/// Only live sessions are listed, the most recently used first.
pub async fn live_sessions_are_listed_most_recently_used_first(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let first = session(&adapters, ada, "a1", HOUR).await;
    let second = session(&adapters, ada, "b1", HOUR).await;
    assert_eq!(listed(&adapters, ada).await, [second, first]);
    // Wait out the clock's resolution, so the refresh is strictly later.
    tokio::time::sleep(Duration::from_millis(5)).await;
    adapters
        .sessions
        .rotate(digest("a1"), digest("a2"), HOUR)
        .await
        .unwrap();
    assert_eq!(listed(&adapters, ada).await, [first, second]);
}

/// `revoke` ends one's own session only; `revoke_others` ends all but the
/// one kept and says how many.
pub async fn revoking_ends_only_ones_own_sessions(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let bob = user(&adapters, "Bob").await;
    let mut adas = Vec::new();
    for token in ["a", "b", "c"] {
        adas.push(session(&adapters, ada, token, HOUR).await);
    }
    let bobs = session(&adapters, bob, "bob", HOUR).await;
    assert!(!adapters.sessions.revoke(ada, bobs).await.unwrap());
    assert!(adapters.sessions.caller(bob, bobs).await.unwrap().is_some());
    assert!(adapters.sessions.revoke(ada, adas[0]).await.unwrap());
    assert!(!adapters.sessions.revoke(ada, adas[0]).await.unwrap());
    assert_eq!(adapters.sessions.caller(ada, adas[0]).await.unwrap(), None);
    let revoked = adapters.sessions.rotate(digest("a"), digest("a2"), HOUR);
    assert_eq!(revoked.await.unwrap(), Rotation::Unknown);
    assert_eq!(
        adapters.sessions.revoke_others(ada, adas[2]).await.unwrap(),
        1
    );
    assert_eq!(adapters.sessions.caller(ada, adas[1]).await.unwrap(), None);
    assert!(
        adapters
            .sessions
            .caller(ada, adas[2])
            .await
            .unwrap()
            .is_some()
    );
    assert!(adapters.sessions.caller(bob, bobs).await.unwrap().is_some());
}

/// Storage keeps digests of [`TokenDigest::BYTES`] only: any other length
/// is refused, and stores nothing.
pub async fn a_digest_of_another_length_is_refused(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let short = NewSession {
        refresh: TokenDigest::new(b"sixteen bytes!!!".to_vec()),
        ..new_session(ada, "unused", HOUR)
    };
    let error = adapters.sessions.create(short).await.unwrap_err();
    assert!(matches!(error, DomainError::Unexpected(_)), "{error:?}");
    assert!(adapters.sessions.list(ada).await.unwrap().is_empty());
}
