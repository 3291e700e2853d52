//! [`SessionRepository`] over PostgreSQL: `sessions`, and the digests of
//! their refresh tokens in `refresh_tokens`.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::data_types::PgInterval;
use diesel::dsl::{AsExprOf, exists, now, sql};
use diesel::expression::{SqlLiteral, UncheckedBind};
use diesel::prelude::*;
use diesel::sql_types::{Interval, Timestamptz};
use domain::{
    DomainError, NewSession, Rotation, Session, SessionId, SessionRepository, TokenDigest, User,
    UserId,
};

use crate::db::{OptionalRow, acting_user_gone, db_error};
use crate::schema::{refresh_tokens, sessions, user_writes, users};
use crate::users::rows::UserRow;
use crate::{Database, ReadRouter};

/// The foreign key from `sessions.user_id` to `users`.
const USER_EXISTS: &str = "sessions_user_id_fkey";

#[derive(Debug, Clone)]
pub struct PgSessionRepository {
    db: Database,
    reads: ReadRouter,
}

impl PgSessionRepository {
    /// Every statement on `db`.
    pub fn new(db: Database) -> Self {
        Self::routed(ReadRouter::primary_only(db))
    }

    /// Every statement on the primary; each caller lookup also tells
    /// `reads` whether the caller wrote recently (read-your-writes).
    pub fn routed(reads: ReadRouter) -> Self {
        Self {
            db: reads.primary().clone(),
            reads,
        }
    }
}

/// `user`'s session `session`: the one test of a live session, for the
/// caller lookup and for the reads and writes that check the session in
/// their own statement. Revoking deletes the row, and deleting a user their sessions.
#[diesel::dsl::auto_type(no_type_alias)]
pub(crate) fn live_session(user: UserId, session: SessionId) -> _ {
    let user: i64 = user.get();
    let session: i64 = session.get();
    sessions::table
        .filter(sessions::id.eq(session))
        .filter(sessions::user_id.eq(user))
}

/// `now() + lifetime`, on the database's clock like every other session time.
fn expiry(
    lifetime: Duration,
) -> UncheckedBind<SqlLiteral<Timestamptz>, AsExprOf<PgInterval, Interval>> {
    let micros = i64::try_from(lifetime.as_micros()).unwrap_or(i64::MAX);
    sql::<Timestamptz>("now() + ").bind::<Interval, _>(PgInterval::from_microseconds(micros))
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = sessions, check_for_backend(diesel::pg::Pg))]
struct SessionRow {
    id: i64,
    created_at: DateTime<Utc>,
    last_used_at: DateTime<Utc>,
    client_address: Option<String>,
    user_agent: Option<String>,
}

impl From<SessionRow> for Session {
    fn from(row: SessionRow) -> Self {
        Session {
            id: SessionId::new(row.id),
            created_at: row.created_at.into(),
            last_used_at: row.last_used_at.into(),
            client_address: row.client_address,
            user_agent: row.user_agent,
        }
    }
}

#[async_trait]
impl SessionRepository for PgSessionRepository {
    async fn create(&self, session: NewSession) -> Result<SessionId, DomainError> {
        self.db
            .run_blocking(move |conn| {
                conn.transaction(|conn| {
                    diesel::delete(
                        sessions::table
                            .filter(sessions::user_id.eq(session.user.get()))
                            .filter(sessions::expires_at.le(now)),
                    )
                    .execute(conn)?;
                    let id = diesel::insert_into(sessions::table)
                        .values((
                            sessions::user_id.eq(session.user.get()),
                            sessions::expires_at.eq(expiry(session.lifetime)),
                            sessions::client_address.eq(session.client_address.as_deref()),
                            sessions::user_agent.eq(session.user_agent.as_deref()),
                        ))
                        .returning(sessions::id)
                        .get_result::<i64>(conn)?;
                    diesel::insert_into(refresh_tokens::table)
                        .values((
                            refresh_tokens::digest.eq(session.refresh.as_bytes()),
                            refresh_tokens::session_id.eq(id),
                        ))
                        .execute(conn)?;
                    Ok(SessionId::new(id))
                })
                // The account may be deleted while its password is checked.
                .map_err(|error| acting_user_gone(error, USER_EXISTS))
            })
            .await
            .inspect(|_| metrics::counter!("agora_sessions_issued_total").increment(1))
    }

    async fn rotate(
        &self,
        presented: TokenDigest,
        next: TokenDigest,
        lifetime: Duration,
    ) -> Result<Rotation, DomainError> {
        self.db
            .run_blocking(move |conn| {
                conn.transaction(|conn| rotate(conn, &presented, &next, lifetime))
                    .map_err(db_error)
            })
            .await
    }

    async fn caller(&self, user: UserId, session: SessionId) -> Result<Option<User>, DomainError> {
        let found = self
            .db
            .run_blocking(move |conn| {
                users::table
                    .left_join(user_writes::table.on(user_writes::user_id.eq(users::id)))
                    .filter(users::id.eq(user.get()))
                    .filter(exists(live_session(user, session)))
                    // The last write and now, both on the primary's clock.
                    // Typed, not a SQL literal: diesel caches only typed
                    // statements, and this one runs for every signed-in request.
                    .select((
                        UserRow::as_select(),
                        user_writes::written_at.nullable(),
                        now.into_sql::<Timestamptz>(),
                    ))
                    .first::<(UserRow, Option<DateTime<Utc>>, DateTime<Utc>)>(conn)
                    .optional_row(|(row, written_at, read_at)| {
                        let since = written_at.map(|at| (read_at - at).as_seconds_f64());
                        Ok((User::try_from(row)?, since))
                    })
            })
            .await?;
        Ok(found.map(|(user, seconds_since_write)| {
            self.reads.note_caller(user.id, seconds_since_write);
            user
        }))
    }

    async fn list(&self, user: UserId) -> Result<Vec<Session>, DomainError> {
        self.db
            .run_blocking(move |conn| {
                sessions::table
                    .filter(sessions::user_id.eq(user.get()))
                    .filter(sessions::expires_at.gt(now))
                    .order((sessions::last_used_at.desc(), sessions::id.desc()))
                    .select(SessionRow::as_select())
                    .load(conn)
                    .map(|rows| rows.into_iter().map(Session::from).collect())
                    .map_err(db_error)
            })
            .await
    }

    async fn revoke(&self, user: UserId, session: SessionId) -> Result<bool, DomainError> {
        self.db
            .run_blocking(move |conn| {
                diesel::delete(live_session(user, session))
                    .execute(conn)
                    .map(|deleted| deleted > 0)
                    .map_err(db_error)
            })
            .await
    }

    async fn revoke_others(&self, user: UserId, keep: SessionId) -> Result<u64, DomainError> {
        self.db
            .run_blocking(move |conn| {
                diesel::delete(
                    sessions::table
                        .filter(sessions::user_id.eq(user.get()))
                        .filter(sessions::id.ne(keep.get())),
                )
                .execute(conn)
                .map(|deleted| deleted as u64)
                .map_err(db_error)
            })
            .await
    }
}

/// Spending the token is one conditional UPDATE, so of two concurrent
/// rotations of one token exactly one succeeds; the other finds it spent,
/// which is reuse.
fn rotate(
    conn: &mut PgConnection,
    presented: &TokenDigest,
    next: &TokenDigest,
    lifetime: Duration,
) -> QueryResult<Rotation> {
    let spent_now = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::digest.eq(presented.as_bytes()))
            .filter(refresh_tokens::spent.eq(false)),
    )
    .set(refresh_tokens::spent.eq(true))
    .returning(refresh_tokens::session_id)
    .get_result::<i64>(conn)
    .optional()?;
    let Some(session) = spent_now else {
        let reused = refresh_tokens::table
            .find(presented.as_bytes())
            .select(refresh_tokens::session_id)
            .first::<i64>(conn)
            .optional()?;
        return match reused {
            Some(session) => {
                diesel::delete(sessions::table.find(session)).execute(conn)?;
                Ok(Rotation::Reused)
            }
            None => Ok(Rotation::Unknown),
        };
    };
    let owner = diesel::update(
        sessions::table
            .find(session)
            .filter(sessions::expires_at.gt(now)),
    )
    .set((
        sessions::last_used_at.eq(now),
        sessions::expires_at.eq(expiry(lifetime)),
    ))
    .returning(sessions::user_id)
    .get_result::<i64>(conn)
    .optional()?;
    let Some(user) = owner else {
        return Ok(Rotation::Unknown);
    };
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::digest.eq(next.as_bytes()),
            refresh_tokens::session_id.eq(session),
        ))
        .execute(conn)?;
    Ok(Rotation::Rotated {
        user: UserId::new(user),
        session: SessionId::new(session),
    })
}

#[cfg(test)]
mod tests;
