//! Handler-level tests: the whole HTTP application, as `server` runs it,
//! over mocked ports.

// Test helpers fail loudly on purpose.
#![allow(clippy::unwrap_used, clippy::expect_used)]

// The package is agora-api; its code calls it `api`, as the workspace does.
extern crate agora_api as api;

mod http {
    mod auth;
    mod errors;
    mod likes;
    mod login;
    mod openapi;
    mod operations;
    mod posts;
    mod support;
    mod users;
}
