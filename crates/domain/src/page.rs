use std::time::{Duration, UNIX_EPOCH};

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
/// rows inserted meanwhile neither shift nor repeat items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// When the last seen item was created (for likers: when the like was
    /// made). Tokens keep it to the microsecond.
    pub created_at: Timestamp,
    /// The last seen item's raw id, which orders items with equal
    /// `created_at`: the post id in post lists, the user id in liker lists.
    pub id: i64,
}

impl Cursor {
    const VERSION: &'static str = "v1";
    /// 9999-12-31T23:59:59.999999Z: the last instant of four-digit years,
    /// which every calendar library and database can represent.
    const LATEST_MICROS: u64 = 253_402_300_799_999_999;

    /// An opaque, URL-safe token for clients.
    pub fn encode(&self) -> String {
        let micros = micros_since_epoch(self.created_at);
        let payload = format!("{}.{micros}.{}", Self::VERSION, self.id);
        hex(&format!("{payload}.{:016x}", checksum(&payload)))
    }

    /// Reads a token made by [`Cursor::encode`]; anything else, including a
    /// token with one character changed, is refused.
    pub fn decode(token: &str) -> Result<Self, InvalidValue> {
        let invalid = || InvalidValue::new("is not a cursor this service issued");
        let text = unhex(token).ok_or_else(invalid)?;
        let (payload, check) = text.rsplit_once('.').ok_or_else(invalid)?;
        if format!("{:016x}", checksum(payload)) != check {
            return Err(invalid());
        }
        let mut parts = payload.split('.');
        let (Some(Self::VERSION), Some(micros), Some(id), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        // The checksum is no signature, so every part is checked as if a
        // stranger wrote it: a time every adapter can store, a real id.
        let micros = micros
            .parse::<u64>()
            .ok()
            .filter(|micros| *micros <= Self::LATEST_MICROS)
            .ok_or_else(invalid)?;
        let id = id
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(invalid)?;
        Ok(Self {
            created_at: UNIX_EPOCH + Duration::from_micros(micros),
            id,
        })
    }
}

fn micros_since_epoch(at: Timestamp) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// FNV-1a: not a signature, only a guard against garbled or hand-edited tokens.
fn checksum(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

fn unhex(token: &str) -> Option<String> {
    if !token.len().is_multiple_of(2) || token.len() > 256 {
        return None;
    }
    let bytes = (0..token.len())
        .step_by(2)
        .map(|i| {
            token
                .get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()?;
    String::from_utf8(bytes).ok()
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

    fn sample() -> Cursor {
        Cursor {
            created_at: UNIX_EPOCH + Duration::from_micros(1_764_158_400_123_456),
            id: 42,
        }
    }

    #[test]
    fn cursor_round_trips_to_the_microsecond() {
        let cursor = sample();
        assert_eq!(Cursor::decode(&cursor.encode()).unwrap(), cursor);
    }

    #[test]
    fn tampered_or_garbage_cursor_is_refused() {
        let token = sample().encode();
        let mut tampered = token.clone().into_bytes();
        let last = tampered.len() - 20;
        tampered[last] = if tampered[last] == b'3' { b'4' } else { b'3' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert_ne!(tampered, token);
        for bad in [
            tampered.as_str(),
            "",
            "zz",
            "abc",
            "not-a-cursor",
            &token[..token.len() - 2],
        ] {
            assert!(Cursor::decode(bad).is_err(), "{bad:?} should be refused");
        }
    }

    /// A well-formed token with a valid checksum around any payload: what
    /// anyone can make, since the checksum is public.
    fn forged(micros: &str, id: &str) -> String {
        let payload = format!("v1.{micros}.{id}");
        hex(&format!("{payload}.{:016x}", checksum(&payload)))
    }

    #[test]
    fn a_forged_cursor_with_an_impossible_part_is_refused() {
        assert!(Cursor::decode(&forged("1764158400123456", "42")).is_ok());
        assert!(Cursor::decode(&forged("253402300799999999", "1")).is_ok());
        for (micros, id) in [
            ("18446744073709551615", "1"), // u64::MAX microseconds: year 586,524
            ("253402300800000000", "1"),   // year 10000
            ("1764158400123456", "0"),
            ("1764158400123456", "-7"),
            ("-1", "1"),
        ] {
            assert!(
                Cursor::decode(&forged(micros, id)).is_err(),
                "{micros}.{id} should be refused"
            );
        }
    }

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
