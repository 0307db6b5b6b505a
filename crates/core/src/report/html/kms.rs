//! Practice 2: the KMS key usage behind table encryption, and what the logs can see of each
//! table's data plane.

use crate::analysis::kms::{KeyKind, KmsUsage};
use crate::analysis::visibility::{DataVisibility, TrailEffect, Visibility};
use crate::ingest::thousands;
use crate::report::html::{number, text, time, Cell, Html, Table};
use crate::report::Report;
use crate::rules::EventRef;
use crate::time::{format_iso_ms, span_label};

pub fn render(report: &Report, out: &mut Html) {
    out.based_on(
        "Based on kms.amazonaws.com CloudTrail events whose encryption context names a DynamoDB table, on DynamoDB and CloudTrail events for data-plane visibility and trail changes, and on KMS describe-key and list-aliases for the kind of each key. Not narrowed by the report's filters.",
    );
    let usage = &report.kms.usage;
    let seen = &report.kms.visibility;
    if usage.tables.is_empty() && usage.keys.is_empty() && seen.tables.is_empty() {
        out.no_data(
            report,
            "kms",
            "no loaded event or export names a DynamoDB table",
        );
        return;
    }
    out.figures(&[
        ("KMS events naming a table", thousands(usage.events)),
        (
            "Tables with KMS events",
            thousands(usage.tables.iter().filter(|t| t.events > 0).count() as u64),
        ),
        ("Keys protecting tables", thousands(usage.keys.len() as u64)),
        (
            "Key lifecycle events",
            thousands(usage.lifecycle.len() as u64),
        ),
        ("Tables without data events", thousands(seen.tables_flagged)),
        (
            "Trail changes dropping data events",
            thousands(seen.trail_changes_dropping),
        ),
    ]);
    out.note(&format!("{} ({})", usage.note, usage.note_reference));
    key_usage(usage, out);
    protecting_keys(usage, out);
    lifecycle(report, usage, out);
    visibility(seen, out);
    trail_changes(report, seen, out);
}

/// A key's kind, and under it how it is known.
fn kind_cell(kind: KeyKind, evidence: &str) -> Cell {
    let class = match kind {
        KeyKind::AwsOwned | KeyKind::Unknown => "status-warning",
        _ => "",
    };
    Cell::Detailed {
        text: kind.label().to_string(),
        class,
        detail: evidence.to_string(),
    }
}

fn key_usage(usage: &KmsUsage, out: &mut Html) {
    out.raw("<h3>Keys per table</h3>\n");
    let rows = usage
        .tables
        .iter()
        .map(|t| {
            vec![
                Cell::Code(t.table.clone()),
                kind_cell(t.kind, &t.kind_evidence),
                Cell::CodeLines(
                    t.keys
                        .iter()
                        .map(|k| {
                            if k.key.is_empty() {
                                "(no key named)".to_string()
                            } else {
                                k.key.clone()
                            }
                        })
                        .collect(),
                ),
                Cell::Count(t.events),
                Cell::Count(t.correlated_events),
                Cell::TimeRange(t.first_ms, t.last_ms),
            ]
        })
        .collect();
    out.table(&Table {
        id: "kms-tables",
        caption: "Tables and the KMS keys their encryption uses",
        columns: &[
            text("Table"),
            text("Key kind, and how it is known"),
            text("Keys its KMS events name"),
            number("KMS events"),
            number("Correlated"),
            time("KMS events (UTC)"),
        ],
        rows,
    });

    let rows = usage
        .tables
        .iter()
        .flat_map(|t| {
            t.operations.iter().map(|op| {
                vec![
                    Cell::Code(t.table.clone()),
                    Cell::Text(op.operation.clone()),
                    Cell::Count(op.events),
                    Cell::Count(op.buckets.len() as u64),
                    Cell::TimeRange(Some(op.first_ms), Some(op.last_ms)),
                ]
            })
        })
        .collect();
    let caption = format!(
        "KMS operations per table (buckets of {} with at least one call)",
        usage.bucket_label
    );
    out.table(&Table {
        id: "kms-operations",
        caption: &caption,
        columns: &[
            text("Table"),
            text("Operation"),
            number("Events"),
            number("Active buckets"),
            time("First to last (UTC)"),
        ],
        rows,
    });

    let rows = usage
        .tables
        .iter()
        .flat_map(|t| {
            t.callers.iter().map(|c| {
                let source = if c.correlated {
                    let apart = match (c.time_difference_ms_min, c.time_difference_ms_max) {
                        (Some(min), Some(max)) if min == max => format!(", {} apart", seconds(min)),
                        (Some(min), Some(max)) => {
                            format!(", {} to {} apart", seconds(min), seconds(max))
                        }
                        _ => String::new(),
                    };
                    Cell::Detailed {
                        text: c.source_ip.clone(),
                        class: "",
                        detail: format!(
                            "from the caller's DynamoDB request (KMS recorded {}){apart}",
                            c.recorded_source
                        ),
                    }
                } else {
                    Cell::Detailed {
                        text: c.source_ip.clone(),
                        class: "",
                        detail: "as recorded".to_string(),
                    }
                };
                vec![
                    Cell::Code(t.table.clone()),
                    Cell::CodeLines(vec![c.principal.clone()]),
                    Cell::Text(if c.invoked_by.is_empty() {
                        c.identity_type.clone()
                    } else {
                        format!("{} via {}", c.identity_type, c.invoked_by)
                    }),
                    source,
                    Cell::Lines(
                        c.operations
                            .iter()
                            .map(|o| format!("{}: {}", o.name, thousands(o.count)))
                            .collect(),
                    ),
                    Cell::Count(c.events),
                    Cell::TimeRange(Some(c.first_ms), Some(c.last_ms)),
                ]
            })
        })
        .collect();
    let caption = format!(
        "Who used each table's key, and from where (KMS calls DynamoDB makes for a caller are paired with the caller's DynamoDB request within {})",
        span_label(usage.correlation_bound_ms)
    );
    out.table(&Table {
        id: "kms-callers",
        caption: &caption,
        columns: &[
            text("Table"),
            text("Principal"),
            text("Identity"),
            text("Source IP"),
            text("Operations"),
            number("Events"),
            time("First to last (UTC)"),
        ],
        rows,
    });
}

/// A time difference in seconds, to the tenth: "86.0 s".
fn seconds(ms: i64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

fn protecting_keys(usage: &KmsUsage, out: &mut Html) {
    out.raw("<h3>Keys that protect tables</h3>\n");
    let rows = usage
        .keys
        .iter()
        .map(|k| {
            let mut upkeep: Vec<String> = k
                .dynamodb_grant_upkeep
                .iter()
                .map(|r| {
                    format!(
                        "{} by {}: {}",
                        r.operation,
                        r.principal,
                        thousands(r.events)
                    )
                })
                .collect();
            upkeep.extend(
                k.unattributed
                    .iter()
                    .map(|c| format!("{} naming no table: {}", c.name, thousands(c.count))),
            );
            vec![
                Cell::CodeLines(
                    std::iter::once(k.key.clone())
                        .chain(k.aliases.iter().cloned())
                        .collect(),
                ),
                kind_cell(k.kind, &k.kind_evidence),
                Cell::Ids(k.tables.clone()),
                Cell::Count(k.events),
                Cell::Lines(upkeep),
                Cell::Count(k.lifecycle_events),
                Cell::TimeRange(k.first_ms, k.last_ms),
            ]
        })
        .collect();
    out.table(&Table {
        id: "kms-keys",
        caption: "Keys that protect tables (key, then its aliases)",
        columns: &[
            text("Key"),
            text("Kind, and how it is known"),
            text("Tables"),
            number("KMS events"),
            text("DynamoDB's routine calls"),
            number("Lifecycle events"),
            time("First to last (UTC)"),
        ],
        rows,
    });
}

/// An event reference as its file and record number.
fn evidence(report: &Report, event: &EventRef) -> Cell {
    Cell::CodeLines(vec![
        report.kms.file(event).to_string(),
        format!("record {}", u64::from(event.record_index) + 1),
    ])
}

fn lifecycle(report: &Report, usage: &KmsUsage, out: &mut Html) {
    out.raw("<h3>Key lifecycle</h3>\n");
    let rows = usage
        .lifecycle
        .iter()
        .map(|e| {
            let keys = e
                .keys
                .iter()
                .map(|k| {
                    if k.note.is_empty() {
                        k.key.clone()
                    } else {
                        format!("{} ({})", k.key, k.note)
                    }
                })
                .collect();
            let outcome = if e.error_code.is_empty() {
                Cell::Status {
                    text: "succeeded".to_string(),
                    class: "",
                }
            } else {
                Cell::Status {
                    text: format!("failed: {}", e.error_code),
                    class: "status-warning",
                }
            };
            vec![
                Cell::Time(Some(e.time_ms)),
                Cell::Text(e.event_name.clone()),
                Cell::Lines(keys),
                Cell::Ids(e.tables.clone()),
                Cell::CodeLines(vec![e.principal.clone()]),
                Cell::Code(e.source_ip.clone()),
                outcome,
                Cell::Lines(
                    e.fields
                        .iter()
                        .map(|f| format!("{}: {}", f.name, f.value))
                        .collect(),
                ),
                evidence(report, &e.evidence),
            ]
        })
        .collect();
    out.table(&Table {
        id: "kms-lifecycle",
        caption: "Changes to the keys that protect tables, oldest first (DynamoDB's successful grant upkeep is counted above instead)",
        columns: &[
            time("Time (UTC)"),
            text("Event"),
            text("Keys"),
            text("Tables"),
            text("Principal"),
            text("Source IP"),
            text("Outcome"),
            text("Request"),
            text("Evidence"),
        ],
        rows,
    });
}

fn visibility(seen: &Visibility, out: &mut Html) {
    out.raw("<h3>Data-plane visibility</h3>\n");
    match &seen.logs {
        Some(window) => out.para(&format!(
            "CloudTrail logs DynamoDB's data plane (GetItem, PutItem, Query, ...) only when a trail's event selectors ask for it. The loaded logs run from {} to {}; each table is read against the logs of the accounts and regions its events come from.",
            format_iso_ms(window.first_ms),
            format_iso_ms(window.last_ms)
        )),
        None => out.para("No CloudTrail event is loaded: no table's data plane can be seen."),
    }
    let rows = seen
        .tables
        .iter()
        .map(|t| {
            let class = match t.status {
                DataVisibility::DataEvents => "status-ok",
                DataVisibility::ControlPlaneOnly => "status-warning",
                DataVisibility::OtherEventsOnly | DataVisibility::NoEvents => "",
            };
            let notes: Vec<&str> = t
                .flag
                .iter()
                .chain(t.note.iter())
                .map(String::as_str)
                .collect();
            vec![
                Cell::Code(t.table.clone()),
                Cell::Detailed {
                    text: t.status.label().to_string(),
                    class,
                    detail: notes.join(" "),
                },
                Cell::Count(t.control_plane_events),
                Cell::Count(t.data_read_events),
                Cell::Count(t.data_write_events),
                Cell::Count(t.streams_events),
                Cell::Count(t.kms_events),
                Cell::TimeRange(t.first_data_event_ms, t.last_data_event_ms),
                Cell::Lines(t.log_windows.iter().map(|w| w.label.clone()).collect()),
            ]
        })
        .collect();
    out.table(&Table {
        id: "kms-visibility",
        caption: "What the loaded logs show of each table",
        columns: &[
            text("Table"),
            text("Visibility, and what it means"),
            number("Control"),
            number("Reads"),
            number("Writes"),
            number("Streams"),
            number("KMS"),
            time("Data events (UTC)"),
            text("Logs read"),
        ],
        rows,
    });
}

fn trail_changes(report: &Report, seen: &Visibility, out: &mut Html) {
    out.raw("<h3>Trail changes</h3>\n");
    let rows = seen
        .trail_changes
        .iter()
        .map(|c| {
            let mut drops = Vec::new();
            if c.drops_dynamodb_data_events {
                drops.push("DynamoDB data events");
            }
            if c.drops_management_events {
                drops.push("management events");
            }
            if c.excludes_kms_events {
                drops.push("KMS events");
            }
            let dropped = if drops.is_empty() {
                Cell::Text(if c.effect == TrailEffect::Failed {
                    "nothing (failed)".to_string()
                } else {
                    "nothing".to_string()
                })
            } else {
                Cell::Status {
                    text: drops.join(", "),
                    class: "status-error",
                }
            };
            let scope = match (c.account.is_empty(), c.region.is_empty()) {
                (false, false) => format!("{} {}", c.account, c.region),
                (false, true) => c.account.clone(),
                (true, false) => c.region.clone(),
                (true, true) => "-".to_string(),
            };
            vec![
                Cell::Time(Some(c.time_ms)),
                Cell::Text(c.event_name.clone()),
                Cell::CodeLines(vec![c.trail.clone()]),
                Cell::Text(scope),
                Cell::CodeLines(vec![c.principal.clone()]),
                dropped,
                Cell::Text(c.description.clone()),
                Cell::Lines(c.selectors.iter().map(|s| s.description.clone()).collect()),
                evidence(report, &c.evidence),
            ]
        })
        .collect();
    out.table(&Table {
        id: "kms-trail-changes",
        caption: "Changes to what the trails log, oldest first",
        columns: &[
            time("Time (UTC)"),
            text("Event"),
            text("Trail"),
            text("Account and region"),
            text("Principal"),
            text("Stops logging"),
            text("What it did"),
            text("DynamoDB data selectors after"),
            text("Evidence"),
        ],
        rows,
    });
}
