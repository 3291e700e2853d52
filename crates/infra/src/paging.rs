//! Reading one row more than a page holds: the storage side of keyset
//! paging, kept here so the domain's `Page` is only what a page is.

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use domain::{Cursor, Page, PageLimit};

/// `query LIMIT n`, the number written into the statement instead of bound.
/// PostgreSQL plans a statement whose LIMIT is a parameter as if it read a
/// tenth of its rows, so a page's generic plan never looked cheaper than a
/// custom one and every page was planned again: 0.2 ms of planning for
/// 0.08 ms of execution on the benchmark's data. With the number in the text,
/// each page size is a statement of its own, diesel caches it by its text,
/// and PostgreSQL reuses one plan after five runs.
pub(crate) struct WithLimit<Q> {
    query: Q,
    limit: i64,
}

impl<Q> WithLimit<Q> {
    /// Up to `limit + 1` rows: the extra one tells that another page exists.
    pub(crate) fn page(query: Q, limit: PageLimit) -> Self {
        let limit = i64::try_from(limit.get()).unwrap_or(i64::MAX);
        Self {
            query,
            limit: limit.saturating_add(1),
        }
    }
}

/// No static id: statements that differ only in their limit must not share
/// a cache entry, so diesel keys them by their SQL.
impl<Q> QueryId for WithLimit<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: Query> Query for WithLimit<Q> {
    type SqlType = Q::SqlType;
}

impl<Q> RunQueryDsl<PgConnection> for WithLimit<Q> {}

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for WithLimit<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.query.walk_ast(out.reborrow())?;
        out.push_sql(&format!(" LIMIT {}", self.limit));
        Ok(())
    }
}

/// The rows strictly after `cursor` in `(created_at DESC, id DESC)` order,
/// as `created_at <= at AND (created_at < at OR id < cursor_id)`: the first
/// part is the index condition, so PostgreSQL starts at the cursor whatever
/// the depth. Typed rather than a row comparison in a `sql()` literal,
/// because diesel never caches a statement holding a literal: PostgreSQL
/// then parses and plans every page again.
macro_rules! after_cursor {
    ($created_at:expr, $id:expr, $cursor:expr) => {{
        let cursor: ::domain::Cursor = $cursor;
        let at = ::chrono::DateTime::<::chrono::Utc>::from(cursor.created_at);
        $created_at
            .le(at)
            .and($created_at.lt(at).or($id.lt(cursor.id)))
    }};
}
pub(crate) use after_cursor;

/// Builds a page from up to `limit + 1` rows read in list order: the extra
/// row only tells that another page exists.
pub(crate) fn page_from_rows<T>(
    mut rows: Vec<T>,
    limit: PageLimit,
    cursor_of: impl Fn(&T) -> Cursor,
) -> Page<T> {
    let has_more = rows.len() > limit.get();
    rows.truncate(limit.get());
    let next_cursor = if has_more {
        rows.last().map(cursor_of)
    } else {
        None
    };
    Page {
        items: rows,
        next_cursor,
    }
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    #[test]
    fn the_extra_row_is_only_a_signal() {
        let limit = PageLimit::new(2).expect("a valid limit");
        let cursor_of = |n: &i64| Cursor {
            created_at: UNIX_EPOCH,
            id: *n,
        };
        let full = page_from_rows(vec![3, 2, 1], limit, cursor_of);
        assert_eq!(full.items, vec![3, 2]);
        assert_eq!(full.next_cursor.map(|c| c.id), Some(2));
        let last = page_from_rows(vec![3, 2], limit, cursor_of);
        assert_eq!(last.next_cursor, None);
    }

    #[test]
    fn a_page_limit_is_written_into_a_statement_diesel_caches() {
        use crate::schema::posts;

        let limit = PageLimit::new(20).expect("a valid limit");
        let query = WithLimit::page(posts::table.select(posts::id).into_boxed::<Pg>(), limit);
        let sql = diesel::debug_query::<Pg, _>(&query).to_string();
        assert!(sql.contains(" LIMIT 21 "), "{sql}");
        assert!(QueryFragment::<Pg>::is_safe_to_cache_prepared(&query, &Pg).unwrap());
    }

    /// A statement diesel may not cache is parsed and planned by PostgreSQL
    /// for every page: the cursor's condition must not make it one.
    #[test]
    fn a_page_after_a_cursor_is_a_statement_diesel_caches() {
        use crate::schema::posts;

        let cursor = Cursor {
            created_at: UNIX_EPOCH,
            id: 7,
        };
        let query = posts::table
            .select(posts::id)
            .filter(after_cursor!(posts::created_at, posts::id, cursor))
            .into_boxed::<Pg>();
        assert!(QueryFragment::<Pg>::is_safe_to_cache_prepared(&query, &Pg).unwrap());
        let literal = posts::table
            .select(posts::id)
            .filter(diesel::dsl::sql::<diesel::sql_types::Bool>("true"))
            .into_boxed::<Pg>();
        let cached = QueryFragment::<Pg>::is_safe_to_cache_prepared(&literal, &Pg).unwrap();
        assert!(
            !cached,
            "a SQL literal is never cached, so the check can fail"
        );
    }
}
