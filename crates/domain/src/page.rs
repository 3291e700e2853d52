use crate::{InvalidValue, Timestamp};

/// How many items a page holds: 1 to 100, 20 unless asked otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLimit(u8);

impl PageLimit {
    /// The smallest number of items a page may hold.
    pub const MIN: u8 = 1;
    /// The largest number of items a page may hold.
    pub const MAX: u8 = 100;
    /// 20 items: the limit when a client asks for none.
    pub const DEFAULT: Self = Self(20);

    /// Errors: [`InvalidValue`] for anything outside [`PageLimit::MIN`] to
    /// [`PageLimit::MAX`], negative numbers included.
    pub fn new(raw: i64) -> Result<Self, InvalidValue> {
        u8::try_from(raw)
            .ok()
            .filter(|n| (Self::MIN..=Self::MAX).contains(n))
            .map(Self)
            .ok_or_else(|| InvalidValue::new("must be between 1 and 100"))
    }

    /// The number of items.
    pub fn get(self) -> usize {
        usize::from(self.0)
    }
}

impl Default for PageLimit {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A position in a newest-first list: the `(created_at, id)` of the last item
/// a client has seen. The next page holds what sorts strictly after it, so
/// items added meanwhile neither shift nor repeat others. How a client
/// carries it (the HTTP adapter's opaque token) is the adapter's business.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// When the last seen item was created (for likers: when the like was
    /// made), to the microsecond like every stored time.
    pub created_at: Timestamp,
    /// The last seen item's id, which orders items with equal `created_at`:
    /// the post id in post lists, the user id in liker lists.
    pub id: i64,
}

/// Which page to read: at most `limit` items after `after` (from the start when `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PageRequest {
    /// The most items to return.
    pub limit: PageLimit,
    /// Start strictly after this position; `None` starts from the newest item.
    pub after: Option<Cursor>,
}

/// One page of a newest-first list; `next_cursor` is `None` on the last page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// At most the requested number of items, in list order.
    pub items: Vec<T>,
    /// The position of the last item, to request the next page with.
    pub next_cursor: Option<Cursor>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_accepts_one_to_one_hundred() {
        assert!(PageLimit::new(0).is_err());
        assert_eq!(PageLimit::new(1).unwrap().get(), 1);
        assert_eq!(PageLimit::new(100).unwrap().get(), 100);
        assert!(PageLimit::new(101).is_err());
        assert!(PageLimit::new(-5).is_err());
        assert_eq!(PageLimit::default().get(), 20);
    }
}
