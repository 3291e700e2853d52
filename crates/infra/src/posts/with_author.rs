//! Posts another statement chose, read with their author's name and the
//! reader's like in the same statement: the statement runs in a `WITH`, and
//! the outer select joins what it returned with `users` (and `likes`).
//!
//! Two statements use it. A post just written: the insert is the `WITH`,
//! so writing and reading back is one round trip instead of four (`BEGIN`,
//! insert, read, `COMMIT`; docs/performance.md, finding 21). A page of a
//! search: it sorts every match before its limit, and joining before the
//! limit joined each match's author (200 of them for 21 rows kept), and left
//! the join's plan to estimates of how many match that swing with every
//! `ANALYZE` (finding 23).
//!
//! Written as a query fragment, as [`super::likes_in_range`] is, because
//! diesel builds no `WITH`.

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Bool, Text};

/// The rows `posts` returns, newest first, each with its author's name and
/// whether `reader` likes it. `posts` must return a post's columns as
/// `posts` names them, and nothing else.
pub(super) struct WithAuthor<Q, R> {
    posts: Q,
    reader: R,
}

/// Likes nothing: a reader not signed in, or the author of a post just
/// written (nobody likes it yet).
#[derive(Debug, Clone, Copy)]
pub(super) struct Nobody;

/// A signed-in reader, by user id: their likes are read for the rows.
#[derive(Debug, Clone, Copy)]
pub(super) struct LikesOf(pub(super) i64);

impl<Q, R> WithAuthor<Q, R> {
    pub(super) fn new(posts: Q, reader: R) -> Self {
        Self { posts, reader }
    }
}

/// The statement's SQL is `posts`'s in a frame fixed by the reader's type,
/// so the statement's static id, where `posts` has one, names this one too.
impl<Q: QueryId, R: ReaderLikes> QueryId for WithAuthor<Q, R> {
    type QueryId = WithAuthor<Q::QueryId, R>;
    const HAS_STATIC_QUERY_ID: bool = Q::HAS_STATIC_QUERY_ID;
}

impl<Q: Query, R> Query for WithAuthor<Q, R> {
    type SqlType = (Q::SqlType, Text, Bool);
}

impl<Q, R> RunQueryDsl<PgConnection> for WithAuthor<Q, R> {}

impl<Q: QueryFragment<Pg>, R: ReaderLikes> QueryFragment<Pg> for WithAuthor<Q, R> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("WITH chosen AS (");
        self.posts.walk_ast(out.reborrow())?;
        out.push_sql(") SELECT chosen.*, users.name, ");
        self.reader.walk_liked(out.reborrow())?;
        // Each author's row as the statement started: a post's author is
        // there as long as the post is (an insert selects its author from a
        // session, which goes with its user).
        out.push_sql(" FROM chosen INNER JOIN users ON users.id = chosen.author_id");
        self.reader.walk_likes_join(out.reborrow())?;
        out.push_sql(" ORDER BY chosen.created_at DESC, chosen.id DESC");
        Ok(())
    }
}

/// How a reader's likes enter the statement: its `liked_by_me` column and
/// the join that column needs, if any.
pub(super) trait ReaderLikes: 'static {
    fn walk_liked(&self, out: AstPass<'_, '_, Pg>) -> QueryResult<()>;
    fn walk_likes_join<'b>(&'b self, out: AstPass<'_, 'b, Pg>) -> QueryResult<()>;
}

impl ReaderLikes for Nobody {
    fn walk_liked(&self, mut out: AstPass<'_, '_, Pg>) -> QueryResult<()> {
        out.push_sql("false");
        Ok(())
    }

    fn walk_likes_join<'b>(&'b self, _: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        Ok(())
    }
}

impl ReaderLikes for LikesOf {
    fn walk_liked(&self, mut out: AstPass<'_, '_, Pg>) -> QueryResult<()> {
        out.push_sql("likes.user_id IS NOT NULL");
        Ok(())
    }

    fn walk_likes_join<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(" LEFT JOIN likes ON likes.post_id = chosen.id AND likes.user_id = ");
        out.push_bind_param::<BigInt, i64>(&self.0)
    }
}
