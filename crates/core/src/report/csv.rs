//! The report as CSV files for spreadsheets and ticket systems: findings, compliance results,
//! the table inventory, tag coverage and the input files.
//!
//! Format: RFC 4180 (fields with a comma, quote, CR or LF are quoted, quotes doubled), UTF-8
//! without a byte-order mark, `\r\n` line ends, a header row always (also for a section with
//! no data). Against formula injection, a cell that begins with `=`, `+`, `-`, `@`, a tab or a
//! carriage return gets a leading `'` (OWASP's advice), so a spreadsheet shows it as text;
//! strip one leading `'` from such cells to get the original back.

use std::borrow::Cow;

use crate::ingest::FileStatus;
use crate::report::Report;

/// One CSV file: its header and rows.
struct CsvTable {
    header: &'static [&'static str],
    rows: Vec<Vec<String>>,
}

/// How a CSV file's header and rows are made from the report.
type MakeTable = fn(&Report) -> CsvTable;

/// The files, in the order they are written. A CSV file is a line here and its rows function.
const FILES: &[(&str, MakeTable)] = &[
    ("findings.csv", findings),
    ("compliance.csv", compliance),
    ("tables.csv", tables),
    ("tag-coverage.csv", tag_coverage),
    ("inputs.csv", inputs),
];

/// Every CSV file of the report: `(file name, content)`.
pub fn write_all(report: &Report) -> Vec<(String, String)> {
    FILES
        .iter()
        .map(|(name, rows)| (name.to_string(), write(&rows(report))))
        .collect()
}

fn write(table: &CsvTable) -> String {
    let mut out = String::new();
    let header: Vec<String> = table.header.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&header).chain(&table.rows) {
        let cells: Vec<Cow<str>> = row.iter().map(|c| cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// One cell: neutralised against formula injection, then quoted as RFC 4180 asks.
pub fn cell(text: &str) -> Cow<'_, str> {
    let neutral: Cow<str> = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    };
    if neutral.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", neutral.replace('"', "\"\"")))
    } else {
        neutral
    }
}

fn findings(report: &Report) -> CsvTable {
    CsvTable {
        header: &[
            "rule_id",
            "severity",
            "title",
            "count",
            "first_seen",
            "last_seen",
            "accounts",
            "regions",
            "tables",
            "principals",
            "summary",
        ],
        // filled by rules: one row per finding.
        rows: report.findings.iter().map(|f| match *f {}).collect(),
    }
}

fn compliance(report: &Report) -> CsvTable {
    // filled by analysis::compliance: one row per (rule, table, source).
    let crate::report::PendingSection {} = report.compliance;
    CsvTable {
        header: &[
            "rule",
            "control",
            "account",
            "region",
            "table",
            "source",
            "verdict",
            "reason",
            "evidence",
            "evaluated_at",
        ],
        rows: Vec::new(),
    }
}

fn tables(report: &Report) -> CsvTable {
    CsvTable {
        header: &[
            "account",
            "region",
            "table",
            "arn",
            "status",
            "billing_mode",
            "encryption",
            "kms_key",
            "pitr",
            "deletion_protection",
            "stream",
            "stream_view_type",
            "ttl",
            "tags",
            "sources",
        ],
        // filled by analysis::inventory: one row per table.
        rows: report.tables.iter().map(|t| match *t {}).collect(),
    }
}

fn tag_coverage(report: &Report) -> CsvTable {
    // filled by analysis::tags: one row per (table, required key).
    let crate::report::PendingSection {} = report.tags;
    CsvTable {
        header: &["account", "region", "table", "key", "state", "value"],
        rows: Vec::new(),
    }
}

fn inputs(report: &Report) -> CsvTable {
    let rows = report
        .inputs
        .files
        .iter()
        .map(|f| {
            vec![
                f.name.clone(),
                f.size_bytes.to_string(),
                f.sha256
                    .clone()
                    .unwrap_or_else(|| "not computed".to_string()),
                kind_name(f.kind),
                f.kind.label().to_string(),
                f.records.to_string(),
                f.events_added.to_string(),
                f.duplicates.to_string(),
                f.records_skipped.to_string(),
                f.time_first.clone().unwrap_or_default(),
                f.time_last.clone().unwrap_or_default(),
                match f.status {
                    FileStatus::Ok => "ok",
                    FileStatus::Warning => "warning",
                    FileStatus::Error => "error",
                }
                .to_string(),
                f.message.clone().unwrap_or_default(),
                f.warnings.join("\n"),
            ]
        })
        .collect();
    CsvTable {
        header: &[
            "name",
            "size_bytes",
            "sha256",
            "kind",
            "kind_label",
            "records",
            "events_added",
            "duplicates",
            "records_skipped",
            "time_first",
            "time_last",
            "status",
            "message",
            "warnings",
        ],
        rows,
    }
}

/// The kind as the JSON writes it (`cloud_trail_log`).
fn kind_name(kind: crate::ingest::FileKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_neutralised() {
        assert_eq!(cell("orders"), "orders");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-cmd"), "'-cmd");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("\rx"), "\"'\rx\"");
        assert_eq!(cell("a=b"), "a=b");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn empty_report_has_every_file_with_its_header() {
        let report = crate::report::build(
            &crate::model::Model::default(),
            &[],
            &crate::report::ReportSettings::default(),
        );
        let files = write_all(&report);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "findings.csv",
                "compliance.csv",
                "tables.csv",
                "tag-coverage.csv",
                "inputs.csv"
            ]
        );
        for (_, text) in &files {
            assert_eq!(text.matches("\r\n").count(), 1, "{text}");
        }
    }
}
