//! DynamoDB activity: the loaded events filtered, counted over time, listed, and summarised per
//! table and per principal.
//!
//! A [`Filter`] (time range, tables, principals, event names, source IPs, error codes, errors or
//! not, planes) runs over an [`ActivityIndex`]: the events sorted by time once after a load, with
//! each event's plane and error flag alongside. [`query`] gives the counts, the stacked timeline
//! and, per filter dimension, the values with their counts (faceted: a dimension's counts apply
//! every other dimension's selection, so its alternatives stay visible); [`rows`] gives one
//! page of the filtered list; [`table_summaries`] and [`principal_summaries`] summarise all
//! loaded events.
//!
//! ```
//! use ddb_lens_core::analysis::activity::{query, rows, ActivityIndex, ActivityPlane, Filter};
//! use ddb_lens_core::{Limits, Loader};
//!
//! let mut loader = Loader::new(Limits::default());
//! loader.ingest("trail.json", br#"{"Records":[
//!   {"eventTime":"2026-03-01T10:00:00Z","eventSource":"dynamodb.amazonaws.com","eventName":"Scan",
//!    "requestParameters":{"tableName":"orders"},"eventID":"00000000-0000-4000-8000-000000000001"},
//!   {"eventTime":"2026-03-01T09:00:00Z","eventSource":"dynamodb.amazonaws.com","eventName":"DeleteTable",
//!    "errorCode":"AccessDenied","requestParameters":{"tableName":"orders"},
//!    "eventID":"00000000-0000-4000-8000-000000000002"}]}"#);
//! let model = loader.model();
//! let index = ActivityIndex::build(model);
//!
//! let filter = Filter { planes: vec![ActivityPlane::Read], ..Filter::default() };
//! let summary = query(model, &index, &filter);
//! assert_eq!(summary.events, 1);
//! assert_eq!(summary.facets.planes.values[0].name, "control"); // counted with the other filters only
//!
//! // Rows come in time order: the failed delete first.
//! let all = rows(model, &index, &Filter::default(), 0, 10);
//! assert_eq!(all[0].event_name, "DeleteTable");
//! assert_eq!(all[0].error_code, "AccessDenied");
//! assert_eq!(all[1].tables, ["orders"]);
//! ```
//!
//! # Planes
//!
//! [`ActivityPlane`] follows [`crate::analysis::operations`]: control plane, data read, data
//! write and streams for DynamoDB's operations; everything else (DAX's management API, KMS,
//! other services, DynamoDB operations newer than the table) is *other*. An event with an error
//! code is drawn in the timeline's error series rather than its plane's, so the stack adds up
//! to the events in the bucket; the plane counts include it.
//!
//! # Tables
//!
//! Events name tables through [`Model::tables`]. A DynamoDB event that names none (ListTables,
//! DescribeLimits, a request CloudTrail logged without its table) counts under
//! [`UNKNOWN_TABLE`]; events of other services that name no table have no table at all.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::analysis::operations::{classify, Plane};
use crate::analysis::overview::{bucket_size, Count};
use crate::ingest::tables::split_tables;
use crate::model::{Event, Model, Sym};
use crate::time::format_iso_ms;

/// The table name under which DynamoDB events without a table are counted. Parentheses cannot
/// occur in a DynamoDB table name, so it never collides with a real one.
pub const UNKNOWN_TABLE: &str = "(unknown table)";
/// Facet values returned per dimension, the most frequent first.
pub const FACET_LIMIT: usize = 200;
/// Entries per list in a table or principal summary.
pub const SUMMARY_LIST_LIMIT: usize = 20;

/// What an event does, for the activity views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityPlane {
    /// DynamoDB control plane: tables, backups, settings (management events).
    Control,
    /// DynamoDB data-plane reads (data events).
    Read,
    /// DynamoDB data-plane writes (data events).
    Write,
    /// DynamoDB Streams.
    Streams,
    /// Anything else: DAX, KMS, other services, unclassified DynamoDB operations.
    Other,
}

impl ActivityPlane {
    /// Every plane, in display order.
    pub const ALL: [ActivityPlane; 5] = [
        ActivityPlane::Control,
        ActivityPlane::Read,
        ActivityPlane::Write,
        ActivityPlane::Streams,
        ActivityPlane::Other,
    ];

    /// The plane of an event from its `eventSource` and `eventName`.
    pub fn of(event_source: &str, event_name: &str) -> ActivityPlane {
        match classify(event_source, event_name) {
            Some(Plane::ControlPlane) => ActivityPlane::Control,
            Some(Plane::DataRead) => ActivityPlane::Read,
            Some(Plane::DataWrite) => ActivityPlane::Write,
            Some(Plane::Streams) => ActivityPlane::Streams,
            Some(Plane::Dax) | None => ActivityPlane::Other,
        }
    }

    /// The name used in filters and facets (`"control"`, `"read"`, ...), as serde writes it.
    pub fn key(self) -> &'static str {
        match self {
            ActivityPlane::Control => "control",
            ActivityPlane::Read => "read",
            ActivityPlane::Write => "write",
            ActivityPlane::Streams => "streams",
            ActivityPlane::Other => "other",
        }
    }

    /// The plane named by [`ActivityPlane::key`].
    pub fn from_key(key: &str) -> Option<ActivityPlane> {
        ActivityPlane::ALL
            .into_iter()
            .find(|plane| plane.key() == key)
    }

    /// How the plane reads on the page.
    pub fn label(self) -> &'static str {
        match self {
            ActivityPlane::Control => "control plane",
            ActivityPlane::Read => "data read",
            ActivityPlane::Write => "data write",
            ActivityPlane::Streams => "streams",
            ActivityPlane::Other => "other",
        }
    }

    /// Whether the plane is one of DynamoDB's own (so a missing table is an unknown one).
    fn is_dynamodb(self) -> bool {
        self != ActivityPlane::Other
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Which events to keep by their error code, before [`Filter::error_codes`] applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorFilter {
    /// Every event.
    #[default]
    All,
    /// Events with an error code.
    Errors,
    /// Events without one.
    NoErrors,
}

/// The events to show. An empty list keeps every value of its dimension; a non-empty one keeps
/// events with any of its values. Dimensions combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    /// Events at or after this time (ms since the epoch, UTC).
    pub from_ms: Option<i64>,
    /// Events before this time.
    pub to_ms: Option<i64>,
    /// Table names; [`UNKNOWN_TABLE`] selects DynamoDB events that name none. An event that
    /// touches several tables matches if any is selected.
    pub tables: Vec<String>,
    pub principals: Vec<String>,
    pub event_names: Vec<String>,
    /// sourceIPAddress values (IPs, or service names such as `dynamodb.amazonaws.com`).
    pub source_ips: Vec<String>,
    pub error_codes: Vec<String>,
    pub errors: ErrorFilter,
    pub planes: Vec<ActivityPlane>,
}

/// Events per plane.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaneCounts {
    pub control: u64,
    pub read: u64,
    pub write: u64,
    pub streams: u64,
    pub other: u64,
}

impl PlaneCounts {
    fn from_array(counts: [u64; 5]) -> PlaneCounts {
        let [control, read, write, streams, other] = counts;
        PlaneCounts {
            control,
            read,
            write,
            streams,
            other,
        }
    }

    /// The count of one plane.
    pub fn get(&self, plane: ActivityPlane) -> u64 {
        match plane {
            ActivityPlane::Control => self.control,
            ActivityPlane::Read => self.read,
            ActivityPlane::Write => self.write,
            ActivityPlane::Streams => self.streams,
            ActivityPlane::Other => self.other,
        }
    }
}

/// One timeline bucket: events with `start_ms <= time < start_ms + bucket_secs * 1000`, each in
/// exactly one series (an event with an error code in `errors`, else in its plane's).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityBucket {
    pub start_ms: i64,
    pub control: u64,
    pub read: u64,
    pub write: u64,
    pub streams: u64,
    pub other: u64,
    pub errors: u64,
}

impl ActivityBucket {
    /// Events in the bucket.
    pub fn total(&self) -> u64 {
        self.control + self.read + self.write + self.streams + self.other + self.errors
    }
}

/// The values of one filter dimension with their counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facet {
    /// Most frequent first, then by name; at most [`FACET_LIMIT`], plus any selected value
    /// beyond them (with its count, possibly 0).
    pub values: Vec<Count>,
    /// Distinct values with a count, shown or not.
    pub distinct: u64,
}

/// Per dimension, the values found under every other dimension's selection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    pub tables: Facet,
    pub principals: Facet,
    pub event_names: Facet,
    pub source_ips: Facet,
    /// Error codes of events that have one.
    pub error_codes: Facet,
    /// `"error"` and `"no_error"`.
    pub errors: Facet,
    /// By [`ActivityPlane::key`].
    pub planes: Facet,
}

/// What a filter matches: counts, the stacked timeline and the facets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivitySummary {
    /// Events loaded.
    pub total_events: u64,
    /// Events the filter keeps.
    pub events: u64,
    /// Of the kept events, by plane (errors included).
    pub planes: PlaneCounts,
    /// Of the kept events, those with an error code.
    pub errors: u64,
    /// First and last kept event.
    pub first_ms: Option<i64>,
    pub last_ms: Option<i64>,
    /// First and last event loaded, for the page's range inputs and reset.
    pub data_first_ms: Option<i64>,
    pub data_last_ms: Option<i64>,
    /// Bucket size, picked from the filter's time range (within the data) or else from the kept
    /// events' span.
    pub bucket_secs: i64,
    /// "1 hour".
    pub bucket_label: String,
    /// Every bucket of the span, empty ones included.
    pub buckets: Vec<ActivityBucket>,
    pub facets: Facets,
}

/// One event of the filtered list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityRow {
    /// Position in the filtered list, from 0.
    pub position: u64,
    pub time_ms: i64,
    /// ISO 8601 UTC.
    pub time: String,
    pub event_source: String,
    pub event_name: String,
    pub plane: ActivityPlane,
    /// In name order; empty when the event names none.
    pub tables: Vec<String>,
    pub principal: String,
    pub source_ip: String,
    /// Empty when the call succeeded.
    pub error_code: String,
    pub user_agent: String,
    pub account: String,
    pub region: String,
    /// Index of the source file in [`Model::files`], and its name.
    pub file: u32,
    pub file_name: String,
    /// The record's position in its file, for [`crate::ingest::record::record_json`].
    pub record_index: u32,
}

/// A control-plane call that changed something (not a Describe, List or Get, and not failed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlChange {
    pub time_ms: i64,
    pub event_name: String,
    pub principal: String,
    pub file: u32,
    pub record_index: u32,
}

/// What happened to one table over the loaded events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableSummary {
    /// The table name, or [`UNKNOWN_TABLE`].
    pub table: String,
    pub events: u64,
    pub planes: PlaneCounts,
    pub errors: u64,
    /// Distinct principals.
    pub principals: u64,
    /// The busiest principals, at most [`SUMMARY_LIST_LIMIT`].
    pub top_principals: Vec<Count>,
    pub first_ms: i64,
    pub last_ms: i64,
    /// The latest successful control-plane change.
    pub last_change: Option<ControlChange>,
}

/// What one principal did over the loaded events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrincipalSummary {
    /// As in [`Event::principal`]; empty when the event named none.
    pub principal: String,
    /// Its most frequent userIdentity.type.
    pub identity_type: String,
    pub events: u64,
    pub errors: u64,
    pub planes: PlaneCounts,
    pub first_ms: i64,
    pub last_ms: i64,
    /// Each list: the most frequent [`SUMMARY_LIST_LIMIT`], with the distinct count beside.
    pub tables: Vec<Count>,
    pub tables_distinct: u64,
    pub operations: Vec<Count>,
    pub operations_distinct: u64,
    pub source_ips: Vec<Count>,
    pub source_ips_distinct: u64,
    pub user_agents: Vec<Count>,
    pub user_agents_distinct: u64,
}

/// Bit of a position's flags: the event has an error code. The low bits hold its plane.
const ERROR_BIT: u8 = 0x8;
const PLANE_MASK: u8 = 0x7;

/// The events in time order, built once after a load; every query walks it.
///
/// Ties in time are broken by file, then record index, so the order (and so every list) does
/// not depend on anything but the files: events are stored in that order, and the sort key is
/// (time, event index).
#[derive(Debug, Clone, Default)]
pub struct ActivityIndex {
    /// Event indices into [`Model::events_unsorted`], in time order.
    order: Vec<u32>,
    /// `times[i]` is the time of `order[i]`: range bounds by binary search, and a sequential
    /// read for the timeline.
    times: Vec<i64>,
    /// Plane and error bit of `order[i]`. The plane depends on eventSource and eventName
    /// together (glue's CreateTable is not DynamoDB's), so it is cached per event, not per
    /// name; computed once per distinct (source, name) pair.
    flags: Vec<u8>,
    /// Distinct table-set symbols of the events, ascending.
    table_sets: Vec<Sym>,
}

impl ActivityIndex {
    /// Sorts `model`'s events by time and caches what queries need per event.
    pub fn build(model: &Model) -> ActivityIndex {
        let events = &model.events_unsorted;
        let mut keyed: Vec<(i64, u32)> = events
            .iter()
            .enumerate()
            .map(|(i, e)| (e.time_ms, i as u32))
            .collect();
        keyed.sort_unstable();
        let mut planes: FxHashMap<(Sym, Sym), u8> = FxHashMap::default();
        let mut table_sets: Vec<Sym> = Vec::new();
        let mut seen_table = vec![false; model.strings.len()];
        let mut order = Vec::with_capacity(events.len());
        let mut times = Vec::with_capacity(events.len());
        let mut flags = Vec::with_capacity(events.len());
        for (time, i) in keyed {
            let e = &events[i as usize];
            let plane = *planes
                .entry((e.event_source, e.event_name))
                .or_insert_with(|| {
                    ActivityPlane::of(model.str(e.event_source), model.str(e.event_name)) as u8
                });
            let error = if e.error_code.is_empty() {
                0
            } else {
                ERROR_BIT
            };
            if !e.table.is_empty() && !seen_table[e.table.0 as usize] {
                seen_table[e.table.0 as usize] = true;
                table_sets.push(e.table);
            }
            order.push(i);
            times.push(time);
            flags.push(plane | error);
        }
        table_sets.sort_unstable();
        ActivityIndex {
            order,
            times,
            flags,
            table_sets,
        }
    }

    /// Events indexed.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Event indices in time order.
    pub fn order(&self) -> &[u32] {
        &self.order
    }

    /// Whether this index still covers every event of `model` (loads only append).
    pub fn covers(&self, model: &Model) -> bool {
        self.order.len() == model.events_unsorted.len()
    }

    fn plane_at(&self, position: usize) -> ActivityPlane {
        ActivityPlane::ALL[(self.flags[position] & PLANE_MASK) as usize]
    }
}

/// Dimension bits, for faceted counting.
const DIM_TABLE: u8 = 1;
const DIM_PRINCIPAL: u8 = 2;
const DIM_NAME: u8 = 4;
const DIM_IP: u8 = 8;
const DIM_CODE: u8 = 16;
const DIM_ERRORS: u8 = 32;
const DIM_PLANE: u8 = 64;

/// The table key of an event for filtering and counting: its table-set symbol, [`Sym::EMPTY`]
/// for a DynamoDB event naming none (the unknown table), `None` for other events naming none.
#[inline]
fn table_key(event: &Event, plane: ActivityPlane) -> Option<Sym> {
    if event.table.is_empty() && !plane.is_dynamodb() {
        None
    } else {
        Some(event.table)
    }
}

/// A filter resolved against the model's symbols: one lookup per dimension per event.
struct Compiled {
    /// Positions in the index within the time range.
    start: usize,
    end: usize,
    /// Per symbol, whether it is selected; `None` when the dimension keeps everything.
    tables: Option<Vec<bool>>,
    principals: Option<Vec<bool>>,
    names: Option<Vec<bool>>,
    ips: Option<Vec<bool>>,
    codes: Option<Vec<bool>>,
    errors: ErrorFilter,
    planes: Option<[bool; 5]>,
}

impl Compiled {
    fn new(model: &Model, index: &ActivityIndex, filter: &Filter) -> Compiled {
        let symbols = model.strings.len();
        let set = |values: &[String]| -> Option<Vec<bool>> {
            if values.is_empty() {
                return None;
            }
            let mut set = vec![false; symbols];
            for value in values {
                if let Some(sym) = model.strings.lookup(value) {
                    set[sym.0 as usize] = true;
                }
            }
            Some(set)
        };
        let tables = (!filter.tables.is_empty()).then(|| {
            let mut set = vec![false; symbols];
            set[0] = filter.tables.iter().any(|t| t == UNKNOWN_TABLE);
            for &sym in &index.table_sets {
                set[sym.0 as usize] = split_tables(model.str(sym))
                    .any(|name| filter.tables.iter().any(|t| t == name));
            }
            set
        });
        let planes = (!filter.planes.is_empty()).then(|| {
            let mut keep = [false; 5];
            for plane in &filter.planes {
                keep[plane.index()] = true;
            }
            keep
        });
        let start = filter
            .from_ms
            .map_or(0, |from| index.times.partition_point(|&t| t < from));
        let end = filter
            .to_ms
            .map_or(index.len(), |to| index.times.partition_point(|&t| t < to))
            .max(start);
        Compiled {
            start,
            end,
            tables,
            principals: set(&filter.principals),
            names: set(&filter.event_names),
            ips: set(&filter.source_ips),
            codes: set(&filter.error_codes),
            errors: filter.errors,
            planes,
        }
    }

    /// The dimensions `event` fails, as bits.
    #[inline]
    fn fails(&self, event: &Event, flags: u8) -> u8 {
        let plane = ActivityPlane::ALL[(flags & PLANE_MASK) as usize];
        let has_error = flags & ERROR_BIT != 0;
        let in_set = |set: &Option<Vec<bool>>, sym: Sym| match set {
            None => true,
            Some(set) => set[sym.0 as usize],
        };
        let mut fails = 0;
        if let Some(set) = &self.tables {
            if !table_key(event, plane).is_some_and(|key| set[key.0 as usize]) {
                fails |= DIM_TABLE;
            }
        }
        if !in_set(&self.principals, event.principal) {
            fails |= DIM_PRINCIPAL;
        }
        if !in_set(&self.names, event.event_name) {
            fails |= DIM_NAME;
        }
        if !in_set(&self.ips, event.source_ip) {
            fails |= DIM_IP;
        }
        if !in_set(&self.codes, event.error_code) {
            fails |= DIM_CODE;
        }
        let errors_ok = match self.errors {
            ErrorFilter::All => true,
            ErrorFilter::Errors => has_error,
            ErrorFilter::NoErrors => !has_error,
        };
        if !errors_ok {
            fails |= DIM_ERRORS;
        }
        if let Some(keep) = &self.planes {
            if !keep[plane.index()] {
                fails |= DIM_PLANE;
            }
        }
        fails
    }
}

/// Positions (into [`ActivityIndex::order`]) of the events `filter` keeps, in time order. The
/// page's worker keeps this for the current filter and pages through it with [`rows_at`].
pub fn matching(model: &Model, index: &ActivityIndex, filter: &Filter) -> Vec<u32> {
    let compiled = Compiled::new(model, index, filter);
    let events = &model.events_unsorted;
    (compiled.start..compiled.end)
        .filter(|&pos| compiled.fails(&events[index.order[pos] as usize], index.flags[pos]) == 0)
        .map(|pos| pos as u32)
        .collect()
}

/// Counts, timeline and facets of the events `filter` keeps.
pub fn query(model: &Model, index: &ActivityIndex, filter: &Filter) -> ActivitySummary {
    query_with_matching(model, index, filter).0
}

/// [`query`], with the [`matching`] list it found on the way (the worker keeps it for paging).
pub fn query_with_matching(
    model: &Model,
    index: &ActivityIndex,
    filter: &Filter,
) -> (ActivitySummary, Vec<u32>) {
    let compiled = Compiled::new(model, index, filter);
    let events = &model.events_unsorted;
    let symbols = model.strings.len();
    let mut tables = vec![0u64; symbols];
    let mut principals = vec![0u64; symbols];
    let mut names = vec![0u64; symbols];
    let mut ips = vec![0u64; symbols];
    let mut codes = vec![0u64; symbols];
    let mut errors_facet = [0u64; 2];
    let mut planes_facet = [0u64; 5];
    let mut matched: Vec<u32> = Vec::new();
    let mut plane_counts = [0u64; 5];
    let mut error_count = 0u64;

    for pos in compiled.start..compiled.end {
        let flags = index.flags[pos];
        let event = &events[index.order[pos] as usize];
        let fails = compiled.fails(event, flags);
        // Faceted counting: an event that passes every dimension counts in each; one that fails
        // exactly one dimension counts in that dimension's facet only (it would match if that
        // dimension's selection changed); the rest count nowhere.
        let count_in = match fails {
            0 => 0x7F,
            bit if bit.is_power_of_two() => bit,
            _ => continue,
        };
        let plane = flags & PLANE_MASK;
        let has_error = flags & ERROR_BIT != 0;
        if count_in & DIM_TABLE != 0 {
            if let Some(key) = table_key(event, ActivityPlane::ALL[plane as usize]) {
                tables[key.0 as usize] += 1;
            }
        }
        if count_in & DIM_PRINCIPAL != 0 {
            principals[event.principal.0 as usize] += 1;
        }
        if count_in & DIM_NAME != 0 {
            names[event.event_name.0 as usize] += 1;
        }
        if count_in & DIM_IP != 0 {
            ips[event.source_ip.0 as usize] += 1;
        }
        if count_in & DIM_CODE != 0 && has_error {
            codes[event.error_code.0 as usize] += 1;
        }
        if count_in & DIM_ERRORS != 0 {
            errors_facet[usize::from(!has_error)] += 1;
        }
        if count_in & DIM_PLANE != 0 {
            planes_facet[plane as usize] += 1;
        }
        if fails == 0 {
            matched.push(pos as u32);
            plane_counts[plane as usize] += 1;
            error_count += u64::from(has_error);
        }
    }

    let mut summary = ActivitySummary {
        total_events: index.len() as u64,
        events: matched.len() as u64,
        planes: PlaneCounts::from_array(plane_counts),
        errors: error_count,
        first_ms: matched.first().map(|&pos| index.times[pos as usize]),
        last_ms: matched.last().map(|&pos| index.times[pos as usize]),
        data_first_ms: index.times.first().copied(),
        data_last_ms: index.times.last().copied(),
        facets: Facets {
            tables: table_facet(model, &tables, &filter.tables),
            principals: symbol_facet(model, &principals, &filter.principals),
            event_names: symbol_facet(model, &names, &filter.event_names),
            source_ips: symbol_facet(model, &ips, &filter.source_ips),
            error_codes: symbol_facet(model, &codes, &filter.error_codes),
            errors: ranked_facet(
                [("error", errors_facet[0]), ("no_error", errors_facet[1])]
                    .into_iter()
                    .map(|(name, count)| (name.to_string(), count)),
                &[],
            ),
            planes: ranked_facet(
                ActivityPlane::ALL
                    .into_iter()
                    .map(|plane| (plane.key().to_string(), planes_facet[plane.index()])),
                &filter
                    .planes
                    .iter()
                    .map(|plane| plane.key().to_string())
                    .collect::<Vec<_>>(),
            ),
        },
        ..ActivitySummary::default()
    };
    fill_timeline(&mut summary, index, filter, &matched);
    (summary, matched)
}

/// Buckets the kept events over the filter's range (clamped to the data) or their own span.
fn fill_timeline(
    summary: &mut ActivitySummary,
    index: &ActivityIndex,
    filter: &Filter,
    matched: &[u32],
) {
    let (Some(data_first), Some(data_last)) = (summary.data_first_ms, summary.data_last_ms) else {
        return;
    };
    let from = filter.from_ms.map(|from| from.max(data_first));
    let to = filter.to_ms.map(|to| to.saturating_sub(1).min(data_last));
    let (start, end) = match (from, to, summary.first_ms, summary.last_ms) {
        (Some(from), Some(to), _, _) if from <= to => (from, to),
        (from, to, Some(first), Some(last)) => (
            from.unwrap_or(first).min(first),
            to.unwrap_or(last).max(last),
        ),
        _ => return,
    };
    let (bucket_secs, label) = bucket_size(end - start);
    let bucket_ms = bucket_secs * 1000;
    let first_bucket = start.div_euclid(bucket_ms) * bucket_ms;
    let count = ((end - first_bucket) / bucket_ms + 1) as usize;
    let mut buckets: Vec<ActivityBucket> = (0..count)
        .map(|i| ActivityBucket {
            start_ms: first_bucket + i as i64 * bucket_ms,
            ..ActivityBucket::default()
        })
        .collect();
    for &pos in matched {
        let pos = pos as usize;
        let bucket = &mut buckets[((index.times[pos] - first_bucket) / bucket_ms) as usize];
        let flags = index.flags[pos];
        let series = if flags & ERROR_BIT != 0 {
            &mut bucket.errors
        } else {
            match index.plane_at(pos) {
                ActivityPlane::Control => &mut bucket.control,
                ActivityPlane::Read => &mut bucket.read,
                ActivityPlane::Write => &mut bucket.write,
                ActivityPlane::Streams => &mut bucket.streams,
                ActivityPlane::Other => &mut bucket.other,
            }
        };
        *series += 1;
    }
    summary.bucket_secs = bucket_secs;
    summary.bucket_label = label.to_string();
    summary.buckets = buckets;
}

/// A facet from per-symbol counts.
fn symbol_facet(model: &Model, counts: &[u64], selected: &[String]) -> Facet {
    ranked_facet(
        counts
            .iter()
            .enumerate()
            .filter(|&(_, &count)| count > 0)
            .map(|(sym, &count)| (model.str(Sym(sym as u32)).to_string(), count)),
        selected,
    )
}

/// The tables facet: per table-set counts spread over each table of the set.
fn table_facet(model: &Model, counts: &[u64], selected: &[String]) -> Facet {
    let mut by_name: FxHashMap<&str, u64> = FxHashMap::default();
    for (sym, &count) in counts.iter().enumerate().filter(|&(_, &c)| c > 0) {
        if sym == 0 {
            *by_name.entry(UNKNOWN_TABLE).or_default() += count;
            continue;
        }
        for name in split_tables(model.str(Sym(sym as u32))) {
            *by_name.entry(name).or_default() += count;
        }
    }
    ranked_facet(
        by_name
            .into_iter()
            .map(|(name, count)| (name.to_string(), count)),
        selected,
    )
}

/// The most frequent [`FACET_LIMIT`] values, then any selected value not among them.
fn ranked_facet(values: impl Iterator<Item = (String, u64)>, selected: &[String]) -> Facet {
    let mut all: Vec<Count> = values
        .filter(|(_, count)| *count > 0)
        .map(|(name, count)| Count { name, count })
        .collect();
    let distinct = all.len() as u64;
    sort_counts(&mut all);
    let mut shown: Vec<Count> = all.iter().take(FACET_LIMIT).cloned().collect();
    for value in selected {
        if !shown.iter().any(|c| &c.name == value) {
            let count = all.iter().find(|c| &c.name == value).map_or(0, |c| c.count);
            shown.push(Count {
                name: value.clone(),
                count,
            });
        }
    }
    Facet {
        values: shown,
        distinct,
    }
}

/// Most frequent first, then by name: deterministic whatever the hash maps' order.
fn sort_counts(counts: &mut [Count]) {
    counts.sort_unstable_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
}

/// Rows `offset..offset + limit` of the events `filter` keeps, in time order.
pub fn rows(
    model: &Model,
    index: &ActivityIndex,
    filter: &Filter,
    offset: u64,
    limit: usize,
) -> Vec<ActivityRow> {
    let compiled = Compiled::new(model, index, filter);
    let events = &model.events_unsorted;
    let positions = (compiled.start..compiled.end)
        .filter(|&pos| compiled.fails(&events[index.order[pos] as usize], index.flags[pos]) == 0)
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(limit);
    positions
        .zip(offset..)
        .map(|(pos, position)| row(model, index, pos, position))
        .collect()
}

/// Rows `offset..offset + limit` of a [`matching`] list.
pub fn rows_at(
    model: &Model,
    index: &ActivityIndex,
    matching: &[u32],
    offset: u64,
    limit: usize,
) -> Vec<ActivityRow> {
    let start = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(matching.len());
    let end = start.saturating_add(limit).min(matching.len());
    matching[start..end]
        .iter()
        .zip(offset..)
        .map(|(&pos, position)| row(model, index, pos as usize, position))
        .collect()
}

fn row(model: &Model, index: &ActivityIndex, pos: usize, position: u64) -> ActivityRow {
    let event = &model.events_unsorted[index.order[pos] as usize];
    let text = |sym: Sym| model.str(sym).to_string();
    ActivityRow {
        position,
        time_ms: event.time_ms,
        time: format_iso_ms(event.time_ms),
        event_source: text(event.event_source),
        event_name: text(event.event_name),
        plane: index.plane_at(pos),
        tables: model.tables(event).map(str::to_string).collect(),
        principal: text(event.principal),
        source_ip: text(event.source_ip),
        error_code: text(event.error_code),
        user_agent: text(event.user_agent),
        account: text(event.account),
        region: text(event.region),
        file: event.file,
        file_name: model
            .files
            .get(event.file as usize)
            .cloned()
            .unwrap_or_default(),
        record_index: event.record_index,
    }
}

/// Whether a successful control-plane call changed something: reads (Describe, List, Get) do
/// not, and neither does a call that failed.
fn is_change(model: &Model, event: &Event, plane: ActivityPlane) -> bool {
    if plane != ActivityPlane::Control || !event.error_code.is_empty() {
        return false;
    }
    let name = model.str(event.event_name);
    !(name.starts_with("Describe") || name.starts_with("List") || name.starts_with("Get"))
}

/// Counts per symbol, for the summaries' lists.
type SymCounts = FxHashMap<Sym, u64>;

/// Ranked names from symbol counts, at most [`SUMMARY_LIST_LIMIT`], with the distinct count.
fn top_symbols(model: &Model, counts: &SymCounts) -> (Vec<Count>, u64) {
    let mut all: Vec<Count> = counts
        .iter()
        .map(|(&sym, &count)| Count {
            name: model.str(sym).to_string(),
            count,
        })
        .collect();
    sort_counts(&mut all);
    let distinct = all.len() as u64;
    all.truncate(SUMMARY_LIST_LIMIT);
    (all, distinct)
}

/// Per-table aggregate, first by table-set symbol, then merged per table name.
#[derive(Default)]
struct TableAgg {
    events: u64,
    planes: [u64; 5],
    errors: u64,
    principals: SymCounts,
    first_ms: Option<i64>,
    last_ms: Option<i64>,
    /// (time, event index) of the latest change: the index breaks ties by file and record.
    last_change: Option<(i64, u32)>,
}

impl TableAgg {
    fn merge(&mut self, other: &TableAgg) {
        self.events += other.events;
        for (mine, theirs) in self.planes.iter_mut().zip(other.planes) {
            *mine += theirs;
        }
        self.errors += other.errors;
        for (&sym, &count) in &other.principals {
            *self.principals.entry(sym).or_default() += count;
        }
        self.first_ms = min_some(self.first_ms, other.first_ms);
        self.last_ms = self.last_ms.max(other.last_ms);
        self.last_change = self.last_change.max(other.last_change);
    }
}

fn min_some(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// One summary per table over every loaded event, in table-name order, [`UNKNOWN_TABLE`] last.
pub fn table_summaries(model: &Model) -> Vec<TableSummary> {
    let mut planes_of: FxHashMap<(Sym, Sym), ActivityPlane> = FxHashMap::default();
    let mut by_set: FxHashMap<Sym, TableAgg> = FxHashMap::default();
    for (i, event) in model.events_unsorted.iter().enumerate() {
        let plane = *planes_of
            .entry((event.event_source, event.event_name))
            .or_insert_with(|| {
                ActivityPlane::of(model.str(event.event_source), model.str(event.event_name))
            });
        let Some(key) = table_key(event, plane) else {
            continue;
        };
        let agg = by_set.entry(key).or_default();
        agg.events += 1;
        agg.planes[plane.index()] += 1;
        agg.errors += u64::from(!event.error_code.is_empty());
        *agg.principals.entry(event.principal).or_default() += 1;
        agg.first_ms = min_some(agg.first_ms, Some(event.time_ms));
        agg.last_ms = agg.last_ms.max(Some(event.time_ms));
        if is_change(model, event, plane) {
            agg.last_change = agg.last_change.max(Some((event.time_ms, i as u32)));
        }
    }
    let mut by_name: std::collections::BTreeMap<&str, TableAgg> = Default::default();
    for (sym, agg) in &by_set {
        if sym.is_empty() {
            by_name.entry(UNKNOWN_TABLE).or_default().merge(agg);
            continue;
        }
        for name in split_tables(model.str(*sym)) {
            by_name.entry(name).or_default().merge(agg);
        }
    }
    let unknown = by_name.remove(UNKNOWN_TABLE);
    by_name
        .into_iter()
        .chain(unknown.map(|agg| (UNKNOWN_TABLE, agg)))
        .map(|(name, agg)| {
            let (top_principals, principals) = top_symbols(model, &agg.principals);
            TableSummary {
                table: name.to_string(),
                events: agg.events,
                planes: PlaneCounts::from_array(agg.planes),
                errors: agg.errors,
                principals,
                top_principals,
                first_ms: agg.first_ms.unwrap_or_default(),
                last_ms: agg.last_ms.unwrap_or_default(),
                last_change: agg.last_change.map(|(_, i)| {
                    let event = &model.events_unsorted[i as usize];
                    ControlChange {
                        time_ms: event.time_ms,
                        event_name: model.str(event.event_name).to_string(),
                        principal: model.str(event.principal).to_string(),
                        file: event.file,
                        record_index: event.record_index,
                    }
                }),
            }
        })
        .collect()
}

#[derive(Default)]
struct PrincipalAgg {
    events: u64,
    errors: u64,
    planes: [u64; 5],
    first_ms: Option<i64>,
    last_ms: Option<i64>,
    identity_types: SymCounts,
    /// By table-set symbol; spread over names at the end.
    table_sets: SymCounts,
    operations: SymCounts,
    source_ips: SymCounts,
    user_agents: SymCounts,
}

/// One summary per principal over every loaded event, in principal order.
pub fn principal_summaries(model: &Model) -> Vec<PrincipalSummary> {
    let mut planes_of: FxHashMap<(Sym, Sym), ActivityPlane> = FxHashMap::default();
    let mut by_principal: FxHashMap<Sym, PrincipalAgg> = FxHashMap::default();
    for event in &model.events_unsorted {
        let plane = *planes_of
            .entry((event.event_source, event.event_name))
            .or_insert_with(|| {
                ActivityPlane::of(model.str(event.event_source), model.str(event.event_name))
            });
        let agg = by_principal.entry(event.principal).or_default();
        agg.events += 1;
        agg.errors += u64::from(!event.error_code.is_empty());
        agg.planes[plane.index()] += 1;
        agg.first_ms = min_some(agg.first_ms, Some(event.time_ms));
        agg.last_ms = agg.last_ms.max(Some(event.time_ms));
        *agg.identity_types.entry(event.identity_type).or_default() += 1;
        if let Some(key) = table_key(event, plane) {
            *agg.table_sets.entry(key).or_default() += 1;
        }
        *agg.operations.entry(event.event_name).or_default() += 1;
        *agg.source_ips.entry(event.source_ip).or_default() += 1;
        *agg.user_agents.entry(event.user_agent).or_default() += 1;
    }
    let mut out: Vec<PrincipalSummary> = by_principal
        .into_iter()
        .map(|(principal, agg)| {
            let mut tables: FxHashMap<&str, u64> = FxHashMap::default();
            for (&sym, &count) in &agg.table_sets {
                if sym.is_empty() {
                    *tables.entry(UNKNOWN_TABLE).or_default() += count;
                }
                for name in split_tables(model.str(sym)) {
                    *tables.entry(name).or_default() += count;
                }
            }
            let mut tables: Vec<Count> = tables
                .into_iter()
                .map(|(name, count)| Count {
                    name: name.to_string(),
                    count,
                })
                .collect();
            sort_counts(&mut tables);
            let tables_distinct = tables.len() as u64;
            tables.truncate(SUMMARY_LIST_LIMIT);
            let (identity_types, _) = top_symbols(model, &agg.identity_types);
            let (operations, operations_distinct) = top_symbols(model, &agg.operations);
            let (source_ips, source_ips_distinct) = top_symbols(model, &agg.source_ips);
            let (user_agents, user_agents_distinct) = top_symbols(model, &agg.user_agents);
            PrincipalSummary {
                principal: model.str(principal).to_string(),
                identity_type: identity_types
                    .into_iter()
                    .next()
                    .map(|c| c.name)
                    .unwrap_or_default(),
                events: agg.events,
                errors: agg.errors,
                planes: PlaneCounts::from_array(agg.planes),
                first_ms: agg.first_ms.unwrap_or_default(),
                last_ms: agg.last_ms.unwrap_or_default(),
                tables,
                tables_distinct,
                operations,
                operations_distinct,
                source_ips,
                source_ips_distinct,
                user_agents,
                user_agents_distinct,
            }
        })
        .collect();
    out.sort_unstable_by(|a, b| a.principal.cmp(&b.principal));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planes_follow_the_operation_table() {
        use ActivityPlane::*;
        let d = "dynamodb.amazonaws.com";
        assert_eq!(ActivityPlane::of(d, "UpdateTable"), Control);
        assert_eq!(ActivityPlane::of(d, "Query"), Read);
        assert_eq!(ActivityPlane::of(d, "BatchWriteItem"), Write);
        assert_eq!(ActivityPlane::of(d, "GetRecords"), Streams);
        assert_eq!(
            ActivityPlane::of("dax.amazonaws.com", "CreateCluster"),
            Other
        );
        assert_eq!(
            ActivityPlane::of("glue.amazonaws.com", "CreateTable"),
            Other
        );
        assert_eq!(ActivityPlane::of("kms.amazonaws.com", "Decrypt"), Other);
        for plane in ActivityPlane::ALL {
            assert_eq!(ActivityPlane::from_key(plane.key()), Some(plane));
            assert_eq!(
                serde_json::to_string(&plane).unwrap(),
                format!("\"{}\"", plane.key())
            );
            assert_eq!(ActivityPlane::ALL[plane.index()], plane);
        }
    }

    #[test]
    fn filter_json_is_lenient_about_missing_fields() {
        let filter: Filter =
            serde_json::from_str(r#"{"tables":["orders"],"errors":"errors"}"#).unwrap();
        assert_eq!(filter.tables, ["orders"]);
        assert_eq!(filter.errors, ErrorFilter::Errors);
        assert_eq!(filter.from_ms, None);
        let back: Filter = serde_json::from_str(&serde_json::to_string(&filter).unwrap()).unwrap();
        assert_eq!(back, filter);
    }

    #[test]
    fn facets_rank_and_keep_selected_values() {
        let facet = ranked_facet(
            [("b", 2), ("a", 2), ("c", 5), ("zero", 0)]
                .into_iter()
                .map(|(n, c)| (n.to_string(), c)),
            &["missing".to_string(), "a".to_string()],
        );
        let names: Vec<&str> = facet.values.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["c", "a", "b", "missing"]);
        assert_eq!(facet.values[3].count, 0);
        assert_eq!(facet.distinct, 3);
    }
}
