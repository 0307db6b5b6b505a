//! AWS Config configuration items from every place they come in:
//!
//! * delivered snapshot and history files (`{"fileVersion", "configurationItems":[..]}`, or a
//!   bare array of items): `ARN`, `awsAccountId`, `configuration` an object;
//! * `get-resource-config-history` (`configurationItems`) and `batch-get-resource-config`
//!   (`baseConfigurationItems`): `arn`, `accountId`, `configuration` a JSON string,
//!   `supplementaryConfiguration` values JSON strings, times ISO (CLI v2) or epoch seconds (v1);
//! * notifications (`ConfigurationItemChangeNotification`,
//!   `OversizedConfigurationItemChangeNotification`, `ComplianceChangeNotification`, and the
//!   delivery notices), bare or in their SNS envelope (`Message` an object or a JSON string);
//! * `select-resource-config` (`Results`: each a JSON string of the selected fields).
//!
//! Item lists are streamed one item at a time. DynamoDB items are kept as [`ConfigItem`]s, with
//! a table's configuration normalised into [`TableFacts`]; `AWS::KMS::Key` items become
//! [`KmsKeyInfo`]; other types are counted only.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::ingest::compliance::evaluation;
use crate::ingest::dynamodb::description_facts;
use crate::ingest::exports::{tables_detail, Ctx, Out};
use crate::ingest::kms::key_info;
use crate::ingest::value::{
    get, items, object_or_json, parse_arn, table_arn, tags, text, text_any, time,
};
use crate::model::inventory::{ConfigItem, ConfigItemStatus, TableFacts};

const TABLE: &str = "AWS::DynamoDB::Table";

/// A file whose records are a list of configuration items: read item by item.
pub(crate) fn parse_item_file(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Out, String> {
    let mut reader = ItemReader {
        ctx,
        out: Out::new("configuration item"),
        tables: 0,
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    de.deserialize_any(FileVisitor(&mut reader))
        .map_err(|err| err.to_string())?;
    reader.out.detail = tables_detail(reader.tables);
    Ok(reader.out)
}

struct ItemReader<'c, 'n> {
    ctx: &'c Ctx<'n>,
    out: Out,
    tables: u64,
}

impl ItemReader<'_, '_> {
    fn item(&mut self, v: &Value) {
        let index = self.out.count as usize;
        self.out.count += 1;
        read_item(v, index, None, self.ctx, &mut self.out, &mut self.tables);
    }
}

/// Reads one item into `out` (or skips it with a warning).
fn read_item(
    v: &Value,
    index: usize,
    change_type: Option<String>,
    ctx: &Ctx<'_>,
    out: &mut Out,
    tables: &mut u64,
) {
    match config_item(v, change_type, ctx) {
        Err(why) => out.skip(index, || why),
        Ok(Kept::Item(item)) => {
            *tables += u64::from(item.resource_type == TABLE);
            out.records.config_items.push(*item);
        }
        Ok(Kept::Key(key)) => out.records.kms_keys.push(*key),
        Ok(Kept::Nothing) => {}
    }
}

struct FileVisitor<'r, 'c, 'n>(&'r mut ItemReader<'c, 'n>);

impl<'de> Visitor<'de> for FileVisitor<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Config file")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "configurationItems" || key == "baseConfigurationItems" {
                map.next_value_seed(ListSeed(self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        ListSeed(self.0).visit_seq(seq)
    }
}

struct ListSeed<'r, 'c, 'n>(&'r mut ItemReader<'c, 'n>);

impl<'de> DeserializeSeed<'de> for ListSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ListSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of configuration items")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // One item's tree at a time: a snapshot of a large account stays bounded by its
        // largest item, not the file.
        while let Some(item) = seq.next_element::<Value>()? {
            self.0.item(&item);
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.0
            .out
            .warn(|| "the item list is an object, not a list: no items read".into());
        Ok(())
    }
    scalars_are!(());
}

/// What one item became.
enum Kept {
    Item(Box<ConfigItem>),
    Key(Box<crate::model::inventory::KmsKeyInfo>),
    /// A resource type the inventory does not use: counted only.
    Nothing,
}

/// Normalises one configuration item (delivered or API casing). `Err` says why it is skipped.
fn config_item(v: &Value, change_type: Option<String>, ctx: &Ctx<'_>) -> Result<Kept, String> {
    if !v.is_object() {
        return Err(format!(
            "a configuration item is an object, not {}",
            crate::ingest::value::describe(v)
        ));
    }
    let Some(resource_type) = text(v, "resourceType") else {
        return Err("no resourceType".into());
    };
    let configuration = get(v, "configuration").and_then(object_or_json);
    if resource_type == "AWS::KMS::Key" {
        let Some(conf) = configuration.as_deref() else {
            return Ok(Kept::Nothing);
        };
        let mut key = key_info(conf, ctx);
        if key.account.is_empty() {
            key.account = ctx.account(text_any(v, &["awsAccountId", "accountId"]).as_deref());
        }
        if key.region.is_empty() {
            key.region = ctx.region(text(v, "awsRegion").as_deref());
        }
        key.source.observed_at_ms = time(v, "configurationItemCaptureTime");
        return Ok(if key.key_id.is_empty() {
            Kept::Nothing
        } else {
            Kept::Key(Box::new(key))
        });
    }
    if !resource_type.starts_with("AWS::DynamoDB::") {
        return Ok(Kept::Nothing);
    }
    let arn = text(v, "ARN");
    let arn_parts = arn.as_deref().and_then(parse_arn);
    let resource_name = text(v, "resourceName");
    let resource_id = text(v, "resourceId")
        .or_else(|| resource_name.clone())
        .or_else(|| {
            arn.as_deref()
                .and_then(table_arn)
                .map(|(_, n)| n.to_string())
        });
    let Some(resource_id) = resource_id else {
        return Err(format!(
            "{resource_type} item without resourceId, resourceName or ARN"
        ));
    };
    let supplementary = get(v, "supplementaryConfiguration");
    let item_tags = get(v, "tags")
        .and_then(tags)
        .or_else(|| supplementary.and_then(|s| get(s, "Tags")).and_then(tags));
    let table = (resource_type == TABLE)
        .then_some(configuration.as_deref())
        .flatten()
        .map(|conf| {
            let mut facts: TableFacts = description_facts(conf);
            facts.pitr = supplementary.and_then(pitr_of);
            facts.tags = item_tags.clone();
            facts
        });
    let capture = time(v, "configurationItemCaptureTime");
    Ok(Kept::Item(Box::new(ConfigItem {
        account: ctx.account(
            text_any(v, &["awsAccountId", "accountId"])
                .as_deref()
                .or(arn_parts.map(|p| p.account)),
        ),
        region: ctx.region(
            text(v, "awsRegion")
                .as_deref()
                .or(arn_parts.map(|p| p.region)),
        ),
        resource_type,
        resource_id,
        resource_name,
        arn,
        capture_time_ms: capture,
        status: ConfigItemStatus::parse(text(v, "configurationItemStatus").as_deref()),
        state_id: text(v, "configurationStateId"),
        resource_creation_ms: time(v, "resourceCreationTime"),
        table,
        tags: item_tags.unwrap_or_default(),
        related_events: items(v, "relatedEvents")
            .iter()
            .filter_map(|e| e.as_str().map(str::to_string))
            .collect(),
        change_type: change_type.or_else(|| text(v, "changeType")),
        source: ctx.source(capture),
    })))
}

/// PITR from `supplementaryConfiguration.ContinuousBackupsDescription` (an object, or a JSON
/// string in API outputs).
fn pitr_of(supplementary: &Value) -> Option<bool> {
    let backups = object_or_json(get(supplementary, "ContinuousBackupsDescription")?)?;
    let pitr = get(&backups, "PointInTimeRecoveryDescription")?;
    Some(text(pitr, "PointInTimeRecoveryStatus")? == "ENABLED")
}

/// A notification, bare or in its SNS envelope.
pub(crate) fn notification(v: &Value, ctx: &Ctx<'_>) -> Out {
    let message: Cow<'_, Value> = match get(v, "Message").and_then(object_or_json) {
        Some(message) if get(v, "messageType").is_none() => message,
        _ => Cow::Borrowed(v),
    };
    let message_type = text(&message, "messageType").unwrap_or_default();
    let mut out = Out::new("configuration item");
    let mut tables = 0;
    match message_type.as_str() {
        "ConfigurationItemChangeNotification" => {
            let change_type =
                get(&message, "configurationItemDiff").and_then(|d| text(d, "changeType"));
            // The documented example has the item in a one-element list; live ones an object.
            let listed: Vec<&Value> = match get(&message, "configurationItem") {
                Some(Value::Array(list)) => list.iter().collect(),
                Some(one) => vec![one],
                None => Vec::new(),
            };
            for (i, item) in listed.into_iter().enumerate() {
                out.count += 1;
                read_item(item, i, change_type.clone(), ctx, &mut out, &mut tables);
            }
        }
        "OversizedConfigurationItemChangeNotification" => {
            // Only a summary (no configuration): it still records that the table changed, and
            // when; the full item is in the S3 location it names.
            if let Some(summary) = get(&message, "configurationItemSummary") {
                out.count += 1;
                read_item(summary, 0, None, ctx, &mut out, &mut tables);
            }
        }
        "ComplianceChangeNotification" => {
            out.noun = "evaluation result";
            out.count = 1;
            let scope = |key: &str| text(&message, key);
            match get(&message, "newEvaluationResult") {
                Some(result) => match evaluation(
                    result,
                    ctx,
                    &ctx.account(scope("awsAccountId").as_deref()),
                    &ctx.region(scope("awsRegion").as_deref()),
                    &Qualifier {
                        rule_name: scope("configRuleName"),
                        resource_type: scope("resourceType"),
                        resource_id: scope("resourceId"),
                    },
                ) {
                    Ok(e) => out.records.config_evaluations.push(e),
                    Err(why) => out.skip(0, || why),
                },
                None => out.skip(0, || "no newEvaluationResult".into()),
            }
        }
        // Delivery notices (snapshot or history delivered, rule evaluation started...):
        // nothing for the inventory.
        _ => {}
    }
    out.detail = Some(
        [Some(message_type), tables_detail(tables)]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
    )
    .filter(|s| !s.is_empty());
    out
}

/// Outer fields that name an evaluation's rule and resource when its result does not.
pub(crate) struct Qualifier {
    pub rule_name: Option<String>,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
}

/// `select-resource-config`: each result a JSON string of whatever fields the query selected.
pub(crate) fn select_results(v: &Value, ctx: &Ctx<'_>) -> Out {
    let mut out = Out::new("result");
    let mut tables = 0;
    for (i, result) in items(v, "Results").iter().enumerate() {
        out.count += 1;
        let Some(fields) = object_or_json(result) else {
            out.skip(i, || {
                "a result is a JSON object or a string holding one".into()
            });
            continue;
        };
        // `SELECT resourceId, configuration WHERE resourceType = ...` leaves the type out;
        // a configuration with a tableName is a table's.
        let fields = match typed(&fields) {
            Some(filled) => Cow::Owned(filled),
            None => fields,
        };
        if get(&fields, "resourceType").is_none() {
            continue;
        }
        read_item(&fields, i, None, ctx, &mut out, &mut tables);
    }
    out.detail = tables_detail(tables);
    out
}

/// A select result without `resourceType` (or `resourceId`) whose configuration is a table's,
/// with them filled in.
fn typed(fields: &Value) -> Option<Value> {
    let conf = get(fields, "configuration").and_then(object_or_json)?;
    let name = text(&conf, "tableName")?;
    let needs_type = get(fields, "resourceType").is_none();
    let needs_id = get(fields, "resourceId").is_none();
    if !needs_type && !needs_id {
        return None;
    }
    let mut map: Map<String, Value> = fields.as_object()?.clone();
    if needs_type {
        map.insert("resourceType".into(), Value::String(TABLE.into()));
    }
    if needs_id {
        map.insert("resourceId".into(), Value::String(name));
    }
    Some(Value::Object(map))
}
