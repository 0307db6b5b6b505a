//! The evidence manifest: every input file with its hash, the settings, the version and the
//! fingerprint, so a reader can check what the report rests on and make it again.

use crate::ingest::{thousands, FileStatus};
use crate::report::html::{generic, number, text, time, Cell, Html, Table};
use crate::report::Report;
use crate::time::parse_iso_ms;

pub fn render(report: &Report, out: &mut Html) {
    let totals = &report.inputs.totals;
    out.based_on(
        "Every input file as read, with the SHA-256 of its bytes as given (before any gunzip).",
    );
    out.figures(&[
        ("Files", thousands(totals.files)),
        (
            "loaded",
            thousands(totals.files_ok + totals.files_with_warnings),
        ),
        ("with errors", thousands(totals.files_with_errors)),
        ("Bytes read", thousands(totals.bytes)),
        ("Events", thousands(totals.events)),
        ("Duplicates dropped", thousands(totals.duplicates_dropped)),
        ("Records skipped", thousands(totals.records_skipped)),
    ]);
    let rows = report
        .inputs
        .files
        .iter()
        .map(|f| {
            let (status, class) = match f.status {
                FileStatus::Ok => ("ok", "status-ok"),
                FileStatus::Warning => ("warning", "status-warning"),
                FileStatus::Error => ("error", "status-error"),
            };
            let mut problems: Vec<String> = f.message.iter().cloned().collect();
            problems.extend(f.warnings.iter().cloned());
            if f.records_skipped > f.warnings.len() as u64 {
                problems.push(format!(
                    "and {} more records skipped",
                    thousands(f.records_skipped - f.warnings.len() as u64)
                ));
            }
            vec![
                Cell::CodeLines(vec![
                    f.name.clone(),
                    match &f.sha256 {
                        Some(hash) => format!("SHA-256 {hash}"),
                        None => "SHA-256 not computed".to_string(),
                    },
                ]),
                Cell::Count(f.size_bytes),
                Cell::Text(f.summary.clone()),
                Cell::Count(f.records),
                Cell::TimeRange(
                    f.time_first.as_deref().and_then(parse_iso_ms),
                    f.time_last.as_deref().and_then(parse_iso_ms),
                ),
                Cell::Status {
                    text: status.to_string(),
                    class,
                },
                Cell::Lines(problems),
            ]
        })
        .collect();
    out.table(&Table {
        id: "manifest-files",
        caption: "Input files",
        columns: &[
            text("File and SHA-256 of its bytes"),
            number("Bytes"),
            text("Detected as"),
            number("Records"),
            time("Time covered (UTC)"),
            text("Status"),
            text("Errors and warnings"),
        ],
        rows,
    });

    out.raw("<h3>Settings</h3>\n");
    out.para("The analysis settings this report was made with (the same in the JSON report's settings, which ddb-lens report --settings reads back).");
    match serde_json::to_value(&report.settings) {
        Ok(value) => generic::value(out, &value),
        Err(err) => out.para(&format!("Settings could not be shown: {err}.")),
    }

    out.raw("<h3>This report</h3>\n");
    out.raw("<dl class=\"settings\">");
    let item = |out: &mut Html, term: &str, value: &str, code: bool| {
        out.element("dt", &[], term);
        out.raw("<dd>");
        if code {
            out.element("code", &[], value);
        } else {
            out.text(value);
        }
        out.raw("</dd>");
    };
    item(
        out,
        "Made by",
        &format!("{} {}", report.generator.name, report.generator.version),
        false,
    );
    item(out, "Schema", &report.schema, true);
    item(out, "Report time", &super::as_of(report), false);
    item(
        out,
        "Fingerprint (SHA-256)",
        &report.fingerprint_sha256,
        true,
    );
    out.raw("</dl>\n");
    out.para("The fingerprint is the SHA-256 of the compact JSON report with its fingerprint field empty (docs/report-schema.md says how to check it). The same files and settings give the same report, byte for byte.");
}
