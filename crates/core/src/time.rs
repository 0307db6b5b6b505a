//! Time stamps: ISO 8601 parsing and formatting without a date crate (the formats CloudTrail and
//! the AWS CLI write are few and fixed), and CLI v1 epoch floats.

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM|±HHMM]` into milliseconds since the Unix epoch.
/// A missing zone means UTC (CloudTrail always writes `Z`; some CLI outputs write `-08:00`).
pub fn parse_iso_ms(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || (b[10] != b'T' && b[10] != b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let year = digits(&b[0..4])?;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    let hour = digits(&b[11..13])?;
    let minute = digits(&b[14..16])?;
    let second = digits(&b[17..19])?;
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &b[19..];
    let mut millis = 0i64;
    if let [b'.', tail @ ..] = rest {
        let count = tail.iter().take_while(|c| c.is_ascii_digit()).count();
        if count == 0 {
            return None;
        }
        for (i, c) in tail[..count].iter().enumerate().take(3) {
            millis += i64::from(c - b'0') * [100, 10, 1][i];
        }
        rest = &tail[count..];
    }
    let offset_secs = match rest {
        [] | [b'Z'] | [b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] | [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
            let hours = digits(&[*h1, *h2])?;
            let minutes = digits(&[*m1, *m2])?;
            let secs = hours * 3600 + minutes * 60;
            if *sign == b'+' {
                secs
            } else {
                -secs
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_secs;
    Some(secs * 1000 + millis)
}

/// An AWS CLI v1 timestamp (seconds since the epoch, as a float) in milliseconds.
pub fn epoch_secs_to_ms(secs: f64) -> Option<i64> {
    if !secs.is_finite() || !(0.0..1e11).contains(&secs) {
        return None;
    }
    Some((secs * 1000.0).round() as i64)
}

/// Formats milliseconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (with `.mmm` when not whole).
pub fn format_iso_ms(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let of_day = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let (h, m, s) = (of_day / 3600, of_day % 3600 / 60, of_day % 60);
    if millis == 0 {
        format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}Z")
    } else {
        format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{millis:03}Z")
    }
}

/// "3 days 4 hours", "12 minutes", "45 seconds": a span in the two largest units.
pub fn span_label(span_ms: i64) -> String {
    let secs = span_ms.max(0) / 1000;
    let units = [
        (86_400, "day"),
        (3600, "hour"),
        (60, "minute"),
        (1, "second"),
    ];
    let amounts: Vec<i64> = units
        .iter()
        .scan(secs, |rest, (size, _)| {
            let n = *rest / size;
            *rest %= size;
            Some(n)
        })
        .collect();
    let Some(first) = amounts.iter().position(|&n| n > 0) else {
        return "less than a second".to_string();
    };
    let part = |i: usize| {
        let n = amounts[i];
        format!("{n} {}{}", units[i].1, if n == 1 { "" } else { "s" })
    };
    match amounts.get(first + 1) {
        Some(&next) if next > 0 => format!("{} {}", part(first), part(first + 1)),
        _ => part(first),
    }
}

fn digits(b: &[u8]) -> Option<i64> {
    let mut n = 0i64;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(c - b'0');
    }
    Some(n)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cloudtrail_and_cli_forms() {
        assert_eq!(parse_iso_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_iso_ms("2018-02-14T00:15:17Z"),
            Some(1_518_567_317_000)
        );
        assert_eq!(
            parse_iso_ms("2018-02-14T00:15:17.250Z"),
            Some(1_518_567_317_250)
        );
        // lookup-events writes local offsets.
        assert_eq!(
            parse_iso_ms("2021-11-18T09:41:02-08:00"),
            parse_iso_ms("2021-11-18T17:41:02Z")
        );
        assert_eq!(
            parse_iso_ms("2021-11-18T09:41:02.123456+0100"),
            Some(parse_iso_ms("2021-11-18T08:41:02Z").unwrap() + 123)
        );
        assert_eq!(parse_iso_ms("2024-02-29T12:00:00Z").map(|_| ()), Some(()));
    }

    #[test]
    fn rejects_what_is_not_a_time() {
        for bad in [
            "",
            "yesterday",
            "2023-02-29T00:00:00Z",
            "2023-13-01T00:00:00Z",
            "2023-01-01T24:00:00Z",
            "2023-01-01T00:00:00Q",
            "2023-01-01T00:00:00.Z",
            "1700000000",
        ] {
            assert_eq!(parse_iso_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_round_trip() {
        for text in [
            "2018-02-14T00:15:17Z",
            "1999-12-31T23:59:59.999Z",
            "2026-03-01T00:00:00Z",
        ] {
            assert_eq!(format_iso_ms(parse_iso_ms(text).unwrap()), text);
        }
        assert_eq!(format_iso_ms(-1000), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn epoch_floats_from_cli_v1() {
        assert_eq!(epoch_secs_to_ms(1_518_567_317.25), Some(1_518_567_317_250));
        assert_eq!(epoch_secs_to_ms(f64::NAN), None);
    }

    #[test]
    fn span_labels_read_naturally() {
        assert_eq!(span_label(0), "less than a second");
        assert_eq!(span_label(45_000), "45 seconds");
        assert_eq!(
            span_label(3 * 86_400_000 + 4 * 3_600_000 + 5_000),
            "3 days 4 hours"
        );
        assert_eq!(span_label(3_600_000), "1 hour");
        assert_eq!(span_label(90_000), "1 minute 30 seconds");
    }
}
