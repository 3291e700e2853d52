//! [`domain::PasswordHasher`]: what any hasher must do, whatever its
//! algorithm. Each contract takes the hasher under test.

use std::sync::Arc;

use domain::{Email, Password, PasswordHasher};

/// A hasher to test, as the services hold it.
pub type Hasher = Arc<dyn PasswordHasher>;

fn password(hasher: &Hasher, raw: &str) -> Password {
    let owner = Email::parse("ada@example.com").unwrap();
    Password::parse(raw, &owner, hasher.max_password_bytes()).unwrap()
}

/// A hash verifies its own password and no other, and does not hold it.
pub async fn a_hash_verifies_its_password_only(hasher: Hasher) {
    let hash = hasher
        .hash(&password(&hasher, "correct horse battery"))
        .await
        .unwrap();
    assert_ne!(hash.as_str(), "correct horse battery");
    assert!(hasher.verify("correct horse battery", &hash).await.unwrap());
    for wrong in ["correct horse batter", "Correct horse battery", ""] {
        assert!(!hasher.verify(wrong, &hash).await.unwrap(), "{wrong:?}");
    }
}

/// The dummy hash is one no candidate matches.
pub async fn the_dummy_hash_matches_nothing(hasher: Hasher) {
    let dummy = hasher.dummy_hash();
    for candidate in ["", "password", "correct horse battery", &"x".repeat(500)] {
        assert!(!hasher.verify(candidate, &dummy).await.unwrap());
    }
}

/// A password of exactly the limit is read whole; a candidate one byte
/// longer never matches it (nothing is cut), and any length is accepted.
pub async fn the_limit_is_read_whole_and_longer_candidates_never_match(hasher: Hasher) {
    let limit = hasher.max_password_bytes();
    assert!(limit >= Password::MIN_BYTES, "a limit of {limit} bytes");
    let longest = format!("{}{}", "ab".repeat(limit / 2), "c".repeat(limit % 2));
    let hash = hasher.hash(&password(&hasher, &longest)).await.unwrap();
    assert!(hasher.verify(&longest, &hash).await.unwrap());
    let longer = format!("{longest}d");
    assert!(!hasher.verify(&longer, &hash).await.unwrap());
    let shorter = &longest[..limit - 1];
    assert!(!hasher.verify(shorter, &hash).await.unwrap());
}
