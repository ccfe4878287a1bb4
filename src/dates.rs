//! Dates as the BigCommerce v2 API writes and reads them.
//!
//! The service writes RFC 2822 in GMT with a two-digit day (`Wed, 02 Apr 2025 09:05:00 +0000`);
//! chrono's own `to_rfc2822()` leaves the day unpadded, so the format is spelled out here.
//! Filters accept RFC 2822 and ISO 8601, a bare date meaning midnight UTC.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

const RFC2822_GMT: &str = "%a, %d %b %Y %H:%M:%S +0000";

/// Formats seconds since the Unix epoch the way the API does.
pub fn format_api_date(unix_seconds: i64) -> String {
    match Utc.timestamp_opt(unix_seconds, 0).single() {
        Some(at) => at.format(RFC2822_GMT).to_string(),
        // Out of chrono's range: cannot come from our own clock, but never panic on stored data.
        None => Utc
            .timestamp_opt(0, 0)
            .single()
            .map(|at| at.format(RFC2822_GMT).to_string())
            .unwrap_or_default(),
    }
}

/// Reads a date written as RFC 2822, RFC 3339 / ISO 8601 (any offset, or none meaning UTC),
/// or a bare `YYYY-MM-DD` (midnight UTC). Returns seconds since the Unix epoch.
pub fn parse_api_date(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() || text.len() > 64 {
        return None;
    }
    if let Ok(at) = DateTime::parse_from_rfc2822(text) {
        return Some(at.timestamp());
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.timestamp());
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(at) = NaiveDateTime::parse_from_str(text, format) {
            return Some(at.and_utc().timestamp());
        }
    }
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return day.and_hms_opt(0, 0, 0).map(|at| at.and_utc().timestamp());
    }
    None
}

/// Seconds since the Unix epoch, now.
pub fn now_unix() -> i64 {
    Utc::now().timestamp()
}

/// A time written as RFC 3339 (the ledger's), in this machine's zone as people read it:
/// "2026-12-05 20:28:12". One that cannot be read is shown as written.
pub fn local_time(when: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(when).map_or_else(
        |_| when.to_owned(),
        |at| {
            at.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_a_padded_day_in_gmt() {
        // 2025-04-02 09:05:00 UTC
        assert_eq!(
            format_api_date(1_743_584_700),
            "Wed, 02 Apr 2025 09:05:00 +0000"
        );
        assert_eq!(
            format_api_date(1_352_841_401),
            "Tue, 13 Nov 2012 21:16:41 +0000"
        );
    }

    #[test]
    fn reads_every_accepted_form() {
        let noon = 1_714_982_050; // 2024-05-06T07:54:10Z
        assert_eq!(
            parse_api_date("Mon, 06 May 2024 07:54:10 +0000"),
            Some(noon)
        );
        assert_eq!(parse_api_date("Mon, 6 May 2024 07:54:10 +0000"), Some(noon));
        assert_eq!(parse_api_date("2024-05-06T07:54:10Z"), Some(noon));
        assert_eq!(parse_api_date("2024-05-06T09:54:10+02:00"), Some(noon));
        assert_eq!(parse_api_date("2024-05-06T07:54:10"), Some(noon));
        assert_eq!(parse_api_date("2024-05-06"), Some(1_714_953_600));
    }

    #[test]
    fn refuses_nonsense() {
        for text in [
            "",
            "yesterday",
            "2024-13-01",
            "2024-02-30",
            "1' OR '1'='1",
            "99999-01-01",
        ] {
            assert_eq!(parse_api_date(text), None, "{text}");
        }
    }
}
