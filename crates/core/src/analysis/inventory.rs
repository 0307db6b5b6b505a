//! The table inventory: one row per DynamoDB table seen anywhere (inventory outputs, AWS Config
//! items, CloudTrail events), each field the latest state any source gave, with which file
//! said it and when.
//!
//! * **Identity.** Rows are keyed by (account, region, table name). A source that leaves the
//!   account or region unknown joins the one fully known table of that name that agrees with
//!   what it does say; with none it keeps a row of its own, with several it does too and
//!   [`Inventory::notes`] says so.
//! * **Latest wins, per field.** Each field is taken from the observation with the latest
//!   time: its own (a Config item's capture time...), else its collector manifest's
//!   `collected_at`, else none. An observation with no time at all counts as the latest: CLI
//!   outputs describe the state when they were taken, after anything Config had recorded.
//!   Ties go to the file whose name sorts later (whatever the load order), then to the later
//!   record in it.
//! * **Absence is evidence only from a complete listing.** A table missing from a
//!   `list-protected-resources` or `describe-scalable-targets` output of its own account and
//!   region (one not cut short) has no backup, or no auto scaling, by that listing.
//! * **Encryption** is told from `SSEDescription`: none (or no `SSEType`) is the AWS owned
//!   key; a KMS key is AWS managed when `kms describe-key` says `KeyManager` AWS or
//!   `alias/aws/dynamodb` points at it, customer managed when describe-key says CUSTOMER or the
//!   account and region's complete alias list has `alias/aws/dynamodb` pointing elsewhere (or
//!   nowhere); otherwise unknown, and the reason names the export that would tell.
//!
//! ```
//! use ddb_lens_core::{analysis::inventory::inventory, Limits, Loader};
//! let mut loader = Loader::new(Limits::default());
//! loader.ingest("111122223333/eu-west-1/dynamodb/list-tables.json", br#"{"TableNames":["orders"]}"#);
//! let inv = inventory(loader.model());
//! assert_eq!(inv.tables.len(), 1);
//! assert_eq!((inv.tables[0].account.as_str(), inv.tables[0].name.as_str()), ("111122223333", "orders"));
//! assert!(inv.tables[0].pitr.is_none()); // nobody said
//! ```

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::ingest::FileKind;
use crate::model::inventory::{
    BackupProtection, EncryptionKind, KeyManager, KinesisDestination, Replica, ScalingTarget,
    Source, StreamSetting, TableFacts, TtlSetting,
};
use crate::model::{Model, Sym};

/// A value and the source that gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sourced<T> {
    pub value: T,
    /// The file's name as loaded.
    pub file: String,
    pub kind: FileKind,
    /// When the value held: the source's own time, else its collector manifest's; `None` when
    /// neither says.
    pub observed_at_ms: Option<i64>,
}

/// A table's encryption at rest, resolved against the KMS exports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncryptionState {
    pub kind: EncryptionKind,
    pub key_arn: Option<String>,
    /// One sentence: how the kind was told, or what would tell it.
    pub reason: String,
}

/// A file that mentions a table.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourceRef {
    pub file: String,
    pub kind: FileKind,
}

/// One table, merged from every source. `None`: no source loaded says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRow {
    /// Empty when no source told it.
    pub account: String,
    /// Empty when no source told it.
    pub region: String,
    pub name: String,
    pub arn: Option<Sourced<String>>,
    /// ACTIVE, ..., or DELETED when AWS Config's latest item for it says so.
    pub status: Option<Sourced<String>>,
    pub billing_mode: Option<Sourced<String>>,
    pub encryption: Option<Sourced<EncryptionState>>,
    pub pitr: Option<Sourced<bool>>,
    pub deletion_protection: Option<Sourced<bool>>,
    pub stream: Option<Sourced<StreamSetting>>,
    pub ttl: Option<Sourced<TtlSetting>>,
    pub replicas: Option<Sourced<Vec<Replica>>>,
    pub tags: Option<Sourced<BTreeMap<String, String>>>,
    pub kinesis_destinations: Option<Sourced<Vec<KinesisDestination>>>,
    pub resource_policy: Option<Sourced<String>>,
    pub item_count: Option<Sourced<u64>>,
    pub size_bytes: Option<Sourced<u64>>,
    pub created_ms: Option<Sourced<i64>>,
    pub autoscaling: Option<Sourced<Vec<ScalingTarget>>>,
    pub backup: Option<Sourced<BackupProtection>>,
    /// CloudTrail events that name the table.
    pub cloudtrail_events: u64,
    /// AWS Config items for the table.
    pub config_items: u64,
    /// Every file that mentions the table, by name.
    pub sources: Vec<SourceRef>,
}

impl TableRow {
    /// The latest status says the table was deleted.
    pub fn is_deleted(&self) -> bool {
        self.status.as_ref().is_some_and(|s| s.value == "DELETED")
    }

    /// Only CloudTrail names it: every field is unknown.
    pub fn cloudtrail_only(&self) -> bool {
        self.sources.iter().all(|s| s.kind.is_cloudtrail())
    }
}

/// Every table, sorted by account, region and name (unknown parts, empty, first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    pub tables: Vec<TableRow>,
    /// What could not be merged, in sentences, sorted.
    pub notes: Vec<String>,
}

type Key = (String, String, String);

/// One source's facts about one table, ranked for "latest wins".
struct Obs<'m> {
    key: Key,
    arn: &'m str,
    facts: Cow<'m, TableFacts>,
    source: &'m Source,
    /// (effective time, with unknown as latest; file name; position in the model). The name,
    /// not the load-order index, breaks ties, so the page (files in the order dropped) and the
    /// CLI (in name order) merge alike; within a file, the later record wins.
    rank: (i64, &'m str, usize),
    effective_ms: Option<i64>,
}

pub fn inventory(model: &Model) -> Inventory {
    let records = &model.records;
    let collected = CollectedAt::new(model);
    let mut observations: Vec<Obs<'_>> = Vec::new();
    for obs in &records.table_observations {
        observations.push(Obs::new(
            (obs.account.clone(), obs.region.clone(), obs.name.clone()),
            &obs.arn,
            Cow::Borrowed(&obs.facts),
            &obs.source,
            &collected,
            observations.len(),
        ));
    }
    let mut config_counts: BTreeMap<Key, u64> = BTreeMap::new();
    for item in &records.config_items {
        if item.resource_type != "AWS::DynamoDB::Table" {
            continue;
        }
        let name = item
            .resource_name
            .clone()
            .unwrap_or_else(|| item.resource_id.clone());
        let key = (item.account.clone(), item.region.clone(), name);
        *config_counts.entry(key.clone()).or_default() += 1;
        let facts = if item.status.is_deleted() {
            Cow::Owned(TableFacts {
                status: Some("DELETED".to_string()),
                ..TableFacts::default()
            })
        } else {
            match &item.table {
                Some(facts) => Cow::Borrowed(facts),
                None => Cow::Owned(TableFacts::default()),
            }
        };
        let arn = item.arn.as_deref().unwrap_or_default();
        observations.push(Obs::new(
            key,
            arn,
            facts,
            &item.source,
            &collected,
            observations.len(),
        ));
    }
    let cloudtrail = cloudtrail_tables(model);

    // Identity: partial keys join the one full key that agrees with them.
    let mut all_keys: BTreeSet<&Key> = observations.iter().map(|o| &o.key).collect();
    all_keys.extend(cloudtrail.keys());
    all_keys.extend(config_counts.keys());
    let full: Vec<&Key> = all_keys
        .iter()
        .copied()
        .filter(|(a, r, _)| !a.is_empty() && !r.is_empty())
        .collect();
    let mut notes = BTreeSet::new();
    let mut merged: BTreeMap<Key, Key> = BTreeMap::new();
    for key in all_keys.iter().copied() {
        let (account, region, name) = key;
        if !account.is_empty() && !region.is_empty() {
            continue;
        }
        let candidates: Vec<&Key> = full
            .iter()
            .copied()
            .filter(|(a, r, n)| {
                n == name
                    && (account.is_empty() || a == account)
                    && (region.is_empty() || r == region)
            })
            .collect();
        match candidates.as_slice() {
            [one] => {
                merged.insert(key.clone(), (*one).clone());
            }
            [] => {}
            several => {
                notes.insert(format!(
                    "Table {name} is named without {} by some files, and {} tables of that name \
                     are known ({}): those files' facts are kept in a row of their own.",
                    match (account.is_empty(), region.is_empty()) {
                        (true, true) => "account and region",
                        (true, false) => "account",
                        _ => "region",
                    },
                    several.len(),
                    several
                        .iter()
                        .map(|(a, r, _)| format!("{a}/{r}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }
    let resolve = |key: &Key| merged.get(key).cloned().unwrap_or_else(|| key.clone());

    let mut rows: BTreeMap<Key, Builder> = BTreeMap::new();
    for (i, obs) in observations.iter_mut().enumerate() {
        obs.key = resolve(&obs.key);
        let row = rows.entry(obs.key.clone()).or_default();
        row.observations.push(i);
        row.files.insert(obs.source.file);
    }
    for (key, count) in &config_counts {
        rows.entry(resolve(key)).or_default().config_items += count;
    }
    for (key, count) in &cloudtrail {
        let row = rows.entry(resolve(key)).or_default();
        row.cloudtrail_events += count.events;
        row.files.extend(count.files.iter().copied());
    }

    // Absence from complete listings.
    let mut absent: Vec<(Key, TableFacts, &Source)> = Vec::new();
    for listing in &records.listings {
        if listing.truncated || listing.account.is_empty() || listing.region.is_empty() {
            continue;
        }
        let facts = match listing.kind {
            FileKind::BackupProtectedResources => TableFacts {
                backup: Some(BackupProtection {
                    protected: false,
                    last_backup_ms: None,
                    last_backup_vault_arn: None,
                }),
                ..TableFacts::default()
            },
            FileKind::AutoScalingScalableTargets => TableFacts {
                autoscaling: Some(Vec::new()),
                ..TableFacts::default()
            },
            _ => continue,
        };
        for (key, row) in &rows {
            let listed = row
                .observations
                .iter()
                .any(|&i| observations[i].source.file == listing.source.file);
            if key.0 == listing.account && key.1 == listing.region && !listed {
                absent.push((key.clone(), facts.clone(), &listing.source));
            }
        }
    }
    for (key, facts, source) in absent {
        let i = observations.len();
        observations.push(Obs::new(
            key.clone(),
            "",
            Cow::Owned(facts),
            source,
            &collected,
            i,
        ));
        rows.entry(key).or_default().observations.push(i);
    }

    let kms = Kms::new(model);
    let tables = rows
        .into_iter()
        .map(|(key, row)| row.build(key, &observations, model, &kms))
        .collect();
    Inventory {
        tables,
        notes: notes.into_iter().collect(),
    }
}

impl<'m> Obs<'m> {
    fn new(
        key: Key,
        arn: &'m str,
        facts: Cow<'m, TableFacts>,
        source: &'m Source,
        collected: &CollectedAt<'m>,
        position: usize,
    ) -> Obs<'m> {
        let effective_ms = source.observed_at_ms.or_else(|| collected.of(source.file));
        Obs {
            key,
            arn,
            facts,
            source,
            rank: (
                effective_ms.unwrap_or(i64::MAX),
                collected.name(source.file),
                position,
            ),
            effective_ms,
        }
    }
}

#[derive(Default)]
struct Builder {
    observations: Vec<usize>,
    files: BTreeSet<u32>,
    cloudtrail_events: u64,
    config_items: u64,
}

impl Builder {
    fn build(self, key: Key, all: &[Obs<'_>], model: &Model, kms: &Kms<'_>) -> TableRow {
        // Latest first, so each field takes the first observation that has it.
        let mut mine: Vec<&Obs<'_>> = self.observations.iter().map(|&i| &all[i]).collect();
        mine.sort_by_key(|o| std::cmp::Reverse(o.rank));
        macro_rules! latest {
            ($field:ident) => {
                mine.iter().find_map(|o| {
                    let value = o.facts.$field.clone()?;
                    Some(sourced(o, model, value))
                })
            };
        }
        let arn = mine
            .iter()
            .find(|o| !o.arn.is_empty())
            .map(|o| sourced(o, model, o.arn.to_string()));
        let encryption = mine.iter().find_map(|o| {
            let e = o.facts.encryption.as_ref()?;
            Some(sourced(o, model, kms.resolve(e, &key)))
        });
        let mut files: BTreeSet<u32> = self.files;
        files.extend(mine.iter().map(|o| o.source.file));
        let mut sources: Vec<SourceRef> = files
            .into_iter()
            .filter_map(|f| {
                let file = model.files.get(f as usize)?.clone();
                let kind = *model.file_kinds.get(f as usize)?;
                Some(SourceRef { file, kind })
            })
            .collect();
        sources.sort();
        sources.dedup();
        let (account, region, name) = key;
        TableRow {
            account,
            region,
            name,
            arn,
            status: latest!(status),
            billing_mode: latest!(billing_mode),
            encryption,
            pitr: latest!(pitr),
            deletion_protection: latest!(deletion_protection),
            stream: latest!(stream),
            ttl: latest!(ttl),
            replicas: latest!(replicas),
            tags: latest!(tags),
            kinesis_destinations: latest!(kinesis_destinations),
            resource_policy: latest!(resource_policy),
            item_count: latest!(item_count),
            size_bytes: latest!(size_bytes),
            created_ms: latest!(created_ms),
            autoscaling: latest!(autoscaling),
            backup: latest!(backup),
            cloudtrail_events: self.cloudtrail_events,
            config_items: self.config_items,
            sources,
        }
    }
}

/// The inventory's tables whose tags some source gave, for [`crate::analysis::tags::coverage`].
/// Tables whose tags no export gave are left out: an unknown is not "untagged".
pub fn tagged_tables(inventory: &Inventory) -> Vec<crate::analysis::tags::TaggedTable> {
    inventory
        .tables
        .iter()
        .filter(|t| !t.is_deleted())
        .filter_map(|t| {
            Some(crate::analysis::tags::TaggedTable {
                account: t.account.clone(),
                region: t.region.clone(),
                name: t.name.clone(),
                arn: t.arn.as_ref().map(|a| a.value.clone()).unwrap_or_default(),
                tags: t.tags.as_ref()?.value.clone(),
            })
        })
        .collect()
}

/// AWS Config's table items that describe a table (with a configuration, not a deletion nor
/// an oversized summary, whose empty tags would read as every tag lost), for
/// [`crate::analysis::tags::changes_from_snapshots`], in model order.
pub fn tag_snapshots(model: &Model) -> Vec<crate::analysis::tags::TagSnapshot> {
    model
        .records
        .config_items
        .iter()
        .filter(|i| i.resource_type == "AWS::DynamoDB::Table" && !i.status.is_deleted())
        .filter_map(|i| {
            Some(crate::analysis::tags::TagSnapshot {
                time_ms: i.capture_time_ms?,
                account: i.account.clone(),
                region: i.region.clone(),
                table: i
                    .resource_name
                    .clone()
                    .unwrap_or_else(|| i.resource_id.clone()),
                tags: i.table.as_ref()?.tags.clone()?,
                file: model
                    .files
                    .get(i.source.file as usize)
                    .cloned()
                    .unwrap_or_default(),
            })
        })
        .collect()
}

fn sourced<T>(obs: &Obs<'_>, model: &Model, value: T) -> Sourced<T> {
    Sourced {
        value,
        file: model
            .files
            .get(obs.source.file as usize)
            .cloned()
            .unwrap_or_default(),
        kind: obs.source.kind,
        observed_at_ms: obs.effective_ms,
    }
}

/// CloudTrail's evidence per table: events and the files they are in.
#[derive(Default)]
struct TrailCount {
    events: u64,
    files: BTreeSet<u32>,
}

/// Tables CloudTrail names, keyed by the event's account and region.
fn cloudtrail_tables(model: &Model) -> BTreeMap<Key, TrailCount> {
    // Few distinct (account, region, table set) triples: count them by symbol first.
    let mut by_sym: FxHashMap<(Sym, Sym, Sym), (u64, BTreeSet<u32>)> = FxHashMap::default();
    for event in &model.events_unsorted {
        if event.table.is_empty() {
            continue;
        }
        let entry = by_sym
            .entry((event.account, event.region, event.table))
            .or_default();
        entry.0 += 1;
        entry.1.insert(event.file);
    }
    let mut out: BTreeMap<Key, TrailCount> = BTreeMap::new();
    for ((account, region, table), (events, files)) in by_sym {
        for name in crate::ingest::tables::split_tables(model.str(table)) {
            let key = (
                model.str(account).to_string(),
                model.str(region).to_string(),
                name.to_string(),
            );
            let count = out.entry(key).or_default();
            count.events += events;
            count.files.extend(files.iter().copied());
        }
    }
    out
}

/// When each file was collected, by the collector manifest whose folder holds it (the
/// innermost one).
struct CollectedAt<'m> {
    by_file: Vec<Option<i64>>,
    model: &'m Model,
}

impl<'m> CollectedAt<'m> {
    fn new(model: &'m Model) -> CollectedAt<'m> {
        let runs = &model.records.collector_runs;
        let by_file = model
            .files
            .iter()
            .map(|name| {
                let name = name.replace('\\', "/");
                runs.iter()
                    .filter(|run| name.starts_with(&run.prefix))
                    .max_by_key(|run| run.prefix.len())
                    .and_then(|run| run.collected_at_ms)
            })
            .collect();
        CollectedAt { by_file, model }
    }

    fn of(&self, file: u32) -> Option<i64> {
        self.by_file.get(file as usize).copied().flatten()
    }

    /// The file's name ("" for an index the model does not have).
    fn name(&self, file: u32) -> &'m str {
        self.model
            .files
            .get(file as usize)
            .map_or("", String::as_str)
    }
}

/// What the KMS exports say about keys.
struct Kms<'m> {
    model: &'m Model,
}

impl<'m> Kms<'m> {
    fn new(model: &'m Model) -> Kms<'m> {
        Kms { model }
    }

    fn resolve(&self, e: &crate::model::inventory::Encryption, table: &Key) -> EncryptionState {
        let state = |kind, reason: String| EncryptionState {
            kind,
            key_arn: e.key_arn.clone(),
            reason,
        };
        if e.kind != EncryptionKind::Unknown {
            let why = match e.sse_type.as_deref() {
                None => "no KMS key in SSEDescription: DynamoDB's AWS owned key".to_string(),
                Some("KMS") => format!(
                    "SSE is {}: back to DynamoDB's AWS owned key",
                    e.status.as_deref().unwrap_or("off")
                ),
                Some(other) => format!("SSEType {other}: DynamoDB's AWS owned key"),
            };
            return state(e.kind, why);
        }
        let Some(key_arn) = e.key_arn.as_deref() else {
            return state(
                EncryptionKind::Unknown,
                "SSEType KMS without a KMSMasterKeyArn: the key cannot be told".into(),
            );
        };
        let key_id = key_arn.rsplit_once("key/").map_or(key_arn, |(_, id)| id);
        let (key_account, key_region) = match crate::ingest::value::parse_arn(key_arn) {
            Some(p) => (p.account.to_string(), p.region.to_string()),
            None => (table.0.clone(), table.1.clone()),
        };
        let records = &self.model.records;
        // describe-key (or a Config KMS item) says who manages it.
        let described = records
            .kms_keys
            .iter()
            .filter(|k| {
                k.arn.as_deref() == Some(key_arn)
                    || (k.key_id == key_id && (k.account.is_empty() || k.account == key_account))
            })
            .filter_map(|k| k.manager.map(|m| (m, k)))
            .max_by_key(|(_, k)| (k.source.observed_at_ms, k.source.file));
        if let Some((manager, k)) = described {
            let file = self.file(k.source.file);
            return match manager {
                KeyManager::Aws => state(
                    EncryptionKind::AwsManaged,
                    format!("key {key_id} is KeyManager AWS ({file}): the aws/dynamodb key"),
                ),
                KeyManager::Customer => state(
                    EncryptionKind::CustomerManaged,
                    format!("key {key_id} is KeyManager CUSTOMER ({file})"),
                ),
            };
        }
        // alias/aws/dynamodb points at the account's AWS managed key for DynamoDB.
        let aliases: Vec<_> = records
            .kms_aliases
            .iter()
            .filter(|a| a.account == key_account && a.region == key_region)
            .collect();
        if let Some(alias) = aliases
            .iter()
            .find(|a| a.name == "alias/aws/dynamodb" && a.target_key_id.as_deref() == Some(key_id))
        {
            return state(
                EncryptionKind::AwsManaged,
                format!(
                    "alias/aws/dynamodb points at key {key_id} ({})",
                    self.file(alias.source.file)
                ),
            );
        }
        let complete = records.listings.iter().find(|l| {
            l.kind == FileKind::KmsListAliases
                && !l.truncated
                && l.account == key_account
                && l.region == key_region
        });
        if let Some(listing) = complete {
            // DynamoDB accepts only its own AWS managed key or a customer managed key.
            return state(
                EncryptionKind::CustomerManaged,
                format!(
                    "alias/aws/dynamodb does not point at key {key_id} in the complete alias \
                     list of {key_account}/{key_region} ({})",
                    self.file(listing.source.file)
                ),
            );
        }
        state(
            EncryptionKind::Unknown,
            format!(
                "KMS key {key_id}: load `kms describe-key` for it or `kms list-aliases` for \
                 {key_account}/{key_region} to tell AWS managed from customer managed"
            ),
        )
    }

    fn file(&self, index: u32) -> &str {
        self.model
            .files
            .get(index as usize)
            .map_or("", String::as_str)
    }
}
