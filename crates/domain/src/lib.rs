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
//! (`MockUserRepository`, ...) for tests in other crates.

#![warn(missing_docs)]

mod accounts;
mod error;
mod ids;
mod likes;
mod page;
mod ports;
mod post;
mod posts;
mod session;
mod throttle;
mod user;
mod validation;

pub use accounts::{AccountService, AccountUpdate, Registration};
pub use error::{BoxError, DomainError, FieldError};
pub use ids::{PostId, SessionId, UserId};
pub use likes::{LikeService, LikeState, Liker};
pub use page::{Cursor, Page, PageLimit, PageRequest};
pub use ports::*;
pub use post::{Author, NewPost, Post, PostChanges, PostContent, PostFilter, PostTitle, PostView};
pub use posts::{MAX_SEARCH_CHARS, MIN_SEARCH_CHARS, PostInput, PostPatch, PostService};
pub use session::{
    Caller, NewSession, RefreshToken, Rotation, Session, SignIn, TokenClaims, TokenDigest,
    UserAgent,
};
pub use throttle::{
    ClientAddress, Count, CounterKey, CredentialThrottle, InFlight, Limit, LimitKind, Refusal,
    ThrottlePolicy,
};
pub use user::{
    AccessToken, Email, NewUser, Password, PasswordHash, User, UserChanges, UserName, UserProfile,
};
pub use validation::InvalidValue;

/// A point in time, as stored: microsecond precision, UTC.
pub type Timestamp = std::time::SystemTime;
