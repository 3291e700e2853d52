//! The traits adapters implement.
//!
//! # Errors
//! Every method documents, under `# Errors`, what it may return beyond
//! [`DomainError::Unavailable`] (the store cannot be reached now; worth a
//! retry) and [`DomainError::Unexpected`] (anything else; a bug), which any
//! storage method may return. A method without such a section returns only
//! those two.
//!
//! # Implementing
//! Implement them with [`macro@crate::async_trait`], re-exported so the version
//! matches; with the `mocks` feature each trait has a mockall mock
//! (`MockUserRepository`, ...). The three repositories read one another's
//! data (a [`PostView`] carries its author and `liked_by_me`), so they share
//! one store. Timestamps are kept to the microsecond: lists are ordered by
//! `(created_at, id)`, newest first, and a page starts strictly after its
//! cursor, so a store that keeps finer times would skip items that share a
//! microsecond once the cursor rounds them.

use std::time::Duration;

use async_trait::async_trait;

use crate::{
    AccessToken, Count, CounterKey, DomainError, Email, InFlight, NewPost, NewSession, NewUser,
    Page, PageRequest, Password, PasswordHash, Post, PostChanges, PostFilter, PostId, PostView,
    RefreshToken, Refusal, Rotation, Session, SessionId, TokenClaims, TokenDigest, User,
    UserChanges, UserId, UserProfile,
    likes::{LikeWrite, Liker},
};

/// Storage of users.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait UserRepository: Send + Sync {
    ///
    /// # Errors
    /// [`DomainError::EmailTaken`] when the email is registered already.
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
/// (for `viewer`) come with the post, read together with it.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PostRepository: Send + Sync {
    /// Stores a new post for an author whose session is not checked yet,
    /// and returns it as its author sees it: `None`, with nothing stored,
    /// unless `session` is a live session of `post.author_id` (as
    /// [`SessionRepository::caller`] would find it). It runs on every post
    /// written, so a store that can check the session in the insert itself
    /// should.
    ///
    /// # Errors
    /// [`DomainError::CallerGone`] when the author's account is deleted
    /// while the post is written.
    async fn insert(
        &self,
        post: NewPost,
        session: SessionId,
    ) -> Result<Option<PostView>, DomainError>;

    /// The post whatever its `published` flag; visibility is the caller's rule.
    async fn find(
        &self,
        id: PostId,
        viewer: Option<UserId>,
    ) -> Result<Option<PostView>, DomainError>;

    /// [`PostRepository::find`] for a signed-in reader whose session is
    /// not checked yet: `None` unless `claims.session` is a live session of
    /// `claims.user` (as [`SessionRepository::caller`] would find it), else
    /// what `find` gives for `claims.user`: `Some(None)` when there is no
    /// such post. It runs on every signed-in read of a post, so a store that
    /// can check the session in the post's own read should.
    async fn find_for_session(
        &self,
        id: PostId,
        claims: TokenClaims,
    ) -> Result<Option<Option<PostView>>, DomainError>;

    /// A page of posts matching `filter`, newest first (`created_at`, then `id`).
    async fn list(
        &self,
        filter: PostFilter,
        viewer: Option<UserId>,
        page: PageRequest,
    ) -> Result<Page<PostView>, DomainError>;

    /// [`PostRepository::list`] for a signed-in reader whose session is
    /// not checked yet: `None` unless `claims.session` is a live session of
    /// `claims.user` (as [`SessionRepository::caller`] would find it), else
    /// the page as `claims.user` sees it. It runs on every signed-in list, so
    /// a store that can check the session in the page's own read should.
    async fn list_for_session(
        &self,
        filter: PostFilter,
        claims: TokenClaims,
        page: PageRequest,
    ) -> Result<Option<Page<PostView>>, DomainError>;

    /// Applies the changes that are set and moves `updated_at`;
    /// `None` when the post does not exist.
    async fn update(&self, id: PostId, changes: PostChanges) -> Result<Option<Post>, DomainError>;

    /// False when the post did not exist.
    async fn delete(&self, id: PostId) -> Result<bool, DomainError>;
}

/// Storage of likes. Each write is atomic and keeps the post's
/// `like_count` equal to its number of likes, whatever runs concurrently;
/// the count returned may be read after the write has committed, and then
/// counts every like committed by then.
/// A like or an unlike is asked for with a token's claims whose session is
/// not checked yet: they run on every like, so a store that can check the
/// session, and the post, in the write itself should.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait LikeRepository: Send + Sync {
    /// Records `claims.user`'s like if absent, and returns the post's like
    /// count afterwards: [`LikeWrite::SessionEnded`], with nothing changed,
    /// unless `claims.session` is a live session of `claims.user` (as
    /// [`SessionRepository::caller`] would find it); [`LikeWrite::NoPost`]
    /// when the post does not exist or is a draft of someone else's
    /// ([`Post::is_visible_to`]).
    ///
    /// # Errors
    /// [`DomainError::CallerGone`] when the account is deleted while the
    /// like is written.
    async fn like(&self, claims: TokenClaims, post: PostId) -> Result<LikeWrite, DomainError>;

    /// Removes `claims.user`'s like if present, and returns the post's like
    /// count afterwards: [`LikeWrite::SessionEnded`] as for
    /// [`LikeRepository::like`]; [`LikeWrite::NoPost`] when the post does
    /// not exist, or is a draft of someone else's that the user does not
    /// like. One's own like can always be taken back.
    async fn unlike(&self, claims: TokenClaims, post: PostId) -> Result<LikeWrite, DomainError>;

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

    /// The longest password, in UTF-8 bytes, this hasher reads whole: a
    /// longer new password is refused as invalid rather than silently cut
    /// (bcrypt, for one, reads at most 72 bytes with its terminator).
    fn max_password_bytes(&self) -> usize;
}

/// Issues and checks access tokens, and mints refresh tokens.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait TokenService: Send + Sync {
    /// A new access token standing for `user` in `session`, with its lifetime.
    fn issue(&self, user: UserId, session: SessionId) -> Result<AccessToken, DomainError>;

    /// The user and session a token was issued to.
    ///
    /// # Errors
    /// [`DomainError::InvalidToken`] for any token this service did not
    /// issue, or that has expired.
    fn verify(&self, token: &str) -> Result<TokenClaims, DomainError>;

    /// A new unguessable refresh token with its digest.
    fn new_refresh_token(&self) -> Result<RefreshToken, DomainError>;

    /// The digest [`TokenService::new_refresh_token`] gave for this token:
    /// [`TokenDigest::BYTES`] bytes, whatever the token.
    fn digest(&self, refresh_token: &str) -> TokenDigest;

    /// How long a refresh token stays usable.
    fn refresh_lifetime(&self) -> Duration;
}

/// Storage of sessions and their refresh tokens (kept only as digests).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait SessionRepository: Send + Sync {
    /// Stores a new session with its first refresh token, and forgets the
    /// user's expired ones.
    ///
    /// # Errors
    /// [`DomainError::CallerGone`] when the user does not exist.
    async fn create(&self, session: NewSession) -> Result<SessionId, DomainError>;

    /// Atomically: spends the refresh token with digest `presented`
    /// and stores `next` as its successor, valid for `lifetime`; a token
    /// spent before revokes its whole session.
    async fn rotate(
        &self,
        presented: TokenDigest,
        next: TokenDigest,
        lifetime: Duration,
    ) -> Result<Rotation, DomainError>;

    /// The user, if `session` is theirs and not revoked: one read, as it
    /// runs on nearly every authenticated request.
    async fn caller(&self, user: UserId, session: SessionId) -> Result<Option<User>, DomainError>;

    /// The user's live sessions, most recently used first.
    async fn list(&self, user: UserId) -> Result<Vec<Session>, DomainError>;

    /// Revokes the user's session; false when they have no such session.
    async fn revoke(&self, user: UserId, session: SessionId) -> Result<bool, DomainError>;

    /// Revokes every session of the user but `keep`; how many were revoked.
    async fn revoke_others(&self, user: UserId, keep: SessionId) -> Result<u64, DomainError>;
}

/// Whether the storage behind the repositories answers.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait HealthCheck: Send + Sync {
    /// Ok when the storage answers a trivial request; the caller bounds how
    /// long it may take.
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
