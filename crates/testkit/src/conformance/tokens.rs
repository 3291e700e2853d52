//! [`domain::TokenService`]: what any token service must do. Each contract
//! takes the service under test.

use std::{collections::HashSet, sync::Arc};

use domain::{DomainError, SessionId, TokenDigest, TokenService, UserId};

/// A token service to test, as the services hold it.
pub type Tokens = Arc<dyn TokenService>;

/// An issued access token verifies to the user and session it was issued
/// for, and says how long it lives.
pub async fn an_issued_token_names_its_user_and_session(tokens: Tokens) {
    let access = tokens.issue(UserId::new(7), SessionId::new(3)).unwrap();
    assert!(access.expires_in_seconds > 0);
    let claims = tokens.verify(&access.token).unwrap();
    assert_eq!(
        (claims.user, claims.session),
        (UserId::new(7), SessionId::new(3))
    );
    let other = tokens.issue(UserId::new(8), SessionId::new(3)).unwrap();
    assert_eq!(tokens.verify(&other.token).unwrap().user, UserId::new(8));
}

/// Anything the service did not issue is `InvalidToken`.
pub async fn a_token_it_did_not_issue_is_invalid(tokens: Tokens) {
    let issued = tokens
        .issue(UserId::new(7), SessionId::new(3))
        .unwrap()
        .token;
    let altered = format!("{issued}x");
    let cut = &issued[..issued.len() - 1];
    for token in ["", "garbage", "a.b.c", altered.as_str(), cut] {
        let error = tokens.verify(token).unwrap_err();
        assert!(
            matches!(error, DomainError::InvalidToken),
            "{token:?}: {error:?}"
        );
    }
}

/// Refresh tokens differ each time; their digest is the one
/// `new_refresh_token` gave, [`TokenDigest::BYTES`] long, and does not
/// hold the token.
pub async fn refresh_tokens_are_new_each_time_with_a_stable_digest(tokens: Tokens) {
    let minted: Vec<_> = (0..20)
        .map(|_| tokens.new_refresh_token().unwrap())
        .collect();
    let distinct: HashSet<&str> = minted.iter().map(|r| r.token.as_str()).collect();
    assert_eq!(distinct.len(), minted.len());
    for refresh in &minted {
        assert_eq!(tokens.digest(&refresh.token), refresh.digest);
        assert_eq!(refresh.digest.as_bytes().len(), TokenDigest::BYTES);
        assert_ne!(refresh.digest.as_bytes(), refresh.token.as_bytes());
    }
    assert!(!tokens.refresh_lifetime().is_zero());
}
