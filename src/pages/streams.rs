//! The streams view: each table's stream (on, off or unknown, and its view type), the Lambda
//! triggers reading it (a failing last processing result stands out), the tables without a
//! stream, the streams nobody reads, and every stream change over time.

use ddb_lens_core::analysis::streams::{
    ChangeOrigin, Consumer, StreamChange, StreamChangeKind, StreamStatus, Streams, TableStreams,
    Trigger,
};
use ddb_lens_core::analysis::table_state::TableRef;
use ddb_lens_core::report::Report;
use leptos::prelude::*;

use crate::components::{Cell, Column, DataTable, TableData};
use crate::pages::posture::{missing_exports, EmptySection};
use crate::session::Session;

/// The streams section of a report.
pub fn streams_of(report: &Report) -> Option<Streams> {
    Some(report.streams.clone())
}

fn status_cell(status: StreamStatus) -> Cell {
    match status {
        StreamStatus::On => Cell::text("on").with_class("pill-pass"),
        StreamStatus::Off => Cell::text("off").with_class("pill-na"),
        StreamStatus::Unknown => Cell::text("unknown")
            .with_class("pill-insufficient")
            .with_title("no loaded export describes the table"),
    }
}

fn consumer_label(consumer: Consumer) -> (&'static str, &'static str) {
    match consumer {
        Consumer::Active => ("active", "pill-pass"),
        Consumer::None => ("none", "pill-fail"),
        Consumer::Unknown => ("unknown", "pill-insufficient"),
        Consumer::NotApplicable => ("n/a", "pill-na"),
    }
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

fn table_label(table: &TableRef) -> String {
    table.label()
}

/// One row per table.
pub fn streams_table(tables: &[TableStreams]) -> TableData {
    TableData {
        columns: vec![
            Column::text("Table"),
            Column::text("Stream"),
            Column::text("View type"),
            Column::text("Consumer"),
            Column::number("Triggers"),
            Column::text("Why"),
            Column::text("Stream label"),
        ],
        rows: tables
            .iter()
            .map(|t| {
                let (consumer, class) = consumer_label(t.consumer);
                let stream = status_cell(t.stream);
                let stream = match &t.stream_evidence {
                    Some(e) => stream.with_title(format!("{} ({})", e.file, e.kind)),
                    None => stream,
                };
                let name = Cell::text(table_label(&t.table));
                vec![
                    if t.deleted {
                        Cell::text(format!("{} (deleted)", table_label(&t.table)))
                    } else {
                        name
                    },
                    stream,
                    Cell::text(t.view_type.clone().unwrap_or_default()),
                    Cell::text(consumer).with_class(class),
                    Cell::count(t.triggers.len() as u64),
                    Cell::text(t.consumer_reason.clone()),
                    Cell::text(t.stream_label.clone().unwrap_or_default())
                        .with_title(t.stream_arn.clone().unwrap_or_default()),
                ]
            })
            .collect(),
    }
}

/// Every Lambda trigger, with the table it reads ("" for a stream of no known table).
pub fn triggers_table(streams: &Streams) -> TableData {
    let rows = streams
        .tables
        .iter()
        .flat_map(|t| t.triggers.iter().map(move |g| (table_label(&t.table), g)))
        .chain(streams.other_triggers.iter().map(|g| (String::new(), g)));
    TableData {
        columns: vec![
            Column::text("Table"),
            Column::text("Function"),
            Column::text("State"),
            Column::number("Batch size"),
            Column::text("Last processing result"),
            Column::text("Starting position"),
            Column::text("On current stream"),
            Column::text("Last modified (UTC)"),
        ],
        rows: rows
            .map(|(table, g): (String, &Trigger)| {
                let result = g.last_processing_result.clone().unwrap_or_default();
                let result = if g.problem {
                    Cell::text(result).with_class("pill-fail")
                } else {
                    Cell::text(result)
                };
                let state = Cell::text(g.state.clone().unwrap_or_default());
                let state = match &g.state_transition_reason {
                    Some(why) => state.with_title(why.clone()),
                    None => state,
                };
                vec![
                    Cell::text(table),
                    Cell::text(g.function_name.clone()).with_title(g.function_arn.clone()),
                    if g.active {
                        state.with_class("pill-pass")
                    } else {
                        state
                    },
                    match g.batch_size {
                        Some(n) => Cell::count(n),
                        None => Cell::text(""),
                    },
                    result,
                    Cell::text(g.starting_position.clone().unwrap_or_default()),
                    Cell::text(match g.on_current_stream {
                        Some(true) => "yes",
                        Some(false) => "no (an older stream)",
                        None => "unknown",
                    }),
                    Cell::time(g.last_modified_ms),
                ]
            })
            .collect(),
    }
}

/// Every stream change, in time order.
pub fn changes_table(changes: &[StreamChange]) -> TableData {
    TableData {
        columns: vec![
            Column::text("Time (UTC)"),
            Column::text("Table"),
            Column::text("Change"),
            Column::text("What happened"),
            Column::text("By"),
            Column::text("Seen in"),
        ],
        rows: changes
            .iter()
            .map(|c| {
                let origin = match c.origin {
                    ChangeOrigin::ConfigItem => "AWS Config item".to_string(),
                    ChangeOrigin::CloudTrail => {
                        format!("CloudTrail {}", c.event_name.clone().unwrap_or_default())
                    }
                };
                vec![
                    Cell::time(c.time_ms),
                    Cell::text(table_label(&c.table)),
                    Cell::text(kind_label(c.kind)),
                    Cell::text(c.sentence.clone()),
                    Cell::text(c.actor.clone().unwrap_or_default()),
                    Cell::text(origin).with_title(c.evidence.file.clone()),
                ]
            })
            .collect(),
    }
}

fn names(tables: &[TableRef]) -> Vec<String> {
    tables.iter().map(TableRef::label).collect()
}

/// The section itself, from its data.
#[component]
pub fn StreamsView(streams: Streams, #[prop(optional)] needs: Vec<String>) -> impl IntoView {
    if streams.tables.is_empty() && streams.other_triggers.is_empty() {
        return view! { <EmptySection what="No table descriptions, Config items or Lambda trigger listings are loaded.".to_string() needs=needs /> }.into_any();
    }
    let t = &streams.totals;
    let summary = format!(
        "{} tables: stream on {}, off {}, unknown {}. Consumers: {} active, {} none, {} unknown. {} Lambda triggers, {} with a problem.",
        t.tables, t.stream_on, t.stream_off, t.stream_unknown, t.consumer_active, t.consumer_none,
        t.consumer_unknown, t.triggers, t.triggers_with_problems
    );
    let without_stream = names(&streams.without_stream);
    let without_consumer = names(&streams.without_consumer);
    let (tables, triggers, changes) = (
        streams_table(&streams.tables),
        triggers_table(&streams),
        changes_table(&streams.changes),
    );
    view! {
        <p id="streams-summary">{summary}</p>
        <DataTable id="streams-tables" caption="Streams per table".to_string() data=Signal::stored(tables) />
        <h3>"Lambda triggers"</h3>
        <DataTable id="streams-triggers" caption="Lambda triggers on DynamoDB streams".to_string() data=Signal::stored(triggers) />
        <div class="posture-lists">
            <div>
                <h3>{format!("Tables without a stream ({})", without_stream.len())}</h3>
                <ul id="without-stream" class="name-list">{without_stream.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
            </div>
            <div>
                <h3>{format!("Streams without a consumer ({})", without_consumer.len())}</h3>
                <ul id="without-consumer" class="name-list">{without_consumer.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
            </div>
        </div>
        <h3>"Stream changes over time"</h3>
        <DataTable id="stream-changes" caption="Stream and trigger changes".to_string() data=Signal::stored(changes) />
    }
    .into_any()
}

/// `#streams-view`.
#[component]
pub fn StreamsPage() -> impl IntoView {
    let session = expect_context::<Session>();
    view! {
        <main id="streams-view" class="page">
            <section class="panel" aria-labelledby="streams-title">
                <h2 id="streams-title">"Streams"</h2>
                {move || match session.report.get() {
                    None => view! { <crate::components::NoReport /> }.into_any(),
                    Some(shown) => {
                        let needs = missing_exports(&shown.report, &["streams", "stream-consumers"]);
                        match streams_of(&shown.report) {
                            Some(streams) => view! { <StreamsView streams=streams needs=needs /> }.into_any(),
                            None => view! { <EmptySection what="This report has no streams section.".to_string() needs=needs /> }.into_any(),
                        }
                    }
                }}
            </section>
        </main>
    }
}
