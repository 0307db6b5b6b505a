//! Practice 6: tag coverage against the tag policy, the tables-by-keys heatmap, value drift and
//! the history of the required tags.

use crate::analysis::tags::{
    Cell as TagCell, GroupCoverage, Share, TagChangeSource, TagHistoryKind,
};
use crate::charts::tags::{coverage_bars_svg, coverage_heatmap_svg};
use crate::ingest::thousands;
use crate::report::html::{number, text, time, Cell, Column, Html, Table};
use crate::report::Report;

/// Chart width in pixels, as the activity timeline's.
const CHART_WIDTH_PX: u32 = 960;
/// Heatmap rows before "and N more tables" (the matrix table below lists them all).
const HEATMAP_ROWS: usize = 60;

pub fn render(report: &Report, out: &mut Html) {
    let section = &report.tags;
    let coverage = &section.coverage;
    let keys: Vec<&str> = report
        .settings
        .tag_policy
        .keys
        .iter()
        .map(|k| k.key.as_str())
        .collect();
    out.based_on(&format!(
        "Based on DynamoDB list-tags-of-resource, tagging get-resources and AWS Config items, measured against the tag policy (required keys: {}); the history also reads CloudTrail's tagging calls.",
        if keys.is_empty() { "none".to_string() } else { keys.join(", ") }
    ));
    if coverage.tables == 0 {
        out.no_data(
            report,
            "tags",
            "no loaded export gives the tags of any table",
        );
    } else {
        coverage_part(report, out);
    }
    if section.tables_without_tag_data > 0 {
        out.para(&format!(
            "{} of the inventory's tables have no loaded export that gives their tags; they are left out of the shares above rather than counted as untagged.",
            thousands(section.tables_without_tag_data)
        ));
    }
    history_part(report, out);
}

fn share(share: &Share) -> Cell {
    Cell::Ranked {
        text: share.label(),
        class: "num",
        rank: share.count.min(u64::from(u32::MAX)) as u32,
    }
}

fn coverage_part(report: &Report, out: &mut Html) {
    let coverage = &report.tags.coverage;
    out.figures(&[
        ("Tables with tag data", thousands(coverage.tables)),
        ("compliant", coverage.compliant.label()),
        ("untagged", coverage.untagged.label()),
    ]);

    out.raw("<h3>Coverage per required key</h3>\n");
    out.svg(&coverage_bars_svg(coverage, CHART_WIDTH_PX));
    out.raw("\n");
    let rows = coverage
        .keys
        .iter()
        .map(|k| {
            vec![
                Cell::Text(k.key.clone()),
                share(&k.with_key),
                share(&k.with_allowed_value),
                share(&k.near_miss),
                share(&k.missing),
            ]
        })
        .collect();
    out.table(&Table {
        id: "tags-keys",
        caption: "Coverage per required key, over every table with tag data",
        columns: &[
            text("Key"),
            number("Has the key"),
            number("Allowed value"),
            number("Near miss (case or spaces)"),
            number("Missing"),
        ],
        rows,
    });

    for (id, label, groups) in [
        ("tags-by-account", "Account", &coverage.by_account),
        ("tags-by-region", "Region", &coverage.by_region),
    ] {
        group_table(report, out, id, label, groups);
    }

    out.raw("<h3>Tables by required keys</h3>\n");
    out.svg(&coverage_heatmap_svg(
        coverage,
        CHART_WIDTH_PX,
        HEATMAP_ROWS,
    ));
    out.raw("\n");
    let mut columns = vec![
        text("Table"),
        text("Account"),
        text("Region"),
        text("Compliant"),
    ];
    columns.extend(
        coverage
            .policy
            .keys
            .iter()
            .map(|k| Column::text_owned(k.key.clone())),
    );
    let rows = coverage
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![
                Cell::Sourced {
                    text: r.name.clone(),
                    class: "",
                    note: r.arn.clone(),
                    footnote: None,
                },
                Cell::Code(r.account.clone()),
                Cell::Code(r.region.clone()),
                if r.compliant {
                    Cell::Status {
                        text: "yes".into(),
                        class: "status-ok",
                    }
                } else {
                    Cell::Status {
                        text: "no".into(),
                        class: "status-warning",
                    }
                },
            ];
            row.extend(r.cells.iter().map(|cell| match cell {
                TagCell::AllowedValue { value } => Cell::Sourced {
                    text: shown_value(value),
                    class: "tag-allowed",
                    note: "allowed value".into(),
                    footnote: None,
                },
                TagCell::OtherValue { value } => Cell::Sourced {
                    text: shown_value(value),
                    class: "tag-other",
                    note: "value not allowed by the policy".into(),
                    footnote: None,
                },
                TagCell::NearMiss { found_key, value } => Cell::Sourced {
                    text: format!("{found_key:?} = {}", shown_value(value)),
                    class: "tag-near",
                    note: "near miss: the key differs in case or spaces".into(),
                    footnote: None,
                },
                TagCell::Missing => Cell::Sourced {
                    text: "missing".into(),
                    class: "tag-missing",
                    note: String::new(),
                    footnote: None,
                },
            }));
            row
        })
        .collect();
    out.table(&Table {
        id: "tags-matrix",
        caption: "Every table with tag data, each required key's value or state",
        columns: &columns,
        rows,
    });

    out.raw("<h3>Values and drift</h3>\n");
    out.para("Values of each required key (and its near misses), spellings that differ only in case, spaces or separators grouped: a group with several spellings is drift.");
    let mut rows = Vec::new();
    for key in &coverage.values {
        for group in &key.groups {
            let spellings = group
                .variants
                .iter()
                .map(|v| {
                    format!(
                        "{} ×{}{}",
                        shown_value(&v.value),
                        thousands(v.tables),
                        if v.allowed { "" } else { " (not allowed)" }
                    )
                })
                .collect();
            rows.push(vec![
                Cell::Text(key.key.clone()),
                Cell::Text(if group.normalised.is_empty() {
                    "(empty)".to_string()
                } else {
                    group.normalised.clone()
                }),
                Cell::Count(group.tables),
                Cell::Count(group.variants.len() as u64),
                Cell::Lines(spellings),
            ]);
        }
    }
    out.table(&Table {
        id: "tags-values",
        caption: "Values of each required key, grouped",
        columns: &[
            text("Key"),
            text("Value group"),
            number("Tables"),
            number("Spellings"),
            text("Spellings as written (tables)"),
        ],
        rows,
    });
}

fn group_table(
    report: &Report,
    out: &mut Html,
    id: &'static str,
    label: &'static str,
    groups: &[GroupCoverage],
) {
    let mut columns = vec![text(label), number("Tables"), number("Compliant")];
    columns.extend(
        report
            .tags
            .coverage
            .policy
            .keys
            .iter()
            .map(|k| Column::number_owned(format!("{} allowed", k.key))),
    );
    let rows = groups
        .iter()
        .map(|g| {
            let mut row = vec![
                Cell::Code(g.group.clone()),
                Cell::Count(g.tables),
                share(&g.compliant),
            ];
            row.extend(g.keys.iter().map(|k| share(&k.with_allowed_value)));
            row
        })
        .collect();
    let caption = format!("Coverage by {}", label.to_lowercase());
    out.table(&Table {
        id,
        caption: &caption,
        columns: &columns,
        rows,
    });
}

fn history_part(report: &Report, out: &mut Html) {
    let history = &report.tags.history;
    out.raw("<h3>History of the required tags</h3>\n");
    if history.is_empty() {
        out.para("No change to a required tag is recorded in the CloudTrail events and AWS Config items loaded.");
        return;
    }
    let rows = history
        .iter()
        .map(|h| {
            let kind = match h.kind {
                TagHistoryKind::Gained => "gained",
                TagHistoryKind::Lost => "lost",
                TagHistoryKind::ValueChanged => "value changed",
                TagHistoryKind::Set => "set",
            };
            let sources = h
                .sources
                .iter()
                .map(|s| match s {
                    TagChangeSource::Event {
                        file, record_index, ..
                    } => format!("{file}: record {}", u64::from(*record_index) + 1),
                    TagChangeSource::ConfigItem { file, .. } => format!("{file}: AWS Config item"),
                })
                .collect();
            vec![
                Cell::Time(Some(h.time_ms)),
                Cell::Text(h.table.clone()),
                Cell::Text(h.key.clone()),
                Cell::Text(kind.to_string()),
                Cell::Text(h.sentence.clone()),
                Cell::CodeLines(sources),
            ]
        })
        .collect();
    out.table(&Table {
        id: "tags-history",
        caption: "Changes to required tags, oldest first",
        columns: &[
            time("Time (UTC)"),
            text("Table"),
            text("Key"),
            text("Change"),
            text("What happened"),
            text("Evidence (file: record)"),
        ],
        rows,
    });
}

/// A value as shown: quoted when surrounding spaces would otherwise hide, "(empty)" for "".
fn shown_value(value: &str) -> String {
    if value.is_empty() {
        "(empty)".to_string()
    } else if value.trim() != value {
        format!("{value:?}")
    } else {
        value.to_string()
    }
}
