//! The conformance suite on this crate's in-memory adapters.

mod in_memory {
    agora_testkit::conformance_tests!(agora_testkit::conformance::Adapters::in_memory());
}
