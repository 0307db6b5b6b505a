//! Each table's AWS Config configuration items in capture order, with a readable field-level
//! diff between neighbours, the CloudTrail calls behind each item, and the changes of all
//! tables over time for the chart ([`crate::charts::config_changes`]).
//!
//! The same item often arrives several times (a snapshot repeats the latest history item;
//! `get-resource-config-history` repeats the delivered files): items with the same capture
//! time, state ID and status are one, and the other files are listed in
//! [`HistoryItem::also_in`].
//!
//! A field is compared only when both neighbours state it: an item that does not carry a
//! field (an oversized item's summary, a `select-resource-config` row without supplementary
//! configuration) says nothing about it, so no change is invented. A table description is
//! complete, though: its missing stream specification means "no stream" (see the ingest of
//! `describe-table`), so "stream turned off" is a real change.
//!
//! ```
//! use ddb_lens_core::analysis::config_history::config_history;
//! let history = config_history(&ddb_lens_core::Model::default());
//! assert!(history.tables.is_empty() && history.buckets.is_empty());
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::analysis::overview::bucket_size_within;
use crate::analysis::table_state::{key_manager_kind, Evidence, TableRef};
use crate::model::inventory::{
    ConfigItem, ConfigItemStatus, Encryption, EncryptionKind, TableFacts,
};
use crate::model::Model;

/// What a change is about. Ordered as the page lists an item's changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeField {
    Created,
    Deleted,
    Status,
    BillingMode,
    Encryption,
    Pitr,
    DeletionProtection,
    Stream,
    Ttl,
    Replicas,
    Tags,
    KinesisDestinations,
    ResourcePolicy,
}

impl ChangeField {
    /// "Point-in-time recovery", "Tags", ...
    pub fn label(self) -> &'static str {
        match self {
            ChangeField::Created => "Created",
            ChangeField::Deleted => "Deleted",
            ChangeField::Status => "Table status",
            ChangeField::BillingMode => "Billing mode",
            ChangeField::Encryption => "Encryption",
            ChangeField::Pitr => "Point-in-time recovery",
            ChangeField::DeletionProtection => "Deletion protection",
            ChangeField::Stream => "Stream",
            ChangeField::Ttl => "Time to live",
            ChangeField::Replicas => "Replicas",
            ChangeField::Tags => "Tags",
            ChangeField::KinesisDestinations => "Kinesis streaming destinations",
            ChangeField::ResourcePolicy => "Resource-based policy",
        }
    }

    /// The chart's series this change counts in.
    pub fn category(self) -> ChangeCategory {
        match self {
            ChangeField::Created | ChangeField::Deleted => ChangeCategory::CreatedOrDeleted,
            ChangeField::Encryption => ChangeCategory::Encryption,
            ChangeField::Pitr => ChangeCategory::Pitr,
            ChangeField::DeletionProtection => ChangeCategory::DeletionProtection,
            ChangeField::Stream => ChangeCategory::Stream,
            ChangeField::BillingMode => ChangeCategory::BillingMode,
            ChangeField::Tags => ChangeCategory::Tags,
            ChangeField::Status
            | ChangeField::Ttl
            | ChangeField::Replicas
            | ChangeField::KinesisDestinations
            | ChangeField::ResourcePolicy => ChangeCategory::Other,
        }
    }
}

/// The series of the configuration-changes chart, in stacking order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeCategory {
    Encryption,
    Pitr,
    DeletionProtection,
    Stream,
    BillingMode,
    Tags,
    CreatedOrDeleted,
    Other,
}

impl ChangeCategory {
    pub const ALL: [ChangeCategory; 8] = [
        ChangeCategory::Encryption,
        ChangeCategory::Pitr,
        ChangeCategory::DeletionProtection,
        ChangeCategory::Stream,
        ChangeCategory::BillingMode,
        ChangeCategory::Tags,
        ChangeCategory::CreatedOrDeleted,
        ChangeCategory::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ChangeCategory::Encryption => "Encryption",
            ChangeCategory::Pitr => "PITR",
            ChangeCategory::DeletionProtection => "Deletion protection",
            ChangeCategory::Stream => "Stream",
            ChangeCategory::BillingMode => "Billing mode",
            ChangeCategory::Tags => "Tags",
            ChangeCategory::CreatedOrDeleted => "Created or deleted",
            ChangeCategory::Other => "Other",
        }
    }
}

/// One field's change between an item and the one before it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: ChangeField,
    /// The tag key, replica region or Kinesis stream the change is about, for fields that are
    /// collections.
    pub key: Option<String>,
    /// The value before and after as text ("on", "off", "AWS owned key", a tag's value);
    /// `None` where there was none (a tag added, a stream first turned on).
    pub before: Option<String>,
    pub after: Option<String>,
    /// "point-in-time recovery turned off", "tag `team` added (payments)".
    pub sentence: String,
    /// Set (to the eventID) when the change is read from the request of the CloudTrail call
    /// behind the item, because the item before it is not loaded: AWS Config history often
    /// starts mid-way, and the first item's call still says what it changed. `before` is then
    /// unknown (`None`).
    pub from_event: Option<String>,
}

/// The CloudTrail call an item names in `relatedEvents`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RelatedEvent {
    pub event_id: String,
    /// The event, when it is loaded.
    pub event: Option<EventSummary>,
}

/// The parts of a CloudTrail event a history row shows.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EventSummary {
    pub time_ms: i64,
    pub event_source: String,
    pub event_name: String,
    pub principal: String,
    pub source_ip: String,
    pub error_code: String,
    /// The file it came from.
    pub file: String,
}

/// One configuration item of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryItem {
    pub capture_ms: Option<i64>,
    /// `configurationItemStatus` as AWS writes it ("OK", "ResourceDiscovered",
    /// "ResourceDeleted", ...); empty when the export has none.
    pub status: String,
    pub state_id: Option<String>,
    /// A change notification's `changeType` (CREATE, UPDATE, DELETE).
    pub change_type: Option<String>,
    /// The first file that holds the item.
    pub evidence: Evidence,
    /// Other files holding the same item, sorted.
    pub also_in: Vec<String>,
    /// What changed since the previous item; empty for the first one loaded or when nothing
    /// compared differs.
    pub changes: Vec<FieldChange>,
    pub related_events: Vec<RelatedEvent>,
}

/// One table's configuration history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableHistory {
    pub table: TableRef,
    /// In capture order (items without a capture time last, in load order).
    pub items: Vec<HistoryItem>,
    /// Capture time of the deletion, when the latest item records one.
    pub deleted_ms: Option<i64>,
    /// Field changes over all items.
    pub change_count: u64,
}

/// Changes in one time bucket, per category (indexed as [`ChangeCategory::ALL`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeBucket {
    pub start_ms: i64,
    pub counts: [u64; 8],
}

/// The configuration history of every table AWS Config recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigHistory {
    /// Sorted by account, region and table name.
    pub tables: Vec<TableHistory>,
    /// Distinct items over all tables.
    pub item_count: u64,
    pub change_count: u64,
    pub deletion_count: u64,
    /// Related eventIDs named by items, and how many of them are loaded.
    pub related_event_count: u64,
    pub related_events_found: u64,
    pub bucket_secs: i64,
    /// "1 hour".
    pub bucket_label: String,
    /// Every bucket from the first change to the last, empty ones included; empty when no
    /// change has a capture time.
    pub buckets: Vec<ChangeBucket>,
}

/// At most this many chart buckets: changes are sparse, so wide bars read better than a
/// fine comb.
const MAX_BUCKETS: i64 = 60;

/// The configuration history of every `AWS::DynamoDB::Table` item loaded.
pub fn config_history(model: &Model) -> ConfigHistory {
    let tables = table_histories(model);
    let mut history = ConfigHistory {
        item_count: tables.iter().map(|t| t.items.len() as u64).sum(),
        change_count: tables.iter().map(|t| t.change_count).sum(),
        deletion_count: tables
            .iter()
            .flat_map(|t| &t.items)
            .flat_map(|i| &i.changes)
            .filter(|c| c.field == ChangeField::Deleted)
            .count() as u64,
        ..ConfigHistory::default()
    };
    for event in tables
        .iter()
        .flat_map(|t| &t.items)
        .flat_map(|i| &i.related_events)
    {
        history.related_event_count += 1;
        history.related_events_found += u64::from(event.event.is_some());
    }
    let timed: Vec<(i64, ChangeCategory)> = tables
        .iter()
        .flat_map(|t| &t.items)
        .filter_map(|i| i.capture_ms.map(|ms| (ms, &i.changes)))
        .flat_map(|(ms, changes)| changes.iter().map(move |c| (ms, c.field.category())))
        .collect();
    if let (Some(first), Some(last)) = (
        timed.iter().map(|t| t.0).min(),
        timed.iter().map(|t| t.0).max(),
    ) {
        let (secs, label) = bucket_size_within(last - first, MAX_BUCKETS);
        let bucket_ms = secs * 1000;
        let start = first.div_euclid(bucket_ms) * bucket_ms;
        let count = ((last - start) / bucket_ms + 1) as usize;
        let mut buckets: Vec<ChangeBucket> = (0..count)
            .map(|i| ChangeBucket {
                start_ms: start + i as i64 * bucket_ms,
                counts: [0; 8],
            })
            .collect();
        for (ms, category) in timed {
            let index = ((ms - start) / bucket_ms) as usize;
            let series = ChangeCategory::ALL
                .iter()
                .position(|c| *c == category)
                .unwrap_or(ChangeCategory::ALL.len() - 1);
            buckets[index].counts[series] += 1;
        }
        history.bucket_secs = secs;
        history.bucket_label = label.to_string();
        history.buckets = buckets;
    }
    history.tables = tables;
    history
}

/// Every table's items with their diffs, without the chart: shared with
/// [`super::streams`], which shows the stream changes among them.
pub(crate) fn table_histories(model: &Model) -> Vec<TableHistory> {
    let items: Vec<(usize, &ConfigItem)> = model
        .records
        .config_items
        .iter()
        .enumerate()
        .filter(|(_, i)| i.resource_type == "AWS::DynamoDB::Table" && !item_name(i).is_empty())
        .collect();
    let keys = table_keys(items.iter().map(|(_, i)| {
        (
            i.account.as_str(),
            i.region.as_str(),
            i.resource_id.as_str(),
        )
    }));
    let mut grouped: BTreeMap<&TableRef, Vec<(usize, &ConfigItem)>> = BTreeMap::new();
    for &(seq, item) in &items {
        if let Some(key) = resolve(&keys, &item.account, &item.region, item_name(item)) {
            grouped.entry(key).or_default().push((seq, item));
        }
    }
    grouped
        .into_iter()
        .map(|(table, items)| table_history(model, table.clone(), items))
        .collect()
}

/// The item's table name: `resourceName`, else `resourceId` (the same for tables).
fn item_name(item: &ConfigItem) -> &str {
    item.resource_name.as_deref().unwrap_or(&item.resource_id)
}

/// The distinct tables: every fully known (account, region, name), plus each partly known
/// one that does not resolve to exactly one of those (the inventory's rule).
fn table_keys<'a>(
    parts: impl Iterator<Item = (&'a str, &'a str, &'a str)> + Clone,
) -> Vec<TableRef> {
    let mut full: Vec<TableRef> = parts
        .clone()
        .filter(|(a, r, _)| !a.is_empty() && !r.is_empty())
        .map(|(a, r, n)| TableRef::new(a, r, n))
        .collect();
    full.sort();
    full.dedup();
    let mut partial: Vec<TableRef> = parts
        .filter(|(a, r, _)| a.is_empty() || r.is_empty())
        .filter(|(a, r, n)| full.iter().filter(|k| k.matches(a, r, n)).count() != 1)
        .map(|(a, r, n)| TableRef::new(a, r, n))
        .collect();
    partial.sort();
    partial.dedup();
    full.append(&mut partial);
    full.sort();
    full
}

/// The key an item belongs to: the one full key it can be, else its own.
fn resolve<'k>(
    keys: &'k [TableRef],
    account: &str,
    region: &str,
    name: &str,
) -> Option<&'k TableRef> {
    let full: Vec<&TableRef> = keys
        .iter()
        .filter(|k| !k.account.is_empty() && !k.region.is_empty())
        .filter(|k| k.matches(account, region, name))
        .collect();
    if let [one] = full.as_slice() {
        return Some(one);
    }
    keys.iter()
        .find(|k| k.account == account && k.region == region && k.name == name)
}

fn table_history(
    model: &Model,
    table: TableRef,
    mut items: Vec<(usize, &ConfigItem)>,
) -> TableHistory {
    items.sort_by_key(|(seq, i)| {
        (
            i.capture_time_ms.unwrap_or(i64::MAX),
            i.state_id.as_deref().and_then(|s| s.parse::<u64>().ok()),
            *seq,
        )
    });
    // One entry per distinct item; duplicates only add their file.
    let mut distinct: Vec<(&ConfigItem, HistoryItem)> = Vec::new();
    for (_, item) in items {
        let evidence = Evidence::of(model, &item.source);
        if let Some((_, seen)) = distinct
            .iter_mut()
            .find(|(other, _)| same_item(other, item))
        {
            if seen.evidence.file != evidence.file && !seen.also_in.contains(&evidence.file) {
                seen.also_in.push(evidence.file);
                seen.also_in.sort();
            }
            continue;
        }
        let related_events = item
            .related_events
            .iter()
            .filter(|id| !id.trim().is_empty())
            .map(|id| RelatedEvent {
                event_id: id.clone(),
                event: model.event_by_id(id).map(|e| EventSummary {
                    time_ms: e.time_ms,
                    event_source: model.str(e.event_source).to_string(),
                    event_name: model.str(e.event_name).to_string(),
                    principal: model.str(e.principal).to_string(),
                    source_ip: model.str(e.source_ip).to_string(),
                    error_code: model.str(e.error_code).to_string(),
                    file: model
                        .files
                        .get(e.file as usize)
                        .cloned()
                        .unwrap_or_default(),
                }),
            })
            .collect();
        distinct.push((
            item,
            HistoryItem {
                capture_ms: item.capture_time_ms,
                status: status_text(&item.status),
                state_id: item.state_id.clone(),
                change_type: item.change_type.clone(),
                evidence,
                also_in: Vec::new(),
                changes: Vec::new(),
                related_events,
            },
        ));
    }
    // Each item against the last one before it that described the table.
    let mut previous: Option<TableFacts> = None;
    let mut first = true;
    for (item, entry) in &mut distinct {
        let facts = item.table.as_ref().map(|f| {
            let mut facts = resolved(model, f);
            // Config items always carry `tags`, whether or not the configuration did.
            if facts.tags.is_none() {
                facts.tags = Some(item.tags.clone());
            }
            facts
        });
        let mut changes = Vec::new();
        if item.status.is_deleted() {
            changes.push(FieldChange {
                field: ChangeField::Deleted,
                key: None,
                before: None,
                after: None,
                sentence: "table deleted".to_string(),
                from_event: None,
            });
        } else if first && is_creation(item) {
            changes.push(FieldChange {
                field: ChangeField::Created,
                key: None,
                before: None,
                after: None,
                sentence: if item.change_type.as_deref() == Some("CREATE") {
                    "table created".to_string()
                } else {
                    "AWS Config first recorded the table (created or newly discovered)".to_string()
                },
                from_event: None,
            });
        }
        if let (Some(before), Some(after)) = (&previous, &facts) {
            changes.extend(diff_facts(before, after));
        } else if previous.is_none() && changes.is_empty() {
            for id in &item.related_events {
                let Some(event) = model.event_by_id(id) else {
                    continue;
                };
                let Some(detail) = model.detail_json(event) else {
                    continue;
                };
                changes.extend(changes_from_call(
                    model.str(event.event_name),
                    &detail["requestParameters"],
                    id,
                ));
            }
        }
        // An item without a configuration (an oversized item's summary) says nothing: the
        // next item compares with the last one that did.
        if facts.is_some() {
            previous = facts;
        }
        if item.status.is_deleted() {
            // After a deletion, a new item is a new table of the same name.
            previous = None;
            first = true;
        } else {
            first = false;
        }
        changes.sort();
        entry.changes = changes;
    }
    let items: Vec<HistoryItem> = distinct.into_iter().map(|(_, h)| h).collect();
    let deleted_ms = items
        .last()
        .filter(|i| i.changes.iter().any(|c| c.field == ChangeField::Deleted))
        .and_then(|i| i.capture_ms);
    TableHistory {
        change_count: items.iter().map(|i| i.changes.len() as u64).sum(),
        table,
        items,
        deleted_ms,
    }
}

fn same_item(a: &ConfigItem, b: &ConfigItem) -> bool {
    a.capture_time_ms == b.capture_time_ms && a.state_id == b.state_id && a.status == b.status
}

fn is_creation(item: &ConfigItem) -> bool {
    item.status == ConfigItemStatus::ResourceDiscovered
        || item.change_type.as_deref() == Some("CREATE")
}

/// `configurationItemStatus` as AWS writes it.
pub fn status_text(status: &ConfigItemStatus) -> String {
    match status {
        ConfigItemStatus::Ok => "OK",
        ConfigItemStatus::ResourceDiscovered => "ResourceDiscovered",
        ConfigItemStatus::ResourceNotRecorded => "ResourceNotRecorded",
        ConfigItemStatus::ResourceDeleted => "ResourceDeleted",
        ConfigItemStatus::ResourceDeletedNotRecorded => "ResourceDeletedNotRecorded",
        ConfigItemStatus::Missing => "",
        ConfigItemStatus::Other(text) => text,
    }
    .to_string()
}

/// The facts with the key manager resolved, so a key's manager shows in the diff.
fn resolved(model: &Model, facts: &TableFacts) -> TableFacts {
    let mut facts = facts.clone();
    if let Some(e) = &mut facts.encryption {
        e.kind = key_manager_kind(model, e);
    }
    facts
}

fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}

fn change(
    field: ChangeField,
    key: Option<&str>,
    before: Option<String>,
    after: Option<String>,
    sentence: String,
) -> FieldChange {
    FieldChange {
        field,
        key: key.map(str::to_string),
        before,
        after,
        sentence,
        from_event: None,
    }
}

/// The readable changes from `a` to `b`, for the fields both state.
pub fn diff_facts(a: &TableFacts, b: &TableFacts) -> Vec<FieldChange> {
    let mut out = Vec::new();
    if let (Some(x), Some(y)) = (&a.status, &b.status) {
        if x != y {
            out.push(change(
                ChangeField::Status,
                None,
                Some(x.clone()),
                Some(y.clone()),
                format!("table status changed from {x} to {y}"),
            ));
        }
    }
    if let (Some(x), Some(y)) = (&a.billing_mode, &b.billing_mode) {
        if x != y {
            out.push(change(
                ChangeField::BillingMode,
                None,
                Some(x.clone()),
                Some(y.clone()),
                format!(
                    "billing mode changed from {} to {}",
                    billing_label(x),
                    billing_label(y)
                ),
            ));
        }
    }
    if let (Some(x), Some(y)) = (&a.encryption, &b.encryption) {
        if let Some(c) = diff_encryption(x, y) {
            out.push(c);
        }
    }
    if let (Some(x), Some(y)) = (a.pitr, b.pitr) {
        if x != y {
            out.push(change(
                ChangeField::Pitr,
                None,
                Some(on_off(x).into()),
                Some(on_off(y).into()),
                format!("point-in-time recovery turned {}", on_off(y)),
            ));
        }
    }
    if let (Some(x), Some(y)) = (a.deletion_protection, b.deletion_protection) {
        if x != y {
            out.push(change(
                ChangeField::DeletionProtection,
                None,
                Some(on_off(x).into()),
                Some(on_off(y).into()),
                format!("deletion protection turned {}", on_off(y)),
            ));
        }
    }
    if let (Some(x), Some(y)) = (&a.stream, &b.stream) {
        let text = |s: &crate::model::inventory::StreamSetting| match (&s.enabled, &s.view_type) {
            (false, _) => "off".to_string(),
            (true, Some(view)) => format!("on ({view})"),
            (true, None) => "on".to_string(),
        };
        let sentence = match (x.enabled, y.enabled) {
            (false, true) => Some(match &y.view_type {
                Some(view) => format!("stream turned on ({view})"),
                None => "stream turned on".to_string(),
            }),
            (true, false) => Some(match &x.view_type {
                Some(view) => format!("stream turned off (was {view})"),
                None => "stream turned off".to_string(),
            }),
            (true, true) if x.view_type != y.view_type => Some(format!(
                "stream view type changed from {} to {}",
                x.view_type.as_deref().unwrap_or("unknown"),
                y.view_type.as_deref().unwrap_or("unknown")
            )),
            (true, true) if x.label.is_some() && y.label.is_some() && x.label != y.label => {
                Some(format!(
                    "stream replaced by a new one (label {})",
                    y.label.as_deref().unwrap_or_default()
                ))
            }
            _ => None,
        };
        if let Some(sentence) = sentence {
            out.push(change(
                ChangeField::Stream,
                None,
                Some(text(x)),
                Some(text(y)),
                sentence,
            ));
        }
    }
    if let (Some(x), Some(y)) = (&a.ttl, &b.ttl) {
        if x != y {
            let text = |t: &crate::model::inventory::TtlSetting| match &t.attribute {
                Some(attr) => format!("{} ({attr})", t.status),
                None => t.status.clone(),
            };
            let sentence = match (x.status.as_str(), y.status.as_str()) {
                (from, "ENABLED") if from != "ENABLED" => format!(
                    "time to live turned on{}",
                    y.attribute
                        .as_deref()
                        .map(|a| format!(" (attribute {a})"))
                        .unwrap_or_default()
                ),
                ("ENABLED", "DISABLED") => "time to live turned off".to_string(),
                _ => format!("time to live changed from {} to {}", text(x), text(y)),
            };
            out.push(change(
                ChangeField::Ttl,
                None,
                Some(text(x)),
                Some(text(y)),
                sentence,
            ));
        }
    }
    if let (Some(x), Some(y)) = (&a.replicas, &b.replicas) {
        let before: BTreeMap<&str, &Option<String>> =
            x.iter().map(|r| (r.region.as_str(), &r.status)).collect();
        let after: BTreeMap<&str, &Option<String>> =
            y.iter().map(|r| (r.region.as_str(), &r.status)).collect();
        for (region, status) in &after {
            if !before.contains_key(region) {
                out.push(change(
                    ChangeField::Replicas,
                    Some(region),
                    None,
                    Some(status.as_deref().unwrap_or("present").to_string()),
                    format!("replica in {region} added"),
                ));
            }
        }
        for (region, status) in &before {
            if !after.contains_key(region) {
                out.push(change(
                    ChangeField::Replicas,
                    Some(region),
                    Some(status.as_deref().unwrap_or("present").to_string()),
                    None,
                    format!("replica in {region} removed"),
                ));
            }
        }
    }
    if let (Some(x), Some(y)) = (&a.tags, &b.tags) {
        out.extend(diff_tags(x, y));
    }
    if let (Some(x), Some(y)) = (&a.kinesis_destinations, &b.kinesis_destinations) {
        let before: BTreeMap<&str, &Option<String>> = x
            .iter()
            .map(|d| (d.stream_arn.as_str(), &d.status))
            .collect();
        let after: BTreeMap<&str, &Option<String>> = y
            .iter()
            .map(|d| (d.stream_arn.as_str(), &d.status))
            .collect();
        for (arn, status) in &after {
            match before.get(arn) {
                None => out.push(change(
                    ChangeField::KinesisDestinations,
                    Some(arn),
                    None,
                    (*status).clone(),
                    format!("Kinesis streaming destination {arn} added"),
                )),
                Some(old) if old != status => out.push(change(
                    ChangeField::KinesisDestinations,
                    Some(arn),
                    (*old).clone(),
                    (*status).clone(),
                    format!(
                        "Kinesis streaming destination {arn} changed from {} to {}",
                        old.as_deref().unwrap_or("unknown"),
                        status.as_deref().unwrap_or("unknown")
                    ),
                )),
                Some(_) => {}
            }
        }
        for (arn, status) in &before {
            if !after.contains_key(arn) {
                out.push(change(
                    ChangeField::KinesisDestinations,
                    Some(arn),
                    (*status).clone(),
                    None,
                    format!("Kinesis streaming destination {arn} removed"),
                ));
            }
        }
    }
    match (&a.resource_policy, &b.resource_policy) {
        (Some(x), Some(y)) if x != y => out.push(change(
            ChangeField::ResourcePolicy,
            None,
            Some(x.clone()),
            Some(y.clone()),
            "resource-based policy changed".to_string(),
        )),
        _ => {}
    }
    out
}

/// What a DynamoDB call's request changed, for an item whose predecessor is not loaded.
/// CloudTrail writes request keys in lower camel case (`pointInTimeRecoverySpecification`,
/// `sSESpecification`); keys are matched ignoring case all the same.
fn changes_from_call(name: &str, request: &Value, event_id: &str) -> Vec<FieldChange> {
    let get = |v: &'_ Value, key: &str| -> Option<Value> {
        let map = v.as_object()?;
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_null())
    };
    let flag = |v: &Value, key: &str| match get(v, key)? {
        Value::Bool(b) => Some(b),
        Value::String(s) => s.parse().ok(),
        _ => None,
    };
    let text = |v: &Value, key: &str| get(v, key)?.as_str().map(str::to_string);
    let mut out = Vec::new();
    let mut push = |field, key: Option<&str>, after: Option<String>, sentence: String| {
        let mut c = change(
            field,
            key,
            None,
            after,
            format!("{sentence} (from the CloudTrail call)"),
        );
        c.from_event = Some(event_id.to_string());
        out.push(c);
    };
    match name {
        "UpdateContinuousBackups" => {
            let spec = get(request, "pointInTimeRecoverySpecification").unwrap_or(Value::Null);
            if let Some(on) = flag(&spec, "pointInTimeRecoveryEnabled") {
                push(
                    ChangeField::Pitr,
                    None,
                    Some(on_off(on).into()),
                    format!("point-in-time recovery turned {}", on_off(on)),
                );
            }
        }
        "UpdateTable" => {
            if let Some(on) = flag(request, "deletionProtectionEnabled") {
                push(
                    ChangeField::DeletionProtection,
                    None,
                    Some(on_off(on).into()),
                    format!("deletion protection turned {}", on_off(on)),
                );
            }
            if let Some(mode) = text(request, "billingMode") {
                push(
                    ChangeField::BillingMode,
                    None,
                    Some(mode.clone()),
                    format!("billing mode set to {}", billing_label(&mode)),
                );
            }
            if let Some(spec) = get(request, "streamSpecification") {
                match (flag(&spec, "streamEnabled"), text(&spec, "streamViewType")) {
                    (Some(true), view) => push(
                        ChangeField::Stream,
                        None,
                        Some(view.as_ref().map_or("on".into(), |v| format!("on ({v})"))),
                        view.map_or("stream turned on".into(), |v| {
                            format!("stream turned on ({v})")
                        }),
                    ),
                    (Some(false), _) => push(
                        ChangeField::Stream,
                        None,
                        Some("off".into()),
                        "stream turned off".into(),
                    ),
                    (None, _) => {}
                }
            }
            if let Some(spec) = get(request, "sSESpecification") {
                let after = match (flag(&spec, "enabled"), text(&spec, "kMSMasterKeyId")) {
                    (Some(false), _) => "AWS owned key".to_string(),
                    (_, Some(key)) => format!("KMS key {key}"),
                    (_, None) => "AWS managed key (aws/dynamodb)".to_string(),
                };
                push(
                    ChangeField::Encryption,
                    None,
                    Some(after.clone()),
                    format!("encryption set to the {after}"),
                );
            }
        }
        "TagResource" => {
            for tag in get(request, "tags")
                .and_then(|t| t.as_array().cloned())
                .unwrap_or_default()
            {
                if let (Some(k), v) = (text(&tag, "key"), text(&tag, "value").unwrap_or_default()) {
                    push(
                        ChangeField::Tags,
                        Some(&k),
                        Some(v.clone()),
                        format!("tag `{k}` set to {v}"),
                    );
                }
            }
        }
        "UntagResource" => {
            for key in get(request, "tagKeys")
                .and_then(|t| t.as_array().cloned())
                .unwrap_or_default()
            {
                if let Some(k) = key.as_str() {
                    push(
                        ChangeField::Tags,
                        Some(k),
                        None,
                        format!("tag `{k}` removed"),
                    );
                }
            }
        }
        "UpdateTimeToLive" => {
            let spec = get(request, "timeToLiveSpecification").unwrap_or(Value::Null);
            if let Some(on) = flag(&spec, "enabled") {
                let sentence = match (on, text(&spec, "attributeName")) {
                    (true, Some(a)) => format!("time to live turned on (attribute {a})"),
                    _ => format!("time to live turned {}", on_off(on)),
                };
                push(ChangeField::Ttl, None, Some(on_off(on).into()), sentence);
            }
        }
        "PutResourcePolicy" => push(
            ChangeField::ResourcePolicy,
            None,
            None,
            "resource-based policy set".into(),
        ),
        "DeleteResourcePolicy" => push(
            ChangeField::ResourcePolicy,
            None,
            None,
            "resource-based policy removed".into(),
        ),
        _ => {}
    }
    out
}

fn billing_label(mode: &str) -> String {
    match mode {
        "PAY_PER_REQUEST" => "on-demand (PAY_PER_REQUEST)".to_string(),
        "PROVISIONED" => "provisioned (PROVISIONED)".to_string(),
        other => other.to_string(),
    }
}

/// "AWS owned key", "customer managed key arn:aws:kms:...".
pub fn encryption_text(e: &Encryption) -> String {
    match (&e.kind, &e.key_arn) {
        (EncryptionKind::AwsOwned, _) | (_, None) => e.kind.label().to_string(),
        (kind, Some(arn)) => format!("{} {arn}", kind.label()),
    }
}

fn diff_encryption(x: &Encryption, y: &Encryption) -> Option<FieldChange> {
    if x.kind == y.kind && x.key_arn == y.key_arn {
        return None;
    }
    let (before, after) = (encryption_text(x), encryption_text(y));
    let sentence = if x.kind == y.kind {
        format!("encryption key changed from {before} to {after}")
    } else {
        format!("encryption changed from {before} to {after}")
    };
    Some(change(
        ChangeField::Encryption,
        None,
        Some(before),
        Some(after),
        sentence,
    ))
}

/// One change per tag key added, removed or given another value.
pub fn diff_tags(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> Vec<FieldChange> {
    let mut out = Vec::new();
    for (key, value) in b {
        match a.get(key) {
            None => out.push(change(
                ChangeField::Tags,
                Some(key),
                None,
                Some(value.clone()),
                format!("tag `{key}` added ({value})"),
            )),
            Some(old) if old != value => out.push(change(
                ChangeField::Tags,
                Some(key),
                Some(old.clone()),
                Some(value.clone()),
                format!("tag `{key}` changed from {old} to {value}"),
            )),
            Some(_) => {}
        }
    }
    for (key, value) in a {
        if !b.contains_key(key) {
            out.push(change(
                ChangeField::Tags,
                Some(key),
                Some(value.clone()),
                None,
                format!("tag `{key}` removed (was {value})"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::inventory::StreamSetting;

    fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn tags_added_removed_changed() {
        let changes = diff_tags(
            &tags(&[("team", "a"), ("env", "prod")]),
            &tags(&[("team", "b"), ("cost", "42")]),
        );
        let sentences: Vec<&str> = changes.iter().map(|c| c.sentence.as_str()).collect();
        assert_eq!(
            sentences,
            [
                "tag `cost` added (42)",
                "tag `team` changed from a to b",
                "tag `env` removed (was prod)"
            ]
        );
    }

    #[test]
    fn unstated_fields_do_not_change() {
        let a = TableFacts {
            pitr: Some(true),
            ..TableFacts::default()
        };
        let b = TableFacts {
            deletion_protection: Some(true),
            ..TableFacts::default()
        };
        assert!(diff_facts(&a, &b).is_empty());
    }

    #[test]
    fn stream_off_and_view_change() {
        let on = |view: &str| TableFacts {
            stream: Some(StreamSetting {
                enabled: true,
                view_type: Some(view.into()),
                arn: None,
                label: None,
            }),
            ..TableFacts::default()
        };
        let off = TableFacts {
            stream: Some(StreamSetting {
                enabled: false,
                view_type: None,
                arn: None,
                label: None,
            }),
            ..TableFacts::default()
        };
        assert_eq!(
            diff_facts(&on("NEW_IMAGE"), &off)[0].sentence,
            "stream turned off (was NEW_IMAGE)"
        );
        assert_eq!(
            diff_facts(&on("KEYS_ONLY"), &on("NEW_IMAGE"))[0].sentence,
            "stream view type changed from KEYS_ONLY to NEW_IMAGE"
        );
    }
    #[test]
    fn partial_keys_join_the_one_table_they_can_be() {
        let keys = table_keys(
            [
                ("111", "eu-west-1", "orders"),
                ("", "", "orders"),
                ("", "", "users"),
                ("111", "eu-west-1", "users"),
                ("222", "eu-west-1", "users"),
            ]
            .into_iter(),
        );
        let labels: Vec<String> = keys.iter().map(TableRef::label).collect();
        assert_eq!(
            labels,
            [
                "?/?/users",
                "111/eu-west-1/orders",
                "111/eu-west-1/users",
                "222/eu-west-1/users"
            ]
        );
        assert_eq!(
            resolve(&keys, "", "", "orders").map(TableRef::label),
            Some("111/eu-west-1/orders".into())
        );
        assert_eq!(
            resolve(&keys, "", "", "users").map(TableRef::label),
            Some("?/?/users".into())
        );
    }
}
