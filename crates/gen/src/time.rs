//! Civil-time formatting from epoch milliseconds, in the several styles AWS exports use.
//! No clock is ever read: every instant comes from the configuration.

use std::fmt::Write;

pub(crate) const SECOND_MS: i64 = 1_000;
pub(crate) const MINUTE_MS: i64 = 60 * SECOND_MS;
pub(crate) const HOUR_MS: i64 = 60 * MINUTE_MS;
pub(crate) const DAY_MS: i64 = 24 * HOUR_MS;

/// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
pub(crate) const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Epoch milliseconds of a UTC date and time.
pub(crate) const fn epoch_ms(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64) -> i64 {
    days_from_civil(y, mo, d) * DAY_MS + h * HOUR_MS + mi * MINUTE_MS + s * SECOND_MS
}

/// A broken-down UTC instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millis: u32,
}

impl Civil {
    pub(crate) fn from_ms(ms: i64) -> Civil {
        let days = ms.div_euclid(DAY_MS);
        let rem = ms.rem_euclid(DAY_MS);
        let z = days + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Civil {
            year,
            month,
            day,
            hour: (rem / HOUR_MS) as u32,
            minute: ((rem / MINUTE_MS) % 60) as u32,
            second: ((rem / SECOND_MS) % 60) as u32,
            millis: (rem % SECOND_MS) as u32,
        }
    }
}

/// `2026-03-01T12:34:56Z`, CloudTrail's `eventTime`.
pub(crate) fn push_iso_seconds(out: &mut String, ms: i64) {
    let c = Civil::from_ms(ms);
    push_date(out, &c, '-');
    out.push('T');
    push2(out, c.hour);
    out.push(':');
    push2(out, c.minute);
    out.push(':');
    push2(out, c.second);
    out.push('Z');
}

/// `2026-03-01T12:34:56Z`.
pub(crate) fn iso_seconds(ms: i64) -> String {
    let mut s = String::with_capacity(20);
    push_iso_seconds(&mut s, ms);
    s
}

/// `2026-03-01T12:34:56.789Z`, Config's capture times.
pub(crate) fn iso_millis(ms: i64) -> String {
    let c = Civil::from_ms(ms);
    let mut s = String::with_capacity(24);
    push_date(&mut s, &c, '-');
    let _ = write!(
        s,
        "T{:02}:{:02}:{:02}.{:03}Z",
        c.hour, c.minute, c.second, c.millis
    );
    s
}

/// `2026-03-01T12:34:56.789000+00:00`, the AWS CLI v2's default timestamp output.
pub(crate) fn iso_cli(ms: i64) -> String {
    let c = Civil::from_ms(ms);
    let mut s = String::with_capacity(32);
    push_date(&mut s, &c, '-');
    let _ = write!(
        s,
        "T{:02}:{:02}:{:02}.{:03}000+00:00",
        c.hour, c.minute, c.second, c.millis
    );
    s
}

/// `2026-03-01T12:34:56.789`, a DynamoDB stream label.
pub(crate) fn stream_label(ms: i64) -> String {
    let c = Civil::from_ms(ms);
    let mut s = String::with_capacity(23);
    push_date(&mut s, &c, '-');
    let _ = write!(
        s,
        "T{:02}:{:02}:{:02}.{:03}",
        c.hour, c.minute, c.second, c.millis
    );
    s
}

/// `20260301T1234Z` (with `seconds`: `20260301T123456Z`), as in delivered file names.
pub(crate) fn compact(ms: i64, seconds: bool) -> String {
    let c = Civil::from_ms(ms);
    let mut s = String::with_capacity(16);
    push_date(&mut s, &c, '\0');
    let _ = write!(s, "T{:02}{:02}", c.hour, c.minute);
    if seconds {
        push2(&mut s, c.second);
    }
    s.push('Z');
    s
}

/// `Mar 1, 2026 12:34:56 PM`: how DynamoDB renders dates inside CloudTrail `responseElements`.
pub(crate) fn java_date(ms: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let c = Civil::from_ms(ms);
    let (h12, ampm) = match c.hour {
        0 => (12, "AM"),
        1..=11 => (c.hour, "AM"),
        12 => (12, "PM"),
        h => (h - 12, "PM"),
    };
    format!(
        "{} {}, {} {}:{:02}:{:02} {}",
        MONTHS[(c.month - 1) as usize],
        c.day,
        c.year,
        h12,
        c.minute,
        c.second,
        ampm
    )
}

fn push_date(out: &mut String, c: &Civil, sep: char) {
    let _ = write!(out, "{:04}", c.year);
    if sep != '\0' {
        out.push(sep);
    }
    push2(out, c.month);
    if sep != '\0' {
        out.push(sep);
    }
    push2(out, c.day);
}

fn push2(out: &mut String, v: u32) {
    out.push((b'0' + (v / 10 % 10) as u8) as char);
    out.push((b'0' + (v % 10) as u8) as char);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_known_instants() {
        assert_eq!(epoch_ms(1970, 1, 1, 0, 0, 0), 0);
        assert_eq!(epoch_ms(2026, 3, 1, 0, 0, 0), 1_772_323_200_000);
        assert_eq!(
            iso_seconds(1_772_323_200_000 + 3_723_000),
            "2026-03-01T01:02:03Z"
        );
        assert_eq!(iso_millis(951_782_400_123), "2000-02-29T00:00:00.123Z");
        assert_eq!(compact(1_772_323_200_000, false), "20260301T0000Z");
        assert_eq!(
            compact(1_772_323_200_000 + 59_000, true),
            "20260301T000059Z"
        );
        assert_eq!(iso_cli(0), "1970-01-01T00:00:00.000000+00:00");
        assert_eq!(
            java_date(epoch_ms(2015, 5, 3, 23, 34, 14)),
            "May 3, 2015 11:34:14 PM"
        );
    }

    #[test]
    fn civil_matches_days_from_civil_over_a_long_range() {
        let first = days_from_civil(1999, 12, 25);
        for day in first..first + 20_000 {
            let c = Civil::from_ms(day * DAY_MS);
            assert_eq!(
                days_from_civil(c.year, i64::from(c.month), i64::from(c.day)),
                day
            );
        }
    }
}
