use std::{fmt, time::Duration};

use crate::{AccessToken, SessionId, Timestamp, User, UserId};

/// One sign-in: the family of refresh tokens rotated from it and the access
/// tokens issued with them. Revoking it ends them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Named in the access tokens' `sid` claim.
    pub id: SessionId,
    /// When the owner signed in.
    pub created_at: Timestamp,
    /// The last sign-in or refresh.
    pub last_used_at: Timestamp,
    /// The client's address at sign-in, if known.
    pub client_address: Option<String>,
    /// The client's `User-Agent` at sign-in, at most [`UserAgent::MAX_CHARS`].
    pub user_agent: Option<String>,
}

/// What a session records of the client that signed in: the address and
/// the `User-Agent`, cut to a length fit to store and show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserAgent(Option<String>);

impl UserAgent {
    /// Longer `User-Agent`s are cut: they say nothing more to a person.
    pub const MAX_CHARS: usize = 256;

    /// Keeps the first [`UserAgent::MAX_CHARS`] characters, without control characters.
    pub fn new(raw: Option<&str>) -> Self {
        Self(
            raw.map(|raw| {
                raw.chars()
                    .filter(|c| !c.is_control())
                    .take(Self::MAX_CHARS)
                    .collect::<String>()
            })
            .filter(|agent| !agent.trim().is_empty()),
        )
    }

    /// The stored value, if the client sent one.
    pub fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

/// A refresh token as handed to its bearer, and the digest that is all the
/// storage keeps of it.
#[derive(Clone, PartialEq, Eq)]
pub struct RefreshToken {
    /// The opaque token; redacted from `Debug`.
    pub token: String,
    /// What storage keeps: a one-way digest of `token`.
    pub digest: TokenDigest,
}

impl fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshToken")
            .field("token", &"<redacted>")
            .field("digest", &self.digest)
            .finish()
    }
}

/// A one-way digest of a refresh token: finding a session by it needs the token.
/// Storage keeps exactly [`TokenDigest::BYTES`] bytes (a SHA-256 digest) and
/// refuses others with [`crate::DomainError::Unexpected`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenDigest(Vec<u8>);

impl TokenDigest {
    /// The length of every digest a [`crate::TokenService`] makes.
    pub const BYTES: usize = 32;

    /// Wraps digest bytes computed by a [`crate::TokenService`] or read back from storage.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The digest's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// A session to store, with its first refresh token.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Who signed in.
    pub user: UserId,
    /// The digest of the first refresh token.
    pub refresh: TokenDigest,
    /// How long the refresh token stays usable.
    pub lifetime: Duration,
    /// Where the client signed in from.
    pub client_address: Option<String>,
    /// What client signed in.
    pub user_agent: UserAgent,
}

/// What presenting a refresh token to storage did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// The token was current: it is spent, and its successor is stored.
    Rotated {
        /// The session's owner.
        user: UserId,
        /// The session the token belongs to.
        session: SessionId,
    },
    /// The token had been rotated already: someone holds a copy, so its
    /// whole session has been revoked.
    Reused,
    /// No session has this token, or its session expired.
    Unknown,
}

/// What a valid access token says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenClaims {
    /// The token's owner.
    pub user: UserId,
    /// The session the token was issued in.
    pub session: SessionId,
}

/// Who a use case acts for: a user whose token was checked and whose session
/// is live. Only [`crate::AccountService::authenticate`] makes one, so a bare
/// [`UserId`] can never stand in for a caller; use cases that act for
/// someone take a `&Caller`, but those that check the session in their own
/// statement a [`ClaimedCaller`]: the reads open to anyone an
/// `Option<&ClaimedCaller>`, writing a post or a like a `&ClaimedCaller`.
#[derive(Debug, Clone)]
pub struct Caller {
    user: User,
    session: SessionId,
}

impl Caller {
    /// For authentication alone (and this crate's tests).
    pub(crate) fn new(user: User, session: SessionId) -> Self {
        Self { user, session }
    }

    /// The caller's user id.
    pub fn id(&self) -> UserId {
        self.user.id
    }

    /// The caller's account, read together with the session check.
    pub fn user(&self) -> &User {
        &self.user
    }

    /// The session of the token presented.
    pub fn session(&self) -> SessionId {
        self.session
    }

    /// The caller's account, taken out of the caller.
    pub fn into_user(self) -> User {
        self.user
    }
}

/// A signed-in user whose token checks out but whose session has not been
/// looked up yet. The reads open to anyone take one
/// ([`crate::PostService::list`], `get`, `list_by_author`,
/// [`crate::LikeService::likers`]), and so do writing a post, a like or an
/// unlike ([`crate::PostService::create`], [`crate::LikeService::like`],
/// `unlike`): each checks the session in its own statement, so that it
/// costs no separate round trip. Only
/// [`crate::AccountService::claim`] makes one from a token, or a
/// [`Caller`], whose session was checked already (and is checked again by
/// the read or write it is passed to).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimedCaller(TokenClaims);

impl ClaimedCaller {
    pub(crate) fn new(claims: TokenClaims) -> Self {
        Self(claims)
    }

    /// The user and session the token names; the read or write checks the
    /// session.
    pub fn claims(&self) -> TokenClaims {
        self.0
    }
}

impl From<&Caller> for ClaimedCaller {
    fn from(caller: &Caller) -> Self {
        Self(TokenClaims {
            user: caller.id(),
            session: caller.session(),
        })
    }
}

/// What a sign-in or a refresh hands to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignIn {
    /// The bearer token for requests.
    pub access: AccessToken,
    /// The token that gets the next pair; usable once.
    pub refresh: RefreshToken,
    /// How long `refresh` stays usable.
    pub refresh_expires_in: Duration,
}
