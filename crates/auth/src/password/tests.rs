use std::str::FromStr;

use domain::{DomainError, Email, Password, PasswordHash, PasswordHasher};

use super::BcryptHasher;
use crate::AuthError;

const TEST_COST: u32 = 4;

fn hasher() -> BcryptHasher {
    BcryptHasher::new(TEST_COST).unwrap()
}

fn password(raw: &str) -> Password {
    let owner = Email::parse("ada@example.com").unwrap();
    Password::parse(raw, &owner, hasher().max_password_bytes()).unwrap()
}

#[test]
fn the_longest_password_is_what_bcrypt_reads_whole() {
    assert_eq!(hasher().max_password_bytes(), 71);
}

#[tokio::test]
async fn hash_then_verify_round_trips() {
    let hasher = hasher();
    let hash = hasher.hash(&password("correct horse")).await.unwrap();
    assert!(hash.as_str().starts_with("$2b$04$"));
    assert!(hasher.verify("correct horse", &hash).await.unwrap());
}

#[tokio::test]
async fn the_same_password_hashes_differently_each_time() {
    let hasher = hasher();
    let first = hasher.hash(&password("correct horse")).await.unwrap();
    let second = hasher.hash(&password("correct horse")).await.unwrap();
    assert_ne!(first, second, "each hash has its own salt");
}

#[tokio::test]
async fn wrong_password_does_not_verify() {
    let hasher = hasher();
    let hash = hasher.hash(&password("correct horse")).await.unwrap();
    assert!(!hasher.verify("correct horsf", &hash).await.unwrap());
    assert!(!hasher.verify("", &hash).await.unwrap());
}

/// Hashes stored before the switch to `bcrypt-rust` were written by the
/// `bcrypt` crate; the FastAPI original's by OpenBSD's C (Python bcrypt
/// 3.2.2). Each must still let its owner in, and only its owner.
#[tokio::test]
async fn hashes_written_by_other_implementations_verify() {
    let hasher = hasher();
    let owner = "correct horse, \u{2603} staple";
    for (writer, stored) in [
        (
            "bcrypt crate 0.19",
            "$2b$04$R918XHzw5YDJR49cgCDwn.0fq.qulAWRI37FxIQdkUjLFFJ7nn1wu",
        ),
        (
            "OpenBSD C, $2b$",
            "$2b$04$OQVWWJh44tKifr7DH8XwVes2EhTQXacNomIEhHwS2BQIT3XtdHUQu",
        ),
        (
            "OpenBSD C, $2a$",
            "$2a$04$Mrg5zpT0TbFPjSJlsGIeteGUEV9o2WZ3cTzQXITjNvmZCxWsGMt6u",
        ),
    ] {
        let stored = PasswordHash::new(stored);
        assert!(hasher.verify(owner, &stored).await.unwrap(), "{writer}");
        assert!(
            !hasher
                .verify("correct horse, staple", &stored)
                .await
                .unwrap(),
            "{writer}"
        );
    }
}

#[tokio::test]
async fn longest_password_round_trips() {
    let hasher = hasher();
    let longest = "x".repeat(hasher.max_password_bytes());
    let hash = hasher.hash(&password(&longest)).await.unwrap();
    assert!(hasher.verify(&longest, &hash).await.unwrap());
}

#[tokio::test]
async fn candidate_of_72_bytes_or_more_is_false_not_an_error() {
    let hasher = hasher();
    let longest = "x".repeat(hasher.max_password_bytes());
    let hash = hasher.hash(&password(&longest)).await.unwrap();
    // Truncating bcrypt would accept these: the first 71 or 72 bytes match.
    for len in [72, 73, 200] {
        let candidate = "x".repeat(len);
        assert!(
            !hasher.verify(&candidate, &hash).await.unwrap(),
            "{len} bytes must not match"
        );
    }
}

#[tokio::test]
async fn dummy_hash_is_valid_bcrypt_at_the_same_cost_and_matches_nothing() {
    let hasher = hasher();
    let dummy = hasher.dummy_hash();
    let parts = bcrypt_rust::HashParts::from_str(dummy.as_str()).unwrap();
    assert_eq!(parts.get_cost(), TEST_COST);
    for candidate in ["", "password", "12345678", "agora", &"x".repeat(100)] {
        assert!(!hasher.verify(candidate, &dummy).await.unwrap());
    }
}

#[tokio::test]
async fn dummy_hash_is_computed_once() {
    let hasher = hasher();
    assert_eq!(hasher.dummy_hash(), hasher.dummy_hash());
}

#[tokio::test]
async fn malformed_stored_hash_is_unexpected() {
    let hasher = hasher();
    for stored in [
        "",
        "not a hash",
        "$2b$04$tooshort",
        "$2b$03$abcdefghijklmnopqrstuv",
    ] {
        let result = hasher.verify("password", &PasswordHash::new(stored)).await;
        assert!(
            matches!(result, Err(DomainError::Unexpected(_))),
            "{stored:?} gave {result:?}"
        );
    }
}

#[test]
fn cost_out_of_range_is_refused() {
    for cost in [0, 3, 32, 100] {
        assert!(matches!(
            BcryptHasher::new(cost),
            Err(AuthError::CostOutOfRange(c)) if c == cost
        ));
    }
    assert_eq!(BcryptHasher::new(4).unwrap().cost(), 4);
}

#[test]
fn cost_error_says_what_is_allowed() {
    let error = BcryptHasher::new(3).unwrap_err();
    assert_eq!(
        error.to_string(),
        "bcrypt cost 3 is out of range: expected 4..=31"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_more_hashes_run_at_once_than_there_are_cores() {
    let hasher = std::sync::Arc::new(hasher());
    let hash = hasher.hash(&password("correct horse")).await.unwrap();
    let checks: Vec<_> = (0..16)
        .map(|_| {
            let (hasher, hash) = (hasher.clone(), hash.clone());
            tokio::spawn(async move { hasher.verify("correct horse", &hash).await })
        })
        .collect();
    for check in checks {
        assert!(check.await.unwrap().unwrap(), "every check still succeeds");
    }
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let busiest = hasher.busiest();
    println!("16 concurrent verifies: at most {busiest} ran at once on {cores} cores");
    assert!(
        (1..=cores).contains(&busiest),
        "{busiest} at once on {cores} cores"
    );
}
