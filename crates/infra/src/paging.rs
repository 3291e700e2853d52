//! Reading one row more than a page holds: the storage side of keyset
//! paging, kept here so the domain's `Page` is only what a page is.

use domain::{Cursor, Page, PageLimit};

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
}
