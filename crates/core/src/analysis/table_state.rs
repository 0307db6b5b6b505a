//! Each table's latest known state, field by field, with the evidence behind every field: the
//! input of the posture analyses ([`super::streams`], [`super::compliance`]).
//!
//! A stopgap for the merged table inventory (`analysis::inventory`, being built on another
//! branch): the posture analyses read only [`TableState`], so when the inventory lands, only
//! [`table_states`] changes, to a conversion from it.
//!
//! The merge, per field: among the records that state the field, the one with the latest time
//! wins; a record's time is its own ([`Source::observed_at_ms`]), else the time of the
//! collector run whose folder holds its file. A CLI output with neither (describe-table run by
//! hand) counts as newer than any timed record, since it describes the account as it was when
//! the user exported it; among equals, the later file wins. A field no record states is
//! `None`: the analyses say which export would tell.
//!
//! Absence is proven only by a complete listing ([`Listing`]) for the table's account and
//! region: a table missing from `backup list-protected-resources` is unprotected, one missing
//! from `describe-scalable-targets` has no auto scaling.
//!
//! ```
//! use ddb_lens_core::analysis::table_state::table_states;
//! use ddb_lens_core::Model;
//! assert!(table_states(&Model::default()).is_empty());
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ingest::FileKind;
use crate::model::inventory::{
    BackupProtection, Encryption, EncryptionKind, KeyManager, ScalingTarget, Source, StreamSetting,
    TableFacts,
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
    /// Set when AWS Config's latest record of the table is its deletion and no later record
    /// shows it again.
    pub deleted: Option<Evidence>,
    pub status: Option<Fact<String>>,
    pub billing_mode: Option<Fact<String>>,
    /// With the key manager resolved from the KMS exports where they say.
    pub encryption: Option<Fact<Encryption>>,
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
    /// Every file that said anything about the table, sorted.
    pub files: Vec<String>,
}

impl TableState {
    fn new(table: TableRef) -> TableState {
        TableState {
            table,
            arn: String::new(),
            deleted: None,
            status: None,
            billing_mode: None,
            encryption: None,
            pitr: None,
            deletion_protection: None,
            stream: None,
            tags: None,
            autoscaling: None,
            backup: None,
            files: Vec::new(),
        }
    }
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

/// Sort key for "latest": an unknown time counts as newest (see the module docs).
fn rank_time(evidence: &Evidence) -> i64 {
    evidence.at_ms.unwrap_or(i64::MAX)
}

/// One record's statement about one table, in load order.
struct Statement<'m> {
    account: &'m str,
    region: &'m str,
    name: &'m str,
    arn: &'m str,
    facts: Option<&'m TableFacts>,
    /// Config item tags, for items whose configuration did not carry them.
    item_tags: Option<&'m BTreeMap<String, String>>,
    deleted: bool,
    evidence: Evidence,
    /// Load order, the tie-break among equal times.
    seq: usize,
}

/// Every table the non-CloudTrail exports name, with its latest state; sorted by account,
/// region and name.
pub fn table_states(model: &Model) -> Vec<TableState> {
    let records = &model.records;
    let mut statements: Vec<Statement<'_>> = Vec::new();
    for obs in &records.table_observations {
        statements.push(Statement {
            account: &obs.account,
            region: &obs.region,
            name: &obs.name,
            arn: &obs.arn,
            facts: Some(&obs.facts),
            item_tags: None,
            deleted: obs.facts.status.as_deref() == Some("DELETED"),
            evidence: Evidence::of(model, &obs.source),
            seq: statements.len(),
        });
    }
    for item in &records.config_items {
        if item.resource_type != "AWS::DynamoDB::Table" || item.resource_id.is_empty() {
            continue;
        }
        statements.push(Statement {
            account: &item.account,
            region: &item.region,
            name: &item.resource_id,
            arn: item.arn.as_deref().unwrap_or(""),
            facts: item.table.as_ref(),
            item_tags: item.table.as_ref().map(|_| &item.tags),
            deleted: item.status.is_deleted(),
            evidence: Evidence::of(model, &item.source),
            seq: statements.len(),
        });
    }
    // Oldest first, so each later statement overrides.
    statements.sort_by_key(|s| (rank_time(&s.evidence), s.seq));

    let keys = table_keys(statements.iter().map(|s| (s.account, s.region, s.name)));
    let mut states: BTreeMap<TableRef, TableState> = keys
        .iter()
        .map(|k| (k.clone(), TableState::new(k.clone())))
        .collect();
    for s in &statements {
        let Some(key) = resolve(&keys, s.account, s.region, s.name) else {
            continue;
        };
        let Some(state) = states.get_mut(key) else {
            continue;
        };
        apply(state, s);
    }
    let mut out: Vec<TableState> = states.into_values().collect();
    for state in &mut out {
        add_listing_absences(model, state);
        resolve_key_manager(model, state);
        state.files.sort();
        state.files.dedup();
    }
    out
}

/// The distinct tables: every fully known (account, region, name), plus each partly known
/// one that does not resolve to exactly one of those.
pub(crate) fn table_keys<'a>(
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

/// The key a statement belongs to: its own when fully known, else the one full key it can be.
pub(crate) fn resolve<'k>(
    keys: &'k [TableRef],
    account: &str,
    region: &str,
    name: &str,
) -> Option<&'k TableRef> {
    if let Some(exact) = keys
        .iter()
        .find(|k| k.account == account && k.region == region && k.name == name)
    {
        if !account.is_empty() && !region.is_empty() {
            return Some(exact);
        }
        let full: Vec<&TableRef> = keys
            .iter()
            .filter(|k| !k.account.is_empty() && !k.region.is_empty())
            .filter(|k| k.matches(account, region, name))
            .collect();
        return Some(if full.len() == 1 { full[0] } else { exact });
    }
    let mut candidates = keys.iter().filter(|k| k.matches(account, region, name));
    let first = candidates.next()?;
    candidates.next().is_none().then_some(first)
}

fn apply(state: &mut TableState, s: &Statement<'_>) {
    state.files.push(s.evidence.file.clone());
    if !s.arn.is_empty() {
        state.arn = s.arn.to_string();
    }
    fn fact<T>(value: T, s: &Statement<'_>) -> Option<Fact<T>> {
        Some(Fact {
            value,
            evidence: s.evidence.clone(),
        })
    }
    if s.deleted {
        state.deleted = Some(s.evidence.clone());
        return;
    }
    // Any later record of the table (a list-tables naming it included) means it exists again.
    state.deleted = None;
    let Some(f) = s.facts else {
        return;
    };
    if let Some(v) = &f.status {
        state.status = fact(v.clone(), s);
    }
    if let Some(v) = &f.billing_mode {
        state.billing_mode = fact(v.clone(), s);
    }
    if let Some(v) = &f.encryption {
        state.encryption = fact(v.clone(), s);
    }
    if let Some(v) = f.pitr {
        state.pitr = fact(v, s);
    }
    if let Some(v) = f.deletion_protection {
        state.deletion_protection = fact(v, s);
    }
    if let Some(v) = &f.stream {
        state.stream = fact(v.clone(), s);
    }
    match (&f.tags, s.item_tags) {
        (Some(v), _) => state.tags = fact(v.clone(), s),
        (None, Some(v)) => state.tags = fact(v.clone(), s),
        (None, None) => {}
    }
    if let Some(v) = &f.autoscaling {
        state.autoscaling = fact(v.clone(), s);
    }
    if let Some(v) = &f.backup {
        state.backup = fact(v.clone(), s);
    }
}

/// No auto scaling target or backup listed for the table in a complete listing: it has none.
fn add_listing_absences(model: &Model, state: &mut TableState) {
    let (account, region) = (&state.table.account, &state.table.region);
    if state.autoscaling.is_none() {
        if let Some(evidence) =
            complete_listing(model, FileKind::AutoScalingScalableTargets, account, region)
        {
            state.autoscaling = Some(Fact {
                value: Vec::new(),
                evidence,
            });
        }
    }
    if state.backup.is_none() {
        if let Some(evidence) =
            complete_listing(model, FileKind::BackupProtectedResources, account, region)
        {
            state.backup = Some(Fact {
                value: BackupProtection {
                    protected: false,
                    last_backup_ms: None,
                    last_backup_vault_arn: None,
                },
                evidence,
            });
        }
    }
}

fn resolve_key_manager(model: &Model, state: &mut TableState) {
    if let Some(fact) = &mut state.encryption {
        fact.value.kind = key_manager_kind(model, &fact.value);
    }
}

/// Who manages the key of `encryption`, from the loaded KMS keys and aliases; its own kind
/// when they do not say.
pub fn key_manager_kind(model: &Model, encryption: &Encryption) -> EncryptionKind {
    if encryption.kind != EncryptionKind::Unknown {
        return encryption.kind;
    }
    let Some(key_arn) = encryption.key_arn.as_deref() else {
        return encryption.kind;
    };
    let key_id = key_arn.rsplit_once("key/").map_or(key_arn, |(_, id)| id);
    let manager = model
        .records
        .kms_keys
        .iter()
        .filter(|k| k.arn.as_deref() == Some(key_arn) || k.key_id == key_id)
        .find_map(|k| k.manager);
    match manager {
        Some(KeyManager::Aws) => EncryptionKind::AwsManaged,
        Some(KeyManager::Customer) => EncryptionKind::CustomerManaged,
        None => {
            let aws_alias = model.records.kms_aliases.iter().any(|a| {
                a.name == "alias/aws/dynamodb" && a.target_key_id.as_deref() == Some(key_id)
            });
            if aws_alias {
                EncryptionKind::AwsManaged
            } else {
                encryption.kind
            }
        }
    }
}

/// (region, account, resource) of an ARN `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
pub fn arn_parts(arn: &str) -> Option<(&str, &str, &str)> {
    let mut parts = arn.strip_prefix("arn:")?.splitn(5, ':');
    let _partition = parts.next()?;
    let _service = parts.next()?;
    let region = parts.next()?;
    let account = parts.next()?;
    let resource = parts.next()?;
    Some((region, account, resource))
}

/// The table of a DynamoDB stream ARN (`...:table/NAME/stream/LABEL`), as a [`TableRef`].
pub fn stream_table(stream_arn: &str) -> Option<TableRef> {
    let (region, account, resource) = arn_parts(stream_arn)?;
    let rest = resource.strip_prefix("table/")?;
    let (name, stream) = rest.split_once('/')?;
    if name.is_empty() || !stream.starts_with("stream/") {
        return None;
    }
    Some(TableRef::new(account, region, name))
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
