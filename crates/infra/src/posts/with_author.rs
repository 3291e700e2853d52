//! A post just written, read back with its author's name in the same
//! statement: the insert runs in a data-modifying `WITH`, and the statement
//! selects what it returned joined with `users`.
//!
//! Written as a query fragment, as [`super::likes_in_range`] is, because
//! diesel builds no `WITH`. One statement instead of a transaction of an
//! insert and a read takes a post from four round trips (`BEGIN`, insert,
//! read, `COMMIT`) to one; docs/performance.md, finding 21.

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Bool, Text};

/// The rows `insert` returns, each with its author's name and `false` for
/// `liked_by_me` (nobody likes a post yet). `insert` must return a post's
/// columns, `author_id` among them, as `posts` names them.
pub(super) struct WithAuthor<Q> {
    insert: Q,
}

impl<Q> WithAuthor<Q> {
    pub(super) fn new(insert: Q) -> Self {
        Self { insert }
    }
}

/// The statement's SQL is the insert's with a fixed frame, so the insert's
/// static id, where it has one, names this statement too.
impl<Q: QueryId> QueryId for WithAuthor<Q> {
    type QueryId = WithAuthor<Q::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = Q::HAS_STATIC_QUERY_ID;
}

impl<Q: Query> Query for WithAuthor<Q> {
    type SqlType = (Q::SqlType, Text, Bool);
}

impl<Q> RunQueryDsl<PgConnection> for WithAuthor<Q> {}

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for WithAuthor<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("WITH new_post AS (");
        self.insert.walk_ast(out.reborrow())?;
        // The author's row as the statement started: the session the insert
        // selected from goes with its user, so the row is there.
        out.push_sql(
            ") SELECT new_post.*, users.name, false FROM new_post \
             INNER JOIN users ON users.id = new_post.author_id",
        );
        Ok(())
    }
}
