//! The conformance suite of `agora-testkit` on bcrypt and the JWT service.

use std::{sync::Arc, time::Duration};

use agora_auth::{BcryptHasher, JwtTokenService};

fn bcrypt() -> Arc<BcryptHasher> {
    let hasher = BcryptHasher::new(BcryptHasher::MIN_COST);
    Arc::new(hasher.unwrap_or_else(|error| panic!("bcrypt at its lowest cost: {error}")))
}

fn jwt() -> Arc<JwtTokenService> {
    let secret = b"a conformance secret of 32 bytes or more";
    let tokens = JwtTokenService::new(secret, Duration::from_secs(900));
    Arc::new(tokens.unwrap_or_else(|error| panic!("a JWT service: {error}")))
}

mod bcrypt {
    use super::bcrypt;

    testkit::conformance_tests!(hasher: bcrypt());
}

mod jwt {
    use super::jwt;

    testkit::conformance_tests!(tokens: jwt());
}
