//! The cursor as clients see it: an opaque, URL-safe token for a
//! [`domain::Cursor`]. Hex of `v2.<microseconds>.<id>.<check>`, where the
//! check is the first 8 bytes of the SHA-256 of the rest: not a signature
//! (anyone can compute it), only a guard against garbled or hand-edited
//! tokens, which are refused like any stranger's input. Tokens of the
//! earlier `v1` format are refused too: a client restarts from the first page.

use std::time::{Duration, UNIX_EPOCH};

use domain::{Cursor, Timestamp};
use sha2::{Digest, Sha256};

const VERSION: &str = "v2";
/// 9999-12-31T23:59:59.999999Z: the last instant of four-digit years,
/// which every calendar library and database can represent.
const LATEST_MICROS: u64 = 253_402_300_799_999_999;
/// Far longer than any token this module makes.
const MAX_TOKEN_LEN: usize = 256;

/// Why a token was refused, worded for the client's `cursor` field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidCursor;

impl InvalidCursor {
    pub const MESSAGE: &'static str = "is not a cursor this service issued";
}

/// The token for `cursor`, to the microsecond.
pub fn encode(cursor: &Cursor) -> String {
    let payload = format!(
        "{VERSION}.{}.{}",
        micros_since_epoch(cursor.created_at),
        cursor.id
    );
    hex(format!("{payload}.{}", check(&payload)).as_bytes())
}

/// Reads a token made by [`encode`]; anything else, including a token with
/// one character changed, is [`InvalidCursor`].
pub fn decode(token: &str) -> Result<Cursor, InvalidCursor> {
    let text = unhex(token).ok_or(InvalidCursor)?;
    let (payload, given_check) = text.rsplit_once('.').ok_or(InvalidCursor)?;
    if check(payload) != given_check {
        return Err(InvalidCursor);
    }
    let mut parts = payload.split('.');
    let (Some(VERSION), Some(micros), Some(id), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(InvalidCursor);
    };
    // The check is public, so every part is checked as if a stranger wrote
    // it: a time every adapter can store, an id that can exist.
    let micros = micros
        .parse::<u64>()
        .ok()
        .filter(|micros| *micros <= LATEST_MICROS)
        .ok_or(InvalidCursor)?;
    let id = id
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(InvalidCursor)?;
    Ok(Cursor {
        created_at: UNIX_EPOCH + Duration::from_micros(micros),
        id,
    })
}

fn micros_since_epoch(at: Timestamp) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

fn check(payload: &str) -> String {
    hex(&Sha256::digest(payload.as_bytes())[..8])
}

// Every page's `next_cursor` passes here: hex written a byte at a time,
// each a `String` of its own through `format!`, was 6% of a page's
// instructions (docs/performance.md, finding 34).
fn hex(bytes: &[u8]) -> String {
    base16ct::lower::encode_string(bytes)
}

fn unhex(token: &str) -> Option<String> {
    if token.len() > MAX_TOKEN_LEN {
        return None;
    }
    let bytes = base16ct::mixed::decode_vec(token).ok()?;
    String::from_utf8(bytes).ok()
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
    fn a_cursor_round_trips_to_the_microsecond() {
        let cursor = sample();
        assert_eq!(decode(&encode(&cursor)), Ok(cursor));
    }

    #[test]
    fn a_tampered_or_garbage_token_is_refused() {
        let token = encode(&sample());
        let mut tampered = token.clone().into_bytes();
        let at = tampered.len() - 20;
        tampered[at] = if tampered[at] == b'3' { b'4' } else { b'3' };
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
            assert_eq!(decode(bad), Err(InvalidCursor), "{bad:?}");
        }
    }

    #[test]
    fn hex_is_strict_but_either_case() {
        assert_eq!(unhex("6a"), Some("j".to_owned()));
        assert_eq!(unhex("6A"), Some("j".to_owned()));
        for bad in ["+f", "616", "6g", "é1"] {
            assert_eq!(unhex(bad), None, "{bad:?}");
        }
        let token = encode(&sample());
        assert_eq!(decode(&token.to_uppercase()), Ok(sample()));
    }

    /// What anyone can make, since the check is public.
    fn forged(version: &str, micros: &str, id: &str) -> String {
        let payload = format!("{version}.{micros}.{id}");
        hex(format!("{payload}.{}", check(&payload)).as_bytes())
    }

    #[test]
    fn a_forged_token_with_an_impossible_part_is_refused() {
        assert!(decode(&forged("v2", "1764158400123456", "42")).is_ok());
        assert!(decode(&forged("v2", "253402300799999999", "1")).is_ok());
        for (micros, id) in [
            ("18446744073709551615", "1"), // u64::MAX microseconds: year 586,524
            ("253402300800000000", "1"),   // year 10000
            ("1764158400123456", "0"),
            ("1764158400123456", "-7"),
            ("-1", "1"),
        ] {
            assert!(decode(&forged("v2", micros, id)).is_err(), "{micros}.{id}");
        }
    }

    /// A token of the format the domain used to make (FNV-1a check, `v1`).
    #[test]
    fn a_v1_token_is_refused() {
        let payload = "v1.1764158400123456.42";
        let fnv = payload
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
                (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
            });
        let v1 = hex(format!("{payload}.{fnv:016x}").as_bytes());
        assert_eq!(decode(&v1), Err(InvalidCursor));
        assert_eq!(
            decode(&forged("v1", "1764158400123456", "42")),
            Err(InvalidCursor)
        );
    }
}
