//! Text the page shows for numbers, sizes, times and file outcomes. Pure functions, so the
//! views stay declarative and these are tested natively.

use ddb_lens_core::ingest::thousands;
use ddb_lens_core::{FileReport, FileStatus, Totals};

use crate::protocol::Progress;

/// "1 file", "1,204 files".
pub fn count(n: u64, singular: &str, plural: &str) -> String {
    format!(
        "{} {}",
        thousands(n),
        if n == 1 { singular } else { plural }
    )
}

/// A size in decimal units: "0 bytes", "1 byte", "950 bytes", "1.2 kB", "3.4 MB", "1.1 GB".
pub fn bytes(n: u64) -> String {
    match Unit::for_bytes(n) {
        Unit::Bytes => count(n, "byte", "bytes"),
        unit => format!("{} {}", unit.scaled(n), unit.symbol()),
    }
}

/// "3.1 of 9.0 MB": both in the unit of the total.
pub fn bytes_of(done: u64, total: u64) -> String {
    let unit = Unit::for_bytes(total);
    match unit {
        Unit::Bytes => format!("{} of {}", thousands(done), count(total, "byte", "bytes")),
        _ => format!(
            "{} of {} {}",
            unit.scaled(done),
            unit.scaled(total),
            unit.symbol()
        ),
    }
}

/// "12 of 40 files · 3.1 of 9.0 MB".
pub fn progress(progress: &Progress) -> String {
    format!(
        "{} of {} · {}",
        thousands(progress.files_done),
        count(progress.files_total, "file", "files"),
        bytes_of(progress.bytes_done, progress.bytes_total)
    )
}

/// How far along a load is, 0 to 1: by bytes, or by files when all files are empty.
pub fn progress_fraction(progress: &Progress) -> f64 {
    let (done, total) = if progress.bytes_total > 0 {
        (progress.bytes_done, progress.bytes_total)
    } else {
        (progress.files_done, progress.files_total)
    };
    if total == 0 {
        0.0
    } else {
        (done as f64 / total as f64).clamp(0.0, 1.0)
    }
}

/// "N files · E events · D duplicates dropped · X files with errors".
pub fn totals(totals: &Totals) -> String {
    [
        count(totals.files, "file", "files"),
        count(totals.events, "event", "events"),
        format!(
            "{} dropped",
            count(totals.duplicates_dropped, "duplicate", "duplicates")
        ),
        format!(
            "{} with errors",
            count(totals.files_with_errors, "file", "files")
        ),
    ]
    .join(" · ")
}

/// "340 ms", "1.2 s", "2 min 5 s".
pub fn elapsed(ms: f64) -> String {
    let ms = ms.max(0.0);
    if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else if ms < 60_000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else {
        let secs = (ms / 1000.0).round() as u64;
        format!("{} min {} s", secs / 60, secs % 60)
    }
}

/// A file's time range for the table, to the minute, in UTC:
/// "2026-01-02 03:04–09:15 UTC" within a day, "2026-01-02 03:04 – 2026-01-05 09:15 UTC" across
/// days, "—" without events.
pub fn time_range(first: Option<&str>, last: Option<&str>) -> String {
    let (first, last) = match (first, last) {
        (Some(first), Some(last)) => (minute(first), minute(last)),
        (Some(only), None) | (None, Some(only)) => (minute(only), minute(only)),
        (None, None) => return "—".to_string(),
    };
    if first == last {
        return format!("{first} UTC");
    }
    match (first.split_once(' '), last.split_once(' ')) {
        (Some((first_day, _)), Some((last_day, last_time))) if first_day == last_day => {
            format!("{first}–{last_time} UTC")
        }
        _ => format!("{first} – {last} UTC"),
    }
}

/// "2026-01-02T03:04:05Z" → "2026-01-02 03:04". Other text is returned as it is.
fn minute(iso: &str) -> String {
    let bytes = iso.as_bytes();
    if iso.len() >= 16 && iso.is_char_boundary(16) && bytes[10] == b'T' {
        format!("{} {}", &iso[..10], &iso[11..16])
    } else {
        iso.to_string()
    }
}

/// The Kind column: the core's summary ("CloudTrail log: 1,000 events"), or for a file that
/// failed only what it was taken for (the Status column says why it failed).
pub fn kind(report: &FileReport) -> String {
    match report.status {
        FileStatus::Error => report.kind.label().to_string(),
        FileStatus::Ok | FileStatus::Warning => report.summary.clone(),
    }
}

/// The Status column: "ok", "1 record skipped: <first warning>", or the error message.
pub fn status(report: &FileReport) -> String {
    match report.status {
        FileStatus::Ok => "ok".to_string(),
        FileStatus::Warning => {
            let skipped = format!(
                "{} skipped",
                count(report.records_skipped, "record", "records")
            );
            match report.warnings.first() {
                Some(first) => format!("{skipped}: {}", without_skipped(first)),
                None => skipped,
            }
        }
        FileStatus::Error => report
            .message
            .clone()
            .filter(|message| !message.is_empty())
            .unwrap_or_else(|| report.summary.clone()),
    }
}

/// The core writes each warning as "record 2 skipped: why"; after "1 record skipped: " that reads
/// better as "record 2: why".
fn without_skipped(warning: &str) -> String {
    match warning.split_once(" skipped: ") {
        Some((record, why)) if record.starts_with("record ") => format!("{record}: {why}"),
        _ => warning.to_string(),
    }
}

/// The `data-status` value of a file row.
pub fn status_key(status: FileStatus) -> &'static str {
    match status {
        FileStatus::Ok => "ok",
        FileStatus::Warning => "warning",
        FileStatus::Error => "error",
    }
}

/// The Records column: "1,000", or "—" for a file that was not loaded.
pub fn records(report: &FileReport) -> String {
    match report.status {
        FileStatus::Error => "—".to_string(),
        FileStatus::Ok | FileStatus::Warning => thousands(report.records),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    Bytes,
    Kilo,
    Mega,
    Giga,
}

impl Unit {
    fn for_bytes(n: u64) -> Unit {
        match n {
            0..1_000 => Unit::Bytes,
            1_000..1_000_000 => Unit::Kilo,
            1_000_000..1_000_000_000 => Unit::Mega,
            _ => Unit::Giga,
        }
    }

    fn divisor(self) -> f64 {
        match self {
            Unit::Bytes => 1.0,
            Unit::Kilo => 1e3,
            Unit::Mega => 1e6,
            Unit::Giga => 1e9,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Unit::Bytes => "bytes",
            Unit::Kilo => "kB",
            Unit::Mega => "MB",
            Unit::Giga => "GB",
        }
    }

    fn scaled(self, n: u64) -> String {
        format!("{:.1}", n as f64 / self.divisor())
    }
}

#[cfg(test)]
mod tests {
    // In wasm32 the tests run under wasm-bindgen-test (in Node: no DOM needed).
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(bytes(0), "0 bytes");
        assert_eq!(bytes(1), "1 byte");
        assert_eq!(bytes(999), "999 bytes");
        assert_eq!(bytes(1_234), "1.2 kB");
        assert_eq!(bytes(3_100_000), "3.1 MB");
        assert_eq!(bytes(2_500_000_000), "2.5 GB");
    }

    #[test]
    fn progress_uses_the_unit_of_the_total() {
        let p = Progress {
            files_done: 12,
            files_total: 40,
            bytes_done: 3_100_000,
            bytes_total: 9_000_000,
        };
        assert_eq!(progress(&p), "12 of 40 files · 3.1 of 9.0 MB");
        assert_eq!(bytes_of(0, 500), "0 of 500 bytes");
        assert_eq!(progress_fraction(&p), 3.1 / 9.0);
        assert_eq!(progress_fraction(&Progress::default()), 0.0);
    }

    #[test]
    fn totals_line() {
        let t = Totals {
            files: 1,
            events: 1_000,
            duplicates_dropped: 3,
            files_with_errors: 2,
            ..Totals::default()
        };
        assert_eq!(
            totals(&t),
            "1 file · 1,000 events · 3 duplicates dropped · 2 files with errors"
        );
    }

    #[test]
    fn time_ranges_are_short() {
        assert_eq!(time_range(None, None), "—");
        assert_eq!(
            time_range(Some("2026-01-02T03:04:05Z"), Some("2026-01-02T03:04:59Z")),
            "2026-01-02 03:04 UTC"
        );
        assert_eq!(
            time_range(Some("2026-01-02T03:04:05Z"), Some("2026-01-02T09:15:00Z")),
            "2026-01-02 03:04–09:15 UTC"
        );
        assert_eq!(
            time_range(
                Some("2026-01-02T03:04:05Z"),
                Some("2026-01-05T09:15:00.250Z")
            ),
            "2026-01-02 03:04 – 2026-01-05 09:15 UTC"
        );
    }

    #[test]
    fn warning_status_names_the_first_record() {
        let report = FileReport {
            name: "warn.json".into(),
            size_bytes: 10,
            sha256: None,
            gzip: false,
            uncompressed_bytes: 10,
            kind: ddb_lens_core::FileKind::CloudTrailLog,
            summary: "CloudTrail log: 3 events (1 skipped)".into(),
            records: 3,
            events_added: 2,
            duplicates: 0,
            records_skipped: 1,
            time_first: None,
            time_last: None,
            status: FileStatus::Warning,
            message: None,
            warnings: vec!["record 2 skipped: null".into()],
        };
        assert_eq!(status(&report), "1 record skipped: record 2: null");
        assert_eq!(kind(&report), "CloudTrail log: 3 events (1 skipped)");
    }

    #[test]
    fn elapsed_times() {
        assert_eq!(elapsed(340.4), "340 ms");
        assert_eq!(elapsed(1_234.0), "1.2 s");
        assert_eq!(elapsed(125_000.0), "2 min 5 s");
    }
}
