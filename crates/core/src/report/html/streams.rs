//! Practice 3: DynamoDB Streams, the Lambda triggers that read them, and how both changed.

use crate::analysis::streams::{ChangeOrigin, Consumer, StreamChangeKind, StreamStatus, Trigger};
use crate::analysis::table_state::Evidence;
use crate::ingest::thousands;
use crate::report::html::{number, text, time, Cell, Html, Table};
use crate::report::Report;

pub fn render(report: &Report, out: &mut Html) {
    out.based_on(
        "Based on each table's latest describe-table or AWS Config item for its stream, Lambda list-event-source-mappings for the triggers that read it, and AWS Config items and CloudTrail calls for the changes.",
    );
    let streams = &report.streams;
    if streams.tables.is_empty() && streams.other_triggers.is_empty() {
        out.no_data(report, "streams", "no loaded export describes a table");
        return;
    }
    let totals = &streams.totals;
    out.figures(&[
        ("Tables", thousands(totals.tables)),
        ("Stream on", thousands(totals.stream_on)),
        ("Stream off", thousands(totals.stream_off)),
        ("Stream unknown", thousands(totals.stream_unknown)),
        ("With an active trigger", thousands(totals.consumer_active)),
        ("Provably without one", thousands(totals.consumer_none)),
        ("Consumer unknown", thousands(totals.consumer_unknown)),
        ("Lambda triggers", thousands(totals.triggers)),
        (
            "Triggers with problems",
            thousands(totals.triggers_with_problems),
        ),
    ]);
    out.note(
        "Only Lambda triggers appear in the exports: a consumer using the Kinesis adapter or calling GetRecords itself is invisible here, so \"no consumer\" means no Lambda trigger.",
    );

    out.raw("<h3>Streams per table</h3>\n");
    let rows = streams
        .tables
        .iter()
        .map(|t| {
            let stream = match t.stream {
                StreamStatus::On => Cell::Status {
                    text: "on".to_string(),
                    class: "status-ok",
                },
                StreamStatus::Off => Cell::Text("off".to_string()),
                StreamStatus::Unknown => Cell::Status {
                    text: "unknown".to_string(),
                    class: "status-warning",
                },
            };
            let (consumer, class) = match t.consumer {
                Consumer::Active => ("active trigger", "status-ok"),
                Consumer::None => ("none", "status-error"),
                Consumer::Unknown => ("unknown", "status-warning"),
                Consumer::NotApplicable => ("-", ""),
            };
            let consumer = Cell::Detailed {
                text: consumer.to_string(),
                class,
                detail: t.consumer_reason.clone(),
            };
            let mut table = t.table.label();
            if t.deleted {
                table.push_str(" (deleted)");
            }
            vec![
                Cell::Code(table),
                stream,
                Cell::Text(t.view_type.clone().unwrap_or_default()),
                Cell::Code(t.stream_label.clone().unwrap_or_default()),
                Cell::Lines(t.triggers.iter().map(trigger_line).collect()),
                consumer,
                evidence_cell(t.stream_evidence.iter().chain(t.consumer_evidence.iter())),
            ]
        })
        .collect();
    out.table(&Table {
        id: "streams-tables",
        caption: "Each table's stream and who reads it",
        columns: &[
            text("Table"),
            text("Stream"),
            text("View type"),
            text("Stream label"),
            text("Lambda triggers"),
            text("Consumer, and why"),
            text("Evidence"),
        ],
        rows,
    });

    out.raw("<h3>Lambda triggers</h3>\n");
    let rows = streams
        .tables
        .iter()
        .flat_map(|t| t.triggers.iter().map(move |tr| (t.table.label(), tr)))
        .chain(
            streams
                .other_triggers
                .iter()
                .map(|tr| ("(no export describes its table)".to_string(), tr)),
        )
        .map(|(table, tr)| trigger_row(table, tr))
        .collect();
    out.table(&Table {
        id: "streams-triggers",
        caption: "Lambda event source mappings on DynamoDB streams",
        columns: &[
            text("Table"),
            text("Function"),
            text("State"),
            text("Current stream"),
            number("Batch size"),
            text("Last processing result"),
            time("Last modified (UTC)"),
            text("Stream ARN"),
            text("Evidence"),
        ],
        rows,
    });

    out.raw("<h3>Stream and trigger changes</h3>\n");
    let rows = streams
        .changes
        .iter()
        .map(|c| {
            let class = match c.kind {
                StreamChangeKind::StreamOff | StreamChangeKind::TriggerDeleted => "status-warning",
                _ => "",
            };
            vec![
                Cell::Time(c.time_ms),
                Cell::Code(c.table.label()),
                Cell::Status {
                    text: kind_label(c.kind).to_string(),
                    class,
                },
                Cell::Text(c.sentence.clone()),
                Cell::CodeLines(c.actor.iter().cloned().collect()),
                Cell::Text(match c.origin {
                    ChangeOrigin::ConfigItem => "AWS Config item".to_string(),
                    ChangeOrigin::CloudTrail => {
                        format!("CloudTrail {}", c.event_name.as_deref().unwrap_or_default())
                    }
                }),
                evidence_cell(std::iter::once(&c.evidence)),
            ]
        })
        .collect();
    out.table(&Table {
        id: "streams-changes",
        caption: "Changes to streams and their triggers, oldest first (undated Config items last)",
        columns: &[
            time("Time (UTC)"),
            text("Table"),
            text("Change"),
            text("What changed"),
            text("By"),
            text("Seen in"),
            text("Evidence"),
        ],
        rows,
    });
}

fn kind_label(kind: StreamChangeKind) -> &'static str {
    match kind {
        StreamChangeKind::StreamOn => "stream on",
        StreamChangeKind::StreamOff => "stream off",
        StreamChangeKind::ViewTypeChanged => "view type changed",
        StreamChangeKind::StreamReplaced => "stream replaced",
        StreamChangeKind::TriggerCreated => "trigger created",
        StreamChangeKind::TriggerUpdated => "trigger updated",
        StreamChangeKind::TriggerDeleted => "trigger deleted",
    }
}

fn trigger_line(t: &Trigger) -> String {
    let state = t.state.as_deref().unwrap_or("state unknown");
    let old = if t.on_current_stream == Some(false) {
        ", on an old stream"
    } else {
        ""
    };
    format!("{} ({state}{old})", t.function_name)
}

fn trigger_row(table: String, t: &Trigger) -> Vec<Cell> {
    let state = t.state.clone().unwrap_or_else(|| "unknown".to_string());
    let result = t.last_processing_result.clone().unwrap_or_default();
    vec![
        Cell::Code(table),
        Cell::Code(t.function_name.clone()),
        Cell::Status {
            text: state,
            class: if t.active {
                "status-ok"
            } else {
                "status-warning"
            },
        },
        match t.on_current_stream {
            Some(true) => Cell::Text("yes".to_string()),
            Some(false) => Cell::Status {
                text: "no: an old stream".to_string(),
                class: "status-error",
            },
            None => Cell::Text("unknown".to_string()),
        },
        match t.batch_size {
            Some(n) => Cell::Count(n),
            None => Cell::Text("-".to_string()),
        },
        Cell::Status {
            text: result,
            class: if t.problem { "status-error" } else { "" },
        },
        Cell::Time(t.last_modified_ms),
        Cell::CodeLines(vec![t.stream_arn.clone()]),
        evidence_cell(std::iter::once(&t.evidence)),
    ]
}

/// Evidence records as their file names (the first sorts the column).
pub fn evidence_cell<'a>(evidence: impl Iterator<Item = &'a Evidence>) -> Cell {
    let mut files: Vec<String> = evidence.map(|e| e.file.clone()).collect();
    files.dedup();
    Cell::CodeLines(files)
}
