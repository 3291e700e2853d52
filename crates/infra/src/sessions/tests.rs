use std::time::Duration;

use diesel::prelude::*;
use domain::{
    DomainError, NewSession, Rotation, SessionId, SessionRepository, TokenDigest, UserAgent, UserId,
};

use super::PgSessionRepository;
use crate::fixture::Fixture;

const DAY: Duration = Duration::from_secs(86_400);

fn digest(byte: u8) -> TokenDigest {
    TokenDigest::new(vec![byte; 32])
}

fn new_session(user: UserId, refresh: u8) -> NewSession {
    NewSession {
        user,
        refresh: digest(refresh),
        lifetime: DAY,
        client_address: Some("192.0.2.7".into()),
        user_agent: UserAgent::new(Some("test agent")),
    }
}

fn repo(fixture: &Fixture) -> PgSessionRepository {
    PgSessionRepository::new(fixture.db.database())
}

#[tokio::test]
async fn a_session_stores_its_origin_and_authenticates_its_user_only() {
    let fixture = Fixture::new();
    let sessions = repo(&fixture);
    let ada = fixture.user("Ada").await;
    let bob = fixture.user("Bob").await;
    let id = sessions.create(new_session(ada, 1)).await.unwrap();

    let caller = sessions.caller(ada, id).await.unwrap().unwrap();
    assert_eq!(caller.id, ada);
    assert_eq!(sessions.caller(bob, id).await.unwrap(), None);
    let listed = sessions.list(ada).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, id);
    assert_eq!(listed[0].client_address.as_deref(), Some("192.0.2.7"));
    assert_eq!(listed[0].user_agent.as_deref(), Some("test agent"));
    assert!(sessions.list(bob).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_session_for_a_vanished_user_is_caller_gone() {
    let fixture = Fixture::new();
    let error = repo(&fixture)
        .create(new_session(UserId::new(999_999), 1))
        .await
        .unwrap_err();
    assert!(matches!(error, DomainError::CallerGone), "{error:?}");
}

#[tokio::test]
async fn rotation_spends_the_token_and_reuse_deletes_the_session() {
    let fixture = Fixture::new();
    let sessions = repo(&fixture);
    let ada = fixture.user("Ada").await;
    let id = sessions.create(new_session(ada, 1)).await.unwrap();

    let rotated = sessions.rotate(digest(1), digest(2), DAY).await.unwrap();
    assert_eq!(
        rotated,
        Rotation::Rotated {
            user: ada,
            session: id
        }
    );
    assert_eq!(
        sessions.rotate(digest(9), digest(3), DAY).await.unwrap(),
        Rotation::Unknown
    );
    assert_eq!(
        sessions.rotate(digest(1), digest(3), DAY).await.unwrap(),
        Rotation::Reused
    );
    assert_eq!(sessions.caller(ada, id).await.unwrap(), None);
    assert_eq!(
        sessions.rotate(digest(2), digest(4), DAY).await.unwrap(),
        Rotation::Unknown
    );
}

/// Spending is one conditional UPDATE: of many rotations of one token at
/// once, exactly one succeeds and the others are reuse.
#[tokio::test]
async fn concurrent_rotations_of_one_token_let_exactly_one_through() {
    let fixture = Fixture::new();
    let sessions = repo(&fixture);
    let ada = fixture.user("Ada").await;
    sessions.create(new_session(ada, 1)).await.unwrap();
    let attempts: Vec<_> = (10..18)
        .map(|next| {
            let sessions = sessions.clone();
            tokio::spawn(async move { sessions.rotate(digest(1), digest(next), DAY).await })
        })
        .collect();
    let mut outcomes = Vec::new();
    for attempt in attempts {
        outcomes.push(attempt.await.unwrap());
    }
    let rotated = outcomes
        .iter()
        .filter(|outcome| matches!(outcome, Ok(Rotation::Rotated { .. })))
        .count();
    assert_eq!(rotated, 1, "{outcomes:?}");
}

#[tokio::test]
async fn an_expired_session_neither_rotates_nor_lists_and_goes_at_the_next_login() {
    let fixture = Fixture::new();
    let sessions = repo(&fixture);
    let ada = fixture.user("Ada").await;
    let id = sessions.create(new_session(ada, 1)).await.unwrap();
    let mut conn = PgConnection::establish(fixture.db.url()).unwrap();
    diesel::sql_query("UPDATE sessions SET expires_at = now() - interval '1 second'")
        .execute(&mut conn)
        .unwrap();
    assert!(sessions.list(ada).await.unwrap().is_empty());
    assert_eq!(
        sessions.rotate(digest(1), digest(2), DAY).await.unwrap(),
        Rotation::Unknown
    );
    sessions.create(new_session(ada, 5)).await.unwrap();
    let left: i64 = crate::schema::sessions::table
        .filter(crate::schema::sessions::id.eq(id.get()))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn revoking_touches_only_the_owners_sessions() {
    let fixture = Fixture::new();
    let sessions = repo(&fixture);
    let ada = fixture.user("Ada").await;
    let bob = fixture.user("Bob").await;
    let first = sessions.create(new_session(ada, 1)).await.unwrap();
    let second = sessions.create(new_session(ada, 2)).await.unwrap();
    let third = sessions.create(new_session(ada, 3)).await.unwrap();
    let bobs = sessions.create(new_session(bob, 4)).await.unwrap();

    assert!(!sessions.revoke(bob, first).await.unwrap());
    assert!(sessions.revoke(ada, first).await.unwrap());
    assert!(!sessions.revoke(ada, first).await.unwrap());
    assert_eq!(sessions.revoke_others(ada, second).await.unwrap(), 1);
    assert!(sessions.caller(ada, second).await.unwrap().is_some());
    assert_eq!(sessions.caller(ada, third).await.unwrap(), None);
    assert!(sessions.caller(bob, bobs).await.unwrap().is_some());
    assert_eq!(
        sessions
            .revoke_others(ada, SessionId::new(0))
            .await
            .unwrap(),
        1
    );
}
