//! `liked_by_me` for a page of the feed, read with one index range scan
//! instead of one `likes` probe per row.
//!
//! Joining `likes` on `(user_id, post_id)` descends `likes_pkey` once per row
//! of the page: 21 descents, 64 buffers of the page's 144, for a page of 20.
//! That probe is what made a signed-in page's statement take 1.53 times an
//! anonymous one's execution time (pg_stat_statements in the benchmark;
//! docs/performance.md, finding 19). A page of the feed is a
//! run of the newest posts, and ids and `created_at` are both given by the
//! database at insert, so the page's ids lie in a narrow range: the
//! reader's likes in that range are found with one descent and hashed.
//!
//! Only for the feed. A page filtered by author or search spreads over a wide
//! range of ids, and a reader who likes many posts would have all of them
//! hashed for it; those pages keep the probe per row, which costs the same
//! whoever reads. Correct whatever the ids: the range is the page's own
//! lowest and highest id, so it holds every post on the page.

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Bool};

/// `page` with whether `viewer` likes each post, read over the page's range
/// of ids. `page` must select a post's row and its author's name and order
/// and limit itself, as `page_query!` builds it: the statement names the
/// page's `id` and `created_at` columns, so another column of either name
/// would make it fail.
pub(super) struct LikesInRange<Q> {
    page: Q,
    viewer: i64,
}

impl<Q> LikesInRange<Q> {
    pub(super) fn new(page: Q, viewer: i64) -> Self {
        Self { page, viewer }
    }
}

/// No static id: the page inside varies with the filter, so diesel keys the
/// statement by its SQL, as it does the page's.
impl<Q> QueryId for LikesInRange<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, Row, Name> Query for LikesInRange<Q>
where
    Q: Query<SqlType = (Row, Name)>,
{
    type SqlType = (Row, Name, Bool);
}

impl<Q> RunQueryDsl<PgConnection> for LikesInRange<Q> {}

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for LikesInRange<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        // MATERIALIZED: the page is read once, then scanned for its rows and
        // for the two ends of its range.
        out.push_sql("WITH page AS MATERIALIZED (");
        self.page.walk_ast(out.reborrow())?;
        out.push_sql(
            ") SELECT page.*, page.id IN (SELECT likes.post_id FROM likes \
             WHERE likes.user_id = ",
        );
        out.push_bind_param::<BigInt, i64>(&self.viewer)?;
        out.push_sql(
            " AND likes.post_id BETWEEN (SELECT min(page.id) FROM page) \
             AND (SELECT max(page.id) FROM page)) \
             FROM page ORDER BY page.created_at DESC, page.id DESC",
        );
        Ok(())
    }
}
