//! The traits adapters implement. Every method documents the errors it may
//! return beyond [`DomainError::Unavailable`] (storage unreachable or no
//! connection free in time) and [`DomainError::Unexpected`], which any
//! storage method may return.

use std::time::Duration;

use async_trait::async_trait;

use crate::{
    AccessToken, Count, CounterKey, DomainError, Email, InFlight, NewPost, NewUser, Page,
    PageRequest, Password, PasswordHash, Post, PostChanges, PostFilter, PostId, PostView, Refusal,
    User, UserChanges, UserId, UserProfile, likes::Liker,
};

/// Storage of users.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait UserRepository: Send + Sync {
    /// Errors: [`DomainError::EmailTaken`] when the email is registered already.
    async fn insert(&self, user: NewUser) -> Result<User, DomainError>;

    /// The user with this id, if any.
    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, DomainError>;

    /// The user registered with this (normalized) email, if any.
    async fn find_by_email(&self, email: &Email) -> Result<Option<User>, DomainError>;

    /// Applies the changes that are set; `None` when the user does not exist.
    async fn update(&self, id: UserId, changes: UserChanges) -> Result<Option<User>, DomainError>;

    /// Deletes the user with their posts and likes, keeping every other
    /// post's like count exact; false when the user did not exist.
    async fn delete(&self, id: UserId) -> Result<bool, DomainError>;

    /// The public profile with the number of published posts.
    async fn profile(&self, id: UserId) -> Result<Option<UserProfile>, DomainError>;
}

/// Storage of posts. Reads return [`PostView`]s: author and `liked_by_me`
/// (for `viewer`) come with the post, in the same query.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PostRepository: Send + Sync {
    /// Stores a new post and returns it as its author sees it.
    /// Errors: [`DomainError::InvalidToken`] when the author no longer exists
    /// (the account was deleted after the caller was authenticated).
    async fn insert(&self, post: NewPost) -> Result<PostView, DomainError>;

    /// The post whatever its `published` flag; visibility is the caller's rule.
    async fn find(
        &self,
        id: PostId,
        viewer: Option<UserId>,
    ) -> Result<Option<PostView>, DomainError>;

    /// A page of posts matching `filter`, newest first (`created_at`, then `id`).
    async fn list(
        &self,
        filter: PostFilter,
        viewer: Option<UserId>,
        page: PageRequest,
    ) -> Result<Page<PostView>, DomainError>;

    /// Applies the changes that are set and moves `updated_at`;
    /// `None` when the post does not exist.
    async fn update(&self, id: PostId, changes: PostChanges) -> Result<Option<Post>, DomainError>;

    /// False when the post did not exist.
    async fn delete(&self, id: PostId) -> Result<bool, DomainError>;
}

/// Storage of likes. Each call is one transaction that keeps the post's
/// `like_count` equal to its number of likes, whatever runs concurrently.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait LikeRepository: Send + Sync {
    /// Records the like if absent; returns the post's like count afterwards.
    /// Errors: [`DomainError::NotFound`] when the post does not exist;
    /// [`DomainError::InvalidToken`] when the user no longer does (the
    /// account was deleted after the caller was authenticated).
    async fn like(&self, user: UserId, post: PostId) -> Result<i64, DomainError>;

    /// Removes the like if present; returns the post's like count afterwards.
    /// Errors: [`DomainError::NotFound`] when the post does not exist.
    async fn unlike(&self, user: UserId, post: PostId) -> Result<i64, DomainError>;

    /// Who liked the post, most recent first (`liked_at`, then user id).
    async fn likers(&self, post: PostId, page: PageRequest) -> Result<Page<Liker>, DomainError>;
}

/// One-way password hashing. Implementations do their slow work off the
/// caller's async thread.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    /// A salted one-way hash of `password`, in the format [`PasswordHasher::verify`] reads.
    async fn hash(&self, password: &Password) -> Result<PasswordHash, DomainError>;

    /// Whether `candidate` is the password behind `hash`. Any candidate is
    /// accepted (too long ones simply do not match), and the check takes the
    /// same time whether or not it matches.
    async fn verify(&self, candidate: &str, hash: &PasswordHash) -> Result<bool, DomainError>;

    /// A valid hash of no one's password, at the same cost as real ones:
    /// verifying against it makes an unknown email as slow as a wrong password.
    fn dummy_hash(&self) -> PasswordHash;
}

/// Issues and checks access tokens.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait TokenService: Send + Sync {
    /// A new token standing for `user`, with its lifetime.
    fn issue(&self, user: UserId) -> Result<AccessToken, DomainError>;

    /// The user a token was issued to.
    /// Errors: [`DomainError::InvalidToken`] for any token this service did not
    /// issue, or that has expired.
    fn verify(&self, token: &str) -> Result<UserId, DomainError>;
}

/// Whether the storage behind the repositories answers.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait HealthCheck: Send + Sync {
    /// Ok when a trivial query succeeds; the caller bounds how long it may take.
    async fn check(&self) -> Result<(), DomainError>;
}

/// The throttle's record of password checks: failure counters shared by
/// every instance of the service, and the turns of checks running now.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait LoginAttempts: Send + Sync {
    /// Waits until each key has fewer checks running than its bound, then
    /// holds a place on every key until the returned value drops. Keys are
    /// entered in the order given.
    async fn enter(&self, keys: Vec<(CounterKey, u32)>) -> InFlight;

    /// The counters of `keys`, one per key in the same order; a key never
    /// counted, or whose window has closed, is [`Count::ZERO`].
    async fn counts(&self, keys: Vec<CounterKey>) -> Result<Vec<Count>, DomainError>;

    /// Adds one event to each key and returns the counters after it, one per
    /// key in the same order. A key with no open window opens one of the
    /// duration given with it; an open window keeps its end.
    async fn add(&self, keys: Vec<(CounterKey, Duration)>) -> Result<Vec<Count>, DomainError>;

    /// Forgets the key's counter.
    async fn clear(&self, key: CounterKey) -> Result<(), DomainError>;

    /// A request was refused: for the logs (never with the email in clear)
    /// and the refusal counts.
    fn refused(&self, refusal: &Refusal);
}
