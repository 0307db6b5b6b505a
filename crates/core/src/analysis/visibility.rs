//! Data-plane visibility: for each table, whether the loaded logs hold any of its data events,
//! over which window, and the trail changes that turned DynamoDB data events on or off.
//!
//! CloudTrail logs DynamoDB's control plane (CreateTable, UpdateTable, ...) by default, but its
//! data plane (GetItem, PutItem, Query, ...) only when a trail's event selectors ask for it. A
//! table with control-plane events and no data events therefore usually means the logs could
//! not show who read or wrote it, not that nobody did: such tables are flagged with
//! [`NO_DATA_EVENTS_FLAG`], and every verdict states the window of logs it was read against.
//! The trail calls that change what is logged (selectors, start and stop, create, update and
//! delete) are listed in time order with what each did to DynamoDB data events, read from
//! their request.
//!
//! ```
//! use ddb_lens_core::analysis::visibility::{visibility, DataVisibility, NO_DATA_EVENTS_FLAG};
//! use ddb_lens_core::{Limits, Loader};
//!
//! let mut loader = Loader::new(Limits::default());
//! loader.ingest("trail.json", br#"{"Records":[{"eventVersion":"1.09",
//!     "eventTime":"2026-03-01T10:00:00Z","eventSource":"dynamodb.amazonaws.com",
//!     "eventName":"DescribeTable","awsRegion":"eu-west-1","recipientAccountId":"111122223333",
//!     "eventID":"00000000-0000-4000-8000-000000000001",
//!     "requestParameters":{"tableName":"orders"}}]}"#);
//! let seen = visibility(loader.model(), &["archive".to_string()]);
//! assert_eq!(seen.tables[1].table, "orders");
//! assert_eq!(seen.tables[1].status, DataVisibility::ControlPlaneOnly);
//! assert_eq!(seen.tables[1].flag.as_deref(), Some(NO_DATA_EVENTS_FLAG));
//! // A table known only from inventory has no event at all: noted, not flagged.
//! assert_eq!(seen.tables[0].status, DataVisibility::NoEvents);
//! ```
//!
//! # Reading selectors
//!
//! `PutEventSelectors` replaces all of a trail's selectors, so its request says what the trail
//! logs afterwards. Basic selectors (`eventSelectors[].dataResources[]`) log a table's data
//! events when a resource of type `AWS::DynamoDB::Table` lists its ARN, or the prefix
//! `arn:aws:dynamodb` for every table, filtered by `readWriteType`. Advanced selectors
//! (`advancedEventSelectors[].fieldSelectors[]`) do when one selector has `eventCategory`
//! equal to `Data` and `resources.type` equal to `AWS::DynamoDB::Table`, narrowed by
//! `resources.ARN`, `readOnly`, `eventName` and other field filters. A change that leaves no
//! such selector, stops logging or deletes the trail drops DynamoDB data events; one that
//! narrows a trail the loaded logs showed logging every table drops some. A change whose
//! request is not in the logs, or that failed, is listed with what is known.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::analysis::json::{array_at, bool_at, display, field, str_at, strings_at};
use crate::analysis::operations::Plane;
use crate::analysis::symcache::{event_ref, time_order, Classifier, Source, SymMemo, TableIndex};
use crate::ingest::cloudtrail::table_from_arn;
use crate::model::{Event, Model, Sym};
use crate::rules::EventRef;
use crate::time::{format_iso_ms, span_label};

/// The flag on a table with control-plane events and no data events, word for word.
pub const NO_DATA_EVENTS_FLAG: &str =
    "no data events in the loaded logs: is data-event logging on for this table?";

/// CloudTrail calls that change what a trail logs. `PutAdvancedEventSelectors` is not an API
/// (advanced selectors are put with `PutEventSelectors`) but is accepted should an export
/// name it.
pub const TRAIL_CHANGE_EVENTS: [&str; 7] = [
    "CreateTrail",
    "DeleteTrail",
    "PutAdvancedEventSelectors",
    "PutEventSelectors",
    "StartLogging",
    "StopLogging",
    "UpdateTrail",
];

/// The resource type of DynamoDB table data events in selectors.
pub const DYNAMODB_TABLE_TYPE: &str = "AWS::DynamoDB::Table";

/// Data-plane visibility of every table, and the trail changes behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Visibility {
    /// The loaded logs' first and last event of any kind; `None` when nothing is loaded.
    pub logs: Option<LogWindow>,
    /// Every table named by an event or known from inventory, by name.
    pub tables: Vec<TableVisibility>,
    /// How many tables carry [`NO_DATA_EVENTS_FLAG`].
    pub tables_flagged: u64,
    /// Trail changes, in time order.
    pub trail_changes: Vec<TrailChange>,
    /// How many of them drop DynamoDB data events.
    pub trail_changes_dropping: u64,
}

/// A window of the loaded logs: the first and last event of any kind, overall or from one
/// account and region (CloudTrail delivers each account and region's logs on its own, so one
/// can cover less time than another).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogWindow {
    /// Empty for the whole logs' window.
    pub account: String,
    /// Empty for the whole logs' window.
    pub region: String,
    pub first_ms: i64,
    pub last_ms: i64,
    /// Events of any kind in the window.
    pub events: u64,
    /// "111122223333 eu-west-1: 2026-03-01T00:00:00Z to 2026-03-04T00:00:00Z (3 days)".
    pub label: String,
}

/// What the loaded logs show of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataVisibility {
    /// At least one data-plane read or write names the table.
    DataEvents,
    /// Control-plane events and no data-plane ones: flagged.
    ControlPlaneOnly,
    /// Only streams or KMS events name the table.
    OtherEventsOnly,
    /// No event names the table (known from inventory only).
    NoEvents,
}

impl DataVisibility {
    pub fn label(self) -> &'static str {
        match self {
            DataVisibility::DataEvents => "data events logged",
            DataVisibility::ControlPlaneOnly => "control plane only",
            DataVisibility::OtherEventsOnly => "streams or KMS events only",
            DataVisibility::NoEvents => "no events",
        }
    }
}

/// One table's visibility.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableVisibility {
    pub table: String,
    /// Named in the inventory list given to [`visibility`].
    pub in_inventory: bool,
    pub status: DataVisibility,
    /// [`NO_DATA_EVENTS_FLAG`] for [`DataVisibility::ControlPlaneOnly`].
    pub flag: Option<String>,
    /// A sentence on what else the logs say (KMS calls that show access, no events at all).
    pub note: Option<String>,
    pub control_plane_events: u64,
    pub data_read_events: u64,
    pub data_write_events: u64,
    pub streams_events: u64,
    /// KMS calls whose encryption context names the table (DynamoDB using its key).
    pub kms_events: u64,
    /// DynamoDB events naming the table whose operation the classification does not know.
    pub unclassified_events: u64,
    /// First and last event of any kind naming the table.
    pub first_event_ms: Option<i64>,
    pub last_event_ms: Option<i64>,
    /// First and last data-plane read or write.
    pub first_data_event_ms: Option<i64>,
    pub last_data_event_ms: Option<i64>,
    /// The windows the verdict is read against: for each account and region the table's
    /// events come from, that account and region's logs; the whole logs' window when no
    /// event names the table. Sorted by account, region.
    pub log_windows: Vec<LogWindow>,
}

/// What a trail change did to DynamoDB data events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrailEffect {
    /// Selectors log data events of every table, reads and writes.
    LogsAllTables,
    /// Selectors log some: chosen tables, reads or writes only, or filtered.
    LogsSomeTables,
    /// Selectors log no DynamoDB data events.
    LogsNoTables,
    LoggingStopped,
    LoggingStarted,
    TrailCreated,
    TrailDeleted,
    /// Trail settings (bucket, Regions, ...) changed; selectors unchanged.
    TrailUpdated,
    /// The call failed: nothing changed.
    Failed,
    /// The request is not in the loaded logs.
    Unknown,
}

/// Which data events a selector keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadWrite {
    All,
    ReadOnly,
    WriteOnly,
}

/// A selector that logs DynamoDB table data events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DynamoDbSelector {
    /// true for `advancedEventSelectors`, false for basic `eventSelectors`.
    pub advanced: bool,
    /// The advanced selector's name; empty for basic ones.
    pub name: String,
    pub read_write: ReadWrite,
    /// Every table, with no ARN, event-name or other filter narrowing it.
    pub all_tables: bool,
    /// Tables named by full table ARN (basic `values`, advanced `resources.ARN` Equals).
    pub tables: Vec<String>,
    /// The filters other than whole table ARNs, as read:
    /// "resources.ARN StartsWith arn:aws:dynamodb:eu-west-1:…", "eventName NotEquals Scan".
    pub filters: Vec<String>,
    /// The selector in one sentence.
    pub description: String,
}

/// A trail change and what it did to DynamoDB data events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrailChange {
    pub time_ms: i64,
    pub event_name: String,
    /// The trail as the event names it (ARN from the response when present, else the name).
    pub trail: String,
    pub account: String,
    pub region: String,
    pub principal: String,
    pub identity_type: String,
    pub source_ip: String,
    pub user_agent: String,
    /// Non-empty when the call failed.
    pub error_code: String,
    pub effect: TrailEffect,
    /// The change stops or narrows logging of DynamoDB data events (see the module docs).
    pub drops_dynamodb_data_events: bool,
    /// The change stops logging management events, which carry DynamoDB's control plane and
    /// the KMS calls behind table encryption.
    pub drops_management_events: bool,
    /// The change excludes `kms.amazonaws.com` from the management events logged.
    pub excludes_kms_events: bool,
    /// The selectors that log DynamoDB table data events after the change.
    pub selectors: Vec<DynamoDbSelector>,
    /// What the change did, in one or two sentences.
    pub description: String,
    pub evidence: EventRef,
}

/// How much of DynamoDB's data events a trail logs, as far as the loaded logs show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coverage {
    All,
    Some,
    None,
}

#[derive(Default)]
struct TableCounts {
    control: u64,
    read: u64,
    write: u64,
    streams: u64,
    kms: u64,
    unclassified: u64,
    first: Option<i64>,
    last: Option<i64>,
    first_data: Option<i64>,
    last_data: Option<i64>,
    /// Account-and-region windows the table's events come from (few: a linear set).
    windows: Vec<u32>,
}

fn widen(first: &mut Option<i64>, last: &mut Option<i64>, time_ms: i64) {
    *first = Some(first.map_or(time_ms, |t| t.min(time_ms)));
    *last = Some(last.map_or(time_ms, |t| t.max(time_ms)));
}

struct WindowCounts {
    account: Sym,
    region: Sym,
    first: i64,
    last: i64,
    events: u64,
}

/// The data-plane visibility of every table the events name, plus `inventory_tables` (names
/// known from describe-table or list-tables, so a table no event names still appears).
///
/// One pass over the events; event names, sources and table sets are judged once per symbol.
/// Only the trail changes' kept requests are parsed.
pub fn visibility(model: &Model, inventory_tables: &[String]) -> Visibility {
    let mut classifier = Classifier::new(model);
    let mut index = TableIndex::new(model);
    let mut is_trail_change = SymMemo::new(model);
    let mut counts: Vec<TableCounts> = Vec::new();
    let mut windows: Vec<WindowCounts> = Vec::new();
    let mut window_of: FxHashMap<(Sym, Sym), u32> = FxHashMap::default();
    let mut last_window: Option<((Sym, Sym), u32)> = None;
    let mut trail_events: Vec<&Event> = Vec::new();

    for event in &model.events_unsorted {
        let where_ = (event.account, event.region);
        let window = match last_window {
            Some((key, id)) if key == where_ => id,
            _ => {
                let id = *window_of.entry(where_).or_insert_with(|| {
                    windows.push(WindowCounts {
                        account: event.account,
                        region: event.region,
                        first: event.time_ms,
                        last: event.time_ms,
                        events: 0,
                    });
                    windows.len() as u32 - 1
                });
                last_window = Some((where_, id));
                id
            }
        };
        let w = &mut windows[window as usize];
        w.first = w.first.min(event.time_ms);
        w.last = w.last.max(event.time_ms);
        w.events += 1;

        let source = classifier.source(model, event);
        if source == Source::CloudTrail {
            if is_trail_change.get(model, event.event_name, |name| {
                TRAIL_CHANGE_EVENTS.contains(&name)
            }) {
                trail_events.push(event);
            }
            continue;
        }
        if event.table.is_empty() {
            continue;
        }
        let plane = classifier.plane(model, event);
        let ids = index.tables(model, event.table);
        for &id in ids {
            if id as usize >= counts.len() {
                counts.resize_with(id as usize + 1, TableCounts::default);
            }
            let c = &mut counts[id as usize];
            widen(&mut c.first, &mut c.last, event.time_ms);
            if !c.windows.contains(&window) {
                c.windows.push(window);
            }
            match (source, plane) {
                (Source::Kms, _) => c.kms += 1,
                (_, Some(Plane::ControlPlane)) => c.control += 1,
                (_, Some(Plane::DataRead)) => c.read += 1,
                (_, Some(Plane::DataWrite)) => c.write += 1,
                (_, Some(Plane::Streams)) => c.streams += 1,
                _ => c.unclassified += 1,
            }
            if matches!(plane, Some(Plane::DataRead | Plane::DataWrite)) {
                widen(&mut c.first_data, &mut c.last_data, event.time_ms);
            }
        }
    }

    let label_of = |w: &WindowCounts| LogWindow {
        account: model.str(w.account).to_string(),
        region: model.str(w.region).to_string(),
        first_ms: w.first,
        last_ms: w.last,
        events: w.events,
        label: window_label(model.str(w.account), model.str(w.region), w.first, w.last),
    };
    let logs = windows
        .iter()
        .map(|w| (w.first, w.last, w.events))
        .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1), a.2 + b.2))
        .map(|(first, last, events)| LogWindow {
            account: String::new(),
            region: String::new(),
            first_ms: first,
            last_ms: last,
            events,
            label: window_label("", "", first, last),
        });

    let mut tables: Vec<TableVisibility> = index
        .names
        .iter()
        .enumerate()
        .map(|(id, name)| {
            let c = counts.get(id);
            let mut log_windows: Vec<LogWindow> = c
                .map(|c| {
                    c.windows
                        .iter()
                        .map(|&w| label_of(&windows[w as usize]))
                        .collect()
                })
                .unwrap_or_default();
            log_windows.sort_by(|a, b| (&a.account, &a.region).cmp(&(&b.account, &b.region)));
            table_verdict(
                name,
                inventory_tables.iter().any(|t| t == name),
                c,
                log_windows,
            )
        })
        .collect();
    for name in inventory_tables {
        if !name.is_empty()
            && index.lookup(name).is_none()
            && !tables.iter().any(|t| &t.table == name)
        {
            tables.push(table_verdict(
                name,
                true,
                None,
                logs.iter().cloned().collect(),
            ));
        }
    }
    tables.sort_by(|a, b| a.table.cmp(&b.table));
    let tables_flagged = tables.iter().filter(|t| t.flag.is_some()).count() as u64;

    trail_events.sort_by_key(|e| time_order(e));
    let mut state: FxHashMap<(Sym, String), Coverage> = FxHashMap::default();
    let trail_changes: Vec<TrailChange> = trail_events
        .into_iter()
        .map(|event| trail_change(model, event, &mut state))
        .collect();
    let trail_changes_dropping = trail_changes
        .iter()
        .filter(|c| c.drops_dynamodb_data_events)
        .count() as u64;

    Visibility {
        logs,
        tables,
        tables_flagged,
        trail_changes,
        trail_changes_dropping,
    }
}

fn window_label(account: &str, region: &str, first: i64, last: i64) -> String {
    let place = match (account, region) {
        ("", "") => String::new(),
        (account, region) => format!(
            "{} {}: ",
            if account.is_empty() {
                "(no account)"
            } else {
                account
            },
            if region.is_empty() {
                "(no region)"
            } else {
                region
            }
        ),
    };
    format!(
        "{place}{} to {} ({})",
        format_iso_ms(first),
        format_iso_ms(last),
        span_label(last - first)
    )
}

fn table_verdict(
    name: &str,
    in_inventory: bool,
    counts: Option<&TableCounts>,
    log_windows: Vec<LogWindow>,
) -> TableVisibility {
    let empty = TableCounts::default();
    let c = counts.unwrap_or(&empty);
    let status = if c.read + c.write > 0 {
        DataVisibility::DataEvents
    } else if c.control > 0 {
        DataVisibility::ControlPlaneOnly
    } else if c.first.is_some() {
        DataVisibility::OtherEventsOnly
    } else {
        DataVisibility::NoEvents
    };
    let note = match status {
        DataVisibility::DataEvents => None,
        DataVisibility::NoEvents => {
            Some("no event in the loaded logs names this table".to_string())
        }
        _ if c.kms > 0 => Some(format!(
            "{} KMS call{} for this table's key show{} it was used in this window, \
             though no data event was logged",
            c.kms,
            if c.kms == 1 { "" } else { "s" },
            if c.kms == 1 { "s" } else { "" }
        )),
        DataVisibility::OtherEventsOnly => {
            Some("only DynamoDB Streams events name this table".to_string())
        }
        DataVisibility::ControlPlaneOnly => None,
    };
    TableVisibility {
        table: name.to_string(),
        in_inventory,
        status,
        flag: (status == DataVisibility::ControlPlaneOnly).then(|| NO_DATA_EVENTS_FLAG.to_string()),
        note,
        control_plane_events: c.control,
        data_read_events: c.read,
        data_write_events: c.write,
        streams_events: c.streams,
        kms_events: c.kms,
        unclassified_events: c.unclassified,
        first_event_ms: c.first,
        last_event_ms: c.last,
        first_data_event_ms: c.first_data,
        last_data_event_ms: c.last_data,
        log_windows,
    }
}

/// The trail's name for tracking its state: the part after `trail/` of an ARN, else as given.
fn trail_key(trail: &str) -> String {
    match trail.rsplit_once(":trail/") {
        Some((_, name)) => name.to_string(),
        None => trail.to_string(),
    }
}

fn trail_change(
    model: &Model,
    event: &Event,
    state: &mut FxHashMap<(Sym, String), Coverage>,
) -> TrailChange {
    let name = model.str(event.event_name);
    let detail = model.detail_json(event);
    let request = detail
        .as_ref()
        .and_then(|d| field(d, "requestParameters"))
        .filter(|v| v.is_object());
    let response = detail
        .as_ref()
        .and_then(|d| field(d, "responseElements"))
        .filter(|v| v.is_object());
    let trail = response
        .and_then(|r| str_at(r, &["trailARN"]))
        .or_else(|| request.and_then(|r| str_at(r, &["trailName"])))
        .or_else(|| request.and_then(|r| str_at(r, &["name"])))
        .or_else(|| response.and_then(|r| str_at(r, &["name"])))
        .unwrap_or("")
        .to_string();
    let key = (event.account, trail_key(&trail));
    let shown = if trail.is_empty() {
        "(trail not named)"
    } else {
        trail.as_str()
    };
    let error_code = model.str(event.error_code).to_string();
    let prior = state.get(&key).copied();

    let mut change = TrailChange {
        time_ms: event.time_ms,
        event_name: name.to_string(),
        trail: trail.clone(),
        account: model.str(event.account).to_string(),
        region: model.str(event.region).to_string(),
        principal: model.str(event.principal).to_string(),
        identity_type: model.str(event.identity_type).to_string(),
        source_ip: model.str(event.source_ip).to_string(),
        user_agent: model.str(event.user_agent).to_string(),
        error_code: error_code.clone(),
        effect: TrailEffect::Unknown,
        drops_dynamodb_data_events: false,
        drops_management_events: false,
        excludes_kms_events: false,
        selectors: Vec::new(),
        description: String::new(),
        evidence: event_ref(event),
    };
    if !error_code.is_empty() {
        change.effect = TrailEffect::Failed;
        change.description = format!("{name} on {shown} failed ({error_code}): nothing changed.");
        return change;
    }
    match name {
        "PutEventSelectors" | "PutAdvancedEventSelectors" => {
            let Some(read) = request
                .and_then(read_selectors)
                .or_else(|| response.and_then(read_selectors))
            else {
                change.description = format!(
                    "{name} on {shown}: the request is not in the loaded logs, so what it \
                     logs now is unknown."
                );
                state.remove(&key);
                return change;
            };
            let coverage = read.coverage();
            change.effect = match coverage {
                Coverage::All => TrailEffect::LogsAllTables,
                Coverage::Some => TrailEffect::LogsSomeTables,
                Coverage::None => TrailEffect::LogsNoTables,
            };
            change.drops_dynamodb_data_events = match coverage {
                Coverage::None => prior != Some(Coverage::None),
                Coverage::Some => prior == Some(Coverage::All),
                Coverage::All => false,
            };
            change.drops_management_events = !read.management;
            change.excludes_kms_events = read.management && read.excludes_kms;
            let mut text = match coverage {
                Coverage::All => format!(
                    "{shown} now logs DynamoDB data events for every table, reads and writes."
                ),
                Coverage::Some => format!(
                    "{shown} now logs DynamoDB data events only for: {}.",
                    read.dynamodb
                        .iter()
                        .map(|s| s.description.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                Coverage::None => format!(
                    "{shown} now logs no DynamoDB data events: no selector names {DYNAMODB_TABLE_TYPE}."
                ),
            };
            text.push_str(match (coverage, prior) {
                (Coverage::None, Some(Coverage::None)) => {
                    " It logged none before either, as far as the loaded logs show."
                }
                (Coverage::None, None) => " The loaded logs do not show what it logged before.",
                (Coverage::None, Some(_)) => {
                    " Before, it logged DynamoDB data events: this drops them."
                }
                (Coverage::Some, Some(Coverage::All)) => {
                    " Before, it logged every table: this narrows DynamoDB data events."
                }
                _ => "",
            });
            if change.drops_management_events {
                text.push_str(
                    " Management events are no longer logged: DynamoDB control-plane calls and \
                     KMS calls go unrecorded too.",
                );
            } else if change.excludes_kms_events {
                text.push_str(
                    " KMS events (kms.amazonaws.com) are excluded from management events: \
                     table key usage goes unrecorded.",
                );
            }
            change.description = text;
            change.selectors = read.dynamodb;
            state.insert(key, coverage);
        }
        "StopLogging" => {
            change.effect = TrailEffect::LoggingStopped;
            change.drops_dynamodb_data_events = true;
            change.drops_management_events = true;
            change.description = format!(
                "{shown} stopped logging: no DynamoDB event, data or control plane, is \
                 recorded by it until logging starts again."
            );
        }
        "StartLogging" => {
            change.effect = TrailEffect::LoggingStarted;
            change.description = format!(
                "{shown} started logging: its event selectors apply again{}.",
                match prior {
                    Some(Coverage::All) => " (every table's data events)",
                    Some(Coverage::Some) => " (some tables' data events)",
                    Some(Coverage::None) => " (no DynamoDB data events)",
                    None => "",
                }
            );
        }
        "DeleteTrail" => {
            change.effect = TrailEffect::TrailDeleted;
            change.drops_dynamodb_data_events = true;
            change.drops_management_events = true;
            change.description = format!(
                "{shown} was deleted: the DynamoDB events it logged are no longer recorded."
            );
            state.remove(&key);
        }
        "CreateTrail" => {
            change.effect = TrailEffect::TrailCreated;
            change.description = format!(
                "{shown} was created: a new trail logs management events and no data events \
                 until event selectors are put."
            );
            state.insert(key, Coverage::None);
        }
        "UpdateTrail" => {
            change.effect = TrailEffect::TrailUpdated;
            let settings: Vec<String> = request
                .and_then(Value::as_object)
                .map(|r| {
                    r.iter()
                        .filter(|(k, _)| !k.eq_ignore_ascii_case("name"))
                        .map(|(k, v)| format!("{k} = {}", display(v)))
                        .collect()
                })
                .unwrap_or_default();
            let single_region =
                request.and_then(|r| bool_at(r, &["isMultiRegionTrail"])) == Some(false);
            change.drops_dynamodb_data_events = single_region;
            change.description = format!(
                "{shown} was updated{}; its event selectors are unchanged.{}",
                if settings.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", settings.join(", "))
                },
                if single_region {
                    " It now logs only its home Region: DynamoDB events in other Regions are no \
                     longer recorded by it."
                } else {
                    ""
                }
            );
        }
        _ => {}
    }
    change
}

/// The selectors of a PutEventSelectors request or response, as far as DynamoDB is concerned.
struct ReadSelectors {
    dynamodb: Vec<DynamoDbSelector>,
    /// Some selector logs management events.
    management: bool,
    /// Every selector that logs management events excludes kms.amazonaws.com.
    excludes_kms: bool,
}

impl ReadSelectors {
    fn coverage(&self) -> Coverage {
        if self
            .dynamodb
            .iter()
            .any(|s| s.all_tables && s.read_write == ReadWrite::All)
        {
            Coverage::All
        } else if self.dynamodb.is_empty() {
            Coverage::None
        } else {
            Coverage::Some
        }
    }
}

/// Reads `eventSelectors` or `advancedEventSelectors`; `None` when neither is there.
fn read_selectors(parameters: &Value) -> Option<ReadSelectors> {
    if let Some(Value::Array(advanced)) = field(parameters, "advancedEventSelectors") {
        return Some(read_advanced(&advanced[..]));
    }
    if let Some(Value::Array(basic)) = field(parameters, "eventSelectors") {
        return Some(read_basic(&basic[..]));
    }
    None
}

fn read_basic(selectors: &[Value]) -> ReadSelectors {
    let mut out = ReadSelectors {
        dynamodb: Vec::new(),
        management: false,
        excludes_kms: true,
    };
    for selector in selectors {
        let read_write = match str_at(selector, &["readWriteType"]) {
            Some("ReadOnly") => ReadWrite::ReadOnly,
            Some("WriteOnly") => ReadWrite::WriteOnly,
            _ => ReadWrite::All,
        };
        // includeManagementEvents defaults to true.
        if bool_at(selector, &["includeManagementEvents"]) != Some(false) {
            out.management = true;
            if !strings_at(selector, &["excludeManagementEventSources"])
                .contains(&"kms.amazonaws.com")
            {
                out.excludes_kms = false;
            }
        }
        for resource in array_at(selector, &["dataResources"]) {
            if str_at(resource, &["type"]) != Some(DYNAMODB_TABLE_TYPE) {
                continue;
            }
            let values = strings_at(resource, &["values"]);
            if values.is_empty() {
                continue;
            }
            let all_tables = values.iter().any(|v| is_all_tables_prefix(v));
            let mut tables = Vec::new();
            let mut filters = Vec::new();
            for value in &values {
                match table_from_arn(value) {
                    Some(table) => tables.push(table.to_string()),
                    None => filters.push(format!("values {value}")),
                }
            }
            tables.sort();
            tables.dedup();
            // Basic values are alternatives: any one matching logs the event.
            let description = describe_selector(all_tables, &tables, &filters, " or ", read_write);
            out.dynamodb.push(DynamoDbSelector {
                advanced: false,
                name: String::new(),
                read_write,
                all_tables,
                tables,
                filters,
                description,
            });
        }
    }
    if !out.management {
        out.excludes_kms = false;
    }
    out
}

/// `arn:aws:dynamodb` (any partition, with or without a trailing colon): every table.
fn is_all_tables_prefix(value: &str) -> bool {
    let mut parts = value.trim_end_matches(':').split(':');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("arn"), Some(_), Some("dynamodb"), None)
    )
}

const OPERATORS: [&str; 6] = [
    "equals",
    "startsWith",
    "endsWith",
    "notEquals",
    "notStartsWith",
    "notEndsWith",
];

fn read_advanced(selectors: &[Value]) -> ReadSelectors {
    let mut out = ReadSelectors {
        dynamodb: Vec::new(),
        management: false,
        excludes_kms: true,
    };
    for selector in selectors {
        let conditions = array_at(selector, &["fieldSelectors"]);
        let equals = |name: &str| -> Vec<&str> {
            conditions
                .iter()
                .filter(|c| str_at(c, &["field"]) == Some(name))
                .flat_map(|c| strings_at(c, &["equals"]))
                .collect()
        };
        let categories = equals("eventCategory");
        if categories.contains(&"Management") {
            out.management = true;
            let kms_out = conditions.iter().any(|c| {
                str_at(c, &["field"]) == Some("eventSource")
                    && strings_at(c, &["notEquals"]).contains(&"kms.amazonaws.com")
            });
            if !kms_out {
                out.excludes_kms = false;
            }
        }
        if !categories.contains(&"Data") || !equals("resources.type").contains(&DYNAMODB_TABLE_TYPE)
        {
            continue;
        }
        let read_write = match equals("readOnly").as_slice() {
            ["true"] => ReadWrite::ReadOnly,
            ["false"] => ReadWrite::WriteOnly,
            _ => ReadWrite::All,
        };
        let mut tables = Vec::new();
        let mut filters = Vec::new();
        let mut narrowed = false;
        for condition in conditions {
            let field_name = str_at(condition, &["field"]).unwrap_or("");
            if matches!(field_name, "eventCategory" | "resources.type" | "readOnly") {
                continue;
            }
            for operator in OPERATORS {
                let values = strings_at(condition, &[operator]);
                if values.is_empty() {
                    continue;
                }
                let every_table = field_name == "resources.ARN"
                    && operator == "startsWith"
                    && values.iter().any(|v| is_all_tables_prefix(v));
                if !every_table {
                    narrowed = true;
                }
                let mut rest = values.clone();
                if field_name == "resources.ARN" && operator == "equals" {
                    // Whole table ARNs read as table names; anything else stays a filter.
                    tables.extend(
                        values
                            .iter()
                            .filter_map(|v| table_from_arn(v))
                            .map(String::from),
                    );
                    rest.retain(|v| table_from_arn(v).is_none());
                }
                if !rest.is_empty() {
                    filters.push(format!(
                        "{field_name} {}{} {}",
                        operator[..1].to_uppercase(),
                        &operator[1..],
                        rest.join(", ")
                    ));
                }
            }
        }
        tables.sort();
        tables.dedup();
        let all_tables = !narrowed;
        let description = describe_selector(all_tables, &tables, &filters, " and ", read_write);
        out.dynamodb.push(DynamoDbSelector {
            advanced: true,
            name: str_at(selector, &["name"]).unwrap_or("").to_string(),
            read_write,
            all_tables,
            tables,
            filters,
            description,
        });
    }
    if !out.management {
        out.excludes_kms = false;
    }
    out
}

fn describe_selector(
    all_tables: bool,
    tables: &[String],
    filters: &[String],
    joiner: &str,
    read_write: ReadWrite,
) -> String {
    let scope = if all_tables {
        "every table".to_string()
    } else {
        let mut parts = Vec::new();
        if !tables.is_empty() {
            parts.push(format!(
                "table{} {}",
                if tables.len() == 1 { "" } else { "s" },
                tables.join(", ")
            ));
        }
        parts.extend(filters.iter().cloned());
        parts.join(joiner)
    };
    let which = match read_write {
        ReadWrite::All => "reads and writes",
        ReadWrite::ReadOnly => "reads only",
        ReadWrite::WriteOnly => "writes only",
    };
    format!("{scope} ({which})")
}
