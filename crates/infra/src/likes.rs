//! [`LikeRepository`] over PostgreSQL.
//!
//! `posts.like_count` is maintained by a trigger on `likes` (see the
//! create_likes migration): every row that enters or leaves `likes` moves it,
//! including the cascade from a deleted user. So like and unlike only insert
//! or delete the row and read the count back, in one transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{
    Author, Cursor, DomainError, Entity, LikeRepository, Liker, Page, PageRequest, PostId, UserId,
    UserName,
};

use crate::db::{CorruptRow, acting_user_gone, db_error, violates};
use crate::paging::{WithLimit, after_cursor, page_from_rows};
use crate::schema::{likes, posts, users};
use crate::{Database, ReadRouter};

/// The foreign keys from `likes` to `posts` and `users` (see the create_likes migration).
const POST_EXISTS: &str = "likes_post_id_fkey";
const LIKER_EXISTS: &str = "likes_user_id_fkey";

#[derive(Debug, Clone)]
pub struct PgLikeRepository {
    db: Database,
    reads: ReadRouter,
}

impl PgLikeRepository {
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
impl LikeRepository for PgLikeRepository {
    async fn like(&self, user: UserId, post: PostId) -> Result<i64, DomainError> {
        self.db
            .run_blocking(move |conn| {
                conn.transaction(|conn| {
                    diesel::insert_into(likes::table)
                        .values((likes::user_id.eq(user.get()), likes::post_id.eq(post.get())))
                        .on_conflict_do_nothing()
                        .execute(conn)?;
                    like_count(conn, post)
                })
                .map_err(|error| {
                    if violates(&error, POST_EXISTS) {
                        DomainError::NotFound(Entity::Post)
                    } else {
                        acting_user_gone(error, LIKER_EXISTS)
                    }
                })?
                .ok_or(DomainError::NotFound(Entity::Post))
            })
            .await
    }

    async fn unlike(&self, user: UserId, post: PostId) -> Result<i64, DomainError> {
        self.db
            .run_blocking(move |conn| {
                conn.transaction(|conn| {
                    // The post before the like row: the lock order of every
                    // writer (see users.rs), or this could deadlock with the
                    // deletion of the post's author.
                    let Some(count) = posts::table
                        .find(post.get())
                        .select(posts::like_count)
                        .for_no_key_update()
                        .first::<i64>(conn)
                        .optional()?
                    else {
                        return Ok(None);
                    };
                    let removed = diesel::delete(likes::table.find((user.get(), post.get())))
                        .execute(conn)?;
                    Ok(Some(count - i64::try_from(removed).unwrap_or(0)))
                })
                .map_err(db_error)?
                .ok_or(DomainError::NotFound(Entity::Post))
            })
            .await
    }

    async fn likers(&self, post: PostId, page: PageRequest) -> Result<Page<Liker>, DomainError> {
        // Names no user: follows the caller of the request (their own like).
        self.reads
            .read_for_caller(move |conn| {
                let mut query = likes::table
                    .inner_join(users::table)
                    .filter(likes::post_id.eq(post.get()))
                    .order((likes::created_at.desc(), likes::user_id.desc()))
                    .select((users::id, users::name, likes::created_at))
                    .into_boxed();
                if let Some(after) = page.after {
                    query = query.filter(after_cursor!(likes::created_at, likes::user_id, after));
                }
                let likers = WithLimit::page(query, page.limit)
                    .load::<(i64, String, DateTime<Utc>)>(conn)
                    .map_err(db_error)?
                    .into_iter()
                    .map(|(id, name, liked_at)| {
                        let name =
                            UserName::parse(&name).map_err(CorruptRow::of("users", id, "name"))?;
                        Ok(Liker {
                            user: Author {
                                id: UserId::new(id),
                                name,
                            },
                            liked_at: liked_at.into(),
                        })
                    })
                    .collect::<Result<Vec<_>, DomainError>>()?;
                Ok(page_from_rows(likers, page.limit, |liker| Cursor {
                    created_at: liker.liked_at,
                    id: liker.user.id.get(),
                }))
            })
            .await
    }
}

/// The post's like count as this transaction sees it, after its own change.
fn like_count(conn: &mut PgConnection, post: PostId) -> QueryResult<Option<i64>> {
    posts::table
        .find(post.get())
        .select(posts::like_count)
        .first(conn)
        .optional()
}

#[cfg(test)]
mod tests;
