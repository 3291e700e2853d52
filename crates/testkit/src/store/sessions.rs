use std::time::Duration;

use domain::async_trait;
use domain::{
    DomainError, NewSession, Rotation, Session, SessionId, SessionRepository, TokenDigest, User,
    UserId,
};

use super::{InMemoryStore, SessionRow, TokenRow, now};

/// Digests of any other length are refused, as PostgreSQL's check does.
fn stored_digest(digest: &TokenDigest) -> Result<Vec<u8>, DomainError> {
    if digest.as_bytes().len() == TokenDigest::BYTES {
        Ok(digest.as_bytes().to_vec())
    } else {
        Err(DomainError::unexpected(format!(
            "a token digest must be {} bytes",
            TokenDigest::BYTES
        )))
    }
}

#[async_trait]
impl SessionRepository for InMemoryStore {
    async fn create(&self, session: NewSession) -> Result<SessionId, DomainError> {
        let mut data = self.data();
        if !data.user_exists(session.user) {
            return Err(DomainError::CallerGone);
        }
        let digest = stored_digest(&session.refresh)?;
        if data.refresh_tokens.contains_key(&digest) {
            return Err(DomainError::unexpected("refresh token digest stored twice"));
        }
        let at = now();
        let expired: Vec<i64> = data
            .sessions
            .iter()
            .filter(|(_, row)| row.user == session.user && row.expires_at <= at)
            .map(|(id, _)| *id)
            .collect();
        for id in expired {
            data.remove_session(id);
        }
        data.last_session_id += 1;
        let id = SessionId::new(data.last_session_id);
        data.sessions.insert(
            id.get(),
            SessionRow {
                user: session.user,
                created_at: at,
                last_used_at: at,
                expires_at: at + session.lifetime,
                client_address: session.client_address,
                user_agent: session.user_agent.as_deref().map(str::to_owned),
            },
        );
        data.refresh_tokens.insert(
            digest,
            TokenRow {
                session: id,
                spent: false,
            },
        );
        Ok(id)
    }

    async fn rotate(
        &self,
        presented: TokenDigest,
        next: TokenDigest,
        lifetime: Duration,
    ) -> Result<Rotation, DomainError> {
        let mut data = self.data();
        let Some(token) = data.refresh_tokens.get_mut(presented.as_bytes()) else {
            return Ok(Rotation::Unknown);
        };
        let session = token.session;
        if token.spent {
            data.remove_session(session.get());
            return Ok(Rotation::Reused);
        }
        token.spent = true;
        let at = now();
        let Some(row) = data
            .sessions
            .get_mut(&session.get())
            .filter(|row| row.expires_at > at)
        else {
            return Ok(Rotation::Unknown);
        };
        row.last_used_at = at;
        row.expires_at = at + lifetime;
        let user = row.user;
        data.refresh_tokens.insert(
            stored_digest(&next)?,
            TokenRow {
                session,
                spent: false,
            },
        );
        Ok(Rotation::Rotated { user, session })
    }

    async fn caller(&self, user: UserId, session: SessionId) -> Result<Option<User>, DomainError> {
        let data = self.data();
        Ok(data
            .is_live(user, session)
            .then(|| data.users.get(&user.get()).cloned())
            .flatten())
    }

    async fn list(&self, user: UserId) -> Result<Vec<Session>, DomainError> {
        let data = self.data();
        let at = now();
        let mut sessions: Vec<Session> = data
            .sessions
            .iter()
            .filter(|(_, row)| row.user == user && row.expires_at > at)
            .map(|(id, row)| Session {
                id: SessionId::new(*id),
                created_at: row.created_at,
                last_used_at: row.last_used_at,
                client_address: row.client_address.clone(),
                user_agent: row.user_agent.clone(),
            })
            .collect();
        sessions.sort_by_key(|session| std::cmp::Reverse((session.last_used_at, session.id)));
        Ok(sessions)
    }

    async fn revoke(&self, user: UserId, session: SessionId) -> Result<bool, DomainError> {
        let mut data = self.data();
        let owned = data
            .sessions
            .get(&session.get())
            .is_some_and(|row| row.user == user);
        Ok(owned && data.remove_session(session.get()))
    }

    async fn revoke_others(&self, user: UserId, keep: SessionId) -> Result<u64, DomainError> {
        let mut data = self.data();
        let others: Vec<i64> = data
            .sessions
            .iter()
            .filter(|(id, row)| row.user == user && **id != keep.get())
            .map(|(id, _)| *id)
            .collect();
        for id in &others {
            data.remove_session(*id);
        }
        Ok(u64::try_from(others.len()).unwrap_or(u64::MAX))
    }
}
