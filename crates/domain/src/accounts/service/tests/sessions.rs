use mockall::predicate::eq;

use super::*;
use crate::{Rotation, TokenClaims};

fn minting_tokens() -> MockTokenService {
    let mut tokens = MockTokenService::new();
    tokens
        .expect_digest()
        .returning(|token| TokenDigest::new(token.as_bytes().to_vec()));
    tokens.expect_new_refresh_token().returning(|| {
        Ok(RefreshToken {
            token: "next".into(),
            digest: TokenDigest::new(b"next".to_vec()),
        })
    });
    tokens
        .expect_refresh_lifetime()
        .returning(|| Duration::from_secs(60));
    tokens.expect_issue().returning(|user, session| {
        Ok(AccessToken {
            token: format!("access-{user}-{session}"),
            expires_in_seconds: 1800,
        })
    });
    tokens
}

fn rotating_to(rotation: Rotation) -> MockSessionRepository {
    let mut sessions = MockSessionRepository::new();
    sessions
        .expect_rotate()
        .withf(|presented, next, lifetime| {
            presented.as_bytes() == b"old"
                && next.as_bytes() == b"next"
                && *lifetime == Duration::from_secs(60)
        })
        .times(1)
        .returning(move |_, _, _| Ok(rotation.clone()));
    sessions
}

fn accounts(sessions: MockSessionRepository, tokens: MockTokenService) -> AccountService {
    service_with_sessions(
        MockUserRepository::new(),
        sessions,
        MockPasswordHasher::new(),
        tokens,
        unlimited(),
    )
}

#[test]
fn refresh_hands_out_the_successor_and_an_access_token_for_the_same_session() {
    let rotated = Rotation::Rotated {
        user: UserId::new(7),
        session: SessionId::new(3),
    };
    let signed_in =
        block_on(accounts(rotating_to(rotated), minting_tokens()).refresh("old")).unwrap();
    assert_eq!(signed_in.access.token, "access-7-3");
    assert_eq!(signed_in.refresh.token, "next");
}

#[test]
fn a_reused_or_unknown_refresh_token_is_refused() {
    for rotation in [Rotation::Reused, Rotation::Unknown] {
        let error =
            block_on(accounts(rotating_to(rotation.clone()), minting_tokens()).refresh("old"))
                .unwrap_err();
        assert!(
            matches!(error, DomainError::InvalidRefreshToken),
            "{rotation:?} gave {error:?}"
        );
    }
}

fn verifying_as_ada_in_session_3() -> MockTokenService {
    let mut tokens = MockTokenService::new();
    tokens.expect_verify().returning(|_| {
        Ok(TokenClaims {
            user: UserId::new(7),
            session: SessionId::new(3),
        })
    });
    tokens
}

#[test]
fn authenticate_loads_the_user_through_the_session() {
    let tokens = verifying_as_ada_in_session_3();
    let mut sessions = MockSessionRepository::new();
    sessions
        .expect_caller()
        .with(eq(UserId::new(7)), eq(SessionId::new(3)))
        .times(1)
        .returning(|_, _| Ok(Some(ada())));
    let caller = block_on(accounts(sessions, tokens).authenticate("t")).unwrap();
    assert_eq!(caller.id(), UserId::new(7));
    assert_eq!(caller.session(), SessionId::new(3));
}

/// A claim is the token's word alone: the session is left to the read.
#[test]
fn a_claim_checks_the_token_but_looks_nothing_up() {
    let mut sessions = MockSessionRepository::new();
    sessions.expect_caller().never();
    let claimed = accounts(sessions, verifying_as_ada_in_session_3())
        .claim("t")
        .unwrap();
    assert_eq!(claimed.claims().user, UserId::new(7));
    assert_eq!(claimed.claims().session, SessionId::new(3));

    let mut tokens = MockTokenService::new();
    tokens
        .expect_verify()
        .returning(|_| Err(DomainError::InvalidToken));
    let error = accounts(MockSessionRepository::new(), tokens)
        .claim("forged")
        .unwrap_err();
    assert!(matches!(error, DomainError::InvalidToken), "{error:?}");
}

#[test]
fn authenticate_refuses_a_revoked_session_or_a_deleted_user() {
    let tokens = verifying_as_ada_in_session_3();
    let mut sessions = MockSessionRepository::new();
    sessions.expect_caller().returning(|_, _| Ok(None));
    let error = block_on(accounts(sessions, tokens).authenticate("t")).unwrap_err();
    assert!(matches!(error, DomainError::InvalidToken), "{error:?}");
}

#[test]
fn revoking_a_session_the_caller_does_not_have_is_not_found() {
    let mut sessions = MockSessionRepository::new();
    sessions
        .expect_revoke()
        .with(eq(UserId::new(7)), eq(SessionId::new(99)))
        .returning(|_, _| Ok(false));
    let error = block_on(
        accounts(sessions, MockTokenService::new()).revoke_session(&caller(), SessionId::new(99)),
    )
    .unwrap_err();
    assert!(
        matches!(error, DomainError::NotFound(Entity::Session)),
        "{error:?}"
    );
}

#[test]
fn deleting_the_account_needs_the_current_password() {
    let mut users = MockUserRepository::new();
    users.expect_delete().never();
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().returning(|_, _| Ok(false));
    let accounts = service(users, hasher, MockTokenService::new());
    let missing = block_on(accounts.delete(&caller(), None, &CLIENT)).unwrap_err();
    assert_eq!(fields(missing), ["current_password"]);
    let wrong = block_on(accounts.delete(&caller(), Some("wrong"), &CLIENT)).unwrap_err();
    assert!(
        matches!(wrong, DomainError::WrongCurrentPassword),
        "{wrong:?}"
    );
}
