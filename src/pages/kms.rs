//! The KMS view: per table the keys behind its encryption, what was done with them and by whom
//! (with the DynamoDB request a KMS call correlates to), the keys' lifecycle events, DynamoDB's
//! grant upkeep, the Decrypt-cache note; and what the logs can see of each table's data plane,
//! with the trail changes that decided it.

use std::collections::BTreeMap;

use ddb_lens_core::analysis::kms::{
    KeyKind, KmsUsage, LifecycleEvent, ProtectingKey, TableKms, DECRYPT_CACHE_NOTE,
    DECRYPT_CACHE_REFERENCE,
};
use ddb_lens_core::analysis::visibility::{DataVisibility, TrailChange, TrailEffect, Visibility};
use ddb_lens_core::ingest::thousands;
use ddb_lens_core::report::Report;
use ddb_lens_core::time::format_iso_ms;
use leptos::either::Either;
use leptos::prelude::*;

use crate::components::data_table::show_more_label;
use crate::components::{Cell, Column, DataTable, Folded, TableData};
use crate::pages::posture::{
    difference, missing_exports, some_of, EmptySection, EvidenceButton, EvidencePanel,
};
use crate::session::Session;

/// The report's KMS section: usage, visibility, and the file names its evidence indexes into.
#[derive(Debug, Clone, PartialEq)]
pub struct KmsParts {
    pub usage: KmsUsage,
    pub visibility: Visibility,
    pub evidence_files: Vec<String>,
}

/// The KMS section of a report.
pub fn kms_of(report: &Report) -> Option<KmsParts> {
    Some(KmsParts {
        usage: report.kms.usage.clone(),
        visibility: report.kms.visibility.clone(),
        evidence_files: report.kms.evidence_files.clone(),
    })
}

fn kind_class(kind: KeyKind) -> &'static str {
    match kind {
        KeyKind::CustomerManaged => "pill-pass",
        KeyKind::AwsManaged | KeyKind::AwsOrCustomerManaged => "pill-insufficient",
        KeyKind::AwsOwned | KeyKind::Unknown => "pill-na",
    }
}

fn visibility_class(status: DataVisibility) -> &'static str {
    match status {
        DataVisibility::DataEvents => "pill-pass",
        DataVisibility::ControlPlaneOnly => "pill-fail",
        DataVisibility::OtherEventsOnly => "pill-insufficient",
        DataVisibility::NoEvents => "pill-na",
    }
}

fn effect_label(effect: TrailEffect) -> &'static str {
    match effect {
        TrailEffect::LogsAllTables => "logs data events of every table",
        TrailEffect::LogsSomeTables => "logs data events of some tables",
        TrailEffect::LogsNoTables => "logs no DynamoDB data events",
        TrailEffect::LoggingStopped => "logging stopped",
        TrailEffect::LoggingStarted => "logging started",
        TrailEffect::TrailCreated => "trail created",
        TrailEffect::TrailDeleted => "trail deleted",
        TrailEffect::TrailUpdated => "trail settings changed",
        TrailEffect::Failed => "failed: nothing changed",
        TrailEffect::Unknown => "request not in the logs",
    }
}

/// One row per table: its key kind (the sentence saying why as the tooltip) and its use.
pub fn tables_table(tables: &[TableKms]) -> TableData {
    TableData {
        columns: vec![
            Column::text("Table"),
            Column::text("Key kind"),
            Column::text("Keys"),
            Column::number("KMS events"),
            Column::number("Correlated"),
            Column::text("Operations"),
            Column::text("First (UTC)"),
            Column::text("Last (UTC)"),
        ],
        rows: tables
            .iter()
            .map(|t| {
                let keys: Vec<String> = t.keys.iter().map(|k| k.key.clone()).collect();
                let ops: Vec<String> = t
                    .operations
                    .iter()
                    .map(|o| format!("{} {}", o.operation, thousands(o.events)))
                    .collect();
                vec![
                    Cell::text(t.table.clone()),
                    Cell::text(t.kind.label())
                        .with_class(kind_class(t.kind))
                        .with_title(t.kind_evidence.clone()),
                    Cell::text(some_of(&keys, 1)).with_title(keys.join("\n")),
                    Cell::count(t.events),
                    Cell::count(t.correlated_events),
                    Cell::text(ops.join(", ")),
                    Cell::time(t.first_ms),
                    Cell::time(t.last_ms),
                ]
            })
            .collect(),
    }
}

/// Operations on one table's keys with their counts and busiest bucket.
pub fn operations_table(table: &TableKms) -> TableData {
    TableData {
        columns: vec![
            Column::text("Operation"),
            Column::number("Events"),
            Column::text("First (UTC)"),
            Column::text("Last (UTC)"),
            Column::number("Busiest bucket"),
        ],
        rows: table
            .operations
            .iter()
            .map(|o| {
                let busiest = o.buckets.iter().max_by_key(|b| (b.count, -b.start_ms));
                vec![
                    Cell::text(o.operation.clone()),
                    Cell::count(o.events),
                    Cell::time(Some(o.first_ms)),
                    Cell::time(Some(o.last_ms)),
                    match busiest {
                        Some(b) => Cell::number(
                            b.count as f64,
                            format!("{} at {}", thousands(b.count), format_iso_ms(b.start_ms)),
                        ),
                        None => Cell::text(""),
                    },
                ]
            })
            .collect(),
    }
}

/// The per-operation time series of one table: one row per non-empty bucket, one column per
/// operation.
pub fn series_table(table: &TableKms, bucket_label: &str) -> TableData {
    let mut rows: BTreeMap<i64, Vec<u64>> = BTreeMap::new();
    let n = table.operations.len();
    for (i, op) in table.operations.iter().enumerate() {
        for b in &op.buckets {
            rows.entry(b.start_ms).or_insert_with(|| vec![0; n])[i] += b.count;
        }
    }
    let mut columns = vec![Column::text(format!("{bucket_label} from (UTC)"))];
    columns.extend(
        table
            .operations
            .iter()
            .map(|o| Column::number(o.operation.clone())),
    );
    TableData {
        columns,
        rows: rows
            .into_iter()
            .map(|(start, counts)| {
                let mut row = vec![Cell::time(Some(start))];
                row.extend(counts.into_iter().map(Cell::count));
                row
            })
            .collect(),
    }
}

/// Who used one table's keys, from where; a correlated source IP says so with the time
/// between the KMS call and the DynamoDB request.
pub fn callers_table(table: &TableKms) -> TableData {
    TableData {
        columns: vec![
            Column::text("Principal"),
            Column::text("Identity type"),
            Column::text("Invoked by"),
            Column::text("Source IP"),
            Column::text("Source"),
            Column::number("Events"),
            Column::text("Operations"),
            Column::text("First (UTC)"),
            Column::text("Last (UTC)"),
        ],
        rows: table
            .callers
            .iter()
            .map(|c| {
                let source = if c.correlated {
                    let diff = match (c.time_difference_ms_min, c.time_difference_ms_max) {
                        (Some(a), Some(b)) if a == b => format!(" ({})", difference(a)),
                        (Some(a), Some(b)) => {
                            format!(" ({} to {})", difference(a), difference(b))
                        }
                        _ => String::new(),
                    };
                    Cell::text(format!("correlated{diff}"))
                        .with_class("pill-pass")
                        .with_title(format!(
                            "KMS recorded {}; the IP is the DynamoDB request's",
                            c.recorded_source
                        ))
                } else {
                    Cell::text("as recorded")
                };
                let ops: Vec<String> = c
                    .operations
                    .iter()
                    .map(|o| format!("{} {}", o.name, thousands(o.count)))
                    .collect();
                vec![
                    Cell::text(c.principal.clone()),
                    Cell::text(c.identity_type.clone()),
                    Cell::text(c.invoked_by.clone()),
                    Cell::text(c.source_ip.clone()),
                    source,
                    Cell::count(c.events),
                    Cell::text(ops.join(", ")),
                    Cell::time(Some(c.first_ms)),
                    Cell::time(Some(c.last_ms)),
                ]
            })
            .collect(),
    }
}

/// The keys that protect tables, with DynamoDB's routine grant upkeep counted.
pub fn keys_table(keys: &[ProtectingKey]) -> TableData {
    TableData {
        columns: vec![
            Column::text("Key"),
            Column::text("Aliases"),
            Column::text("Kind"),
            Column::text("Tables"),
            Column::number("Events"),
            Column::number("Lifecycle events"),
            Column::text("DynamoDB grant upkeep"),
            Column::text("DynamoDB's other calls"),
        ],
        rows: keys
            .iter()
            .map(|k| {
                let upkeep: Vec<String> = k
                    .dynamodb_grant_upkeep
                    .iter()
                    .map(|u| {
                        format!(
                            "{} ×{} by {}",
                            u.operation,
                            thousands(u.events),
                            u.principal
                        )
                    })
                    .collect();
                let other: Vec<String> = k
                    .unattributed
                    .iter()
                    .map(|c| format!("{} ×{}", c.name, thousands(c.count)))
                    .collect();
                vec![
                    Cell::text(k.key_id.clone()).with_title(k.key.clone()),
                    Cell::text(k.aliases.join(", ")),
                    Cell::text(k.kind.label())
                        .with_class(kind_class(k.kind))
                        .with_title(k.kind_evidence.clone()),
                    Cell::text(some_of(&k.tables, 3)).with_title(k.tables.join("\n")),
                    Cell::count(k.events),
                    Cell::count(k.lifecycle_events),
                    Cell::text(upkeep.join("; ")),
                    Cell::text(other.join(", ")),
                ]
            })
            .collect(),
    }
}

/// Data-plane visibility per table.
pub fn visibility_table(visibility: &Visibility) -> TableData {
    TableData {
        columns: vec![
            Column::text("Table"),
            Column::text("Data events"),
            Column::number("Control plane"),
            Column::number("Data reads"),
            Column::number("Data writes"),
            Column::number("Streams"),
            Column::number("KMS"),
            Column::text("First data event (UTC)"),
            Column::text("Last data event (UTC)"),
            Column::text("In inventory"),
        ],
        rows: visibility
            .tables
            .iter()
            .map(|t| {
                let status = Cell::text(t.status.label()).with_class(visibility_class(t.status));
                let status = match t.flag.as_ref().or(t.note.as_ref()) {
                    Some(why) => status.with_title(why.clone()),
                    None => status,
                };
                vec![
                    Cell::text(t.table.clone()),
                    status,
                    Cell::count(t.control_plane_events),
                    Cell::count(t.data_read_events),
                    Cell::count(t.data_write_events),
                    Cell::count(t.streams_events),
                    Cell::count(t.kms_events),
                    Cell::time(t.first_data_event_ms),
                    Cell::time(t.last_data_event_ms),
                    Cell::text(if t.in_inventory { "yes" } else { "no" }),
                ]
            })
            .collect(),
    }
}

fn file_of(files: &[String], index: u32) -> String {
    files.get(index as usize).cloned().unwrap_or_default()
}

/// Field values longer than this (a key policy's JSON) are folded under their start.
const FIELD_FOLD_CHARS: usize = 160;
/// How much of a folded value its summary shows.
const FIELD_PREVIEW_CHARS: usize = 80;

/// A request field's value as text; a long one folded, so a key policy does not make its row
/// a screen tall.
fn field_value(value: &str) -> impl IntoView + use<> {
    if value.chars().count() <= FIELD_FOLD_CHARS {
        return Either::Left(value.to_string());
    }
    let start: String = value.chars().take(FIELD_PREVIEW_CHARS).collect();
    Either::Right(view! {
        <details class="field-fold">
            <summary>{format!("{start}… ({} characters)", thousands(value.chars().count() as u64))}</summary>
            <code class="wrap">{value.to_string()}</code>
        </details>
    })
}

/// Lifecycle events shown before "show more": a key policy's fields run long, and a month of an
/// estate's logs holds hundreds of these events.
const LIFECYCLE_PAGE: usize = 50;

#[component]
fn LifecycleRows(events: Vec<LifecycleEvent>, files: Vec<String>) -> impl IntoView {
    let total = events.len();
    let shown = RwSignal::new(LIFECYCLE_PAGE);
    let events = StoredValue::new(events);
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Lifecycle events of protecting keys">
            <table id="kms-lifecycle" class="report-table posture-table">
                <thead><tr>
                    <th>"Time (UTC)"</th><th>"Event"</th><th>"Keys"</th><th>"Tables"</th><th>"Principal"</th>
                    <th>"Source IP"</th><th>"Error"</th><th>"Fields"</th><th>"Evidence"</th>
                </tr></thead>
                <tbody>
                    {move || events.with_value(|events| events.iter().take(shown.get()).cloned().collect::<Vec<_>>()).into_iter().map(|e| {
                        let keys: Vec<String> = e.keys.iter().map(|k| if k.note.is_empty() { k.key.clone() } else { format!("{} ({})", k.key, k.note) }).collect();
                        let file = file_of(&files, e.evidence.file);
                        let label = format!("{} {}", e.event_name, format_iso_ms(e.time_ms));
                        view! {
                            <tr class:failed=!e.error_code.is_empty()>
                                <td>{format_iso_ms(e.time_ms)}</td>
                                <td>{e.event_name.clone()}</td>
                                <td class="wrap" title=e.key_as_written.clone()>{keys.join(", ")}</td>
                                <td>{e.tables.join(", ")}</td>
                                <td class="wrap">{e.principal.clone()}</td>
                                <td>{e.source_ip.clone()}</td>
                                <td>{(!e.error_code.is_empty()).then(|| view! { <span class="pill-fail">{e.error_code.clone()}</span> })}</td>
                                <td class="wrap"><ul class="fields">{e.fields.iter().map(|f| view! { <li><span class="field-name">{f.name.clone()}</span>": "{field_value(&f.value)}</li> }).collect_view()}</ul></td>
                                <td><EvidenceButton label=label file=file record_index=e.evidence.record_index /></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Show when=move || { total > shown.get() }>
            <button type="button" id="kms-lifecycle-more" class="button show-more" on:click=move |_| shown.update(|n| *n += LIFECYCLE_PAGE)>
                {move || show_more_label(total.saturating_sub(shown.get()), LIFECYCLE_PAGE)}
            </button>
        </Show>
    }
}

#[component]
fn TrailChangeRows(changes: Vec<TrailChange>, files: Vec<String>) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Trail changes">
            <table id="trail-changes" class="report-table posture-table">
                <thead><tr>
                    <th>"Time (UTC)"</th><th>"Event"</th><th>"Trail"</th><th>"Effect on DynamoDB data events"</th>
                    <th>"What changed"</th><th>"Principal"</th><th>"Error"</th><th>"Evidence"</th>
                </tr></thead>
                <tbody>
                    {changes.into_iter().map(|c| {
                        let file = file_of(&files, c.evidence.file);
                        let label = format!("{} {}", c.event_name, format_iso_ms(c.time_ms));
                        view! {
                            <tr class:dropping=c.drops_dynamodb_data_events>
                                <td>{format_iso_ms(c.time_ms)}</td>
                                <td>{c.event_name.clone()}</td>
                                <td class="wrap">{c.trail.clone()}</td>
                                <td>
                                    <span class=if c.drops_dynamodb_data_events { "pill-fail" } else { "pill-na" }>{effect_label(c.effect)}</span>
                                    {c.drops_dynamodb_data_events.then_some(" drops DynamoDB data events")}
                                </td>
                                <td class="wrap">{c.description.clone()}</td>
                                <td class="wrap">{c.principal.clone()}</td>
                                <td>{c.error_code.clone()}</td>
                                <td><EvidenceButton label=label file=file record_index=c.evidence.record_index /></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// One table's fold: its name, key kind and event count; the rest when opened.
#[component]
fn TableDetail(table: TableKms, bucket_label: String) -> impl IntoView {
    let summary = view! {
        <strong>{table.table.clone()}</strong>" "
        <span class=kind_class(table.kind)>{table.kind.label()}</span>
        <span class="finding-meta">{format!(" · {} KMS events", thousands(table.events))}</span>
    };
    let data_table = table.table.clone();
    view! {
        <Folded class="kms-table" data_table=data_table summary=summary>
            <TableDetailBody table=table.clone() bucket_label=bucket_label.clone() />
        </Folded>
    }
}

/// One table's keys, operations (with their series), callers.
#[component]
fn TableDetailBody(table: TableKms, bucket_label: String) -> impl IntoView {
    let id = format!("kms-ops-{}", table.table);
    let series_id = format!("kms-series-{}", table.table);
    let callers_id = format!("kms-callers-{}", table.table);
    let (ops, series, callers) = (
        operations_table(&table),
        series_table(&table, &bucket_label),
        callers_table(&table),
    );
    view! {
            <p class="kind-evidence">{table.kind_evidence.clone()}</p>
            <ul class="kms-keys">
                {table.keys.iter().map(|k| view! {
                    <li><code class="wrap">{if k.key.is_empty() { "(no key named)".to_string() } else { k.key.clone() }}</code>
                    {format!(" · {} events, {} to {}", thousands(k.events), format_iso_ms(k.first_ms), format_iso_ms(k.last_ms))}</li>
                }).collect_view()}
            </ul>
            <h4>"Operations"</h4>
            <DataTable id=id caption=format!("KMS operations on {}", table.table) data=Signal::stored(ops) />
            <details>
                <summary>{format!("Per {bucket_label}")}</summary>
                <DataTable id=series_id caption=format!("KMS operations over time on {}", table.table) data=Signal::stored(series) />
            </details>
            <h4>"Callers"</h4>
            <DataTable id=callers_id caption=format!("Callers of {}'s keys", table.table) data=Signal::stored(callers) />
    }
}

/// The section itself, from its parts (testable without a report or a session).
#[component]
pub fn KmsView(parts: KmsParts, #[prop(optional)] needs: Vec<String>) -> impl IntoView {
    let KmsParts {
        usage,
        visibility,
        evidence_files,
    } = parts;
    let note = if usage.note.is_empty() {
        DECRYPT_CACHE_NOTE.to_string()
    } else {
        usage.note.clone()
    };
    let reference = if usage.note_reference.is_empty() {
        DECRYPT_CACHE_REFERENCE.to_string()
    } else {
        usage.note_reference.clone()
    };
    let empty = usage.tables.is_empty() && usage.keys.is_empty() && visibility.tables.is_empty();
    let flagged: Vec<(String, String)> = visibility
        .tables
        .iter()
        .filter_map(|t| t.flag.clone().map(|f| (t.table.clone(), f)))
        .collect();
    let logs = visibility.logs.as_ref().map(|l| {
        format!(
            "Logs cover {} to {} ({} events).",
            format_iso_ms(l.first_ms),
            format_iso_ms(l.last_ms),
            thousands(l.events)
        )
    });
    view! {
        <aside class="note kms-note" id="kms-note" role="note">
            <strong>"Decrypt is cached: "</strong>{note}" "
            <span class="reference">"Reference: "<code class="wrap">{reference}</code></span>
        </aside>
        {if empty {
            view! { <EmptySection what="No KMS events, key exports or table events are loaded.".to_string() needs=needs /> }.into_any()
        } else {
            let tables = usage.tables.clone();
            let keys = usage.keys.clone();
            let bucket_label = usage.bucket_label.clone();
            view! {
                <p id="kms-summary">{format!(
                    "{} KMS events name a table; {} tables; {} protecting keys; {} lifecycle events.",
                    thousands(usage.events), usage.tables.len(), usage.keys.len(), usage.lifecycle.len()
                )}</p>
                <h3>"Tables"</h3>
                <DataTable id="kms-tables" caption="KMS use per table".to_string() data=Signal::stored(tables_table(&tables)) />
                <div class="kms-details">
                    {tables.into_iter().map(|t| view! { <TableDetail table=t bucket_label=bucket_label.clone() /> }).collect_view()}
                </div>
                <h3>"Protecting keys"</h3>
                <DataTable id="kms-keys" caption="Keys that protect tables".to_string() data=Signal::stored(keys_table(&keys)) />
                <h3>"Lifecycle events of protecting keys"</h3>
                {if usage.lifecycle.is_empty() {
                    view! { <p class="hint">"No lifecycle events (key policy, rotation, disabling, deletion, grants) of these keys in the logs."</p> }.into_any()
                } else {
                    view! { <LifecycleRows events=usage.lifecycle.clone() files=evidence_files.clone() /> }.into_any()
                }}
                <h3>"Data-plane visibility"</h3>
                {logs.map(|l| view! { <p class="hint">{l}</p> })}
                <p id="visibility-summary">{format!(
                    "{} of {} tables have only control-plane events in the logs; {} trail changes dropped DynamoDB data events.",
                    visibility.tables_flagged, visibility.tables.len(), visibility.trail_changes_dropping
                )}</p>
                {(!flagged.is_empty()).then(|| view! {
                    <ul class="visibility-flags">
                        {flagged.into_iter().map(|(table, flag)| view! { <li data-table=table.clone()><strong>{table.clone()}</strong>": "{flag}</li> }).collect_view()}
                    </ul>
                })}
                <DataTable id="visibility" caption="Data-plane visibility per table".to_string() data=Signal::stored(visibility_table(&visibility)) />
                <h4>"Trail changes"</h4>
                {if visibility.trail_changes.is_empty() {
                    view! { <p class="hint">"No trail changes (CreateTrail, PutEventSelectors, StopLogging, …) in the logs."</p> }.into_any()
                } else {
                    view! { <TrailChangeRows changes=visibility.trail_changes.clone() files=evidence_files.clone() /> }.into_any()
                }}
            }.into_any()
        }}
    }
}

/// `#kms-view`.
#[component]
pub fn KmsPage() -> impl IntoView {
    let session = expect_context::<Session>();
    view! {
        <main id="kms-view" class="page">
            <section class="panel" aria-labelledby="kms-title">
                <h2 id="kms-title">"KMS and data-plane visibility"</h2>
                {move || match session.report.get() {
                    None => view! { <crate::components::NoReport /> }.into_any(),
                    Some(shown) => {
                        let needs = missing_exports(&shown.report, &["kms", "kms-key-type"]);
                        match kms_of(&shown.report) {
                            Some(parts) => view! { <KmsView parts=parts needs=needs /> }.into_any(),
                            None => view! { <EmptySection what="This report has no KMS section.".to_string() needs=needs /> }.into_any(),
                        }
                    }
                }}
            </section>
            <EvidencePanel />
        </main>
    }
}
