//! Practice 4: configuration history from AWS Config, as readable diffs.

use crate::analysis::config_history::{ChangeCategory, FieldChange, RelatedEvent};
use crate::charts::config_changes::config_changes_svg;
use crate::ingest::thousands;
use crate::report::html::{number, text, time, Cell, Html, Table};
use crate::report::Report;

pub fn render(report: &Report, out: &mut Html) {
    out.based_on(
        "Based on AWS Config configuration items of DynamoDB tables (delivered history and snapshots, get-resource-config-history, notifications, select-resource-config), with the CloudTrail calls each item names in relatedEvents.",
    );
    let history = &report.config;
    if history.tables.is_empty() {
        out.no_data(
            report,
            "config",
            "no AWS Config item of a DynamoDB table is loaded",
        );
        return;
    }
    out.figures(&[
        ("Tables", thousands(history.tables.len() as u64)),
        ("Configuration items", thousands(history.item_count)),
        ("Changes", thousands(history.change_count)),
        ("Deletions", thousands(history.deletion_count)),
        (
            "Related CloudTrail calls loaded",
            format!(
                "{} of {}",
                thousands(history.related_events_found),
                thousands(history.related_event_count)
            ),
        ),
    ]);

    if !history.buckets.is_empty() {
        out.raw("<h3>Changes over time</h3>\n");
        out.para(&format!(
            "Field changes per {}, by kind of change.",
            history.bucket_label
        ));
        out.svg(&config_changes_svg(history, 960, 260));
        out.raw("\n");
        // The chart's figures as a table too: readable without the picture and in print.
        let rows = history
            .buckets
            .iter()
            .filter(|b| b.counts.iter().any(|&n| n > 0))
            .map(|b| {
                let kinds = ChangeCategory::ALL
                    .iter()
                    .zip(b.counts)
                    .filter(|(_, n)| *n > 0)
                    .map(|(c, n)| format!("{}: {}", c.label(), thousands(n)))
                    .collect();
                vec![
                    Cell::Time(Some(b.start_ms)),
                    Cell::Count(b.counts.iter().sum()),
                    Cell::Lines(kinds),
                ]
            })
            .collect();
        out.table(&Table {
            id: "config-buckets",
            caption: "Changes per time bucket (empty buckets left out)",
            columns: &[
                time("Bucket start (UTC)"),
                number("Changes"),
                text("By kind"),
            ],
            rows,
        });
    }

    out.raw("<h3>Tables</h3>\n");
    let rows = history
        .tables
        .iter()
        .map(|t| {
            let first = t.items.iter().filter_map(|i| i.capture_ms).min();
            let last = t.items.iter().filter_map(|i| i.capture_ms).max();
            vec![
                Cell::Code(t.table.label()),
                Cell::Count(t.items.len() as u64),
                Cell::Count(t.change_count),
                Cell::TimeRange(first, last),
                match t.deleted_ms {
                    Some(ms) => Cell::Time(Some(ms)),
                    None => Cell::Time(None),
                },
            ]
        })
        .collect();
    out.table(&Table {
        id: "config-tables",
        caption: "Tables with AWS Config items",
        columns: &[
            text("Table"),
            number("Items"),
            number("Changes"),
            time("First to last capture (UTC)"),
            time("Deleted (UTC)"),
        ],
        rows,
    });

    out.raw("<h3>What changed</h3>\n");
    let rows = history
        .tables
        .iter()
        .flat_map(|t| {
            t.items.iter().flat_map(move |item| {
                item.changes.iter().map(move |c| {
                    vec![
                        Cell::Time(item.capture_ms),
                        Cell::Code(t.table.label()),
                        Cell::Text(c.field.label().to_string()),
                        Cell::Text(change_sentence(c)),
                        Cell::Text(c.before.clone().unwrap_or_else(|| "-".to_string())),
                        Cell::Text(c.after.clone().unwrap_or_else(|| "-".to_string())),
                        Cell::Lines(item.related_events.iter().map(related_line).collect()),
                        Cell::CodeLines(
                            std::iter::once(item.evidence.file.clone())
                                .chain(item.also_in.iter().cloned())
                                .collect(),
                        ),
                    ]
                })
            })
        })
        .collect();
    out.table(&Table {
        id: "config-changes",
        caption:
            "Field changes between a table's neighbouring configuration items, in capture order",
        columns: &[
            time("Captured (UTC)"),
            text("Table"),
            text("Field"),
            text("Change"),
            text("Before"),
            text("After"),
            text("CloudTrail calls behind it"),
            text("Evidence"),
        ],
        rows,
    });

    let rows: Vec<Vec<Cell>> = history
        .tables
        .iter()
        .flat_map(|t| {
            t.items.iter().map(move |item| {
                let status = if item.status.is_empty() {
                    "-".to_string()
                } else {
                    item.status.clone()
                };
                vec![
                    Cell::Time(item.capture_ms),
                    Cell::Code(t.table.label()),
                    Cell::Text(match &item.change_type {
                        Some(change) => format!("{status} ({change})"),
                        None => status,
                    }),
                    Cell::Count(item.changes.len() as u64),
                    Cell::Code(item.state_id.clone().unwrap_or_default()),
                    Cell::CodeLines(
                        std::iter::once(item.evidence.file.clone())
                            .chain(item.also_in.iter().cloned())
                            .collect(),
                    ),
                ]
            })
        })
        .collect();
    let summary = format!(
        "Every configuration item ({}), duplicates across exports merged",
        thousands(rows.len() as u64)
    );
    out.folded(&summary, |out| {
        out.table(&Table {
            id: "config-items",
            caption: "Configuration items",
            columns: &[
                time("Captured (UTC)"),
                text("Table"),
                text("Status"),
                number("Changes"),
                text("State ID"),
                text("Files"),
            ],
            rows,
        })
    });
}

fn change_sentence(change: &FieldChange) -> String {
    match &change.from_event {
        Some(id) => format!(
            "{} (read from CloudTrail event {id}: the item before is not loaded)",
            change.sentence
        ),
        None => change.sentence.clone(),
    }
}

fn related_line(event: &RelatedEvent) -> String {
    match &event.event {
        Some(e) => {
            let mut line = e.event_name.clone();
            if !e.principal.is_empty() {
                line.push_str(&format!(" by {}", e.principal));
            }
            if !e.error_code.is_empty() {
                line.push_str(&format!(" (failed: {})", e.error_code));
            }
            line.push_str(&format!(
                ", {}, in {}",
                crate::time::format_iso_ms(e.time_ms),
                e.file
            ));
            line
        }
        None => format!("event {} (not loaded)", event.event_id),
    }
}
