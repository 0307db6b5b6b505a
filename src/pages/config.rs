//! The Config history view: how many table configuration changes AWS Config recorded over time
//! (a core-drawn chart), and per table its items in capture order with what changed field by
//! field, its deletion, and the CloudTrail calls each item names.

use ddb_lens_core::analysis::config_history::{
    ConfigHistory, FieldChange, HistoryItem, TableHistory,
};
use ddb_lens_core::charts::config_changes::config_changes_svg;
use ddb_lens_core::ingest::thousands;
use ddb_lens_core::report::Report;
use ddb_lens_core::time::format_iso_ms;
use leptos::prelude::*;

use crate::components::{Cell, Column, DataTable, Folded, TableData};
use crate::pages::posture::{missing_exports, EmptySection};
use crate::session::Session;

const CHART_WIDTH: u32 = 900;
const CHART_HEIGHT: u32 = 260;

/// The config section of a report.
pub fn config_of(report: &Report) -> Option<ConfigHistory> {
    Some(report.config.clone())
}

/// "point-in-time recovery turned off (on → off)": the sentence, then the values.
pub fn change_text(change: &FieldChange) -> String {
    let values = match (&change.before, &change.after) {
        (Some(b), Some(a)) => format!(" ({b} → {a})"),
        (None, Some(a)) => format!(" (→ {a})"),
        (Some(b), None) => format!(" ({b} →)"),
        (None, None) => String::new(),
    };
    let from = change
        .from_event
        .as_ref()
        .map(|id| format!(" [read from CloudTrail event {id}]"))
        .unwrap_or_default();
    format!("{}{values}{from}", change.sentence)
}

/// One row per table: items, changes, deletion.
pub fn tables_table(tables: &[TableHistory]) -> TableData {
    TableData {
        columns: vec![
            Column::text("Table"),
            Column::number("Items"),
            Column::number("Changes"),
            Column::text("First item (UTC)"),
            Column::text("Last item (UTC)"),
            Column::text("Deleted (UTC)"),
        ],
        rows: tables
            .iter()
            .map(|t| {
                let deleted = Cell::time(t.deleted_ms);
                vec![
                    Cell::text(t.table.label()),
                    Cell::count(t.items.len() as u64),
                    Cell::count(t.change_count),
                    Cell::time(t.items.iter().find_map(|i| i.capture_ms)),
                    Cell::time(t.items.iter().rev().find_map(|i| i.capture_ms)),
                    if t.deleted_ms.is_some() {
                        deleted.with_class("pill-fail")
                    } else {
                        deleted
                    },
                ]
            })
            .collect(),
    }
}

#[component]
fn Item(item: HistoryItem) -> impl IntoView {
    let when = item
        .capture_ms
        .map(format_iso_ms)
        .unwrap_or_else(|| "capture time unknown".to_string());
    let deleted = item.status == "ResourceDeleted" || item.status == "ResourceDeletedNotRecorded";
    let heading = format!(
        "{when} · {}{}",
        if item.status.is_empty() {
            "no status"
        } else {
            &item.status
        },
        item.change_type
            .as_ref()
            .map(|c| format!(" · {c}"))
            .unwrap_or_default()
    );
    view! {
        <li class="config-item" class:deleted=deleted>
            <div class="config-item-head"><strong>{heading}</strong></div>
            <div class="hint wrap">{format!("{} ({})", item.evidence.file, item.evidence.kind)}
                {item.state_id.as_ref().map(|s| format!(" · state {s}"))}
                {(!item.also_in.is_empty()).then(|| format!(" · also in {}", item.also_in.join(", ")))}
            </div>
            {if item.changes.is_empty() {
                view! { <p class="hint">"No compared field differs from the item before (or this is the first item loaded)."</p> }.into_any()
            } else {
                view! { <ul class="field-changes">{item.changes.iter().map(|c| view! { <li>{change_text(c)}</li> }).collect_view()}</ul> }.into_any()
            }}
            {(!item.related_events.is_empty()).then(|| view! {
                <div class="related-events">
                    <span class="hint">"Related CloudTrail events:"</span>
                    <ul>
                        {item.related_events.iter().map(|r| match &r.event {
                            Some(e) => view! { <li class="wrap">{format!(
                                "{} {} by {} from {}{} · {}",
                                format_iso_ms(e.time_ms), e.event_name, e.principal, e.source_ip,
                                if e.error_code.is_empty() { String::new() } else { format!(" failed: {}", e.error_code) },
                                e.file
                            )}</li> }.into_any(),
                            None => view! { <li class="wrap">{format!("{} (not in the loaded logs)", r.event_id)}</li> }.into_any(),
                        }).collect_view()}
                    </ul>
                </div>
            })}
        </li>
    }
}

/// The section itself, from its data.
#[component]
pub fn ConfigView(history: ConfigHistory, #[prop(optional)] needs: Vec<String>) -> impl IntoView {
    if history.tables.is_empty() {
        return view! { <EmptySection what="No AWS Config history of DynamoDB tables is loaded.".to_string() needs=needs /> }.into_any();
    }
    // Charts are drawn by the core, which escapes every string it draws.
    let chart = config_changes_svg(&history, CHART_WIDTH, CHART_HEIGHT);
    let summary = format!(
        "{} tables, {} configuration items, {} changes, {} deletions; {} of {} related CloudTrail events are loaded.",
        history.tables.len(),
        thousands(history.item_count),
        thousands(history.change_count),
        thousands(history.deletion_count),
        thousands(history.related_events_found),
        thousands(history.related_event_count),
    );
    let bucket = history.bucket_label.clone();
    view! {
        <p id="config-summary">{summary}</p>
        {(!history.buckets.is_empty()).then(|| view! {
            <figure class="chart">
                <div id="config-chart" inner_html=chart></div>
                <figcaption>{format!("Configuration changes per {bucket}, by kind")}</figcaption>
            </figure>
        })}
        <DataTable id="config-tables" caption="Configuration history per table".to_string() data=Signal::stored(tables_table(&history.tables)) />
        <h3>"Each table's items"</h3>
        <div class="config-tables">
            {history.tables.into_iter().map(|t| {
                let deleted = t.deleted_ms.map(|ms| format!(" · deleted {}", format_iso_ms(ms)));
                let summary = view! {
                    <strong>{t.table.label()}</strong>
                    <span class="finding-meta">{format!(" · {} items, {} changes", t.items.len(), t.change_count)}</span>
                    {deleted.map(|d| view! { <span class="pill-fail">{d}</span> })}
                };
                let items = t.items;
                view! {
                    <Folded class="config-table" data_table=t.table.name.clone() summary=summary>
                        <ol class="config-items">{items.clone().into_iter().map(|i| view! { <Item item=i /> }).collect_view()}</ol>
                    </Folded>
                }
            }).collect_view()}
        </div>
    }
    .into_any()
}

/// `#config-view`.
#[component]
pub fn ConfigPage() -> impl IntoView {
    let session = expect_context::<Session>();
    view! {
        <main id="config-view" class="page">
            <section class="panel" aria-labelledby="config-title">
                <h2 id="config-title">"Config history"</h2>
                {move || match session.report.get() {
                    None => view! { <crate::components::NoReport /> }.into_any(),
                    Some(shown) => {
                        let needs = missing_exports(&shown.report, &["config"]);
                        match config_of(&shown.report) {
                            Some(history) => view! { <ConfigView history=history needs=needs /> }.into_any(),
                            None => view! { <EmptySection what="This report has no Config history section.".to_string() needs=needs /> }.into_any(),
                        }
                    }
                }}
            </section>
        </main>
    }
}
