use std::{
    sync::Arc,
    time::{Duration, SystemTime},
};

use futures_executor::block_on;
use mockall::predicate::eq;

use super::*;
use crate::{
    AccessToken, ClientAddress, Count, CredentialThrottle, InFlight, MockLoginAttempts,
    MockPasswordHasher, MockSessionRepository, MockTokenService, MockUserRepository, PasswordHash,
    RefreshToken, SessionId, ThrottlePolicy, TokenDigest, UserAgent,
};

mod sessions;

fn ada() -> User {
    User {
        id: UserId::new(7),
        name: UserName::parse("Ada").unwrap(),
        email: Email::parse("ada@example.com").unwrap(),
        password_hash: PasswordHash::new("real-hash"),
        created_at: SystemTime::UNIX_EPOCH,
    }
}

fn service(
    users: MockUserRepository,
    hasher: MockPasswordHasher,
    tokens: MockTokenService,
) -> AccountService {
    service_with(users, hasher, tokens, unlimited())
}

fn service_with(
    users: MockUserRepository,
    hasher: MockPasswordHasher,
    tokens: MockTokenService,
    attempts: MockLoginAttempts,
) -> AccountService {
    service_with_sessions(
        users,
        MockSessionRepository::new(),
        hasher,
        tokens,
        attempts,
    )
}

fn service_with_sessions(
    users: MockUserRepository,
    sessions: MockSessionRepository,
    mut hasher: MockPasswordHasher,
    tokens: MockTokenService,
    attempts: MockLoginAttempts,
) -> AccountService {
    // Every use case that validates a new password asks the hasher its limit.
    hasher.expect_max_password_bytes().return_const(71_usize);
    AccountService::new(
        Arc::new(users),
        Arc::new(sessions),
        Arc::new(hasher),
        Arc::new(tokens),
        CredentialThrottle::new(Arc::new(attempts), ThrottlePolicy::default()),
    )
}

const CLIENT: ClientAddress = ClientAddress::unknown();

/// Ada, signed in with session 3.
fn caller() -> Caller {
    Caller::new(ada(), SessionId::new(3))
}

/// A throttle store with nothing counted: every check passes.
fn unlimited() -> MockLoginAttempts {
    let mut attempts = unlimited_counting_nothing();
    attempts.expect_add().returning(|keys| {
        Ok(vec![
            Count {
                events: 1,
                ..Count::ZERO
            };
            keys.len()
        ])
    });
    attempts.expect_clear().returning(|_| Ok(()));
    attempts
}

fn registration(name: &str, email: &str, password: &str) -> Registration {
    Registration {
        name: name.into(),
        email: email.into(),
        password: password.into(),
    }
}

fn fields(error: DomainError) -> Vec<&'static str> {
    match error {
        DomainError::Validation(errors) => errors.into_iter().map(|e| e.field).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn register_normalises_input_and_stores_the_hash_not_the_password() {
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_hash()
        .withf(|p| p.expose() == "correct horse")
        .returning(|_| Ok(PasswordHash::new("real-hash")));
    let mut users = MockUserRepository::new();
    users
        .expect_insert()
        .withf(|new| {
            new.name.as_str() == "Ada"
                && new.email.as_str() == "ada@example.com"
                && new.password_hash.as_str() == "real-hash"
        })
        .returning(|_| Ok(ada()));
    let user = block_on(service(users, hasher, MockTokenService::new()).register(
        registration(" Ada ", " ADA@example.com", "correct horse"),
        &CLIENT,
    ))
    .unwrap();
    assert_eq!(user.id, UserId::new(7));
}

#[test]
fn register_reports_every_broken_rule_and_touches_nothing() {
    let error = block_on(
        service(
            MockUserRepository::new(),
            MockPasswordHasher::new(),
            MockTokenService::new(),
        )
        .register(registration("", "not-an-email", "short"), &CLIENT),
    )
    .unwrap_err();
    assert_eq!(fields(error), ["name", "email", "password"]);
}

#[test]
fn register_refuses_a_password_bcrypt_would_truncate() {
    let error = block_on(
        service(
            MockUserRepository::new(),
            MockPasswordHasher::new(),
            MockTokenService::new(),
        )
        .register(
            registration("Ada", "ada@example.com", &"x".repeat(72)),
            &CLIENT,
        ),
    )
    .unwrap_err();
    assert_eq!(fields(error), ["password"]);
}

#[test]
fn the_longest_password_is_the_hashers_limit() {
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_max_password_bytes().return_const(20_usize);
    hasher.expect_hash().never();
    let accounts = AccountService::new(
        Arc::new(MockUserRepository::new()),
        Arc::new(MockSessionRepository::new()),
        Arc::new(hasher),
        Arc::new(MockTokenService::new()),
        CredentialThrottle::new(Arc::new(unlimited()), ThrottlePolicy::default()),
    );
    let long = registration("Ada", "ada@example.com", &"x".repeat(21));
    let error = block_on(accounts.register(long, &CLIENT)).unwrap_err();
    let DomainError::Validation(errors) = error else {
        panic!("expected a validation error, got {error:?}");
    };
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "password");
    assert_eq!(errors[0].message, "must be 8 to 20 bytes long");
}

#[test]
fn register_passes_a_taken_email_through() {
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_hash()
        .returning(|_| Ok(PasswordHash::new("h")));
    let mut users = MockUserRepository::new();
    users
        .expect_insert()
        .returning(|_| Err(DomainError::EmailTaken));
    let error = block_on(service(users, hasher, MockTokenService::new()).register(
        registration("Ada", "ada@example.com", "sturdy-pass-1"),
        &CLIENT,
    ))
    .unwrap_err();
    assert!(matches!(error, DomainError::EmailTaken));
}

#[test]
fn login_issues_a_token_for_the_right_password() {
    let mut users = MockUserRepository::new();
    users
        .expect_find_by_email()
        .withf(|e| e.as_str() == "ada@example.com")
        .returning(|_| Ok(Some(ada())));
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_verify()
        .withf(|candidate, hash| candidate == "right password" && hash.as_str() == "real-hash")
        .returning(|_, _| Ok(true));
    let mut tokens = MockTokenService::new();
    tokens.expect_new_refresh_token().returning(|| {
        Ok(RefreshToken {
            token: "r".into(),
            digest: TokenDigest::new(vec![1]),
        })
    });
    tokens
        .expect_refresh_lifetime()
        .returning(|| Duration::from_secs(60));
    tokens
        .expect_issue()
        .with(eq(UserId::new(7)), eq(SessionId::new(3)))
        .returning(|_, _| {
            Ok(AccessToken {
                token: "t".into(),
                expires_in_seconds: 1800,
            })
        });
    let mut sessions = MockSessionRepository::new();
    sessions
        .expect_create()
        .withf(|new| {
            new.user == UserId::new(7)
                && new.refresh == TokenDigest::new(vec![1])
                && new.user_agent.as_deref() == Some("curl/8")
        })
        .times(1)
        .returning(|_| Ok(SessionId::new(3)));
    let signed_in = block_on(
        service_with_sessions(users, sessions, hasher, tokens, unlimited()).login(
            "Ada@Example.com",
            "right password",
            &CLIENT,
            UserAgent::new(Some("curl/8")),
        ),
    )
    .unwrap();
    assert_eq!(signed_in.access.token, "t");
    assert_eq!(signed_in.refresh.token, "r");
    assert_eq!(signed_in.refresh_expires_in, Duration::from_secs(60));
}

#[test]
fn login_with_a_wrong_password_is_invalid_credentials() {
    let mut users = MockUserRepository::new();
    users.expect_find_by_email().returning(|_| Ok(Some(ada())));
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().times(1).returning(|_, _| Ok(false));
    let error = block_on(service(users, hasher, MockTokenService::new()).login(
        "ada@example.com",
        "wrong",
        &CLIENT,
        UserAgent::default(),
    ))
    .unwrap_err();
    assert!(matches!(error, DomainError::InvalidCredentials));
}

#[test]
fn login_of_an_unknown_email_still_verifies_against_the_dummy_hash() {
    let mut users = MockUserRepository::new();
    users.expect_find_by_email().returning(|_| Ok(None));
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_dummy_hash()
        .times(1)
        .returning(|| PasswordHash::new("dummy"));
    hasher
        .expect_verify()
        .withf(|_, hash| hash.as_str() == "dummy")
        .times(1)
        .returning(|_, _| Ok(true));
    let error = block_on(service(users, hasher, MockTokenService::new()).login(
        "nobody@example.com",
        "whatever",
        &CLIENT,
        UserAgent::default(),
    ))
    .unwrap_err();
    assert!(
        matches!(error, DomainError::InvalidCredentials),
        "even a matching dummy must not log in"
    );
}

#[test]
fn login_with_a_malformed_email_costs_the_same_and_fails_the_same() {
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_dummy_hash()
        .times(1)
        .returning(|| PasswordHash::new("dummy"));
    hasher.expect_verify().times(1).returning(|_, _| Ok(false));
    let error = block_on(
        service(MockUserRepository::new(), hasher, MockTokenService::new()).login(
            "not an email",
            "x",
            &CLIENT,
            UserAgent::default(),
        ),
    )
    .unwrap_err();
    assert!(matches!(error, DomainError::InvalidCredentials));
}

#[test]
fn authenticate_passes_token_errors_through_without_a_lookup() {
    let mut tokens = MockTokenService::new();
    tokens
        .expect_verify()
        .returning(|_| Err(DomainError::InvalidToken));
    let error = block_on(
        service(MockUserRepository::new(), MockPasswordHasher::new(), tokens)
            .authenticate("forged"),
    )
    .unwrap_err();
    assert!(matches!(error, DomainError::InvalidToken));
}

#[test]
fn new_password_requires_the_current_one() {
    let update = AccountUpdate {
        password: Some("new password".into()),
        ..Default::default()
    };
    let error = block_on(
        service(
            MockUserRepository::new(),
            MockPasswordHasher::new(),
            MockTokenService::new(),
        )
        .update(&caller(), update, &CLIENT),
    )
    .unwrap_err();
    assert_eq!(fields(error), ["current_password"]);
}

#[test]
fn a_wrong_current_password_changes_nothing() {
    let mut users = MockUserRepository::new();
    users.expect_find_by_id().returning(|_| Ok(Some(ada())));
    users.expect_update().never();
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().returning(|_, _| Ok(false));
    hasher.expect_hash().never();
    let update = AccountUpdate {
        password: Some("new password".into()),
        current_password: Some("wrong".into()),
        ..Default::default()
    };
    let error = block_on(service(users, hasher, MockTokenService::new()).update(
        &caller(),
        update,
        &CLIENT,
    ))
    .unwrap_err();
    assert!(
        matches!(error, DomainError::WrongCurrentPassword),
        "{error:?}"
    );
}

#[test]
fn password_change_stores_a_new_hash_and_revokes_the_other_sessions() {
    let mut users = MockUserRepository::new();
    users.expect_find_by_id().returning(|_| Ok(Some(ada())));
    users
        .expect_update()
        .withf(|id, changes| {
            *id == UserId::new(7)
                && changes.name.is_none()
                && changes.password_hash.as_ref().map(PasswordHash::as_str) == Some("new-hash")
        })
        .returning(|_, _| Ok(Some(ada())));
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_verify()
        .returning(|candidate, _| Ok(candidate == "old password"));
    hasher
        .expect_hash()
        .returning(|_| Ok(PasswordHash::new("new-hash")));
    let mut sessions = MockSessionRepository::new();
    sessions
        .expect_revoke_others()
        .with(eq(UserId::new(7)), eq(SessionId::new(3)))
        .times(1)
        .returning(|_, _| Ok(2));
    let update = AccountUpdate {
        password: Some("new password".into()),
        current_password: Some("old password".into()),
        ..Default::default()
    };
    block_on(
        service_with_sessions(
            users,
            sessions,
            hasher,
            MockTokenService::new(),
            unlimited(),
        )
        .update(&caller(), update, &CLIENT),
    )
    .unwrap();
}

#[test]
fn rename_needs_no_password_and_validates_the_name() {
    let mut users = MockUserRepository::new();
    users.expect_find_by_id().returning(|_| Ok(Some(ada())));
    users
        .expect_update()
        .withf(|_, changes| {
            changes.name.as_ref().map(UserName::as_str) == Some("Lovelace")
                && changes.password_hash.is_none()
        })
        .returning(|_, _| Ok(Some(ada())));
    let accounts = service(users, MockPasswordHasher::new(), MockTokenService::new());
    block_on(accounts.update(
        &caller(),
        AccountUpdate {
            name: Some(" Lovelace ".into()),
            ..Default::default()
        },
        &CLIENT,
    ))
    .unwrap();
    let error = block_on(accounts.update(
        &caller(),
        AccountUpdate {
            name: Some("x".repeat(51)),
            ..Default::default()
        },
        &CLIENT,
    ))
    .unwrap_err();
    assert_eq!(fields(error), ["name"]);
}

#[test]
fn deleting_an_account_gone_meanwhile_is_caller_gone_and_an_unknown_profile_not_found() {
    let mut users = MockUserRepository::new();
    users.expect_delete().returning(|_| Ok(false));
    users.expect_profile().returning(|_| Ok(None));
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().returning(|_, _| Ok(true));
    let accounts = service(users, hasher, MockTokenService::new());
    assert!(matches!(
        block_on(accounts.delete(&caller(), Some("right password"), &CLIENT)),
        Err(DomainError::CallerGone)
    ));
    assert!(matches!(
        block_on(accounts.profile(UserId::new(1))),
        Err(DomainError::NotFound(Entity::User))
    ));
}

/// A store where everything is locked for a minute.
fn locked() -> MockLoginAttempts {
    let mut attempts = MockLoginAttempts::new();
    attempts.expect_enter().returning(|_| InFlight::new(()));
    attempts.expect_counts().returning(|keys| {
        let spent = Count {
            events: u32::MAX,
            window_left: std::time::Duration::from_secs(60),
            since_last: std::time::Duration::ZERO,
        };
        Ok(vec![spent; keys.len()])
    });
    attempts.expect_refused().returning(|_| ());
    attempts
}

#[test]
fn a_refused_login_or_current_password_spends_no_hashing() {
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().never();
    let mut users = MockUserRepository::new();
    users.expect_find_by_email().never();
    users.expect_find_by_id().returning(|_| Ok(Some(ada())));
    let accounts = service_with(users, hasher, MockTokenService::new(), locked());
    let error = block_on(accounts.login(
        "ada@example.com",
        "right password",
        &CLIENT,
        UserAgent::default(),
    ))
    .unwrap_err();
    assert!(
        matches!(error, DomainError::TooManyAttempts(_)),
        "{error:?}"
    );
    let update = AccountUpdate {
        password: Some("new password".into()),
        current_password: Some("right password".into()),
        ..Default::default()
    };
    let error = block_on(accounts.update(&caller(), update, &CLIENT)).unwrap_err();
    assert!(
        matches!(error, DomainError::TooManyAttempts(_)),
        "{error:?}"
    );
}

#[test]
fn wrong_passwords_count_as_failures_and_storage_trouble_does_not() {
    let mut attempts = unlimited_counting_nothing();
    attempts
        .expect_add()
        .withf(|keys| keys.len() == 3)
        .times(2)
        .returning(|keys| Ok(vec![Count::ZERO; keys.len()]));
    let mut users = MockUserRepository::new();
    users.expect_find_by_id().returning(|_| Ok(Some(ada())));
    let mut lookups = 0;
    users.expect_find_by_email().returning(move |_| {
        lookups += 1;
        if lookups == 1 {
            Ok(Some(ada()))
        } else {
            Err(DomainError::Unavailable("down".into()))
        }
    });
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().returning(|_, _| Ok(false));
    let accounts = service_with(users, hasher, MockTokenService::new(), attempts);
    let wrong = block_on(accounts.login("ada@example.com", "wrong", &CLIENT, UserAgent::default()))
        .unwrap_err();
    assert!(matches!(wrong, DomainError::InvalidCredentials));
    let down = block_on(accounts.login("ada@example.com", "wrong", &CLIENT, UserAgent::default()))
        .unwrap_err();
    assert!(matches!(down, DomainError::Unavailable(_)));
    let update = AccountUpdate {
        current_password: Some("wrong".into()),
        ..Default::default()
    };
    let wrong = block_on(accounts.update(&caller(), update, &CLIENT)).unwrap_err();
    assert!(matches!(wrong, DomainError::WrongCurrentPassword));
}

/// Admits every check; `add` is left to the test.
fn unlimited_counting_nothing() -> MockLoginAttempts {
    let mut attempts = MockLoginAttempts::new();
    attempts.expect_enter().returning(|_| InFlight::new(()));
    attempts
        .expect_counts()
        .returning(|keys| Ok(vec![Count::ZERO; keys.len()]));
    attempts
}

#[test]
fn raw_inputs_redact_passwords_in_debug() {
    let registration = Registration {
        name: "Ada".into(),
        email: "ada@example.com".into(),
        password: "hunter2hunter2".into(),
    };
    let update = AccountUpdate {
        name: Some("Ada".into()),
        password: Some("newsecret99".into()),
        current_password: Some("hunter2hunter2".into()),
    };
    for shown in [format!("{registration:?}"), format!("{update:?}")] {
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("newsecret99"), "{shown}");
        assert!(shown.contains("Ada"), "{shown}");
    }
}
