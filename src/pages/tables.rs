//! The tables view: the merged inventory, one row per table, each value with the export it came
//! from (hover a cell), and what could not be merged.

use ddb_lens_core::analysis::inventory::Sourced;
use ddb_lens_core::ingest::thousands;
use ddb_lens_core::report::TableEntry;
use ddb_lens_core::time::format_iso_ms;
use leptos::prelude::*;

use crate::components::{Cell, Column, DataTable, TableData};
use crate::session::Session;

/// A cell for a sourced value: its text, and where it came from as the tooltip; "unknown"
/// (greyed) when no loaded export says.
fn sourced<T>(
    value: &Option<Sourced<T>>,
    show: impl Fn(&T) -> (String, Option<&'static str>),
) -> Cell {
    match value {
        None => Cell::text("unknown")
            .with_class("pill-na")
            .with_title("no loaded export says"),
        Some(s) => {
            let (text, class) = show(&s.value);
            let when = s
                .observed_at_ms
                .map(|ms| format!(" as of {}", format_iso_ms(ms)))
                .unwrap_or_default();
            let cell =
                Cell::text(text).with_title(format!("{} ({}){when}", s.file, s.kind.label()));
            match class {
                Some(class) => cell.with_class(class),
                None => cell,
            }
        }
    }
}

fn on_off(on: bool) -> (String, Option<&'static str>) {
    if on {
        ("on".to_string(), Some("pill-pass"))
    } else {
        ("off".to_string(), Some("pill-fail"))
    }
}

/// The inventory as rows.
pub fn inventory_table(tables: &[TableEntry]) -> TableData {
    TableData {
        columns: vec![
            Column::text("Table"),
            Column::text("Account"),
            Column::text("Region"),
            Column::text("Status"),
            Column::text("Billing"),
            Column::text("Encryption"),
            Column::text("PITR"),
            Column::text("Deletion protection"),
            Column::text("Stream"),
            Column::text("TTL"),
            Column::text("Backup"),
            Column::number("Tags"),
            Column::number("CloudTrail events"),
            Column::number("Config items"),
        ],
        rows: tables
            .iter()
            .map(|t| {
                vec![
                    Cell::text(t.name.clone()),
                    Cell::text(t.account.clone()),
                    Cell::text(t.region.clone()),
                    sourced(&t.status, |s| (s.clone(), None)),
                    sourced(&t.billing_mode, |s| (s.clone(), None)),
                    sourced(&t.encryption, |e| (e.kind.label().to_string(), None)),
                    sourced(&t.pitr, |on| on_off(*on)),
                    sourced(&t.deletion_protection, |on| on_off(*on)),
                    sourced(&t.stream, |s| {
                        if s.enabled {
                            (
                                format!("on ({})", s.view_type.clone().unwrap_or_default()),
                                None,
                            )
                        } else {
                            ("off".to_string(), None)
                        }
                    }),
                    sourced(&t.ttl, |ttl| (ttl.status.to_lowercase(), None)),
                    sourced(&t.backup, |b| on_off(b.protected)),
                    match &t.tags {
                        Some(tags) => {
                            Cell::count(tags.value.len() as u64).with_title(tags.file.clone())
                        }
                        None => Cell::text("unknown").with_class("pill-na"),
                    },
                    Cell::count(t.cloudtrail_events),
                    Cell::count(t.config_items),
                ]
            })
            .collect(),
    }
}

/// `#tables-view`.
#[component]
pub fn TablesPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let report = move || session.report.get().map(|s| s.report);
    view! {
        <main id="tables-view" class="page">
            <section class="panel" aria-labelledby="tables-title">
                <h2 id="tables-title">"Tables"</h2>
                <p class="hint">
                    "Every table any export names, merged: the latest value of each setting and the export it came from (hover a cell). "
                    "\u{201c}unknown\u{201d} means no loaded export says; docs/exports.md lists what to collect."
                </p>
                {move || match report() {
                    None => view! { <crate::components::NoReport /> }.into_any(),
                    Some(r) => view! {
                        <p id="tables-summary">{format!("{} tables.", thousands(r.tables.len() as u64))}</p>
                        <ul class="notes">{r.table_notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
                    }.into_any(),
                }}
                <DataTable
                    id="inventory"
                    caption="Table inventory".to_string()
                    data=Signal::derive(move || report().map(|r| inventory_table(&r.tables)).unwrap_or_default())
                />
            </section>
        </main>
    }
}
