//! Recognises a file's kind from its content while parsing it, in one pass.
//!
//! Binary formats are caught by magic bytes; JSON is read by a top-level visitor that dispatches
//! on the keys it meets (`Records` → CloudTrail, `configurationItems` → AWS Config, `Table` →
//! describe-table, ...) so the records are parsed as they stream past, never twice.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::ingest::cloudtrail::{EventSink, Key, LookupSeed, RawEvent, RecordVisitor, RecordsSeed};
use crate::ingest::{thousands, FileKind, MAX_WARNINGS};
use crate::model::Model;

/// What a file held.
#[derive(Debug)]
pub struct Parsed {
    pub kind: FileKind,
    /// Records of the file's kind: events, configuration items, tables...
    pub records: u64,
    /// What one record is called in the summary ("event", "configuration item").
    pub noun: &'static str,
    /// A note for the summary, e.g. "12 DynamoDB tables".
    pub detail: Option<String>,
    /// The eventID key of each event added to the model, in order.
    pub event_ids: Vec<u128>,
    pub warnings: Vec<String>,
    pub warnings_total: u64,
}

/// Why a file could not be read. `kind` is what it seemed to be before it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub kind: FileKind,
    pub message: String,
}

fn unrecognised(message: impl Into<String>) -> ParseError {
    ParseError {
        kind: FileKind::Unrecognised,
        message: message.into(),
    }
}

/// Parses a file's (decompressed) content, adding its CloudTrail events to `model`.
pub fn parse(bytes: &[u8], model: &mut Model, file: u32) -> Result<Parsed, ParseError> {
    // PowerShell's Out-File and some editors write a UTF-8 byte-order mark.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Some(what) = binary_kind(bytes) {
        return Err(unrecognised(format!("{what}, not a JSON export")));
    }
    let Some(&first) = bytes.iter().find(|b| !b.is_ascii_whitespace()) else {
        return Err(unrecognised("only whitespace: nothing to read"));
    };
    if first != b'{' && first != b'[' {
        return Err(scalar_or_not_json(bytes));
    }

    let mut state = TopState::default();
    let mut sink = EventSink::new(model, file);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let outcome = de
        .deserialize_any(TopVisitor {
            state: &mut state,
            sink: &mut sink,
        })
        .and_then(|()| de.end());
    if let Err(err) = outcome {
        return Err(ParseError {
            kind: state.kind_so_far(),
            message: json_error_message(bytes, &err),
        });
    }
    state.finish(sink)
}

/// Names binary content that is not an export.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: [(&[u8], &str); 11] = [
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (
            b"PK\x03\x04",
            "a ZIP archive (extract it and load the files inside)",
        ),
        (b"\x1f\x8b", "gzip inside gzip (decompress it once more)"),
        (b"BZh", "a bzip2 archive (decompress it first)"),
        (b"\xFD7zXZ\x00", "an xz archive (decompress it first)"),
        (b"\x28\xB5\x2F\xFD", "a zstd archive (decompress it first)"),
        (
            b"PAR1",
            "a Parquet file (CloudTrail Lake exports must be JSON)",
        ),
        (b"\x7FELF", "an executable"),
    ];
    if let Some((_, what)) = MAGIC.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Some(what);
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Some("UTF-16 text (save the export as UTF-8)");
    }
    let head = &bytes[..bytes.len().min(512)];
    if head.contains(&0) {
        return Some("binary data");
    }
    None
}

/// Explains content that does not start with `{` or `[`.
fn scalar_or_not_json(bytes: &[u8]) -> ParseError {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(value) => {
            let what = match value {
                serde_json::Value::String(_) => "a single string".to_string(),
                serde_json::Value::Number(n) => format!("a single number ({n})"),
                serde_json::Value::Bool(b) => format!("a single boolean ({b})"),
                _ => "null".to_string(),
            };
            unrecognised(format!(
                "JSON, but {what}: an export is an object or an array of records"
            ))
        }
        Err(_) => {
            if let Err(err) = std::str::from_utf8(bytes) {
                return unrecognised(utf8_message(bytes, err));
            }
            let start: String = String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
                .trim_start()
                .chars()
                .take(24)
                .collect();
            unrecognised(format!("not JSON: it begins {start:?}"))
        }
    }
}

fn utf8_message(bytes: &[u8], err: std::str::Utf8Error) -> String {
    let at = err.valid_up_to();
    format!(
        "not UTF-8 text: byte 0x{:02X} at offset {} is not valid UTF-8 (save the export as UTF-8)",
        bytes[at],
        thousands(at as u64)
    )
}

/// "invalid JSON at line 3, column 17: expected `,` or `}`", with the common causes named.
fn json_error_message(bytes: &[u8], err: &serde_json::Error) -> String {
    if let Err(utf8) = std::str::from_utf8(bytes) {
        return utf8_message(bytes, utf8);
    }
    let (line, column) = (err.line(), err.column());
    let full = err.to_string();
    let what = full
        .strip_suffix(&format!(" at line {line} column {column}"))
        .unwrap_or(&full);
    if what.contains("recursion limit") {
        return format!(
            "JSON nested too deeply (more than 128 levels) at line {line}, column {column}: not an export"
        );
    }
    if err.classify() == serde_json::error::Category::Eof {
        return format!(
            "JSON ends early at line {line}, column {column}: the file is truncated ({what})"
        );
    }
    format!("invalid JSON at line {line}, column {column}: {what}")
}

/// What the top level held, filled in as keys go by.
#[derive(Debug, Default)]
struct TopState {
    array: bool,
    records: Option<u64>,
    lookup_events: Option<u64>,
    config_items: Option<Items>,
    base_config_items: Option<Items>,
    config_item: Option<Items>,
    file_version: bool,
    snapshot_id: bool,
    message_type: Option<String>,
    /// The `tool` of a `collector.json` manifest.
    collector: bool,
    table: bool,
    tables: Option<u64>,
    counted: Option<(FileKind, u64, &'static str)>,
    query_info: bool,
    results: Option<u64>,
    digest: bool,
    digest_log_files: u64,
    single_event: bool,
    /// Top-level array: elements by what they looked like.
    array_tables: u64,
    array_config: Items,
    array_not_events: Vec<(u64, String)>,
    array_not_events_total: u64,
    array_events: u64,
    array_len: u64,
    other_keys: Vec<String>,
}

/// Configuration items counted, and how many are DynamoDB tables.
#[derive(Debug, Default, Clone, Copy)]
struct Items {
    count: u64,
    dynamodb_tables: u64,
}

impl TopState {
    /// The kind the content showed before a parse error.
    fn kind_so_far(&self) -> FileKind {
        if self.records.is_some() || self.array_events > 0 {
            FileKind::CloudTrailLog
        } else if self.lookup_events.is_some() {
            FileKind::CloudTrailLookupEvents
        } else if self.config_items.is_some() {
            FileKind::ConfigSnapshot
        } else {
            FileKind::Unrecognised
        }
    }

    fn finish(self, mut sink: EventSink<'_>) -> Result<Parsed, ParseError> {
        let parsed = |kind, records, noun, detail: Option<String>, sink: EventSink<'_>| {
            Ok(Parsed {
                kind,
                records,
                noun,
                detail,
                event_ids: sink.event_ids,
                warnings: sink.warnings,
                warnings_total: sink.warnings_total,
            })
        };
        if let Some(records) = self.records {
            return parsed(FileKind::CloudTrailLog, records, "event", None, sink);
        }
        if let Some(records) = self.lookup_events {
            return parsed(
                FileKind::CloudTrailLookupEvents,
                records,
                "event",
                None,
                sink,
            );
        }
        if self.single_event {
            return parsed(FileKind::CloudTrailEvent, 1, "event", None, sink);
        }
        if self.array {
            return self.finish_array(sink);
        }
        let tables_detail = |items: Items| {
            (items.dynamodb_tables > 0).then(|| {
                format!(
                    "{} DynamoDB {}",
                    thousands(items.dynamodb_tables),
                    if items.dynamodb_tables == 1 {
                        "table"
                    } else {
                        "tables"
                    }
                )
            })
        };
        if let Some(items) = self.config_items {
            let kind = if self.snapshot_id {
                FileKind::ConfigSnapshot
            } else if self.file_version {
                FileKind::ConfigHistory
            } else {
                FileKind::ConfigResourceHistory
            };
            let detail = tables_detail(items);
            return parsed(kind, items.count, "configuration item", detail, sink);
        }
        if let Some(items) = self.base_config_items {
            let detail = tables_detail(items);
            return parsed(
                FileKind::ConfigBatchGetResourceConfig,
                items.count,
                "configuration item",
                detail,
                sink,
            );
        }
        if let Some(message_type) = &self.message_type {
            let items = self.config_item.unwrap_or_default();
            let detail = Some(message_type.clone());
            return parsed(
                FileKind::ConfigNotification,
                items.count,
                "configuration item",
                detail,
                sink,
            );
        }
        if self.collector {
            return parsed(FileKind::CollectorManifest, 1, "manifest", None, sink);
        }
        if self.table {
            return parsed(FileKind::DynamoDbDescribeTable, 1, "table", None, sink);
        }
        if let Some(count) = self.tables {
            return parsed(FileKind::DynamoDbDescribeTable, count, "table", None, sink);
        }
        if let Some(count) = self.results {
            return if self.query_info {
                parsed(
                    FileKind::ConfigSelectResourceConfig,
                    count,
                    "result",
                    None,
                    sink,
                )
            } else {
                parsed(
                    FileKind::BackupProtectedResources,
                    count,
                    "protected resource",
                    None,
                    sink,
                )
            };
        }
        if let Some((kind, count, noun)) = self.counted {
            return parsed(kind, count, noun, None, sink);
        }
        if self.digest {
            return parsed(
                FileKind::CloudTrailDigest,
                self.digest_log_files,
                "log file referenced",
                Some("integrity validation, no events".into()),
                sink,
            );
        }
        let keys = if self.other_keys.is_empty() {
            "it is an empty object".to_string()
        } else {
            format!("its top-level keys are {}", self.other_keys.join(", "))
        };
        sink.warnings.clear();
        Err(unrecognised(format!(
            "JSON, but neither CloudTrail records, Config items nor a DynamoDB table ({keys})"
        )))
    }

    fn finish_array(self, mut sink: EventSink<'_>) -> Result<Parsed, ParseError> {
        if self.array_events > 0 {
            // The elements that were not events are skipped records of an event array.
            for (index, what) in self.array_not_events {
                sink.warn(index, || what);
            }
            sink.warnings_total += self
                .array_not_events_total
                .saturating_sub(MAX_WARNINGS as u64);
            return Ok(Parsed {
                kind: FileKind::CloudTrailEventArray,
                records: self.array_len,
                noun: "event",
                detail: None,
                event_ids: sink.event_ids,
                warnings: sink.warnings,
                warnings_total: sink.warnings_total,
            });
        }
        let (kind, count, noun) = if self.array_tables > 0 {
            (FileKind::DynamoDbDescribeTable, self.array_tables, "table")
        } else if self.array_config.count > 0 {
            (
                FileKind::ConfigHistory,
                self.array_config.count,
                "configuration item",
            )
        } else if self.array_len == 0 {
            return Err(unrecognised("an empty JSON array: nothing to load"));
        } else {
            return Err(unrecognised(
                "a JSON array, but its items are neither CloudTrail events, Config items nor DynamoDB tables",
            ));
        };
        let skipped = self.array_len - count;
        if skipped > 0 {
            sink.warnings_total += skipped;
            sink.warnings.push(format!(
                "{} array items were not {}s and were skipped",
                thousands(skipped),
                noun
            ));
        }
        Ok(Parsed {
            kind,
            records: count,
            noun,
            detail: None,
            event_ids: sink.event_ids,
            warnings: sink.warnings,
            warnings_total: sink.warnings_total,
        })
    }
}

struct TopVisitor<'s, 'k, 'm> {
    state: &'s mut TopState,
    sink: &'k mut EventSink<'m>,
}

impl<'de> Visitor<'de> for TopVisitor<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object or array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let state = self.state;
        let mut single = RawEvent::default();
        while let Some(Key(key)) = map.next_key()? {
            match &*key {
                // Each container is marked before its value is read, so a file that fails
                // halfway is still named by what it is.
                "Records" => {
                    state.records = Some(0);
                    state.records = Some(map.next_value_seed(RecordsSeed { sink: self.sink })?)
                }
                "Events" => {
                    state.lookup_events = Some(0);
                    state.lookup_events = Some(map.next_value_seed(LookupSeed { sink: self.sink })?)
                }
                "configurationItems" => {
                    state.config_items = Some(Items::default());
                    state.config_items = Some(map.next_value_seed(ItemsSeed)?)
                }
                "baseConfigurationItems" => {
                    state.base_config_items = Some(map.next_value_seed(ItemsSeed)?)
                }
                "configurationItem" => {
                    map.next_value::<IgnoredAny>()?;
                    state.config_item = Some(Items {
                        count: 1,
                        dynamodb_tables: 0,
                    });
                }
                "fileVersion" => {
                    map.next_value::<IgnoredAny>()?;
                    state.file_version = true;
                }
                "configSnapshotId" => {
                    map.next_value::<IgnoredAny>()?;
                    state.snapshot_id = true;
                }
                "messageType" => {
                    if let crate::ingest::cloudtrail::Val::Str(text) = map.next_value()? {
                        state.message_type = Some(text.into_owned());
                    }
                }
                // An SNS envelope: a Config notification is its `Message`, as an object or as
                // a JSON string.
                "Message" => {
                    let message: serde_json::Value = map.next_value()?;
                    if let Some(kind) = sns_message_type(&message) {
                        state.message_type = Some(kind);
                    }
                }
                "tool" => {
                    if let crate::ingest::cloudtrail::Val::Str(text) = map.next_value()? {
                        state.collector |= text.starts_with("ddb-lens");
                    }
                }
                "Table" => {
                    map.next_value::<IgnoredAny>()?;
                    state.table = true;
                }
                "Tables" => state.tables = Some(map.next_value_seed(CountSeed)?),
                "QueryInfo" => {
                    map.next_value::<IgnoredAny>()?;
                    state.query_info = true;
                }
                "Results" => state.results = Some(map.next_value_seed(CountSeed)?),
                "digestStartTime" | "digestEndTime" | "previousDigestSignature" => {
                    map.next_value::<IgnoredAny>()?;
                    state.digest = true;
                }
                "logFiles" => state.digest_log_files = map.next_value_seed(CountSeed)?,
                other => {
                    if let Some((kind, noun, is_list)) = counted_kind(other) {
                        let count = if is_list {
                            map.next_value_seed(CountSeed)?
                        } else {
                            map.next_value::<IgnoredAny>()?;
                            1
                        };
                        state.counted = Some((kind, count, noun));
                    } else if !single.read_field(other, &mut map)? {
                        map.next_value::<IgnoredAny>()?;
                        if state.other_keys.len() < 6 {
                            state.other_keys.push(format!("{other:?}"));
                        }
                    }
                }
            }
        }
        let container = state.records.is_some()
            || state.lookup_events.is_some()
            || state.config_items.is_some()
            || state.base_config_items.is_some();
        if !container && single.looks_like_event() {
            state.single_event = true;
            self.sink.push(single, 0);
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let state = self.state;
        state.array = true;
        let mut index = 0u64;
        while let Some(element) = seq.next_element_seed(ElementSeed)? {
            match element {
                Ok(raw) if raw.looks_like_event() => {
                    state.array_events += 1;
                    self.sink.push(raw, index);
                }
                Ok(raw) if raw.marks.table => state.array_tables += 1,
                Ok(raw) if raw.marks.config_item => {
                    state.array_config.count += 1;
                    state.array_config.dynamodb_tables += u64::from(raw.marks.dynamodb_table);
                }
                other => {
                    state.array_not_events_total += 1;
                    if state.array_not_events.len() < MAX_WARNINGS {
                        let what = match other {
                            Ok(_) => "an object without eventTime, eventSource or eventName, not an event".to_string(),
                            Err(what) => format!("{what}, not an event object"),
                        };
                        state.array_not_events.push((index, what));
                    }
                }
            }
            index += 1;
        }
        state.array_len = index;
        Ok(())
    }
}

/// The `messageType` of an SNS envelope's `Message` (an object, or JSON text of one).
fn sns_message_type(message: &serde_json::Value) -> Option<String> {
    let parsed;
    let object = match message {
        serde_json::Value::String(text) => {
            parsed = serde_json::from_str::<serde_json::Value>(text).ok()?;
            &parsed
        }
        other => other,
    };
    Some(object.get("messageType")?.as_str()?.to_string())
}

/// Top-level keys of the other export kinds: kind, record noun, whether the value is a list.
fn counted_kind(key: &str) -> Option<(FileKind, &'static str, bool)> {
    Some(match key {
        "TableNames" => (FileKind::DynamoDbListTables, "table", true),
        "ContinuousBackupsDescription" => {
            (FileKind::DynamoDbContinuousBackups, "table setting", false)
        }
        "TimeToLiveDescription" => (FileKind::DynamoDbTimeToLive, "table setting", false),
        "KinesisDataStreamDestinations" => {
            (FileKind::DynamoDbKinesisDestinations, "destination", true)
        }
        "Policy" | "RevisionId" => (FileKind::DynamoDbResourcePolicy, "policy", false),
        "Tags" => (FileKind::DynamoDbTags, "tag", true),
        "ResourceTagMappingList" => (FileKind::TaggingGetResources, "resource", true),
        "EventSourceMappings" => (
            FileKind::LambdaEventSourceMappings,
            "event source mapping",
            true,
        ),
        "KeyMetadata" => (FileKind::KmsDescribeKey, "key", false),
        "Aliases" => (FileKind::KmsListAliases, "alias", true),
        "Grants" => (FileKind::KmsListGrants, "grant", true),
        "ScalableTargets" => (
            FileKind::AutoScalingScalableTargets,
            "scalable target",
            true,
        ),
        "EvaluationResults" => (FileKind::ConfigComplianceDetails, "evaluation result", true),
        "ComplianceByResources" => (FileKind::ConfigComplianceByResource, "resource", true),
        "ComplianceByConfigRules" => (FileKind::ConfigComplianceByRule, "rule", true),
        "ConfigRules" => (FileKind::ConfigRules, "rule", true),
        _ => return None,
    })
}

/// Counts an array's elements without reading them (0 for anything that is not an array).
struct CountSeed;

impl<'de> DeserializeSeed<'de> for CountSeed {
    type Value = u64;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u64, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CountSeed {
    type Value = u64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
        let mut count = 0;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            count += 1;
        }
        Ok(count)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<u64, A::Error> {
        let mut count = 0;
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {
            count += 1;
        }
        Ok(count)
    }
    fn visit_unit<E>(self) -> Result<u64, E> {
        Ok(0)
    }
    fn visit_str<E>(self, _: &str) -> Result<u64, E> {
        Ok(1)
    }
    fn visit_bool<E>(self, _: bool) -> Result<u64, E> {
        Ok(0)
    }
    fn visit_i64<E>(self, _: i64) -> Result<u64, E> {
        Ok(0)
    }
    fn visit_u64<E>(self, _: u64) -> Result<u64, E> {
        Ok(0)
    }
    fn visit_f64<E>(self, _: f64) -> Result<u64, E> {
        Ok(0)
    }
}

/// Counts configuration items and the DynamoDB tables among them.
struct ItemsSeed;

impl<'de> DeserializeSeed<'de> for ItemsSeed {
    type Value = Items;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Items, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemsSeed {
    type Value = Items;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of configuration items")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Items, A::Error> {
        let mut items = Items::default();
        while let Some(element) = seq.next_element_seed(ElementSeed)? {
            items.count += 1;
            if let Ok(raw) = element {
                items.dynamodb_tables += u64::from(raw.marks.dynamodb_table);
            }
        }
        Ok(items)
    }
    fn visit_unit<E>(self) -> Result<Items, E> {
        Ok(Items::default())
    }
}

/// One element of a top-level array or item list, read as a possible event.
struct ElementSeed;

impl<'de> DeserializeSeed<'de> for ElementSeed {
    type Value = Result<RawEvent<'de>, String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(RecordVisitor)
    }
}
