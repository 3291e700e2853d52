//! Sessions: sign-in, refresh with rotation and reuse detection, the check
//! behind every authenticated request, and revocation by their owner.

use crate::{
    AccountService, Caller, ClaimedCaller, ClientAddress, DomainError, Entity, NewSession,
    Rotation, Session, SessionId, SignIn, User, UserAgent,
};

impl AccountService {
    pub(super) async fn open_session(
        &self,
        user: User,
        client: &ClientAddress,
        user_agent: UserAgent,
    ) -> Result<SignIn, DomainError> {
        let refresh = self.tokens.new_refresh_token()?;
        let lifetime = self.tokens.refresh_lifetime();
        let session = self
            .sessions
            .create(NewSession {
                user: user.id,
                refresh: refresh.digest.clone(),
                lifetime,
                client_address: client.address(),
                user_agent,
            })
            .await?;
        Ok(SignIn {
            access: self.tokens.issue(user.id, session)?,
            refresh,
            refresh_expires_in: lifetime,
        })
    }

    /// Exchanges a refresh token for a new access token and a new refresh
    /// token; the one presented stops working. Presenting one already
    /// exchanged revokes its session: a copy is in someone else's hands.
    /// Errors: [`DomainError::InvalidRefreshToken`] for an unknown, expired,
    /// revoked or reused token.
    pub async fn refresh(&self, refresh_token: &str) -> Result<SignIn, DomainError> {
        let presented = self.tokens.digest(refresh_token);
        let next = self.tokens.new_refresh_token()?;
        let lifetime = self.tokens.refresh_lifetime();
        match self
            .sessions
            .rotate(presented, next.digest.clone(), lifetime)
            .await?
        {
            Rotation::Rotated { user, session } => Ok(SignIn {
                access: self.tokens.issue(user, session)?,
                refresh: next,
                refresh_expires_in: lifetime,
            }),
            Rotation::Reused | Rotation::Unknown => Err(DomainError::InvalidRefreshToken),
        }
    }

    /// What a bearer token claims, checked for signature and expiry only:
    /// for a read or a write that checks the session itself
    /// ([`ClaimedCaller`]).
    /// Errors: [`DomainError::InvalidToken`].
    pub fn claim(&self, token: &str) -> Result<ClaimedCaller, DomainError> {
        self.tokens.verify(token).map(ClaimedCaller::new)
    }

    /// The caller a bearer token stands for, in one storage round trip.
    /// Errors: [`DomainError::InvalidToken`], also when the session has been
    /// revoked or the user deleted.
    pub async fn authenticate(&self, token: &str) -> Result<Caller, DomainError> {
        let claims = self.claim(token)?.claims();
        let user = self
            .sessions
            .caller(claims.user, claims.session)
            .await?
            .ok_or(DomainError::InvalidToken)?;
        Ok(Caller::new(user, claims.session))
    }

    /// Ends the session of a bearer token; its tokens stop working at once.
    /// Idempotent: the token of a session already ended is accepted, so a
    /// client that retries a logout is not told it failed.
    /// Errors: [`DomainError::InvalidToken`] for a token this service did
    /// not issue, or that has expired.
    pub async fn logout(&self, token: &str) -> Result<(), DomainError> {
        let claims = self.tokens.verify(token)?;
        self.sessions
            .revoke(claims.user, claims.session)
            .await
            .map(drop)
    }

    /// The caller's live sessions, most recently used first.
    pub async fn sessions(&self, caller: &Caller) -> Result<Vec<Session>, DomainError> {
        self.sessions.list(caller.id()).await
    }

    /// Ends one of the caller's sessions.
    /// Errors: [`DomainError::NotFound`] when the caller has no such session.
    pub async fn revoke_session(
        &self,
        caller: &Caller,
        session: SessionId,
    ) -> Result<(), DomainError> {
        if self.sessions.revoke(caller.id(), session).await? {
            Ok(())
        } else {
            Err(DomainError::NotFound(Entity::Session))
        }
    }

    /// Ends every session of the caller but the current one ("log out
    /// everywhere else"); how many ended.
    pub async fn revoke_other_sessions(&self, caller: &Caller) -> Result<u64, DomainError> {
        self.sessions
            .revoke_others(caller.id(), caller.session())
            .await
    }
}
