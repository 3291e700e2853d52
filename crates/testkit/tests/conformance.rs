//! The conformance suite on this crate's in-memory adapters and fakes.

use std::sync::Arc;

use agora_testkit::{FakePasswordHasher, FakeTokenService};

mod in_memory {
    agora_testkit::conformance_tests!(agora_testkit::conformance::Adapters::in_memory());
}

mod fake_hasher {
    use super::*;

    agora_testkit::conformance_tests!(hasher: Arc::new(FakePasswordHasher));
}

mod fake_tokens {
    use super::*;

    agora_testkit::conformance_tests!(tokens: Arc::new(FakeTokenService::new()));
}
