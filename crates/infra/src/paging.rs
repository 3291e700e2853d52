//! Reading one row more than a page holds: the storage side of keyset
//! paging, kept here so the domain's `Page` is only what a page is.

use domain::{Cursor, Page, PageLimit};

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

    /// A statement diesel may not cache is parsed and planned by PostgreSQL
    /// for every page: the cursor's condition must not make it one.
    #[test]
    fn a_page_after_a_cursor_is_a_statement_diesel_caches() {
        use diesel::pg::Pg;
        use diesel::prelude::*;
        use diesel::query_builder::QueryFragment;

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
