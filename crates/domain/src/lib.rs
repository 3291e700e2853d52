//! Agora's business core.
//!
//! Entities ([`User`], [`Post`], likes as [`Liker`]s and [`LikeState`]), values that can only be built valid
//! ([`Email`], [`UserName`], [`Password`], [`PostTitle`], [`PostContent`]),
//! the ports adapters implement ([`UserRepository`], [`PostRepository`],
//! [`LikeRepository`], [`PasswordHasher`], [`TokenService`], [`LoginAttempts`])
//! and the use cases that tie them together ([`AccountService`],
//! [`PostService`], [`LikeService`]), with the credential throttle's policy
//! ([`CredentialThrottle`], [`ThrottlePolicy`]).
//!
//! The crate knows nothing of HTTP, SQL, JWT libraries or an async runtime:
//! ports are `async_trait` traits, and every use case holds them as
//! `Arc<dyn Port>`. With the `mocks` feature, each port has a mockall mock
//! (`MockUserRepository`, ...) for tests in other crates; [`macro@async_trait`]
//! and, with `mocks`, `mockall` are re-exported so their versions match.
//!
//! Use cases that act for someone take a [`Caller`], which only
//! [`AccountService::authenticate`] makes: a bare [`UserId`] cannot act.
//! A read, or a post or a like written, that checks the session in its
//! own statement takes a [`ClaimedCaller`] instead, made by
//! [`AccountService::claim`] or from a [`Caller`].
//!
//! What each version breaks, and how to move to it, is in the crate's
//! `CHANGELOG.md`.

#![warn(missing_docs)]

/// Re-exported so adapters implement the ports with the same version.
pub use async_trait::async_trait;
/// Re-exported so other crates' tests use the mocks with the same version.
#[cfg(feature = "mocks")]
pub use mockall;

mod accounts;
mod error;
mod ids;
mod likes;
mod page;
pub mod ports;
mod posts;
mod session;
#[cfg(test)]
mod test_support;
mod throttle;
mod validation;

pub use accounts::{
    AccessToken, AccountService, AccountUpdate, Email, NewUser, Password, PasswordHash,
    Registration, User, UserChanges, UserName, UserProfile,
};
pub use error::{BoxError, DomainError, Entity, FieldError};
pub use ids::{PostId, SessionId, UserId};
pub use likes::{LikeService, LikeState, LikeWrite, Liker};
pub use page::{Cursor, Page, PageLimit, PageRequest};
pub use ports::*;
pub use posts::{
    Author, MAX_SEARCH_CHARS, MIN_SEARCH_CHARS, NewPost, Post, PostChanges, PostContent,
    PostFilter, PostInput, PostPatch, PostQuery, PostService, PostTitle, PostView,
};
pub use session::{
    Caller, ClaimedCaller, NewSession, RefreshToken, Rotation, Session, SignIn, TokenClaims,
    TokenDigest, UserAgent,
};
pub use throttle::{
    ClientAddress, Count, CounterKey, CredentialThrottle, InFlight, Limit, LimitKind, Refusal,
    ThrottlePolicy,
};
pub use validation::{InvalidValue, is_hidden};

/// A point in time, as stored: microsecond precision, UTC.
pub type Timestamp = std::time::SystemTime;
