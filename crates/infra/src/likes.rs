//! [`LikeRepository`] over PostgreSQL.
//!
//! `posts.like_count` is maintained by a trigger on `likes` (see the
//! create_likes migration): every row that enters or leaves `likes` moves it,
//! including the cascade from a deleted user. A like or an unlike is two
//! statements: the write, which checks the session and the post in its
//! own statement, then the count it left (and, when the write changed
//! nothing, why). The count is read after the write commits, so it counts
//! every like committed by then, as the transaction of an insert and a read
//! did before (docs/performance.md, finding 22).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::dsl::exists;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use domain::{
    Author, Cursor, DomainError, LikeRepository, LikeWrite, Liker, Page, PageRequest, PostId,
    TokenClaims, UserId, UserName,
};

use crate::db::{CorruptRow, acting_user_gone, db_error, violates};
use crate::paging::{WithLimit, after_cursor, page_from_rows};
use crate::schema::{likes, posts, users};
use crate::sessions::live_session;
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
    async fn like(&self, claims: TokenClaims, post: PostId) -> Result<LikeWrite, DomainError> {
        self.db
            .run_blocking(move |conn| {
                let user = claims.user.get();
                let likeable = posts::table
                    .filter(posts::id.eq(post.get()))
                    .filter(posts::published.or(posts::author_id.eq(user)))
                    // Uncorrelated, so PostgreSQL runs it once, first.
                    .filter(exists(live_session(claims.user, claims.session)))
                    .select((user.into_sql::<BigInt>(), posts::id));
                let added = diesel::insert_into(likes::table)
                    .values(likeable)
                    .into_columns((likes::user_id, likes::post_id))
                    .on_conflict_do_nothing()
                    .execute(conn);
                match added {
                    Ok(added) => what_is_left(conn, claims, post, added > 0),
                    // The post went between the check and the insert.
                    Err(error) if violates(&error, POST_EXISTS) => Ok(LikeWrite::NoPost),
                    Err(error) => Err(acting_user_gone(error, LIKER_EXISTS)),
                }
            })
            .await
    }

    async fn unlike(&self, claims: TokenClaims, post: PostId) -> Result<LikeWrite, DomainError> {
        self.db
            .run_blocking(move |conn| {
                // The post is locked before the like row, the lock order of
                // every writer (see users.rs), or this could deadlock with
                // the deletion of the post's author: the like row is only
                // locked once the subquery that locks the post has run.
                let locked_post = posts::table
                    .find(post.get())
                    .select(posts::id)
                    .for_no_key_update();
                let removed = diesel::delete(
                    likes::table
                        .filter(likes::user_id.eq(claims.user.get()))
                        .filter(likes::post_id.eq_any(locked_post))
                        .filter(exists(live_session(claims.user, claims.session))),
                )
                .execute(conn)
                .map_err(db_error)?;
                what_is_left(conn, claims, post, removed > 0)
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

/// What a like or an unlike leaves, read after its write: the post's like
/// count once the write `changed` a row; when it changed none, whether that
/// was an ended session, a post not to like or unlike, or one already so.
///
/// A like that changed nothing on a post the user may see counts as
/// done: the like was there when it was written, even if an unlike of the
/// same user's has removed it since. The one other way to get there, a
/// draft published between the two statements, is read as if the like had
/// come after the publishing, and the next like writes it.
fn what_is_left(
    conn: &mut PgConnection,
    claims: TokenClaims,
    post: PostId,
    changed: bool,
) -> Result<LikeWrite, DomainError> {
    let this_post = || posts::table.find(post.get());
    let (live, count, visible): (bool, Option<i64>, Option<bool>) = diesel::select((
        exists(live_session(claims.user, claims.session)),
        this_post().select(posts::like_count).single_value(),
        this_post()
            .select(posts::published.or(posts::author_id.eq(claims.user.get())))
            .single_value(),
    ))
    .get_result(conn)
    .map_err(db_error)?;
    let answer = match count {
        Some(count) if changed => LikeWrite::Counted(count),
        // Nothing changed, so nothing is lost by refusing.
        _ if !live => LikeWrite::SessionEnded,
        Some(count) if visible == Some(true) => LikeWrite::Counted(count),
        _ => LikeWrite::NoPost,
    };
    Ok(answer)
}

#[cfg(test)]
mod tests;
