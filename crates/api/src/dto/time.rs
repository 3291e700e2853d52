use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc};
use domain::Timestamp;
use serde::{Serialize, Serializer, ser::Error as _};

/// A moment as the API writes it: RFC 3339 in UTC with the microseconds the
/// database keeps, `2025-11-26T12:00:00.123456Z`.
///
/// Written into the response as it is serialised: every post in a page
/// carries two, and formatting each into a `String` of its own through
/// chrono's formatting machinery was 8% of a page's instructions
/// (docs/performance.md, finding 34). RFC 3339 has no form for a year
/// outside 0000 to 9999: those still go through chrono, which writes ISO
/// 8601's expanded, signed year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rfc3339(pub(crate) Timestamp);

impl Serialize for Rfc3339 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let at = DateTime::<Utc>::from(self.0);
        match four_digit_year(at) {
            Some(text) => {
                serializer.serialize_str(std::str::from_utf8(&text).map_err(S::Error::custom)?)
            }
            None => serializer.serialize_str(&at.to_rfc3339_opts(SecondsFormat::Micros, true)),
        }
    }
}

/// `at` in the fixed-width form, or `None` for a year outside 0..=9999.
fn four_digit_year(at: DateTime<Utc>) -> Option<[u8; 27]> {
    let year = u32::try_from(at.year()).ok().filter(|year| *year <= 9999)?;
    let mut text = *b"0000-00-00T00:00:00.000000Z";
    let (year_digits, rest) = text.split_at_mut(4);
    write_digits(year_digits, year);
    // Each field's width after its one-character separator.
    let fields = [
        (2, at.month()),
        (2, at.day()),
        (2, at.hour()),
        (2, at.minute()),
        (2, at.second()),
        // Below 1,000,000: a `DateTime` made from a `SystemTime` never holds
        // a leap second.
        (6, at.timestamp_subsec_micros()),
    ];
    let mut rest = rest;
    for (width, value) in fields {
        let (digits, after) = rest[1..].split_at_mut(width);
        write_digits(digits, value);
        rest = after;
    }
    Some(text)
}

/// `value`'s last `digits.len()` decimal digits, zero-padded.
fn write_digits(digits: &mut [u8], mut value: u32) {
    for digit in digits.iter_mut().rev() {
        *digit = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    fn json(at: Timestamp) -> String {
        serde_json::to_string(&Rfc3339(at)).unwrap()
    }

    fn chrono_form(at: Timestamp) -> String {
        let text = DateTime::<Utc>::from(at).to_rfc3339_opts(SecondsFormat::Micros, true);
        format!("\"{text}\"")
    }

    #[test]
    fn timestamps_are_utc_with_microseconds() {
        let at = UNIX_EPOCH + Duration::from_micros(1_764_158_400_123_456);
        assert_eq!(json(at), "\"2025-11-26T12:00:00.123456Z\"");
    }

    #[test]
    fn nanoseconds_are_cut_to_microseconds_not_rounded() {
        let at = UNIX_EPOCH + Duration::from_nanos(1_764_158_400_123_456_999);
        assert_eq!(json(at), "\"2025-11-26T12:00:00.123456Z\"");
        let just_before_the_epoch = UNIX_EPOCH - Duration::from_nanos(1);
        assert_eq!(
            json(just_before_the_epoch),
            "\"1969-12-31T23:59:59.999999Z\""
        );
        assert_eq!(
            json(just_before_the_epoch),
            chrono_form(just_before_the_epoch)
        );
    }

    #[test]
    fn every_field_is_zero_padded() {
        let at = UNIX_EPOCH + Duration::from_micros(946_782_245_000_007);
        assert_eq!(json(at), "\"2000-01-02T03:04:05.000007Z\"");
    }

    fn assert_same_as_chrono(from: Timestamp, to: Timestamp, step: Duration) -> usize {
        let mut at = from;
        let mut compared = 0;
        while at <= to {
            assert_eq!(json(at), chrono_form(at), "at {at:?}");
            at += step;
            compared += 1;
        }
        compared
    }

    #[test]
    fn the_fixed_width_form_is_chronos_over_four_digit_years() {
        // Over every four-digit year, the epoch and the years before it
        // included, a step of 437 hours, 17 minutes and 1.234567 seconds
        // (5 and 17 share no factor with 24 and 60) lands on every hour and
        // minute; densely over a leap day and a year's end.
        let year_zero = UNIX_EPOCH - Duration::from_secs(62_167_219_200);
        let year_9999_ends = UNIX_EPOCH + Duration::from_secs(253_402_300_799);
        let all_years = Duration::from_micros(1_574_221_234_567);
        assert!(assert_same_as_chrono(year_zero, year_9999_ends, all_years) > 199_000);
        let february_28_2024 = UNIX_EPOCH + Duration::from_secs(1_709_078_400);
        let three_days = Duration::from_secs(3 * 86_400);
        let step = Duration::from_micros(997_001);
        assert!(
            assert_same_as_chrono(february_28_2024, february_28_2024 + three_days, step) > 250_000
        );
        let new_year_2027 = UNIX_EPOCH + Duration::from_secs(1_798_761_600);
        let around = new_year_2027 - Duration::from_secs(86_400);
        assert!(assert_same_as_chrono(around, around + three_days / 3 * 2, step) > 170_000);
    }

    #[test]
    fn years_beyond_four_digits_are_signed_as_chrono_writes_them() {
        let at = UNIX_EPOCH + Duration::from_secs(253_402_300_800); // 10000-01-01
        assert_eq!(json(at), chrono_form(at));
        assert!(json(at).starts_with("\"+10000-01-01T00:00:00"));
        let before_year_zero = UNIX_EPOCH - Duration::from_secs(62_167_219_201);
        assert_eq!(json(before_year_zero), chrono_form(before_year_zero));
        assert!(json(before_year_zero).starts_with("\"-0001-12-31T23:59:59"));
    }
}
