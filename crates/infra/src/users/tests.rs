use std::time::{Duration, SystemTime};

use domain::{
    DomainError, Email, NewUser, PasswordHash, UserChanges, UserId, UserName, UserRepository,
};

use super::PgUserRepository;
use crate::testing::TestDatabase;

fn new_user(name: &str, email: &str) -> NewUser {
    NewUser {
        name: UserName::parse(name).unwrap(),
        email: Email::parse(email).unwrap(),
        password_hash: PasswordHash::new("$2b$04$hash"),
    }
}

#[tokio::test]
async fn insert_then_find_by_id_and_by_email() {
    let db = TestDatabase::new();
    let repo = PgUserRepository::new(db.database());
    let before = SystemTime::now() - Duration::from_secs(5);

    let user = repo
        .insert(new_user("Ada", "ada@example.com"))
        .await
        .unwrap();
    assert!(user.id.get() > 0);
    assert_eq!(user.name.as_str(), "Ada");
    assert_eq!(user.email.as_str(), "ada@example.com");
    assert_eq!(user.password_hash, PasswordHash::new("$2b$04$hash"));
    assert!(user.created_at > before);

    assert_eq!(repo.find_by_id(user.id).await.unwrap(), Some(user.clone()));
    let email = Email::parse("ADA@example.com").unwrap();
    assert_eq!(repo.find_by_email(&email).await.unwrap(), Some(user));

    assert_eq!(repo.find_by_id(UserId::new(999_999)).await.unwrap(), None);
    let nobody = Email::parse("nobody@example.com").unwrap();
    assert_eq!(repo.find_by_email(&nobody).await.unwrap(), None);
}

#[tokio::test]
async fn a_registered_email_in_any_case_is_taken() {
    let db = TestDatabase::new();
    let repo = PgUserRepository::new(db.database());
    repo.insert(new_user("Ada", "ada@example.com"))
        .await
        .unwrap();

    let error = repo
        .insert(new_user("Other Ada", "  ADA@Example.COM "))
        .await
        .unwrap_err();
    assert!(matches!(error, DomainError::EmailTaken), "{error:?}");
}

#[tokio::test]
async fn the_database_itself_refuses_a_mixed_case_email() {
    use diesel::prelude::*;
    let db = TestDatabase::new();
    let mut conn = PgConnection::establish(db.url()).unwrap();
    let insert =
        "INSERT INTO users (name, email, password_hash) VALUES ('Ada', 'Ada@example.com', 'x')";
    assert!(diesel::sql_query(insert).execute(&mut conn).is_err());
}

#[tokio::test]
async fn update_changes_only_what_is_set() {
    let db = TestDatabase::new();
    let repo = PgUserRepository::new(db.database());
    let user = repo
        .insert(new_user("Ada", "ada@example.com"))
        .await
        .unwrap();

    let renamed = repo
        .update(
            user.id,
            UserChanges {
                name: Some(UserName::parse("Ada Lovelace").unwrap()),
                password_hash: None,
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(renamed.name.as_str(), "Ada Lovelace");
    assert_eq!(renamed.password_hash, user.password_hash);
    assert_eq!(renamed.created_at, user.created_at);

    let rehashed = repo
        .update(
            user.id,
            UserChanges {
                name: None,
                password_hash: Some(PasswordHash::new("$2b$04$new")),
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rehashed.name.as_str(), "Ada Lovelace");
    assert_eq!(rehashed.password_hash, PasswordHash::new("$2b$04$new"));

    let unchanged = repo.update(user.id, UserChanges::default()).await.unwrap();
    assert_eq!(unchanged, Some(rehashed));

    let missing = repo
        .update(UserId::new(999_999), UserChanges::default())
        .await
        .unwrap();
    assert_eq!(missing, None);
    let missing = repo
        .update(
            UserId::new(999_999),
            UserChanges {
                name: Some(UserName::parse("Ghost").unwrap()),
                password_hash: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(missing, None);
}

#[tokio::test]
async fn delete_removes_the_user_once() {
    let db = TestDatabase::new();
    let repo = PgUserRepository::new(db.database());
    let user = repo
        .insert(new_user("Ada", "ada@example.com"))
        .await
        .unwrap();
    let other = repo
        .insert(new_user("Bob", "bob@example.com"))
        .await
        .unwrap();

    assert!(repo.delete(user.id).await.unwrap());
    assert_eq!(repo.find_by_id(user.id).await.unwrap(), None);
    assert!(!repo.delete(user.id).await.unwrap());
    assert_eq!(repo.find_by_id(other.id).await.unwrap(), Some(other));

    // The email is free again.
    repo.insert(new_user("Ada again", "ada@example.com"))
        .await
        .unwrap();
}

#[tokio::test]
async fn profile_shows_no_email() {
    let db = TestDatabase::new();
    let repo = PgUserRepository::new(db.database());
    let user = repo
        .insert(new_user("Ada", "ada@example.com"))
        .await
        .unwrap();

    let profile = repo.profile(user.id).await.unwrap().unwrap();
    assert_eq!(profile.id, user.id);
    assert_eq!(profile.name, user.name);
    assert_eq!(profile.created_at, user.created_at);
    assert_eq!(profile.post_count, 0);

    assert_eq!(repo.profile(UserId::new(999_999)).await.unwrap(), None);
}

#[tokio::test]
async fn a_corrupt_stored_row_is_unexpected_not_passed_on() {
    use diesel::prelude::*;
    let db = TestDatabase::new();
    let repo = PgUserRepository::new(db.database());
    let user = repo
        .insert(new_user("Ada", "ada@example.com"))
        .await
        .unwrap();
    let mut conn = PgConnection::establish(db.url()).unwrap();
    // A control character passes the table's checks but not the domain's.
    diesel::sql_query(format!(
        "UPDATE users SET name = E'Ada\\x01' WHERE id = {}",
        user.id
    ))
    .execute(&mut conn)
    .unwrap();

    let error = repo.find_by_id(user.id).await.unwrap_err();
    assert!(matches!(error, DomainError::Unexpected(_)), "{error:?}");
}
