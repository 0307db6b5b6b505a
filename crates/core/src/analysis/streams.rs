//! DynamoDB Streams and their consumers: per table, whether its stream is on and with which
//! view type, the Lambda triggers (event source mappings) that read it, tables without a
//! stream, streams nobody consumes, and how streams and triggers changed over time.
//!
//! A stream carries every change to the table's items (with `NEW_IMAGE` or
//! `NEW_AND_OLD_IMAGES`, the items themselves) to whoever reads it, so a reviewer wants to know
//! who does. Sources:
//!
//! - the stream setting: the table's latest state ([`super::table_state`]);
//! - triggers: `lambda list-event-source-mappings`, matched to a table by the stream ARN the
//!   mapping reads (`arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL`). A mapping on an
//!   older stream of the table (the stream was turned off and on again, which gives it a new
//!   ARN) reads nothing any more: [`Trigger::on_current_stream`] says so;
//! - "no consumer" needs proof of absence: a complete `list-event-source-mappings` of the
//!   table's account and region. Without it the answer is "unknown". Consumers other than
//!   Lambda (the Kinesis adapter, an application calling `GetRecords`) are not in any export;
//!   the page says so;
//! - changes: AWS Config items whose stream setting differs from the item before
//!   ([`super::config_history`]); CloudTrail `CreateTable` and `UpdateTable` calls whose
//!   request has a `streamSpecification` (CloudTrail writes request keys in lower camel case:
//!   `streamSpecification.streamEnabled`, `streamViewType`); and Lambda's
//!   `CreateEventSourceMapping`, `UpdateEventSourceMapping` and `DeleteEventSourceMapping`
//!   (CloudTrail names them with the API version, `CreateEventSourceMapping20150331`,
//!   `UpdateEventSourceMapping20150331v2`). Failed calls changed nothing and are left out.
//!
//! ```
//! use ddb_lens_core::analysis::streams::streams;
//! let s = streams(&ddb_lens_core::Model::default());
//! assert!(s.tables.is_empty() && s.changes.is_empty());
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::analysis::config_history::{table_histories, ChangeField};
use crate::analysis::table_state::{
    complete_listing, stream_table, table_states, Evidence, TableRef, TableState,
};
use crate::ingest::FileKind;
use crate::model::inventory::EventSourceMapping;
use crate::model::{Event, Model};

/// The export that lists Lambda triggers.
pub const MAPPINGS_EXPORT: &str = "lambda list-event-source-mappings";

/// A table's stream, as far as the exports say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StreamStatus {
    On,
    Off,
    /// No loaded export describes the table (describe-table or an AWS Config item would).
    Unknown,
}

/// Whether an enabled stream has an active consumer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Consumer {
    /// At least one active Lambda trigger reads the current stream.
    Active,
    /// A complete listing of the account and region's triggers has no active one on it.
    None,
    /// Not known: the triggers of the account and region are not loaded.
    Unknown,
    /// The table has no stream (or it is not known whether it has one, or it was deleted).
    NotApplicable,
}

/// One Lambda event source mapping on a DynamoDB stream.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Trigger {
    pub uuid: String,
    pub function_arn: String,
    /// The function's name (with its alias or version qualifier, if the ARN has one).
    pub function_name: String,
    pub stream_arn: String,
    /// Creating, Enabling, Enabled, Disabling, Disabled, Updating, Deleting.
    pub state: Option<String>,
    /// Reading, or about to: any state but Disabled, Disabling and Deleting.
    pub active: bool,
    pub state_transition_reason: Option<String>,
    pub batch_size: Option<u64>,
    /// "OK", "No records processed", "PROBLEM: ...".
    pub last_processing_result: Option<String>,
    /// The last processing result starts with "PROBLEM".
    pub problem: bool,
    pub last_modified_ms: Option<i64>,
    pub starting_position: Option<String>,
    /// `Some(false)` when the table's latest stream ARN is known and is another one.
    pub on_current_stream: Option<bool>,
    pub evidence: Evidence,
}

/// What kind of stream change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StreamChangeKind {
    StreamOn,
    StreamOff,
    ViewTypeChanged,
    /// Still on, but a new stream (new label and ARN).
    StreamReplaced,
    TriggerCreated,
    TriggerUpdated,
    TriggerDeleted,
}

/// Which record showed a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeOrigin {
    ConfigItem,
    CloudTrail,
}

/// One change to a table's stream or its triggers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StreamChange {
    /// The call's time, or the Config item's capture time.
    pub time_ms: Option<i64>,
    pub table: TableRef,
    pub kind: StreamChangeKind,
    /// "stream turned off (was NEW_IMAGE)", "Lambda trigger orders-indexer created (batch
    /// size 100)".
    pub sentence: String,
    pub view_type: Option<String>,
    /// For trigger changes: the function.
    pub function: Option<String>,
    /// For CloudTrail calls: who made it.
    pub actor: Option<String>,
    pub origin: ChangeOrigin,
    /// For CloudTrail calls: the event name as logged.
    pub event_name: Option<String>,
    pub evidence: Evidence,
}

/// One table's stream and consumers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableStreams {
    pub table: TableRef,
    /// The table no longer exists ([`TableState::deleted`]).
    pub deleted: bool,
    pub stream: StreamStatus,
    pub view_type: Option<String>,
    pub stream_arn: Option<String>,
    pub stream_label: Option<String>,
    /// The record the stream setting comes from.
    pub stream_evidence: Option<Evidence>,
    /// Triggers on any of the table's streams, by function then UUID.
    pub triggers: Vec<Trigger>,
    pub consumer: Consumer,
    /// Why the consumer is what it is, in one sentence.
    pub consumer_reason: String,
    /// The complete trigger listing that proves [`Consumer::None`].
    pub consumer_evidence: Option<Evidence>,
    /// This table's changes, oldest first.
    pub changes: Vec<StreamChange>,
}

/// Counts for the page's summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamTotals {
    pub tables: u64,
    pub stream_on: u64,
    pub stream_off: u64,
    pub stream_unknown: u64,
    pub consumer_active: u64,
    pub consumer_none: u64,
    pub consumer_unknown: u64,
    pub triggers: u64,
    pub triggers_with_problems: u64,
}

/// The streams page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Streams {
    /// Every table, by account, region and name.
    pub tables: Vec<TableStreams>,
    /// Existing tables whose stream is known to be off.
    pub without_stream: Vec<TableRef>,
    /// Existing tables with a stream and, provably, no active trigger on it.
    pub without_consumer: Vec<TableRef>,
    /// Triggers on DynamoDB streams of tables that no loaded export describes.
    pub other_triggers: Vec<Trigger>,
    /// Every change over all tables, oldest first (undated Config items last).
    pub changes: Vec<StreamChange>,
    pub totals: StreamTotals,
}

/// The streams page from everything loaded.
pub fn streams(model: &Model) -> Streams {
    streams_of(model, &table_states(model))
}

/// The streams page over already computed table states (the compliance analysis shares them).
pub fn streams_of(model: &Model, states: &[TableState]) -> Streams {
    let triggers = triggers(model);
    let mut changes = config_changes(model);
    changes.extend(cloudtrail_changes(
        model,
        &model.records.event_source_mappings,
    ));
    changes.sort_by(|a, b| {
        (a.time_ms.unwrap_or(i64::MAX), &a.table, a.kind, &a.sentence).cmp(&(
            b.time_ms.unwrap_or(i64::MAX),
            &b.table,
            b.kind,
            &b.sentence,
        ))
    });

    let mut out = Streams::default();
    let mut claimed = vec![false; triggers.len()];
    for state in states {
        let table = &state.table;
        let mut own: Vec<Trigger> = Vec::new();
        for (i, (trigger_table, trigger)) in triggers.iter().enumerate() {
            if table.matches(
                &trigger_table.account,
                &trigger_table.region,
                &trigger_table.name,
            ) {
                claimed[i] = true;
                own.push(trigger.clone());
            }
        }
        let table_changes: Vec<StreamChange> = changes
            .iter()
            .filter(|c| table.matches(&c.table.account, &c.table.region, &c.table.name))
            .cloned()
            .collect();
        out.tables
            .push(table_streams(model, state, own, table_changes));
    }
    out.other_triggers = triggers
        .into_iter()
        .zip(claimed)
        .filter(|(_, claimed)| !claimed)
        .map(|((_, t), _)| t)
        .collect();
    out.other_triggers.sort();
    for t in &out.tables {
        let totals = &mut out.totals;
        totals.tables += 1;
        match t.stream {
            StreamStatus::On => totals.stream_on += 1,
            StreamStatus::Off => totals.stream_off += 1,
            StreamStatus::Unknown => totals.stream_unknown += 1,
        }
        match t.consumer {
            Consumer::Active => totals.consumer_active += 1,
            Consumer::None => totals.consumer_none += 1,
            Consumer::Unknown => totals.consumer_unknown += 1,
            Consumer::NotApplicable => {}
        }
        totals.triggers += t.triggers.len() as u64;
        totals.triggers_with_problems += t.triggers.iter().filter(|t| t.problem).count() as u64;
        if !t.deleted && t.stream == StreamStatus::Off {
            out.without_stream.push(t.table.clone());
        }
        if !t.deleted && t.consumer == Consumer::None {
            out.without_consumer.push(t.table.clone());
        }
    }
    out.totals.triggers += out.other_triggers.len() as u64;
    out.totals.triggers_with_problems +=
        out.other_triggers.iter().filter(|t| t.problem).count() as u64;
    out.changes = changes;
    out
}

fn table_streams(
    model: &Model,
    state: &TableState,
    mut triggers: Vec<Trigger>,
    changes: Vec<StreamChange>,
) -> TableStreams {
    let stream = state.stream.as_ref();
    let current_arn = stream
        .and_then(|s| s.value.arn.clone())
        .filter(|_| stream.is_some_and(|s| s.value.enabled));
    for t in &mut triggers {
        t.on_current_stream = current_arn.as_ref().map(|arn| *arn == t.stream_arn);
    }
    triggers.sort();
    let status = match stream {
        Some(s) if s.value.enabled => StreamStatus::On,
        Some(_) => StreamStatus::Off,
        None => StreamStatus::Unknown,
    };
    let deleted = state.deleted.is_some();
    let reading = triggers
        .iter()
        .filter(|t| t.active && t.on_current_stream != Some(false))
        .count();
    let listing = complete_listing(
        model,
        FileKind::LambdaEventSourceMappings,
        &state.table.account,
        &state.table.region,
    );
    let (consumer, consumer_reason, consumer_evidence) = match status {
        _ if deleted => (
            Consumer::NotApplicable,
            state
                .deleted
                .as_ref()
                .map_or_else(String::new, |d| d.reason.clone()),
            None,
        ),
        StreamStatus::Off => (
            Consumer::NotApplicable,
            "The table has no stream.".to_string(),
            None,
        ),
        StreamStatus::Unknown => (
            Consumer::NotApplicable,
            "Whether the table has a stream is not known: needs DynamoDB describe-table or an AWS Config item of the table.".to_string(),
            None,
        ),
        StreamStatus::On if reading > 0 => (
            Consumer::Active,
            format!(
                "{reading} active Lambda trigger{} read{} the stream.",
                if reading == 1 { "" } else { "s" },
                if reading == 1 { "s" } else { "" }
            ),
            None,
        ),
        StreamStatus::On => match listing {
            Some(evidence) => (
                Consumer::None,
                if triggers.is_empty() {
                    "No Lambda trigger reads the stream.".to_string()
                } else {
                    "The stream's Lambda triggers are disabled or read an older stream.".to_string()
                },
                Some(evidence),
            ),
            None => (
                Consumer::Unknown,
                format!(
                    "No active Lambda trigger is loaded for the stream; whether one exists needs {MAPPINGS_EXPORT} for the table's account and region."
                ),
                None,
            ),
        },
    };
    TableStreams {
        table: state.table.clone(),
        deleted,
        stream: status,
        view_type: stream.and_then(|s| s.value.view_type.clone()),
        stream_arn: stream.and_then(|s| s.value.arn.clone()),
        stream_label: stream.and_then(|s| s.value.label.clone()),
        stream_evidence: stream.map(|s| s.evidence.clone()),
        triggers,
        consumer,
        consumer_reason,
        consumer_evidence,
        changes,
    }
}

/// Every mapping on a DynamoDB stream, once per UUID (the latest statement), with its table.
fn triggers(model: &Model) -> Vec<(TableRef, Trigger)> {
    let mut latest: BTreeMap<&str, (&EventSourceMapping, Evidence)> = BTreeMap::new();
    for m in &model.records.event_source_mappings {
        let evidence = Evidence::of(model, &m.source);
        let newer = match latest.get(m.uuid.as_str()) {
            None => true,
            Some((old, old_evidence)) => {
                (m.last_modified_ms, evidence.at_ms.unwrap_or(i64::MAX))
                    >= (old.last_modified_ms, old_evidence.at_ms.unwrap_or(i64::MAX))
            }
        };
        if newer {
            latest.insert(&m.uuid, (m, evidence));
        }
    }
    latest
        .into_values()
        .filter_map(|(m, evidence)| {
            let table = stream_table(&m.event_source_arn).or_else(|| {
                m.table
                    .as_deref()
                    .map(|name| TableRef::new(&m.account, &m.region, name))
            })?;
            let active = !matches!(
                m.state.as_deref(),
                Some("Disabled" | "Disabling" | "Deleting")
            );
            Some((
                table,
                Trigger {
                    uuid: m.uuid.clone(),
                    function_arn: m.function_arn.clone(),
                    function_name: function_name(&m.function_arn),
                    stream_arn: m.event_source_arn.clone(),
                    state: m.state.clone(),
                    active,
                    state_transition_reason: m.state_transition_reason.clone(),
                    batch_size: m.batch_size,
                    last_processing_result: m.last_processing_result.clone(),
                    problem: m
                        .last_processing_result
                        .as_deref()
                        .is_some_and(|r| r.trim_start().starts_with("PROBLEM")),
                    last_modified_ms: m.last_modified_ms,
                    starting_position: m.starting_position.clone(),
                    on_current_stream: None,
                    evidence,
                },
            ))
        })
        .collect()
}

/// `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]` → `NAME[:QUALIFIER]`; a bare
/// name stays as it is.
pub fn function_name(function: &str) -> String {
    match function.split_once(":function:") {
        Some((_, name)) => name.to_string(),
        None => function.to_string(),
    }
}

/// Stream changes AWS Config recorded: items whose stream differs from the item before.
fn config_changes(model: &Model) -> Vec<StreamChange> {
    let mut out = Vec::new();
    for history in table_histories(model) {
        for item in &history.items {
            // Changes read from a CloudTrail call are listed from the call itself.
            for c in item
                .changes
                .iter()
                .filter(|c| c.field == ChangeField::Stream && c.from_event.is_none())
            {
                let before_on = c.before.as_deref().is_some_and(|b| b != "off");
                let after_on = c.after.as_deref().is_some_and(|a| a != "off");
                let kind = match (before_on, after_on) {
                    (false, true) => StreamChangeKind::StreamOn,
                    (true, false) => StreamChangeKind::StreamOff,
                    _ if c.sentence.starts_with("stream view type") => {
                        StreamChangeKind::ViewTypeChanged
                    }
                    _ => StreamChangeKind::StreamReplaced,
                };
                out.push(StreamChange {
                    time_ms: item.capture_ms,
                    table: history.table.clone(),
                    kind,
                    sentence: c.sentence.clone(),
                    view_type: view_of(c.after.as_deref()),
                    function: None,
                    actor: None,
                    origin: ChangeOrigin::ConfigItem,
                    event_name: None,
                    evidence: item.evidence.clone(),
                });
            }
        }
    }
    out
}

/// "on (NEW_IMAGE)" → NEW_IMAGE.
fn view_of(text: Option<&str>) -> Option<String> {
    let inner = text?.strip_prefix("on (")?.strip_suffix(')')?;
    Some(inner.to_string())
}

/// `v[key]`, the key matched ignoring ASCII case (CloudTrail writes `uUID` for `UUID`).
fn field<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    let map = v.as_object()?;
    map.get(key)
        .or_else(|| {
            map.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v)
        })
        .filter(|v| !v.is_null())
}

fn field_str<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    field(v, key)?.as_str().filter(|s| !s.is_empty())
}

fn field_bool(v: &Value, key: &str) -> Option<bool> {
    match field(v, key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Which Lambda mapping call an event name is, whatever version suffix it carries.
fn mapping_call(name: &str) -> Option<StreamChangeKind> {
    if name.starts_with("CreateEventSourceMapping") {
        Some(StreamChangeKind::TriggerCreated)
    } else if name.starts_with("UpdateEventSourceMapping") {
        Some(StreamChangeKind::TriggerUpdated)
    } else if name.starts_with("DeleteEventSourceMapping") {
        Some(StreamChangeKind::TriggerDeleted)
    } else {
        None
    }
}

fn cloudtrail_evidence(model: &Model, event: &Event) -> Evidence {
    Evidence {
        file: model
            .files
            .get(event.file as usize)
            .cloned()
            .unwrap_or_default(),
        kind: format!("CloudTrail {}", model.str(event.event_name)),
        at_ms: Some(event.time_ms),
    }
}

/// Stream and trigger changes CloudTrail logged.
fn cloudtrail_changes(model: &Model, mappings: &[EventSourceMapping]) -> Vec<StreamChange> {
    let strings = &model.strings;
    let dynamodb = strings.lookup("dynamodb.amazonaws.com");
    let lambda = strings.lookup("lambda.amazonaws.com");
    let create_table = strings.lookup("CreateTable");
    let update_table = strings.lookup("UpdateTable");
    let mut out = Vec::new();
    let mut lambda_events: Vec<(&Event, StreamChangeKind)> = Vec::new();
    for event in &model.events_unsorted {
        if !event.error_code.is_empty() {
            continue;
        }
        let source = Some(event.event_source);
        if source == dynamodb
            && (Some(event.event_name) == create_table || Some(event.event_name) == update_table)
        {
            if let Some(change) = table_stream_change(model, event) {
                out.push(change);
            }
        } else if source == lambda {
            if let Some(kind) = mapping_call(model.str(event.event_name)) {
                lambda_events.push((event, kind));
            }
        }
    }
    if lambda_events.is_empty() {
        return out;
    }
    // The stream of a mapping that a Delete or Update call names only by UUID: from the
    // loaded mappings, or the call that created it.
    let mut stream_of_uuid: BTreeMap<String, String> = mappings
        .iter()
        .map(|m| (m.uuid.to_ascii_lowercase(), m.event_source_arn.clone()))
        .collect();
    let details: Vec<(&Event, StreamChangeKind, Value)> = lambda_events
        .into_iter()
        .filter_map(|(e, kind)| Some((e, kind, model.detail_json(e)?)))
        .collect();
    let mut function_of_uuid: BTreeMap<String, String> = mappings
        .iter()
        .map(|m| (m.uuid.to_ascii_lowercase(), function_name(&m.function_arn)))
        .collect();
    for (_, _, detail) in &details {
        let (req, resp) = (&detail["requestParameters"], &detail["responseElements"]);
        let Some(uuid) = field_str(resp, "UUID").or_else(|| field_str(req, "UUID")) else {
            continue;
        };
        let uuid = uuid.to_ascii_lowercase();
        let arn = field_str(req, "eventSourceArn").or_else(|| field_str(resp, "eventSourceArn"));
        if let Some(arn) = arn {
            stream_of_uuid
                .entry(uuid.clone())
                .or_insert_with(|| arn.to_string());
        }
        let function = field_str(resp, "functionArn").or_else(|| field_str(req, "functionName"));
        if let Some(function) = function {
            function_of_uuid
                .entry(uuid)
                .or_insert_with(|| function_name(function));
        }
    }
    for (event, kind, detail) in &details {
        let (req, resp) = (&detail["requestParameters"], &detail["responseElements"]);
        let uuid = field_str(resp, "UUID").or_else(|| field_str(req, "UUID"));
        let arn = field_str(req, "eventSourceArn")
            .or_else(|| field_str(resp, "eventSourceArn"))
            .map(str::to_string)
            .or_else(|| uuid.and_then(|u| stream_of_uuid.get(&u.to_ascii_lowercase()).cloned()));
        let Some(table) = arn.as_deref().and_then(stream_table) else {
            continue;
        };
        let function = field_str(resp, "functionArn")
            .or_else(|| field_str(req, "functionName"))
            .map(function_name)
            .or_else(|| uuid.and_then(|u| function_of_uuid.get(&u.to_ascii_lowercase()).cloned()));
        let who = function.as_deref().unwrap_or("(unknown function)");
        let batch = field(req, "batchSize").and_then(Value::as_u64);
        let enabled = field_bool(req, "enabled");
        let sentence = match kind {
            StreamChangeKind::TriggerCreated => {
                let mut notes = Vec::new();
                if let Some(b) = batch {
                    notes.push(format!("batch size {b}"));
                }
                if enabled == Some(false) {
                    notes.push("disabled".to_string());
                }
                if notes.is_empty() {
                    format!("Lambda trigger {who} created")
                } else {
                    format!("Lambda trigger {who} created ({})", notes.join(", "))
                }
            }
            StreamChangeKind::TriggerDeleted => format!("Lambda trigger {who} deleted"),
            _ => {
                let mut notes = Vec::new();
                match enabled {
                    Some(true) => notes.push("enabled".to_string()),
                    Some(false) => notes.push("disabled".to_string()),
                    None => {}
                }
                if let Some(b) = batch {
                    notes.push(format!("batch size {b}"));
                }
                if notes.is_empty() {
                    format!("Lambda trigger {who} updated")
                } else {
                    format!("Lambda trigger {who} updated: {}", notes.join(", "))
                }
            }
        };
        out.push(StreamChange {
            time_ms: Some(event.time_ms),
            table,
            kind: *kind,
            sentence,
            view_type: None,
            function,
            actor: Some(model.str(event.principal).to_string()).filter(|p| !p.is_empty()),
            origin: ChangeOrigin::CloudTrail,
            event_name: Some(model.str(event.event_name).to_string()),
            evidence: cloudtrail_evidence(model, event),
        });
    }
    out
}

/// A `CreateTable` or `UpdateTable` call's stream change, from its `streamSpecification`.
fn table_stream_change(model: &Model, event: &Event) -> Option<StreamChange> {
    let detail = model.detail_json(event)?;
    let spec = field(&detail["requestParameters"], "streamSpecification")?;
    let enabled = field_bool(spec, "streamEnabled")?;
    let view = field_str(spec, "streamViewType").map(str::to_string);
    let name = model.tables(event).next()?.to_string();
    let create = model.str(event.event_name) == "CreateTable";
    let (kind, sentence) = match (enabled, create) {
        (false, true) => return None,
        (true, true) => (
            StreamChangeKind::StreamOn,
            match &view {
                Some(v) => format!("table created with a stream ({v})"),
                None => "table created with a stream".to_string(),
            },
        ),
        (true, false) => (
            StreamChangeKind::StreamOn,
            match &view {
                Some(v) => format!("stream turned on ({v})"),
                None => "stream turned on".to_string(),
            },
        ),
        (false, false) => (StreamChangeKind::StreamOff, "stream turned off".to_string()),
    };
    Some(StreamChange {
        time_ms: Some(event.time_ms),
        table: TableRef::new(model.str(event.account), model.str(event.region), &name),
        kind,
        sentence,
        view_type: view,
        function: None,
        actor: Some(model.str(event.principal).to_string()).filter(|p| !p.is_empty()),
        origin: ChangeOrigin::CloudTrail,
        event_name: Some(model.str(event.event_name).to_string()),
        evidence: cloudtrail_evidence(model, event),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names_keep_their_qualifier() {
        assert_eq!(
            function_name("arn:aws:lambda:eu-west-1:111122223333:function:indexer:live"),
            "indexer:live"
        );
        assert_eq!(function_name("indexer"), "indexer");
    }

    #[test]
    fn mapping_calls_carry_version_suffixes() {
        assert_eq!(
            mapping_call("CreateEventSourceMapping20150331"),
            Some(StreamChangeKind::TriggerCreated)
        );
        assert_eq!(
            mapping_call("UpdateEventSourceMapping20150331v2"),
            Some(StreamChangeKind::TriggerUpdated)
        );
        assert_eq!(
            mapping_call("DeleteEventSourceMapping"),
            Some(StreamChangeKind::TriggerDeleted)
        );
        assert_eq!(mapping_call("ListEventSourceMappings20150331"), None);
    }

    #[test]
    fn cloudtrail_keys_match_in_any_case() {
        let v: Value = serde_json::json!({"uUID": "abc", "enabled": "false"});
        assert_eq!(field_str(&v, "UUID"), Some("abc"));
        assert_eq!(field_bool(&v, "enabled"), Some(false));
    }
}
