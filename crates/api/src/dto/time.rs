use chrono::{DateTime, SecondsFormat, Utc};
use domain::Timestamp;

/// RFC 3339 in UTC with the microseconds the database keeps.
pub(crate) fn rfc3339(at: Timestamp) -> String {
    DateTime::<Utc>::from(at).to_rfc3339_opts(SecondsFormat::Micros, true)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    #[test]
    fn timestamps_are_utc_with_microseconds() {
        let at = UNIX_EPOCH + Duration::from_micros(1_764_158_400_123_456);
        assert_eq!(rfc3339(at), "2025-11-26T12:00:00.123456Z");
    }
}
