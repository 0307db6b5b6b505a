//! The report as CSV files for spreadsheets and ticket systems: findings and their evidence
//! events, compliance results, the table inventory, tag coverage and the input files.
//!
//! Format: RFC 4180 (fields with a comma, quote, CR or LF are quoted, quotes doubled), UTF-8
//! without a byte-order mark, `\r\n` line ends, a header row always (also for a section with
//! no data). Against formula injection, a cell that begins with `=`, `+`, `-`, `@`, a tab or a
//! carriage return gets a leading `'` (OWASP's advice), so a spreadsheet shows it as text;
//! strip one leading `'` from such cells to get the original back.

use std::borrow::Cow;

use crate::analysis::compliance::Agreement;
use crate::analysis::inventory::Sourced;
use crate::analysis::tags::Cell as TagCell;
use crate::ingest::FileStatus;
use crate::report::Report;
use crate::time::format_iso_ms;

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
    ("evidence.csv", evidence),
    ("compliance.csv", compliance),
    ("kms.csv", kms),
    ("streams.csv", streams),
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
    let rows = report
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let rule = report.rules.iter().find(|r| r.id == f.rule_id);
            vec![
                (i + 1).to_string(),
                f.rule_id.clone(),
                f.severity.label().to_ascii_lowercase(),
                f.title.clone(),
                rule.and_then(|r| r.technique.as_ref())
                    .map(|t| t.id.clone())
                    .unwrap_or_default(),
                f.count.to_string(),
                format_iso_ms(f.first_seen_ms),
                format_iso_ms(f.last_seen_ms),
                f.accounts.join("\n"),
                f.regions.join("\n"),
                f.tables.join("\n"),
                f.principals.join("\n"),
                f.resources.join("\n"),
                f.summary.clone(),
                rule.map(|r| r.remediation.clone()).unwrap_or_default(),
            ]
        })
        .collect();
    CsvTable {
        header: &[
            "finding",
            "rule_id",
            "severity",
            "title",
            "technique",
            "count",
            "first_seen",
            "last_seen",
            "accounts",
            "regions",
            "tables",
            "principals",
            "resources",
            "summary",
            "remediation",
        ],
        rows,
    }
}

fn evidence(report: &Report) -> CsvTable {
    let rows = report
        .findings
        .iter()
        .enumerate()
        .flat_map(|(i, f)| {
            f.evidence.iter().map(move |e| {
                vec![
                    (i + 1).to_string(),
                    f.rule_id.clone(),
                    format_iso_ms(e.time_ms),
                    e.file.clone(),
                    (u64::from(e.record_index) + 1).to_string(),
                ]
            })
        })
        .collect();
    CsvTable {
        header: &["finding", "rule_id", "time", "file", "record"],
        rows,
    }
}

fn compliance(report: &Report) -> CsvTable {
    let c = &report.compliance;
    let rows = c
        .rows
        .iter()
        .flat_map(|row| {
            row.cells.iter().map(move |cell| {
                let control = c
                    .checks
                    .iter()
                    .find(|k| k.id == cell.check_id)
                    .and_then(|k| k.security_hub.clone())
                    .unwrap_or_default();
                let evidence = &cell.verdict.evidence;
                // One Config rule: its verdict; several: "rule: VERDICT" a line each.
                let config = match cell.config.as_slice() {
                    [one] => one.compliance.as_aws().to_string(),
                    many => many
                        .iter()
                        .map(|v| format!("{}: {}", v.rule_name, v.compliance.as_aws()))
                        .collect::<Vec<_>>()
                        .join("\n"),
                };
                let disagreement = match cell.agreement {
                    Agreement::Disagree => "yes",
                    Agreement::Agree => "no",
                    _ => "",
                };
                vec![
                    row.table.name.clone(),
                    row.table.account.clone(),
                    row.table.region.clone(),
                    cell.check_id.clone(),
                    control,
                    cell.verdict.status.label().to_string(),
                    cell.verdict.reason.clone(),
                    evidence
                        .iter()
                        .map(|e| e.file.as_str())
                        .collect::<Vec<_>>()
                        .join("\n"),
                    evidence
                        .iter()
                        .map(|e| e.at_ms.map(format_iso_ms).unwrap_or_default())
                        .collect::<Vec<_>>()
                        .join("\n"),
                    config,
                    disagreement.to_string(),
                ]
            })
        })
        .collect();
    CsvTable {
        header: &[
            "table",
            "account",
            "region",
            "check_id",
            "control",
            "verdict",
            "reason",
            "evidence_file",
            "evidence_time",
            "config_verdict",
            "disagreement",
        ],
        rows,
    }
}

fn kms(report: &Report) -> CsvTable {
    let rows = report
        .kms
        .usage
        .tables
        .iter()
        .flat_map(|t| {
            let keys = t
                .keys
                .iter()
                .map(|k| k.key.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            t.operations.iter().map(move |op| {
                vec![
                    t.table.clone(),
                    t.kind.label().to_string(),
                    keys.clone(),
                    op.operation.clone(),
                    op.events.to_string(),
                    format_iso_ms(op.first_ms),
                    format_iso_ms(op.last_ms),
                ]
            })
        })
        .collect();
    CsvTable {
        header: &[
            "table",
            "key_kind",
            "keys",
            "operation",
            "count",
            "first_seen",
            "last_seen",
        ],
        rows,
    }
}

fn streams(report: &Report) -> CsvTable {
    let rows = report
        .streams
        .tables
        .iter()
        .map(|t| {
            vec![
                t.table.account.clone(),
                t.table.region.clone(),
                t.table.name.clone(),
                snake(t.stream),
                t.view_type.clone().unwrap_or_default(),
                t.stream_arn.clone().unwrap_or_default(),
                t.triggers
                    .iter()
                    .map(|tr| {
                        format!(
                            "{} ({})",
                            tr.function_arn,
                            tr.state.as_deref().unwrap_or("state unknown")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
                snake(t.consumer),
                t.consumer_reason.clone(),
            ]
        })
        .collect();
    CsvTable {
        header: &[
            "account",
            "region",
            "table",
            "stream",
            "view_type",
            "stream_arn",
            "triggers",
            "consumer",
            "consumer_reason",
        ],
        rows,
    }
}

fn tables(report: &Report) -> CsvTable {
    fn value<T>(field: &Option<Sourced<T>>, show: impl Fn(&T) -> String) -> String {
        field.as_ref().map(|s| show(&s.value)).unwrap_or_default()
    }
    let flag = |b: &bool| b.to_string();
    let rows = report
        .tables
        .iter()
        .map(|t| {
            vec![
                t.account.clone(),
                t.region.clone(),
                t.name.clone(),
                value(&t.arn, String::clone),
                value(&t.status, String::clone),
                value(&t.billing_mode, String::clone),
                value(&t.encryption, |e| snake(e.kind)),
                value(&t.encryption, |e| e.key_arn.clone().unwrap_or_default()),
                value(&t.pitr, flag),
                value(&t.deletion_protection, flag),
                value(&t.stream, |s| s.enabled.to_string()),
                value(&t.stream, |s| s.view_type.clone().unwrap_or_default()),
                value(&t.ttl, |s| s.status.clone()),
                value(&t.ttl, |s| s.attribute.clone().unwrap_or_default()),
                value(&t.backup, |b| b.protected.to_string()),
                value(&t.tags, |tags| {
                    tags.iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                }),
                t.cloudtrail_events.to_string(),
                t.config_items.to_string(),
                t.sources
                    .iter()
                    .map(|s| s.file.as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
            ]
        })
        .collect();
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
            "ttl_attribute",
            "backup_protected",
            "tags",
            "cloudtrail_events",
            "config_items",
            "sources",
        ],
        rows,
    }
}

fn tag_coverage(report: &Report) -> CsvTable {
    let coverage = &report.tags.coverage;
    let mut rows = Vec::new();
    for row in &coverage.rows {
        for (required, cell) in coverage.policy.keys.iter().zip(&row.cells) {
            let (state, found_key, value) = match cell {
                TagCell::AllowedValue { value } => {
                    ("allowed_value", required.key.as_str(), value.as_str())
                }
                TagCell::OtherValue { value } => {
                    ("other_value", required.key.as_str(), value.as_str())
                }
                TagCell::NearMiss { found_key, value } => {
                    ("near_miss", found_key.as_str(), value.as_str())
                }
                TagCell::Missing => ("missing", "", ""),
            };
            rows.push(vec![
                row.account.clone(),
                row.region.clone(),
                row.name.clone(),
                required.key.clone(),
                state.to_string(),
                found_key.to_string(),
                value.to_string(),
            ]);
        }
    }
    CsvTable {
        header: &[
            "account",
            "region",
            "table",
            "key",
            "state",
            "found_key",
            "value",
        ],
        rows,
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
    snake(kind)
}

/// A unit enum value as the JSON writes it (`cloud_trail_log`, `aws_owned`).
fn snake(value: impl serde::Serialize) -> String {
    serde_json::to_value(value)
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
                "evidence.csv",
                "compliance.csv",
                "kms.csv",
                "streams.csv",
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
