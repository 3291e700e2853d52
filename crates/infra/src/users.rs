//! [`UserRepository`] over PostgreSQL.

pub(crate) mod rows;

use async_trait::async_trait;
use diesel::prelude::*;
use domain::{DomainError, Email, NewUser, User, UserChanges, UserId, UserProfile, UserRepository};

use crate::db::{OptionalRow, db_error, violates};
use crate::schema::{likes, posts, users};
use crate::{Database, ReadRouter};
use rows::{NewUserRow, ProfileRow, UserChangesRow, UserRow};

/// The unique constraint on `users.email` (see the create_users migration).
const EMAIL_UNIQUE: &str = "users_email_key";

#[derive(Debug, Clone)]
pub struct PgUserRepository {
    db: Database,
    reads: ReadRouter,
}

impl PgUserRepository {
    /// Every statement on `db`.
    pub fn new(db: Database) -> Self {
        Self::routed(ReadRouter::primary_only(db))
    }

    /// Writes on the primary, reads where `reads` sends them.
    pub fn routed(reads: ReadRouter) -> Self {
        Self {
            db: reads.primary().clone(),
            reads,
        }
    }
}

#[async_trait]
impl UserRepository for PgUserRepository {
    async fn insert(&self, user: NewUser) -> Result<User, DomainError> {
        self.db
            .run_blocking(move |conn| {
                diesel::insert_into(users::table)
                    .values(NewUserRow::from(&user))
                    .returning(UserRow::as_returning())
                    .get_result(conn)
                    .map_err(|error| {
                        if violates(&error, EMAIL_UNIQUE) {
                            DomainError::EmailTaken
                        } else {
                            db_error(error)
                        }
                    })?
                    .try_into()
            })
            .await
    }

    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, DomainError> {
        // A user's own changes show in their reads of themselves.
        self.reads.read(Some(id), move |conn| find(conn, id)).await
    }

    async fn find_by_email(&self, email: &Email) -> Result<Option<User>, DomainError> {
        let email = email.as_str().to_owned();
        self.db
            .run_blocking(move |conn| {
                users::table
                    .filter(users::email.eq(&email))
                    .select(UserRow::as_select())
                    .first(conn)
                    .optional_row(User::try_from)
            })
            .await
    }

    async fn update(&self, id: UserId, changes: UserChanges) -> Result<Option<User>, DomainError> {
        self.db
            .run_blocking(move |conn| {
                let row = UserChangesRow::from(&changes);
                // diesel refuses an UPDATE with nothing to set.
                if row.is_empty() {
                    return find(conn, id);
                }
                diesel::update(users::table.find(id.get()))
                    .set(row)
                    .returning(UserRow::as_returning())
                    .get_result(conn)
                    .optional_row(User::try_from)
            })
            .await
    }

    async fn delete(&self, id: UserId) -> Result<bool, DomainError> {
        self.db
            .run_blocking(move |conn| {
                conn.transaction(|conn| delete_in_lock_order(conn, id))
                    .map_err(db_error)
            })
            .await
    }

    async fn profile(&self, id: UserId) -> Result<Option<UserProfile>, DomainError> {
        self.reads
            .read(Some(id), move |conn| {
                let Some(row) = users::table
                    .find(id.get())
                    .select(ProfileRow::as_select())
                    .first(conn)
                    .optional()
                    .map_err(db_error)?
                else {
                    return Ok(None);
                };
                let post_count = published_post_count(conn, id).map_err(db_error)?;
                row.into_profile(post_count).map(Some)
            })
            .await
    }
}

fn find(conn: &mut PgConnection, id: UserId) -> Result<Option<User>, DomainError> {
    users::table
        .find(id.get())
        .select(UserRow::as_select())
        .first(conn)
        .optional_row(User::try_from)
}

/// How many published posts the user has (served by the author index).
/// Posts and likes go by ON DELETE CASCADE, and the likes trigger lowers
/// like_count on every other post this user liked. The cascade would lock
/// those posts in whatever order it meets them, so two users who liked each
/// other's posts, deleting their accounts at once, could deadlock. Every
/// writer locks the user row first, then posts by ascending id, then likes
/// (see likes.rs), so the locks are taken here up front in that order.
fn delete_in_lock_order(conn: &mut PgConnection, id: UserId) -> QueryResult<bool> {
    let found = users::table
        .find(id.get())
        .select(users::id)
        .for_update()
        .first::<i64>(conn)
        .optional()?;
    if found.is_none() {
        return Ok(false);
    }
    let liked = likes::table
        .filter(likes::user_id.eq(id.get()))
        .select(likes::post_id);
    posts::table
        .filter(posts::author_id.eq(id.get()).or(posts::id.eq_any(liked)))
        .order(posts::id)
        .select(posts::id)
        .for_update()
        .load::<i64>(conn)?;
    diesel::delete(users::table.find(id.get()))
        .execute(conn)
        .map(|deleted| deleted > 0)
}

fn published_post_count(conn: &mut PgConnection, id: UserId) -> QueryResult<i64> {
    posts::table
        .filter(posts::author_id.eq(id.get()))
        .filter(posts::published)
        .count()
        .get_result(conn)
}

#[cfg(test)]
mod tests;
