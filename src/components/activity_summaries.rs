//! The per-table and per-principal summaries as [`DataTable`]s: what happened to each table,
//! and what each principal did.

use ddb_lens_core::analysis::activity::{PrincipalSummary, TableSummary};
use ddb_lens_core::ingest::thousands;
use ddb_lens_core::Count;
use leptos::prelude::*;

use crate::components::{Cell, Column, DataTable, TableData};
use crate::session::Session;

/// Names shown in a list cell; the cell's tooltip has them all.
const LIST_SHOWN: usize = 3;
/// Characters of a name shown in a list cell (user agents run to hundreds).
const NAME_CHARS: usize = 40;

/// One row per table: events by plane, errors, principals, the last control-plane change.
pub fn table_summary_data(tables: &[TableSummary]) -> TableData {
    let columns = vec![
        Column::text("Table"),
        Column::number("Events"),
        Column::number("Control"),
        Column::number("Read"),
        Column::number("Write"),
        Column::number("Streams"),
        Column::number("Other"),
        Column::number("Errors"),
        Column::number("Principals"),
        Column::text("Last change (UTC)"),
        Column::text("Change"),
        Column::text("Changed by"),
    ];
    let rows = tables
        .iter()
        .map(|t| {
            let change = t.last_change.as_ref();
            vec![
                Cell::text(&t.table),
                Cell::count(t.events),
                Cell::count(t.planes.control),
                Cell::count(t.planes.read),
                Cell::count(t.planes.write),
                Cell::count(t.planes.streams),
                Cell::count(t.planes.other),
                error_cell(t.errors),
                Cell::count(t.principals).with_title(list_title(&t.top_principals, t.principals)),
                Cell::time(change.map(|c| c.time_ms)),
                Cell::text(change.map(|c| c.event_name.clone()).unwrap_or_default()),
                Cell::text(change.map(|c| c.principal.clone()).unwrap_or_default()),
            ]
        })
        .collect();
    TableData { columns, rows }
}

/// One row per principal: its identity type, events, errors, and the tables, operations,
/// source IPs and user agents it used (the most frequent first).
pub fn principal_summary_data(principals: &[PrincipalSummary]) -> TableData {
    let columns = vec![
        Column::text("Principal"),
        Column::text("Type"),
        Column::number("Events"),
        Column::number("Errors"),
        // Lists read left to right and wrap; they still sort by how many names they hold.
        Column::text("Tables"),
        Column::text("Operations"),
        Column::text("Source IPs"),
        Column::text("User agents"),
        Column::text("Last seen (UTC)"),
    ];
    let rows = principals
        .iter()
        .map(|p| {
            vec![
                Cell::text(if p.principal.is_empty() {
                    "(not recorded)"
                } else {
                    &p.principal
                }),
                Cell::text(&p.identity_type),
                Cell::count(p.events),
                error_cell(p.errors),
                list_cell(&p.tables, p.tables_distinct),
                list_cell(&p.operations, p.operations_distinct),
                list_cell(&p.source_ips, p.source_ips_distinct),
                list_cell(&p.user_agents, p.user_agents_distinct),
                Cell::time(Some(p.last_ms)),
            ]
        })
        .collect();
    TableData { columns, rows }
}

fn error_cell(errors: u64) -> Cell {
    let cell = Cell::count(errors);
    if errors > 0 {
        cell.with_class("has-errors")
    } else {
        cell
    }
}

/// "orders, returns, users +4", sorted by how many there are; every name and count in the
/// tooltip.
fn list_cell(counts: &[Count], distinct: u64) -> Cell {
    let mut text = counts
        .iter()
        .take(LIST_SHOWN)
        .map(|c| shortened(if c.name.is_empty() { "(none)" } else { &c.name }))
        .collect::<Vec<_>>()
        .join(", ");
    let rest = distinct.saturating_sub(LIST_SHOWN.min(counts.len()) as u64);
    if rest > 0 {
        text.push_str(&format!(" +{}", thousands(rest)));
    }
    Cell::number(distinct as f64, text).with_title(list_title(counts, distinct))
}

/// At most [`NAME_CHARS`] characters of a name, with an ellipsis when cut.
fn shortened(name: &str) -> String {
    match name.char_indices().nth(NAME_CHARS) {
        Some((at, _)) => format!("{}…", &name[..at]),
        None => name.to_string(),
    }
}

fn list_title(counts: &[Count], distinct: u64) -> String {
    let mut lines: Vec<String> = counts
        .iter()
        .map(|c| {
            format!(
                "{}: {}",
                if c.name.is_empty() { "(none)" } else { &c.name },
                thousands(c.count)
            )
        })
        .collect();
    let shown = counts.len() as u64;
    if distinct > shown {
        lines.push(format!("and {} more", thousands(distinct - shown)));
    }
    lines.join("\n")
}

/// `#table-summaries` and `#principal-summaries`, once the worker has sent them.
#[component]
pub fn ActivitySummaries() -> impl IntoView {
    let session = expect_context::<Session>();
    let activity = session.activity;
    let tables = Signal::derive(move || {
        activity
            .tables
            .with(|t| t.as_deref().map(table_summary_data).unwrap_or_default())
    });
    let principals = Signal::derive(move || {
        activity
            .principals
            .with(|p| p.as_deref().map(principal_summary_data).unwrap_or_default())
    });
    let ready = move || activity.tables.with(Option::is_some);
    view! {
        <section class="activity-summaries" aria-labelledby="table-summaries-title">
            <h3 id="table-summaries-title">"Tables"</h3>
            <p class="hint">
                "Every table the loaded events name, with \"(unknown table)\" for DynamoDB calls that name none. "
                "The last change is the latest successful control-plane call that is not a Describe, List or Get."
            </p>
            <Show when=ready fallback=|| view! { <p class="empty">"Summarising…"</p> }>
                <DataTable
                    id="table-summaries"
                    caption="Activity per table".to_string()
                    data=tables
                    page_size=25
                />
            </Show>
        </section>
        <section class="activity-summaries" aria-labelledby="principal-summaries-title">
            <h3 id="principal-summaries-title">"Principals"</h3>
            <p class="hint">
                "Who made the calls: the identity's ARN, or the service acting for it. Lists show the most frequent first; hover for all."
            </p>
            <Show when=ready fallback=|| view! { <p class="empty">"Summarising…"</p> }>
                <DataTable
                    id="principal-summaries"
                    caption="Activity per principal".to_string()
                    data=principals
                    page_size=25
                />
            </Show>
        </section>
    }
}
