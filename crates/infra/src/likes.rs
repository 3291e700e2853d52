//! [`LikeRepository`] over PostgreSQL.
//!
//! `posts.like_count` is maintained by a trigger on `likes` (see the
//! create_likes migration): every row that enters or leaves `likes` moves it,
//! including the cascade from a deleted user. A like or an unlike is two
//! statements: the write, which checks the session and the post itself,
//! then what it left ([`Left`]): the count and, when the write changed
//! nothing, why. The count is read after the write commits, so it counts
//! every like committed by then, as the transaction of an insert and a read
//! did before (docs/performance.md, finding 21).

use std::ops::ControlFlow;

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
                let mut attempts = 1;
                loop {
                    let added = match add_like(conn, claims, post) {
                        Ok(added) => added,
                        // The post went between the check and the insert.
                        Err(error) if violates(&error, POST_EXISTS) => {
                            return Ok(LikeWrite::NoPost);
                        }
                        Err(error) => return Err(acting_user_gone(error, LIKER_EXISTS)),
                    };
                    match Left::read(conn, claims, post)?.after_like(added) {
                        ControlFlow::Break(answer) => return Ok(answer),
                        ControlFlow::Continue(_) if attempts < LIKE_ATTEMPTS => attempts += 1,
                        // Each write found the post to like and the like
                        // there, or made it; only the same user's unlikes
                        // can have taken it away since.
                        ControlFlow::Continue(count) => return Ok(LikeWrite::Counted(count)),
                    }
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
                Ok(Left::read(conn, claims, post)?.after_unlike(removed > 0))
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

/// How many times a like is written when what it left shows that another
/// request raced it ([`Left::after_like`]).
const LIKE_ATTEMPTS: usize = 3;

/// The draft rule of `Post::is_visible_to`: published, or `user`'s own.
#[diesel::dsl::auto_type(no_type_alias)]
fn visible_to(user: i64) -> _ {
    posts::published.or(posts::author_id.eq(user))
}

/// Inserts `claims.user`'s like of `post` if absent, when the session is
/// live and the user may see the post: all checked by the insert itself.
/// Whether a row was added.
fn add_like(conn: &mut PgConnection, claims: TokenClaims, post: PostId) -> QueryResult<bool> {
    let user = claims.user.get();
    let likeable = posts::table
        .filter(posts::id.eq(post.get()))
        .filter(visible_to(user))
        // Uncorrelated, so PostgreSQL runs it once, first.
        .filter(exists(live_session(claims.user, claims.session)))
        .select((user.into_sql::<BigInt>(), posts::id));
    diesel::insert_into(likes::table)
        .values(likeable)
        .into_columns((likes::user_id, likes::post_id))
        .on_conflict_do_nothing()
        .execute(conn)
        .map(|added| added > 0)
}

/// What a like or an unlike left, read in one statement after its write
/// committed: the count then counts every like committed by then.
#[derive(Debug, Clone, Copy)]
struct Left {
    live: bool,
    /// `None` when the post does not exist.
    count: Option<i64>,
    visible: bool,
    liked: bool,
}

impl Left {
    fn read(
        conn: &mut PgConnection,
        claims: TokenClaims,
        post: PostId,
    ) -> Result<Self, DomainError> {
        let user = claims.user.get();
        let this_post = || posts::table.find(post.get());
        let (live, count, visible, liked): (bool, Option<i64>, Option<bool>, bool) =
            diesel::select((
                exists(live_session(claims.user, claims.session)),
                this_post().select(posts::like_count).single_value(),
                this_post().select(visible_to(user)).single_value(),
                exists(likes::table.find((user, post.get()))),
            ))
            .get_result(conn)
            .map_err(db_error)?;
        Ok(Self {
            live,
            count,
            visible: visible == Some(true),
            liked,
        })
    }

    /// A like's answer: the count once it `added` the row; when it added
    /// none, an ended session, no post to like, or the like already there.
    /// `Continue` with the count when the post is there to like but the
    /// like is not: a like that found someone else's draft published since,
    /// or one that found its like there and the same user's unlike took it
    /// since. Written again, it answers as of then.
    fn after_like(self, added: bool) -> ControlFlow<LikeWrite, i64> {
        ControlFlow::Break(match self.count {
            Some(count) if added => LikeWrite::Counted(count),
            // Written, then the post went with it.
            None if added => LikeWrite::NoPost,
            // Nothing changed, so nothing is lost by refusing.
            _ if !self.live => LikeWrite::SessionEnded,
            Some(count) if self.visible && self.liked => LikeWrite::Counted(count),
            Some(count) if self.visible => return ControlFlow::Continue(count),
            _ => LikeWrite::NoPost,
        })
    }

    /// An unlike's answer: the count once it `removed` the row; when it
    /// removed none, an ended session, no post (or someone else's draft the
    /// user does not like), or the count of a post the user does not like.
    fn after_unlike(self, removed: bool) -> LikeWrite {
        match self.count {
            Some(count) if removed => LikeWrite::Counted(count),
            None if removed => LikeWrite::NoPost,
            _ if !self.live => LikeWrite::SessionEnded,
            Some(count) if self.visible => LikeWrite::Counted(count),
            _ => LikeWrite::NoPost,
        }
    }
}

#[cfg(test)]
mod tests;
