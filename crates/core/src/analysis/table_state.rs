//! Each table's latest known state, field by field, with the evidence behind every field: the
//! input of the posture analyses ([`super::streams`], [`super::compliance`]).
//!
//! The merge is the table inventory's ([`super::inventory`]): latest wins per field, absence
//! only from complete listings, encryption resolved against the KMS exports. This module turns
//! its rows into what checks read: a [`TableRef`] identity, and an [`Evidence`] (file, kind,
//! time) per field, plus the one thing the inventory's row leaves out that a check needs, the
//! encryption's `SSEDescription.Status` ([`TableState::encryption`]).
//!
//! ```
//! use ddb_lens_core::analysis::table_state::table_states;
//! use ddb_lens_core::Model;
//! assert!(table_states(&Model::default()).is_empty());
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analysis::inventory::{inventory, Inventory, Sourced, TableRow};
use crate::ingest::value::parse_arn;
use crate::ingest::FileKind;
use crate::model::inventory::{
    BackupProtection, Encryption, EncryptionKind, KeyManager, ScalingTarget, Source, StreamSetting,
};
use crate::model::Model;

/// A table's identity: account, region and name, the first two empty when unknown.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TableRef {
    pub account: String,
    pub region: String,
    pub name: String,
}

impl TableRef {
    pub fn new(account: &str, region: &str, name: &str) -> TableRef {
        TableRef {
            account: account.to_string(),
            region: region.to_string(),
            name: name.to_string(),
        }
    }

    /// Whether `account`, `region` and `name` can be this table: names equal, and account
    /// and region equal wherever both are known.
    pub fn matches(&self, account: &str, region: &str, name: &str) -> bool {
        let part = |a: &str, b: &str| a.is_empty() || b.is_empty() || a == b;
        self.name == name && part(&self.account, account) && part(&self.region, region)
    }

    /// "111122223333/eu-west-1/orders", with "?" for unknown parts.
    pub fn label(&self) -> String {
        let or_unknown = |s: &str| if s.is_empty() { "?" } else { s }.to_string();
        format!(
            "{}/{}/{}",
            or_unknown(&self.account),
            or_unknown(&self.region),
            self.name
        )
    }
}

/// Which record a fact or verdict rests on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Evidence {
    /// The file's name as loaded (a relative path for folders).
    pub file: String,
    /// What the file was: "DynamoDB describe-table", "AWS Config history", ...
    pub kind: String,
    /// When the state held, ms since the epoch: the record's own time, else its collector
    /// run's; `None` when neither is known.
    pub at_ms: Option<i64>,
}

impl Evidence {
    /// The evidence of a record from `source`.
    pub fn of(model: &Model, source: &Source) -> Evidence {
        let file = model
            .files
            .get(source.file as usize)
            .cloned()
            .unwrap_or_default();
        let at_ms = source
            .observed_at_ms
            .or_else(|| collector_time(model, &file));
        Evidence {
            file,
            kind: source.kind.label().to_string(),
            at_ms,
        }
    }
}

/// The collection time of the innermost collector run whose folder holds `file`.
fn collector_time(model: &Model, file: &str) -> Option<i64> {
    model
        .records
        .collector_runs
        .iter()
        .filter(|run| file.starts_with(&run.prefix))
        .max_by_key(|run| run.prefix.len())
        .and_then(|run| run.collected_at_ms)
}

/// A value and the record that stated it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fact<T> {
    pub value: T,
    pub evidence: Evidence,
}

/// One table's latest known state. `None`: no loaded export states the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableState {
    pub table: TableRef,
    /// Empty when no record gives it.
    pub arn: String,
    /// Set when the table no longer exists: AWS Config's latest record of it is its deletion,
    /// or a complete `list-tables` of its account and region, taken after every other record
    /// of it, leaves it out.
    pub deleted: Option<Deletion>,
    pub status: Option<Fact<String>>,
    pub billing_mode: Option<Fact<String>>,
    /// With the key manager resolved from the KMS exports where they say, and the
    /// `SSEDescription.Status` of the record that stated it.
    pub encryption: Option<Fact<Encryption>>,
    /// How the key manager was told, or which export would tell it.
    pub encryption_reason: Option<String>,
    pub pitr: Option<Fact<bool>>,
    pub deletion_protection: Option<Fact<bool>>,
    pub stream: Option<Fact<StreamSetting>>,
    pub tags: Option<Fact<BTreeMap<String, String>>>,
    /// Auto scaling targets on the table and its indexes; empty when a complete listing of
    /// the account and region has none.
    pub autoscaling: Option<Fact<Vec<ScalingTarget>>>,
    /// `protected: false` when a complete `list-protected-resources` of the account and region
    /// does not list the table.
    pub backup: Option<Fact<BackupProtection>>,
    /// Only CloudTrail names the table: no export describes it.
    pub cloudtrail_only: bool,
    /// Every file that mentions the table, sorted.
    pub files: Vec<String>,
}

impl TableState {
    /// A table nothing is known about yet (every field `None`).
    pub fn unknown(table: TableRef) -> TableState {
        TableState {
            table,
            arn: String::new(),
            deleted: None,
            status: None,
            billing_mode: None,
            encryption: None,
            encryption_reason: None,
            pitr: None,
            deletion_protection: None,
            stream: None,
            tags: None,
            autoscaling: None,
            backup: None,
            cloudtrail_only: false,
            files: Vec::new(),
        }
    }

    /// The times of the records behind its facts (unknown as `i64::MAX`, the latest).
    fn fact_times(&self) -> impl Iterator<Item = i64> + '_ {
        let evidence = [
            self.status.as_ref().map(|f| &f.evidence),
            self.billing_mode.as_ref().map(|f| &f.evidence),
            self.encryption.as_ref().map(|f| &f.evidence),
            self.pitr.as_ref().map(|f| &f.evidence),
            self.deletion_protection.as_ref().map(|f| &f.evidence),
            self.stream.as_ref().map(|f| &f.evidence),
            self.tags.as_ref().map(|f| &f.evidence),
            self.backup.as_ref().map(|f| &f.evidence),
        ];
        evidence.into_iter().flatten().map(rank_time)
    }
}

/// Why a table is taken as gone, and the record that shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deletion {
    /// One sentence.
    pub reason: String,
    pub evidence: Evidence,
}

/// A complete listing of `kind` for `account` and `region`, as evidence that what it does not
/// list does not exist; the latest when several are loaded.
pub fn complete_listing(
    model: &Model,
    kind: FileKind,
    account: &str,
    region: &str,
) -> Option<Evidence> {
    model
        .records
        .listings
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            l.kind == kind
                && !l.truncated
                && !l.account.is_empty()
                && !l.region.is_empty()
                && l.account == account
                && l.region == region
        })
        .map(|(i, l)| (Evidence::of(model, &l.source), i))
        .max_by_key(|(e, i)| (rank_time(e), *i))
        .map(|(e, _)| e)
}

/// Sort key for "latest": an unknown time counts as newest, as in the inventory.
fn rank_time(evidence: &Evidence) -> i64 {
    evidence.at_ms.unwrap_or(i64::MAX)
}

fn fact<T>(sourced: &Sourced<T>) -> Fact<T>
where
    T: Clone,
{
    Fact {
        value: sourced.value.clone(),
        evidence: Evidence {
            file: sourced.file.clone(),
            kind: sourced.kind.label().to_string(),
            at_ms: sourced.observed_at_ms,
        },
    }
}

/// Every table of the inventory ([`inventory`]), in its order (account, region, name).
pub fn table_states(model: &Model) -> Vec<TableState> {
    table_states_of(model, &inventory(model))
}

/// The table states of an inventory already computed.
pub fn table_states_of(model: &Model, inventory: &Inventory) -> Vec<TableState> {
    let mut states: Vec<TableState> = inventory
        .tables
        .iter()
        .map(|row| state_of(model, row))
        .collect();
    let mut trail_times: Option<BTreeMap<TableRef, i64>> = None;
    for state in &mut states {
        if state.deleted.is_some() {
            continue;
        }
        let Some(listing) = complete_listing(
            model,
            FileKind::DynamoDbListTables,
            &state.table.account,
            &state.table.region,
        ) else {
            continue;
        };
        if state.files.contains(&listing.file) {
            continue;
        }
        // Taken after everything else said about the table? Times unknown count as latest.
        let mut latest = state.fact_times().max();
        if state.cloudtrail_only {
            let times = trail_times.get_or_insert_with(|| cloudtrail_times(model));
            latest = latest.max(times.get(&state.table).copied());
        }
        if latest.is_none_or(|t| rank_time(&listing) >= t) {
            state.deleted = Some(Deletion {
                reason: "A complete list-tables of its account and region, taken after every \
                    other record of the table, does not name it: it no longer exists."
                    .to_string(),
                evidence: listing,
            });
        }
    }
    states
}

/// The latest CloudTrail event time per table named.
fn cloudtrail_times(model: &Model) -> BTreeMap<TableRef, i64> {
    let mut by_sym: rustc_hash::FxHashMap<(crate::Sym, crate::Sym, crate::Sym), i64> =
        rustc_hash::FxHashMap::default();
    for e in &model.events_unsorted {
        if e.table.is_empty() {
            continue;
        }
        let t = by_sym
            .entry((e.account, e.region, e.table))
            .or_insert(e.time_ms);
        *t = (*t).max(e.time_ms);
    }
    let mut out: BTreeMap<TableRef, i64> = BTreeMap::new();
    for ((account, region, set), time) in by_sym {
        for name in crate::ingest::tables::split_tables(model.str(set)) {
            let key = TableRef::new(model.str(account), model.str(region), name);
            let t = out.entry(key).or_insert(time);
            *t = (*t).max(time);
        }
    }
    out
}

fn state_of(model: &Model, row: &TableRow) -> TableState {
    let table = TableRef::new(&row.account, &row.region, &row.name);
    let deleted = row
        .status
        .as_ref()
        .filter(|_| row.is_deleted())
        .map(|s| Deletion {
            reason: "AWS Config recorded the table's deletion.".to_string(),
            evidence: fact(s).evidence,
        });
    let encryption = row.encryption.as_ref().map(|e| {
        let f = fact(e);
        let (sse_type, status) = sse_of(model, &table, &e.file, e.observed_at_ms);
        Fact {
            value: Encryption {
                kind: e.value.kind,
                key_arn: e.value.key_arn.clone(),
                sse_type,
                status,
            },
            evidence: f.evidence,
        }
    });
    TableState {
        arn: row
            .arn
            .as_ref()
            .map(|a| a.value.clone())
            .unwrap_or_default(),
        deleted,
        status: row.status.as_ref().map(fact),
        billing_mode: row.billing_mode.as_ref().map(fact),
        encryption,
        encryption_reason: row.encryption.as_ref().map(|e| e.value.reason.clone()),
        pitr: row.pitr.as_ref().map(fact),
        deletion_protection: row.deletion_protection.as_ref().map(fact),
        stream: row.stream.as_ref().map(fact),
        tags: row.tags.as_ref().map(fact),
        autoscaling: row.autoscaling.as_ref().map(fact),
        backup: row.backup.as_ref().map(fact),
        cloudtrail_only: row.cloudtrail_only(),
        files: row.sources.iter().map(|s| s.file.clone()).collect(),
        table,
    }
}

/// `SSEType` and `Status` of the encryption the inventory took from `file`: the inventory's
/// row keeps the resolved key manager but not the status, which
/// `dynamodb-table-encryption-enabled` judges by.
fn sse_of(
    model: &Model,
    table: &TableRef,
    file: &str,
    at_ms: Option<i64>,
) -> (Option<String>, Option<String>) {
    let records = &model.records;
    let in_file = |index: u32| model.files.get(index as usize).map(String::as_str) == Some(file);
    let from_observation = records
        .table_observations
        .iter()
        .filter(|o| in_file(o.source.file) && table.matches(&o.account, &o.region, &o.name))
        .filter_map(|o| o.facts.encryption.as_ref());
    let from_item = records
        .config_items
        .iter()
        .filter(|i| {
            in_file(i.source.file)
                && i.source.observed_at_ms == at_ms.filter(|_| i.source.observed_at_ms.is_some())
                && table.matches(&i.account, &i.region, &i.resource_id)
        })
        .filter_map(|i| i.table.as_ref()?.encryption.as_ref());
    from_observation
        .chain(from_item)
        .last()
        .map(|e| (e.sse_type.clone(), e.status.clone()))
        .unwrap_or((None, None))
}

/// Who manages the key of `encryption`, by the inventory's rules (`kms describe-key`, then
/// `alias/aws/dynamodb`, then a complete alias list of the key's account and region that
/// does not point it at the key); its own kind when they do not say. For diffs between
/// Config items, whose encryption the inventory does not resolve one by one.
pub fn key_manager_kind(model: &Model, encryption: &Encryption) -> EncryptionKind {
    if encryption.kind != EncryptionKind::Unknown {
        return encryption.kind;
    }
    let Some(key_arn) = encryption.key_arn.as_deref() else {
        return encryption.kind;
    };
    let key_id = key_arn.rsplit_once("key/").map_or(key_arn, |(_, id)| id);
    let records = &model.records;
    let manager = records
        .kms_keys
        .iter()
        .filter(|k| k.arn.as_deref() == Some(key_arn) || k.key_id == key_id)
        .find_map(|k| k.manager);
    match manager {
        Some(KeyManager::Aws) => return EncryptionKind::AwsManaged,
        Some(KeyManager::Customer) => return EncryptionKind::CustomerManaged,
        None => {}
    }
    let Some(arn) = parse_arn(key_arn) else {
        return encryption.kind;
    };
    let local = |account: &str, region: &str| account == arn.account && region == arn.region;
    let aws_alias = records.kms_aliases.iter().any(|a| {
        local(&a.account, &a.region)
            && a.name == "alias/aws/dynamodb"
            && a.target_key_id.as_deref() == Some(key_id)
    });
    if aws_alias {
        return EncryptionKind::AwsManaged;
    }
    let complete_aliases = records.listings.iter().any(|l| {
        l.kind == FileKind::KmsListAliases && !l.truncated && local(&l.account, &l.region)
    });
    if complete_aliases {
        // DynamoDB takes only its own AWS managed key or a customer managed key.
        EncryptionKind::CustomerManaged
    } else {
        encryption.kind
    }
}

/// The table of a DynamoDB stream ARN (`...:table/NAME/stream/LABEL`), as a [`TableRef`].
pub fn stream_table(stream_arn: &str) -> Option<TableRef> {
    let arn = parse_arn(stream_arn)?;
    let rest = arn.resource.strip_prefix("table/")?;
    let (name, stream) = rest.split_once('/')?;
    if arn.service != "dynamodb" || name.is_empty() || !stream.starts_with("stream/") {
        return None;
    }
    Some(TableRef::new(arn.account, arn.region, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_arns_name_their_table() {
        let t = stream_table(
            "arn:aws:dynamodb:eu-west-1:111122223333:table/orders/stream/2026-03-01T00:00:00.000",
        );
        assert_eq!(
            t,
            Some(TableRef::new("111122223333", "eu-west-1", "orders"))
        );
        assert_eq!(
            stream_table("arn:aws:dynamodb:eu-west-1:111122223333:table/orders"),
            None
        );
        assert_eq!(stream_table("arn:aws:sqs:us-west-2:123456789012:q"), None);
    }
}
