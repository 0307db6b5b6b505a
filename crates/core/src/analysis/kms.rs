//! KMS key usage behind table encryption: per table the key, the operations over time, who
//! used it and from where; the lifecycle of the keys that protect tables; and which kind of
//! key each table uses.
//!
//! DynamoDB calls AWS KMS for a table encrypted under a key in the account (AWS managed
//! `aws/dynamodb` or customer managed) with the encryption context
//! `{"aws:dynamodb:tableName": …, "aws:dynamodb:subscriberId": …}`; ingest reads the table
//! name from it (and from the constraints of the grants DynamoDB creates) into the event's
//! tables, and the key into [`Event::key`]. Tables under the default AWS owned key leave no
//! KMS event in the account.
//!
//! ```
//! use ddb_lens_core::analysis::kms::{kms_usage, KeyKind};
//! use ddb_lens_core::{Limits, Loader};
//!
//! let mut loader = Loader::new(Limits::default());
//! loader.ingest("kms.json", br#"{"Records":[{"eventVersion":"1.09",
//!     "userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/App/i-1",
//!       "accountId":"111122223333","invokedBy":"dynamodb.amazonaws.com"},
//!     "eventTime":"2026-03-01T10:00:00Z","eventSource":"kms.amazonaws.com","eventName":"Decrypt",
//!     "awsRegion":"eu-west-1","sourceIPAddress":"dynamodb.amazonaws.com",
//!     "requestParameters":{"encryptionContext":{"aws:dynamodb:tableName":"orders",
//!       "aws:dynamodb:subscriberId":"111122223333"}},
//!     "resources":[{"type":"AWS::KMS::Key",
//!       "ARN":"arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}],
//!     "eventID":"00000000-0000-4000-8000-000000000001","recipientAccountId":"111122223333"}]}"#);
//! let usage = kms_usage(loader.model(), &[]);
//! let orders = &usage.tables[0];
//! assert_eq!(orders.table, "orders");
//! assert_eq!(orders.operations[0].operation, "Decrypt");
//! assert_eq!(orders.keys[0].key,
//!     "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
//! // KMS calls name a key in the account: not AWS owned, but which manager is not shown.
//! assert_eq!(orders.kind, KeyKind::AwsOrCustomerManaged);
//! ```
//!
//! # From where: correlated source IPs
//!
//! A KMS call DynamoDB makes records `sourceIPAddress: dynamodb.amazonaws.com`; when it makes
//! it on a caller's behalf, `userIdentity` is the caller's (with `invokedBy:
//! dynamodb.amazonaws.com`). The caller's own address is on the DynamoDB request that caused
//! the call, so each such KMS call is paired with the DynamoDB request by the same principal
//! on the same table nearest in time, within [`CORRELATION_BOUND_MS`] either side, and shown
//! as `correlated` with the time difference. The bound is five minutes: a request that needs
//! the table key is answered within seconds of DynamoDB's KMS call, and after five minutes of
//! inactivity DynamoDB drops the cached key, so a request further away would have caused a
//! KMS call of its own. A tie in distance goes to the earlier request (the cause comes before
//! the call), and between requests at the same millisecond to the first in load order. Calls
//! DynamoDB makes as itself (`AWSService`, e.g. the table key's GenerateDataKey) have no
//! caller to correlate and keep their recorded source.
//!
//! # Key lifecycle and kind
//!
//! A key protects a table when a KMS event naming the table names the key, or a CreateTable
//! or UpdateTable request selects it. Lifecycle events (see [`LIFECYCLE_EVENTS`]) are matched
//! to those keys by key ARN, through aliases seen in the logs (CreateAlias, UpdateAlias, a
//! table's `kMSMasterKeyId`, DynamoDB's DescribeKey of `alias/aws/dynamodb`), by key ID alone
//! (said so in [`MatchedKey::note`]), and grant revocations by the grant ID of DynamoDB's
//! CreateGrant. DynamoDB's own grant upkeep (a CreateGrant or RetireGrant it made, for itself
//! or on a caller's behalf, that succeeded) is routine and frequent, so it is counted per key
//! in [`ProtectingKey::dynamodb_grant_upkeep`] rather than listed; every other lifecycle call,
//! failed ones included, is listed in [`KmsUsage::lifecycle`]. The kind of a table's key comes, strongest first,
//! from the inventory facts given, from a CreateTable or UpdateTable `sSESpecification`, from
//! what was done to the key (only customer managed keys can be disabled, scheduled for
//! deletion, have their policy put or take an alias of ours), and otherwise stays "AWS or
//! customer managed"; each verdict carries its evidence.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::analysis::json::{display, field, path, str_at};
use crate::analysis::overview::{bucket_size, Bucket, Count};
use crate::analysis::symcache::{event_ref, time_order, Classifier, Source, SymMemo, TableIndex};
use crate::model::{Event, Model, Sym};
use crate::rules::EventRef;
use crate::time::format_iso_ms;

/// How far apart in time a KMS call and the DynamoDB request it is correlated with may be.
pub const CORRELATION_BOUND_MS: i64 = 5 * 60 * 1000;

/// The service name DynamoDB's KMS calls carry in `sourceIPAddress` and `invokedBy`.
pub const DYNAMODB_SERVICE: &str = "dynamodb.amazonaws.com";

/// The note the KMS page shows beside Decrypt counts.
pub const DECRYPT_CACHE_NOTE: &str = "DynamoDB caches each table's plaintext table key in \
memory, per connection, and asks AWS KMS to decrypt it again only when a request needs it after \
five minutes of inactivity. Decrypt counts are therefore not request counts: they count table-key \
cache refreshes, and a busy table can make few KMS calls. Source: AWS, \"How Amazon DynamoDB uses \
AWS KMS\" (table key caching).";

/// Where [`DECRYPT_CACHE_NOTE`] comes from.
pub const DECRYPT_CACHE_REFERENCE: &str =
    "https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html";

/// DynamoDB's table-key cache interval (the docs' "five minutes of inactivity").
pub const TABLE_KEY_CACHE_MS: i64 = 5 * 60 * 1000;

/// KMS calls that change a key, its policy, grants, material, rotation or aliases.
pub const LIFECYCLE_EVENTS: [&str; 16] = [
    "CancelKeyDeletion",
    "CreateAlias",
    "CreateGrant",
    "DeleteAlias",
    "DeleteImportedKeyMaterial",
    "DisableKey",
    "DisableKeyRotation",
    "EnableKey",
    "EnableKeyRotation",
    "ImportKeyMaterial",
    "PutKeyPolicy",
    "RetireGrant",
    "RevokeGrant",
    "RotateKeyOnDemand",
    "ScheduleKeyDeletion",
    "UpdateAlias",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lifecycle {
    No,
    /// CreateGrant or RetireGrant: routine when DynamoDB makes it.
    Grant,
    Other,
}

/// Lifecycle calls AWS refuses on AWS managed keys: one that succeeded shows the key is
/// customer managed.
const CUSTOMER_ONLY: [&str; 10] = [
    "CancelKeyDeletion",
    "DeleteImportedKeyMaterial",
    "DisableKey",
    "DisableKeyRotation",
    "EnableKey",
    "EnableKeyRotation",
    "ImportKeyMaterial",
    "PutKeyPolicy",
    "RotateKeyOnDemand",
    "ScheduleKeyDeletion",
];

/// The alias of the AWS managed key for DynamoDB.
pub const AWS_MANAGED_ALIAS: &str = "alias/aws/dynamodb";

/// Operations in the order the page lists them; others follow by name.
const OPERATION_ORDER: [&str; 8] = [
    "GenerateDataKey",
    "Decrypt",
    "Encrypt",
    "ReEncrypt",
    "CreateGrant",
    "RetireGrant",
    "DescribeKey",
    "GenerateDataKeyWithoutPlaintext",
];

/// Who manages a key, as the inventory (describe-key `KeyManager`) states it.
pub use crate::model::inventory::KeyManager;

/// The kind of key that protects a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyKind {
    /// The default key DynamoDB owns; no KMS event in the account.
    AwsOwned,
    /// `aws/dynamodb` in the account.
    AwsManaged,
    CustomerManaged,
    /// A key in the account (KMS events name it), manager not shown by the logs.
    AwsOrCustomerManaged,
    /// The loaded logs do not say.
    Unknown,
}

impl KeyKind {
    pub fn label(self) -> &'static str {
        match self {
            KeyKind::AwsOwned => "AWS owned key",
            KeyKind::AwsManaged => "AWS managed key (aws/dynamodb)",
            KeyKind::CustomerManaged => "customer managed key",
            KeyKind::AwsOrCustomerManaged => "AWS managed or customer managed key",
            KeyKind::Unknown => "unknown from the loaded logs",
        }
    }
}

/// How a lifecycle event was tied to a key that protects a table, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyMatch {
    /// The event names the key's ARN.
    Arn,
    /// The event names an alias the logs show pointing at the key.
    Alias,
    /// The event names the key ID only: account and Region are not confirmed.
    KeyId,
    /// The event names a grant DynamoDB created on the key for a table.
    Grant,
}

/// KMS usage behind table encryption, ready to render.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KmsUsage {
    /// [`DECRYPT_CACHE_NOTE`].
    pub note: String,
    /// [`DECRYPT_CACHE_REFERENCE`].
    pub note_reference: String,
    /// [`CORRELATION_BOUND_MS`].
    pub correlation_bound_ms: i64,
    /// The time grid of every [`OperationUse::buckets`]: the whole loaded logs, in buckets of
    /// `bucket_secs` (chosen as the overview chooses) from `buckets_start_ms`, `bucket_count`
    /// of them. Empty buckets are left out of the series.
    pub bucket_secs: i64,
    pub bucket_label: String,
    pub buckets_start_ms: i64,
    pub bucket_count: u64,
    /// KMS events that name a table, all tables together.
    pub events: u64,
    /// Tables named by KMS or DynamoDB events, by name.
    pub tables: Vec<TableKms>,
    /// Keys that protect tables, by key.
    pub keys: Vec<ProtectingKey>,
    /// Lifecycle events of those keys, in time order (DynamoDB's routine grant upkeep is in
    /// [`ProtectingKey::dynamodb_grant_upkeep`] instead).
    pub lifecycle: Vec<LifecycleEvent>,
}

/// One table's key usage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableKms {
    pub table: String,
    pub kind: KeyKind,
    /// Where the kind comes from, in a sentence.
    pub kind_evidence: String,
    /// KMS events naming the table.
    pub events: u64,
    pub first_ms: Option<i64>,
    pub last_ms: Option<i64>,
    /// Keys the table's KMS events name, most recently used first.
    pub keys: Vec<TableKey>,
    /// Per operation, in [`OPERATION_ORDER`] then by name.
    pub operations: Vec<OperationUse>,
    /// Who, and from where; most events first.
    pub callers: Vec<KmsCaller>,
    /// Events whose source IP was correlated.
    pub correlated_events: u64,
}

/// A key one table's KMS events name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableKey {
    /// The key ARN when the logs show it, else as written (empty when the event names none).
    pub key: String,
    pub events: u64,
    pub first_ms: i64,
    pub last_ms: i64,
}

/// One operation on one table's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationUse {
    pub operation: String,
    pub events: u64,
    pub first_ms: i64,
    pub last_ms: i64,
    /// Non-empty buckets of the grid in [`KmsUsage`], in time order.
    pub buckets: Vec<Bucket>,
}

/// Who used a table's key, and from where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KmsCaller {
    /// userIdentity (ARN, else invokedBy, principal ID, ...).
    pub principal: String,
    pub identity_type: String,
    pub invoked_by: String,
    /// sourceIPAddress as the KMS events record it.
    pub recorded_source: String,
    /// The source to show: the correlated DynamoDB request's source IP when `correlated`,
    /// else `recorded_source`.
    pub source_ip: String,
    pub correlated: bool,
    /// For correlated rows: the smallest and largest time difference, in ms, between a KMS
    /// call and its DynamoDB request.
    pub time_difference_ms_min: Option<i64>,
    pub time_difference_ms_max: Option<i64>,
    pub events: u64,
    pub first_ms: i64,
    pub last_ms: i64,
    /// Per operation, in the page's order.
    pub operations: Vec<Count>,
}

/// A key that protects at least one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtectingKey {
    /// The key ARN when the logs show it, else the ID or alias as written.
    pub key: String,
    /// The key ID (last path segment of the ARN).
    pub key_id: String,
    /// Aliases the logs show pointing at the key.
    pub aliases: Vec<String>,
    pub kind: KeyKind,
    pub kind_evidence: String,
    pub tables: Vec<String>,
    /// KMS events naming a table that name this key.
    pub events: u64,
    pub first_ms: Option<i64>,
    pub last_ms: Option<i64>,
    /// Calls DynamoDB made on the key naming no table (DescribeKey, RetireGrant), by operation.
    pub unattributed: Vec<Count>,
    /// DynamoDB's own grant upkeep on the key (CreateGrant and RetireGrant it made, on its
    /// own or a caller's behalf, that succeeded): routine, so counted here rather than listed
    /// in [`KmsUsage::lifecycle`]. By operation, then principal.
    pub dynamodb_grant_upkeep: Vec<RoutineUse>,
    /// Lifecycle events listed for the key.
    pub lifecycle_events: u64,
}

/// Routine calls of one operation by one principal on a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutineUse {
    pub operation: String,
    pub principal: String,
    pub events: u64,
    pub first_ms: i64,
    pub last_ms: i64,
}

/// A lifecycle event of a key that protects a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecycleEvent {
    pub time_ms: i64,
    pub event_name: String,
    /// The protecting keys it was matched to, by key.
    pub keys: Vec<MatchedKey>,
    /// The key as the event names it ([`Event::key`]).
    pub key_as_written: String,
    /// Tables those keys protect (for a grant: the grant's table when known).
    pub tables: Vec<String>,
    pub principal: String,
    pub identity_type: String,
    pub invoked_by: String,
    pub source_ip: String,
    pub user_agent: String,
    /// Non-empty when the call failed.
    pub error_code: String,
    /// Made by DynamoDB (invokedBy or source `dynamodb.amazonaws.com`); only failed grant
    /// upkeep of DynamoDB's is listed.
    pub by_dynamodb: bool,
    /// Salient request and response fields, in a fixed order.
    pub fields: Vec<Field>,
    pub evidence: EventRef,
}

/// A lifecycle event's match to one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchedKey {
    pub key: String,
    pub matched_by: KeyMatch,
    /// "matched by key ID only: …", "through alias alias/app", … (empty for ARN matches).
    pub note: String,
}

/// A named value for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    pub value: String,
}

/// Request fields of lifecycle events worth showing, in display order.
const REQUEST_FIELDS: [&str; 16] = [
    "aliasName",
    "targetKeyId",
    "pendingWindowInDays",
    "granteePrincipal",
    "retiringPrincipal",
    "operations",
    "name",
    "grantId",
    "policyName",
    "bypassPolicyLockoutSafetyCheck",
    "policy",
    "rotationPeriodInDays",
    "validTo",
    "expirationModel",
    "importType",
    "keyMaterialId",
];
const RESPONSE_FIELDS: [&str; 3] = ["grantId", "deletionDate", "keyState"];

// ------------------------------------------------------------------------------------------
// Key references

/// A key reference as an event writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyText<'a> {
    Arn { region: &'a str, id: &'a str },
    Alias(&'a str),
    Id(&'a str),
}

/// `arn:P:kms:R:A:key/ID` → Arn; `alias/N` or `arn:P:kms:R:A:alias/N` → Alias(`alias/N`);
/// anything else non-empty → Id.
fn key_text(text: &str) -> Option<KeyText<'_>> {
    if text.is_empty() {
        return None;
    }
    if let Some(rest) = text.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        if let [_, "kms", region, _, resource] = parts.as_slice() {
            if let Some(id) = resource.strip_prefix("key/") {
                return Some(KeyText::Arn { region, id });
            }
            if resource.starts_with("alias/") {
                return Some(KeyText::Alias(resource));
            }
        }
        return Some(KeyText::Id(text));
    }
    if text.starts_with("alias/") {
        return Some(KeyText::Alias(text));
    }
    Some(KeyText::Id(text))
}

/// The key ID of a key reference: an ARN's last path segment, else the text.
fn key_id_of(text: &str) -> &str {
    match key_text(text) {
        Some(KeyText::Arn { id, .. }) => id,
        _ => text,
    }
}

/// What the logs tell about key references: which ARNs carry which IDs, and which aliases
/// point where.
#[derive(Default)]
struct KeyBook {
    arns_by_id: BTreeMap<String, BTreeSet<String>>,
    alias_targets: BTreeMap<String, BTreeSet<String>>,
}

impl KeyBook {
    fn learn(&mut self, text: &str) {
        if let Some(KeyText::Arn { id, .. }) = key_text(text) {
            self.arns_by_id
                .entry(id.to_string())
                .or_default()
                .insert(text.to_string());
        }
    }

    fn alias(&mut self, alias: &str, target: &str) {
        let Some(KeyText::Alias(name)) = key_text(alias) else {
            return;
        };
        if matches!(key_text(target), Some(KeyText::Arn { .. } | KeyText::Id(_))) {
            self.learn(target);
            self.alias_targets
                .entry(name.to_string())
                .or_default()
                .insert(target.to_string());
        }
    }

    /// The canonical form of a key reference: the ARN when the logs show exactly one for its
    /// ID (or one in `region`), else the reference; an alias resolves when it points at one
    /// key.
    fn canon(&self, text: &str, region: &str) -> String {
        match key_text(text) {
            None => String::new(),
            Some(KeyText::Arn { .. }) => text.to_string(),
            Some(KeyText::Id(id)) => self.arn_for_id(id, region).unwrap_or(id).to_string(),
            Some(KeyText::Alias(name)) => {
                let targets: BTreeSet<String> = self
                    .alias_targets
                    .get(name)
                    .into_iter()
                    .flatten()
                    .map(|t| self.canon(t, region))
                    .collect();
                match targets.len() {
                    1 => targets.into_iter().next().unwrap_or_default(),
                    _ => name.to_string(),
                }
            }
        }
    }

    fn arn_for_id<'b>(&'b self, id: &str, region: &str) -> Option<&'b str> {
        let arns = self.arns_by_id.get(id)?;
        if arns.len() == 1 {
            return arns.iter().next().map(String::as_str);
        }
        // A multi-Region key shares its ID across Regions: take the event's Region's.
        let mut local = arns.iter().filter(
            |arn| matches!(key_text(arn), Some(KeyText::Arn { region: r, .. }) if r == region),
        );
        match (local.next(), local.next()) {
            (Some(arn), None) => Some(arn),
            _ => None,
        }
    }
}

// ------------------------------------------------------------------------------------------
// The pass

/// A table's key choice from a CreateTable or UpdateTable request.
#[derive(Debug, Clone)]
struct SseFact {
    time_ms: i64,
    table: String,
    choice: SseChoice,
    /// `sSEDescription.kMSMasterKeyArn` of the response.
    response_arn: Option<String>,
    event_name: String,
    principal: String,
}

#[derive(Debug, Clone, PartialEq)]
enum SseChoice {
    AwsOwned,
    AwsManaged,
    /// `kMSMasterKeyId` as written.
    Named(String),
}

#[derive(Default)]
struct OpAcc {
    events: u64,
    first: i64,
    last: i64,
    buckets: BTreeMap<i64, u64>,
}

#[derive(Default)]
struct CallerAcc {
    events: u64,
    first: i64,
    last: i64,
    diff_min: Option<i64>,
    diff_max: Option<i64>,
    ops: BTreeMap<Sym, u64>,
}

#[derive(Default)]
struct TableAcc {
    events: u64,
    first: Option<i64>,
    last: Option<i64>,
    /// Canonical key number → (events, first, last).
    keys: BTreeMap<u32, (u64, i64, i64)>,
    ops: BTreeMap<Sym, OpAcc>,
    /// (principal, identity type, invokedBy, recorded source, shown source, correlated).
    callers: BTreeMap<(Sym, Sym, Sym, Sym, Sym, bool), CallerAcc>,
    correlated: u64,
    /// DynamoDB events naming the table (for the AWS owned inference).
    dynamodb_events: u64,
}

fn table_acc(tables: &mut Vec<TableAcc>, id: u32) -> &mut TableAcc {
    if id as usize >= tables.len() {
        tables.resize_with(id as usize + 1, TableAcc::default);
    }
    &mut tables[id as usize]
}

/// Key usage behind table encryption over everything `model` holds. `key_facts` are what an
/// inventory says of keys (key ARN → manager, from describe-key); empty when there is none.
///
/// One pass over the events, each name, source, key and table set judged once per symbol; it
/// keeps only indices of the candidates (KMS calls naming tables, lifecycle calls, DynamoDB
/// requests to correlate with). Only listed lifecycle and CreateTable/UpdateTable details, and
/// each distinct DescribeKey request, are parsed into trees; DynamoDB's CreateGrant details
/// are scanned for their grant ID alone.
pub fn kms_usage(model: &Model, key_facts: &[(String, KeyManager)]) -> KmsUsage {
    let events = &model.events_unsorted;
    let mut classifier = Classifier::new(model);
    let mut index = TableIndex::new(model);
    let mut is_lifecycle = SymMemo::new(model);
    let mut is_sse = SymMemo::new(model);
    let mut is_describe = SymMemo::new(model);
    // DescribeKey requests and the key they resolved to, once per distinct pair.
    let mut describes: FxHashSet<(Sym, Sym)> = FxHashSet::default();
    let dynamodb = model.strings.lookup(DYNAMODB_SERVICE);
    let aws_service = model.strings.lookup("AWSService");
    let made_by_dynamodb = |e: &Event| {
        dynamodb.is_some_and(|d| e.invoked_by == d || e.source_ip == d || e.principal == d)
    };

    let mut uses: Vec<u32> = Vec::new();
    let mut key_seen = SymMemo::<()>::new(model);
    let mut distinct_keys: Vec<Sym> = Vec::new();
    let mut untabled: FxHashMap<(Sym, Sym), u64> = FxHashMap::default();
    let mut lifecycle: Vec<u32> = Vec::new();
    // DynamoDB's own grant upkeep (CreateGrant, RetireGrant that succeeded), summarised per key.
    let mut routine: Vec<u32> = Vec::new();
    let mut sse: Vec<u32> = Vec::new();
    let mut requests: Vec<u32> = Vec::new();
    let mut tables: Vec<TableAcc> = Vec::new();
    let (mut first, mut last) = (i64::MAX, i64::MIN);

    for (i, event) in events.iter().enumerate() {
        let i = i as u32;
        first = first.min(event.time_ms);
        last = last.max(event.time_ms);
        match classifier.source(model, event) {
            Source::Kms => {
                if !event.key.is_empty() && key_seen.first_sight(event.key) {
                    distinct_keys.push(event.key);
                }
                if !event.table.is_empty() {
                    uses.push(i);
                } else if !event.key.is_empty() && made_by_dynamodb(event) {
                    *untabled.entry((event.key, event.event_name)).or_default() += 1;
                }
                if !event.detail.is_empty()
                    && !event.key.is_empty()
                    && is_describe.get(model, event.event_name, |name| name == "DescribeKey")
                {
                    describes.insert((event.detail, event.key));
                }
                match is_lifecycle.get(model, event.event_name, |name| {
                    if name == "CreateGrant" || name == "RetireGrant" {
                        Lifecycle::Grant
                    } else if LIFECYCLE_EVENTS.contains(&name) {
                        Lifecycle::Other
                    } else {
                        Lifecycle::No
                    }
                }) {
                    Lifecycle::Grant if event.error_code.is_empty() && made_by_dynamodb(event) => {
                        routine.push(i)
                    }
                    Lifecycle::Grant | Lifecycle::Other => lifecycle.push(i),
                    Lifecycle::No => {}
                }
            }
            Source::DynamoDb | Source::Streams if !event.table.is_empty() => {
                for &id in index.tables(model, event.table) {
                    table_acc(&mut tables, id).dynamodb_events += 1;
                }
                if !event.principal.is_empty() {
                    // Sorted out after the pass, once the KMS calls say which are needed.
                    requests.push(i);
                }
                if !event.detail.is_empty()
                    && is_sse.get(model, event.event_name, |name| {
                        name == "CreateTable" || name == "UpdateTable"
                    })
                {
                    sse.push(i);
                }
            }
            _ => {}
        }
    }
    let (bucket_secs, bucket_label) = bucket_size(last.saturating_sub(first).max(0));
    let bucket_ms = bucket_secs * 1000;
    let buckets_start = if events.is_empty() {
        0
    } else {
        first.div_euclid(bucket_ms) * bucket_ms
    };
    let bucket_count = if events.is_empty() {
        0
    } else {
        ((last - buckets_start) / bucket_ms + 1) as u64
    };

    // Details of the few candidate events, parsed once each.
    let sse_facts: Vec<(SseFact, EventRef)> = sse
        .iter()
        .filter_map(|&i| {
            let event = &events[i as usize];
            sse_fact(model, event).map(|fact| (fact, event_ref(event)))
        })
        .collect();
    // Identical texts (the same key disabled twice, say) are parsed once.
    let mut parsed: Vec<Option<Value>> = Vec::new();
    let mut parsed_of: FxHashMap<Sym, usize> = FxHashMap::default();
    let lifecycle_details: Vec<(u32, Option<usize>)> = lifecycle
        .iter()
        .map(|&i| {
            let event = &events[i as usize];
            if event.detail.is_empty() {
                return (i, None);
            }
            let slot = *parsed_of.entry(event.detail).or_insert_with(|| {
                parsed.push(model.detail_json(event));
                parsed.len() - 1
            });
            (i, Some(slot))
        })
        .collect();
    let detail_of = |slot: Option<usize>| slot.and_then(|s| parsed.get(s)).and_then(Option::as_ref);

    // What the logs say about key references.
    let mut book = KeyBook::default();
    for &key in &distinct_keys {
        book.learn(model.str(key));
    }
    for &(i, slot) in &lifecycle_details {
        let event = &events[i as usize];
        let Some(detail) = detail_of(slot) else {
            continue;
        };
        for refs in key_refs(detail) {
            book.learn(refs);
        }
        let name = model.str(event.event_name);
        if name == "CreateAlias" || name == "UpdateAlias" {
            if let Some(alias) = str_at(detail, &["requestParameters", "aliasName"]) {
                if let Some(target) = str_at(detail, &["requestParameters", "targetKeyId"]) {
                    book.alias(alias, target);
                }
            }
        }
    }
    // DescribeKey names the key as asked for (alias/aws/dynamodb, say) and resources[] the ARN.
    let mut describes: Vec<(Sym, Sym)> = describes.into_iter().collect();
    describes.sort_unstable();
    for (detail, key) in describes {
        let asked = serde_json::from_str::<Value>(model.str(detail))
            .ok()
            .and_then(|d| str_at(&d, &["requestParameters", "keyId"]).map(String::from));
        if let Some(asked) = asked {
            book.alias(&asked, model.str(key));
        }
    }
    for (fact, _) in &sse_facts {
        if let Some(arn) = &fact.response_arn {
            book.learn(arn);
            if let SseChoice::Named(named) = &fact.choice {
                book.alias(named, arn);
            }
            if fact.choice == SseChoice::AwsManaged {
                book.alias(AWS_MANAGED_ALIAS, arn);
            }
        }
    }

    // Canonical key per key symbol, numbered. (An ID is resolved with the Region of the first
    // event that writes it: only a multi-Region key's bare ID could resolve differently.)
    let mut canon_names: Vec<String> = Vec::new();
    let mut canon_numbers: FxHashMap<String, u32> = FxHashMap::default();
    let mut canon_of = SymMemo::<u32>::new(model);
    let mut canon = |event: &Event| -> u32 {
        canon_of.get(model, event.key, |text| {
            let name = book.canon(text, model.str(event.region));
            *canon_numbers.entry(name.clone()).or_insert_with(|| {
                canon_names.push(name);
                canon_names.len() as u32 - 1
            })
        })
    };

    // The requests to correlate with, per (table, principal) that a KMS call needs.
    let eligible = |e: &Event| {
        !e.principal.is_empty()
            && aws_service.is_none_or(|s| e.identity_type != s)
            && made_by_dynamodb(e)
    };
    let mut needed: FxHashSet<(u32, Sym)> = FxHashSet::default();
    for &i in &uses {
        let event = &events[i as usize];
        if eligible(event) {
            for &id in index.tables(model, event.table) {
                needed.insert((id, event.principal));
            }
        }
    }
    let mut principal_needed = vec![false; model.strings.len()];
    for &(_, principal) in &needed {
        if let Some(slot) = principal_needed.get_mut(principal.0 as usize) {
            *slot = true;
        }
    }
    let mut by_pair: FxHashMap<(u32, Sym), Vec<(i64, u32)>> = FxHashMap::default();
    for &i in &requests {
        let event = &events[i as usize];
        if !principal_needed
            .get(event.principal.0 as usize)
            .copied()
            .unwrap_or(false)
        {
            continue;
        }
        for &id in index.tables(model, event.table) {
            if needed.contains(&(id, event.principal)) {
                by_pair
                    .entry((id, event.principal))
                    .or_default()
                    .push((event.time_ms, i));
            }
        }
    }
    drop(requests);
    for list in by_pair.values_mut() {
        list.sort_unstable();
    }

    // Per-table aggregation of KMS calls.
    // Per canonical key: (tables, events, first, last).
    let mut key_accs: Vec<(Vec<u32>, u64, i64, i64)> = Vec::new();
    let mut ids: Vec<u32> = Vec::new();
    let total = uses.len() as u64;
    for &i in &uses {
        let event = &events[i as usize];
        let key = canon(event);
        ids.clear();
        ids.extend_from_slice(index.tables(model, event.table));
        if key as usize >= key_accs.len() {
            key_accs.resize_with(key as usize + 1, || (Vec::new(), 0, i64::MAX, i64::MIN));
        }
        for &id in &ids {
            let entry = &mut key_accs[key as usize];
            if !entry.0.contains(&id) {
                entry.0.push(id);
            }
            entry.1 += 1;
            entry.2 = entry.2.min(event.time_ms);
            entry.3 = entry.3.max(event.time_ms);
            let correlation = if eligible(event) {
                by_pair
                    .get(&(id, event.principal))
                    .and_then(|list| nearest(list, event.time_ms, CORRELATION_BOUND_MS))
                    .map(|(time, j)| (events[j as usize].source_ip, (time - event.time_ms).abs()))
            } else {
                None
            };
            let acc = table_acc(&mut tables, id);
            acc.events += 1;
            acc.first = Some(acc.first.map_or(event.time_ms, |t| t.min(event.time_ms)));
            acc.last = Some(acc.last.map_or(event.time_ms, |t| t.max(event.time_ms)));
            let k = acc
                .keys
                .entry(key)
                .or_insert((0, event.time_ms, event.time_ms));
            k.0 += 1;
            k.1 = k.1.min(event.time_ms);
            k.2 = k.2.max(event.time_ms);
            let op = acc.ops.entry(event.event_name).or_insert_with(|| OpAcc {
                first: event.time_ms,
                last: event.time_ms,
                ..OpAcc::default()
            });
            op.events += 1;
            op.first = op.first.min(event.time_ms);
            op.last = op.last.max(event.time_ms);
            *op.buckets
                .entry((event.time_ms - buckets_start).div_euclid(bucket_ms))
                .or_default() += 1;
            let (shown, diff) = match correlation {
                Some((ip, diff)) => (ip, Some(diff)),
                None => (event.source_ip, None),
            };
            if diff.is_some() {
                acc.correlated += 1;
            }
            let caller = acc
                .callers
                .entry((
                    event.principal,
                    event.identity_type,
                    event.invoked_by,
                    event.source_ip,
                    shown,
                    diff.is_some(),
                ))
                .or_insert_with(|| CallerAcc {
                    first: event.time_ms,
                    last: event.time_ms,
                    ..CallerAcc::default()
                });
            caller.events += 1;
            caller.first = caller.first.min(event.time_ms);
            caller.last = caller.last.max(event.time_ms);
            if let Some(diff) = diff {
                caller.diff_min = Some(caller.diff_min.map_or(diff, |d| d.min(diff)));
                caller.diff_max = Some(caller.diff_max.map_or(diff, |d| d.max(diff)));
            }
            *caller.ops.entry(event.event_name).or_default() += 1;
        }
    }

    let routine_keys: Vec<u32> = routine
        .iter()
        .map(|&i| canon(&events[i as usize]))
        .collect();

    // The grants DynamoDB created for tables (the grant ID is in CreateGrant's response).
    let mut grants: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for &i in lifecycle.iter().chain(&routine) {
        let event = &events[i as usize];
        if event.table.is_empty() || model.str(event.event_name) != "CreateGrant" {
            continue;
        }
        if let Some(grant) = grant_id(model.str(event.detail)) {
            grants
                .entry(grant)
                .or_default()
                .extend(model.tables(event).map(String::from));
        }
    }

    // Keys that protect tables: from KMS calls naming tables, and from table key choices.
    let mut protecting: BTreeMap<String, ProtectingKey> = BTreeMap::new();
    for (number, (ids, count, first_ms, last_ms)) in key_accs.iter().enumerate() {
        let key = &canon_names[number];
        if key.is_empty() || *count == 0 {
            continue;
        }
        let mut names: Vec<String> = ids
            .iter()
            .map(|&id| index.names[id as usize].to_string())
            .collect();
        names.sort();
        protecting.insert(
            key.clone(),
            new_key(key, names, *count, Some(*first_ms), Some(*last_ms)),
        );
    }
    for (fact, _) in &sse_facts {
        let named = match (&fact.response_arn, &fact.choice) {
            (Some(arn), _) => Some(book.canon(arn, "")),
            (None, SseChoice::Named(named)) => Some(book.canon(named, "")),
            _ => None,
        };
        if let Some(key) = named.filter(|k| !k.is_empty() && !k.starts_with("alias/")) {
            let entry = protecting
                .entry(key.clone())
                .or_insert_with(|| new_key(&key, Vec::new(), 0, None, None));
            if !entry.tables.contains(&fact.table) {
                entry.tables.push(fact.table.clone());
                entry.tables.sort();
            }
        }
    }
    for ((key_sym, name), count) in &untabled {
        let event_region = "";
        let key = book.canon(model.str(*key_sym), event_region);
        if let Some(entry) = protecting.get_mut(&key) {
            // Two spellings of one key (ID and ARN) add up.
            let name = model.str(*name);
            match entry.unattributed.iter_mut().find(|c| c.name == name) {
                Some(c) => c.count += count,
                None => entry.unattributed.push(Count {
                    name: name.to_string(),
                    count: *count,
                }),
            }
        }
    }
    let mut upkeep: BTreeMap<(String, Sym, Sym), (u64, i64, i64)> = BTreeMap::new();
    for (&i, &key) in routine.iter().zip(&routine_keys) {
        let event = &events[i as usize];
        let key = canon_names.get(key as usize).cloned().unwrap_or_default();
        let entry = upkeep
            .entry((key, event.event_name, event.principal))
            .or_insert((0, event.time_ms, event.time_ms));
        entry.0 += 1;
        entry.1 = entry.1.min(event.time_ms);
        entry.2 = entry.2.max(event.time_ms);
    }
    for ((key, name, principal), (count, first_ms, last_ms)) in upkeep {
        if let Some(entry) = protecting.get_mut(&key) {
            entry.dynamodb_grant_upkeep.push(RoutineUse {
                operation: model.str(name).to_string(),
                principal: model.str(principal).to_string(),
                events: count,
                first_ms,
                last_ms,
            });
        }
    }
    for (alias, targets) in &book.alias_targets {
        for target in targets {
            if let Some(entry) = protecting.get_mut(&book.canon(target, "")) {
                if !entry.aliases.contains(alias) {
                    entry.aliases.push(alias.clone());
                }
            }
        }
    }

    // Lifecycle events matched to protecting keys.
    let mut lifecycle_out: Vec<LifecycleEvent> = Vec::new();
    let mut customer_evidence: BTreeMap<String, String> = BTreeMap::new();
    let mut order: Vec<(u32, Option<usize>)> = lifecycle_details.clone();
    order.sort_by_key(|(i, _)| time_order(&events[*i as usize]));
    for (i, slot) in order {
        let event = &events[i as usize];
        let detail = detail_of(slot);
        let region = model.str(event.region);
        let mut refs: Vec<&str> = vec![model.str(event.key)];
        if let Some(detail) = detail {
            refs.extend(key_refs(detail));
        }
        let mut matched: BTreeMap<String, (KeyMatch, String)> = BTreeMap::new();
        for text in refs {
            for (key, how, note) in match_ref(&book, &protecting, text, region) {
                let slot = matched.entry(key).or_insert((how, note.clone()));
                if how < slot.0 {
                    *slot = (how, note);
                }
            }
        }
        let grant_tables: BTreeSet<String> = detail
            .as_ref()
            .and_then(|d| str_at(d, &["requestParameters", "grantId"]))
            .and_then(|grant| grants.get(grant))
            .cloned()
            .unwrap_or_default();
        if matched.is_empty() {
            if grant_tables.is_empty() {
                continue;
            }
            let grant = detail
                .as_ref()
                .and_then(|d| str_at(d, &["requestParameters", "grantId"]))
                .unwrap_or("");
            matched.insert(
                book.canon(model.str(event.key), region),
                (
                    KeyMatch::Grant,
                    format!(
                        "through grant {grant}, which DynamoDB created for {}",
                        grant_tables.iter().cloned().collect::<Vec<_>>().join(", ")
                    ),
                ),
            );
        }
        let name = model.str(event.event_name);
        let principal = model.str(event.principal);
        let error_code = model.str(event.error_code);
        let mut tables_hit: BTreeSet<String> = grant_tables.clone();
        if grant_tables.is_empty() {
            for key in matched.keys() {
                if let Some(entry) = protecting.get(key) {
                    tables_hit.extend(entry.tables.iter().cloned());
                }
            }
        }
        for (key, (how, _)) in &matched {
            if let Some(entry) = protecting.get_mut(key) {
                entry.lifecycle_events += 1;
            }
            if error_code.is_empty() && CUSTOMER_ONLY.contains(&name) && *how != KeyMatch::Grant {
                customer_evidence.entry(key.clone()).or_insert_with(|| {
                    format!(
                        "{name} by {principal} at {} succeeded, and AWS refuses it on AWS managed keys",
                        format_iso_ms(event.time_ms)
                    )
                });
            }
        }
        let mut fields = Vec::new();
        if let Some(detail) = detail {
            for (part, names) in [
                ("requestParameters", &REQUEST_FIELDS[..]),
                ("responseElements", &RESPONSE_FIELDS[..]),
            ] {
                for field_name in names {
                    if fields.iter().any(|f: &Field| f.name == *field_name) {
                        continue;
                    }
                    if let Some(value) = path(detail, &[part, field_name]).filter(|v| !v.is_null())
                    {
                        fields.push(Field {
                            name: field_name.to_string(),
                            value: display(value),
                        });
                    }
                }
            }
            if let Some(message) = field(detail, "errorMessage").filter(|v| !v.is_null()) {
                fields.push(Field {
                    name: "errorMessage".to_string(),
                    value: display(message),
                });
            }
        }
        lifecycle_out.push(LifecycleEvent {
            time_ms: event.time_ms,
            event_name: name.to_string(),
            keys: matched
                .into_iter()
                .map(|(key, (matched_by, note))| MatchedKey {
                    key,
                    matched_by,
                    note,
                })
                .collect(),
            key_as_written: model.str(event.key).to_string(),
            tables: tables_hit.into_iter().collect(),
            principal: principal.to_string(),
            identity_type: model.str(event.identity_type).to_string(),
            invoked_by: model.str(event.invoked_by).to_string(),
            source_ip: model.str(event.source_ip).to_string(),
            user_agent: model.str(event.user_agent).to_string(),
            error_code: error_code.to_string(),
            by_dynamodb: made_by_dynamodb(event),
            fields,
            evidence: event_ref(event),
        });
    }

    // The kind of each protecting key.
    let mut aws_evidence: BTreeMap<String, String> = BTreeMap::new();
    let mut named_evidence: BTreeMap<String, String> = BTreeMap::new();
    for (fact, _) in &sse_facts {
        let when = format!(
            "{} of {} by {} at {}",
            fact.event_name,
            fact.table,
            fact.principal,
            format_iso_ms(fact.time_ms)
        );
        let key = match (&fact.response_arn, &fact.choice) {
            (Some(arn), _) => book.canon(arn, ""),
            (None, SseChoice::Named(named)) => book.canon(named, ""),
            _ => continue,
        };
        match &fact.choice {
            SseChoice::AwsManaged => {
                aws_evidence.entry(key).or_insert_with(|| {
                    format!("{when} chose the AWS managed key (KMS encryption with no key named)")
                });
            }
            SseChoice::Named(named)
                if named == AWS_MANAGED_ALIAS || named.ends_with(":alias/aws/dynamodb") =>
            {
                aws_evidence
                    .entry(key)
                    .or_insert_with(|| format!("{when} chose it as {AWS_MANAGED_ALIAS}"));
            }
            SseChoice::Named(named) => {
                named_evidence.entry(key).or_insert_with(|| {
                    format!(
                        "{when} named it ({named}) as kMSMasterKeyId, as only a customer managed \
                         key needs to be (not confirmed by inventory)"
                    )
                });
            }
            SseChoice::AwsOwned => {}
        }
    }
    for (alias, targets) in &book.alias_targets {
        for target in targets {
            let key = book.canon(target, "");
            if alias.starts_with("alias/aws/") {
                aws_evidence.entry(key).or_insert_with(|| {
                    format!("the logs show the AWS alias {alias} pointing at it")
                });
            } else {
                customer_evidence.entry(key).or_insert_with(|| {
                    format!(
                        "the logs show the alias {alias} pointing at it, and aliases can only be \
                         made for customer managed keys"
                    )
                });
            }
        }
    }
    for key in protecting.values_mut() {
        let fact = key_facts.iter().find(|(arn, _)| {
            arn == &key.key || (!key.key_id.is_empty() && key_id_of(arn) == key.key_id)
        });
        (key.kind, key.kind_evidence) = if let Some((arn, manager)) = fact {
            (
                match manager {
                    KeyManager::Aws => KeyKind::AwsManaged,
                    KeyManager::Customer => KeyKind::CustomerManaged,
                },
                format!(
                    "inventory (describe-key) gives KeyManager {} for {arn}",
                    match manager {
                        KeyManager::Aws => "AWS",
                        KeyManager::Customer => "CUSTOMER",
                    }
                ),
            )
        } else if let Some(text) = aws_evidence.get(&key.key) {
            (KeyKind::AwsManaged, text.clone())
        } else if let Some(text) = customer_evidence.get(&key.key) {
            (KeyKind::CustomerManaged, text.clone())
        } else if let Some(text) = named_evidence.get(&key.key) {
            (KeyKind::CustomerManaged, text.clone())
        } else {
            (
                KeyKind::AwsOrCustomerManaged,
                "KMS events name this key, so it is in the account and not AWS owned; whether \
                 AWS or the customer manages it is unknown from the loaded logs"
                    .to_string(),
            )
        };
        key.unattributed
            .sort_by(|a, b| op_rank(&a.name).cmp(&op_rank(&b.name)));
        key.aliases.sort();
    }

    // Per table: its kind, keys, operations and callers.
    let any_kms_for_tables = !uses.is_empty();
    let mut latest_fact: BTreeMap<&str, &SseFact> = BTreeMap::new();
    for (fact, _) in &sse_facts {
        let slot = latest_fact.entry(fact.table.as_str()).or_insert(fact);
        if fact.time_ms >= slot.time_ms {
            *slot = fact;
        }
    }
    let mut names: BTreeSet<&str> = index.names.iter().copied().collect();
    names.extend(latest_fact.keys().copied());
    let mut out_tables = Vec::with_capacity(names.len());
    for name in names {
        let empty = TableAcc::default();
        let acc = index
            .lookup(name)
            .and_then(|id| tables.get(id as usize))
            .unwrap_or(&empty);
        // Keyed by canonical key, so two spellings of one key (ID and ARN) are one row.
        let mut keys: Vec<TableKey> = acc
            .keys
            .iter()
            .map(|(&number, &(count, first_ms, last_ms))| TableKey {
                key: canon_names[number as usize].clone(),
                events: count,
                first_ms,
                last_ms,
            })
            .collect();
        keys.sort_by(|a, b| b.last_ms.cmp(&a.last_ms).then_with(|| a.key.cmp(&b.key)));
        let (kind, kind_evidence) = table_kind(
            acc,
            &keys,
            latest_fact.get(name).copied(),
            &protecting,
            &book,
            any_kms_for_tables,
        );
        let mut operations: Vec<OperationUse> = acc
            .ops
            .iter()
            .map(|(&sym, op)| OperationUse {
                operation: model.str(sym).to_string(),
                events: op.events,
                first_ms: op.first,
                last_ms: op.last,
                buckets: op
                    .buckets
                    .iter()
                    .map(|(&b, &count)| Bucket {
                        start_ms: buckets_start + b * bucket_ms,
                        count,
                    })
                    .collect(),
            })
            .collect();
        operations.sort_by(|a, b| op_rank(&a.operation).cmp(&op_rank(&b.operation)));
        let mut callers: Vec<KmsCaller> = acc
            .callers
            .iter()
            .map(
                |(&(principal, kind, invoked, recorded, shown, correlated), c)| {
                    let mut operations: Vec<Count> = c
                        .ops
                        .iter()
                        .map(|(&sym, &count)| Count {
                            name: model.str(sym).to_string(),
                            count,
                        })
                        .collect();
                    operations.sort_by(|a, b| op_rank(&a.name).cmp(&op_rank(&b.name)));
                    KmsCaller {
                        principal: model.str(principal).to_string(),
                        identity_type: model.str(kind).to_string(),
                        invoked_by: model.str(invoked).to_string(),
                        recorded_source: model.str(recorded).to_string(),
                        source_ip: model.str(shown).to_string(),
                        correlated,
                        time_difference_ms_min: c.diff_min,
                        time_difference_ms_max: c.diff_max,
                        events: c.events,
                        first_ms: c.first,
                        last_ms: c.last,
                        operations,
                    }
                },
            )
            .collect();
        callers.sort_by(|a, b| {
            b.events
                .cmp(&a.events)
                .then_with(|| a.principal.cmp(&b.principal))
                .then_with(|| a.source_ip.cmp(&b.source_ip))
                .then_with(|| a.correlated.cmp(&b.correlated))
                .then_with(|| a.identity_type.cmp(&b.identity_type))
                .then_with(|| a.invoked_by.cmp(&b.invoked_by))
                .then_with(|| a.recorded_source.cmp(&b.recorded_source))
        });
        out_tables.push(TableKms {
            table: name.to_string(),
            kind,
            kind_evidence,
            events: acc.events,
            first_ms: acc.first,
            last_ms: acc.last,
            keys,
            operations,
            callers,
            correlated_events: acc.correlated,
        });
    }

    KmsUsage {
        note: DECRYPT_CACHE_NOTE.to_string(),
        note_reference: DECRYPT_CACHE_REFERENCE.to_string(),
        correlation_bound_ms: CORRELATION_BOUND_MS,
        bucket_secs,
        bucket_label: bucket_label.to_string(),
        buckets_start_ms: buckets_start,
        bucket_count,
        events: total,
        tables: out_tables,
        keys: protecting.into_values().collect(),
        lifecycle: lifecycle_out,
    }
}

fn new_key(
    key: &str,
    tables: Vec<String>,
    events: u64,
    first_ms: Option<i64>,
    last_ms: Option<i64>,
) -> ProtectingKey {
    ProtectingKey {
        key: key.to_string(),
        key_id: key_id_of(key).to_string(),
        aliases: Vec::new(),
        kind: KeyKind::AwsOrCustomerManaged,
        kind_evidence: String::new(),
        tables,
        events,
        first_ms,
        last_ms,
        unattributed: Vec::new(),
        dynamodb_grant_upkeep: Vec::new(),
        lifecycle_events: 0,
    }
}

/// The position of an operation in the page's order.
fn op_rank(name: &str) -> (usize, &str) {
    (
        OPERATION_ORDER
            .iter()
            .position(|op| *op == name)
            .unwrap_or(OPERATION_ORDER.len()),
        name,
    )
}

/// The request nearest `time_ms` among `requests` (sorted by time, then load order), within
/// `bound_ms`: on a tie in distance the earlier request, and among requests at the same
/// millisecond the first loaded.
fn nearest(requests: &[(i64, u32)], time_ms: i64, bound_ms: i64) -> Option<(i64, u32)> {
    let split = requests.partition_point(|&(t, _)| t < time_ms);
    let before = split.checked_sub(1).map(|i| {
        let t = requests[i].0;
        requests[requests.partition_point(|&(u, _)| u < t)]
    });
    let after = requests.get(split).copied();
    let pick = match (before, after) {
        (Some(b), Some(a)) if time_ms - b.0 <= a.0 - time_ms => b,
        (_, Some(a)) => a,
        (Some(b), None) => b,
        (None, None) => return None,
    };
    ((pick.0 - time_ms).abs() <= bound_ms).then_some(pick)
}

/// `responseElements.grantId` of a kept detail, read without building a tree (DynamoDB creates
/// many grants).
fn grant_id(detail: &str) -> Option<String> {
    use std::borrow::Cow;
    #[derive(Deserialize)]
    struct Detail<'a> {
        #[serde(rename = "responseElements", borrow, default)]
        response: Option<Response<'a>>,
    }
    #[derive(Deserialize)]
    struct Response<'a> {
        #[serde(rename = "grantId", borrow, default)]
        grant_id: Option<Cow<'a, str>>,
    }
    let parsed: Detail<'_> = serde_json::from_str(detail).ok()?;
    parsed
        .response?
        .grant_id
        .filter(|g| !g.is_empty())
        .map(Cow::into_owned)
}

/// The key references in a lifecycle event's request and response.
fn key_refs(detail: &Value) -> Vec<&str> {
    [
        &["requestParameters", "keyId"][..],
        &["requestParameters", "targetKeyId"],
        &["requestParameters", "aliasName"],
        &["responseElements", "keyId"],
    ]
    .iter()
    .filter_map(|p| str_at(detail, p))
    .collect()
}

/// The protecting keys a reference names, with how.
fn match_ref(
    book: &KeyBook,
    keys: &BTreeMap<String, ProtectingKey>,
    text: &str,
    region: &str,
) -> Vec<(String, KeyMatch, String)> {
    match key_text(text) {
        None => Vec::new(),
        Some(KeyText::Arn { id, .. }) => {
            if keys.contains_key(text) {
                return vec![(text.to_string(), KeyMatch::Arn, String::new())];
            }
            by_id(
                keys,
                id,
                "matched by key ID only: the table's key is known by its ID, or by another ARN \
                 with this ID",
            )
        }
        Some(KeyText::Id(id)) => {
            // An ID the logs show with exactly one ARN is as good as that ARN.
            if let Some(arn) = book.arn_for_id(id, region) {
                if keys.contains_key(arn) {
                    return vec![(
                        arn.to_string(),
                        KeyMatch::KeyId,
                        format!(
                            "matched by key ID only: the event names {id}, which the logs show \
                             only as this key's ID"
                        ),
                    )];
                }
            }
            by_id(
                keys,
                id,
                "matched by key ID only: the event names no ARN, so its account and Region are \
                 not confirmed",
            )
        }
        Some(KeyText::Alias(name)) => book
            .alias_targets
            .get(name)
            .into_iter()
            .flatten()
            .flat_map(|target| match_ref(book, keys, target, region))
            .filter(|(_, how, _)| *how != KeyMatch::Grant)
            .map(|(key, _, _)| {
                (
                    key,
                    KeyMatch::Alias,
                    format!("through alias {name}, which the logs show pointing at this key"),
                )
            })
            .collect(),
    }
}

fn by_id(
    keys: &BTreeMap<String, ProtectingKey>,
    id: &str,
    note: &str,
) -> Vec<(String, KeyMatch, String)> {
    keys.values()
        .filter(|k| k.key_id == id)
        .map(|k| (k.key.clone(), KeyMatch::KeyId, note.to_string()))
        .collect()
}

/// A table's key choice from a CreateTable or UpdateTable that succeeded.
fn sse_fact(model: &Model, event: &Event) -> Option<SseFact> {
    if !event.error_code.is_empty() {
        return None;
    }
    let detail = model.detail_json(event)?;
    let request = field(&detail, "requestParameters")?;
    let name = model.str(event.event_name);
    let table = str_at(request, &["tableName"])
        .map(String::from)
        .or_else(|| model.tables(event).next().map(String::from))?;
    let spec = field(request, "sSESpecification").filter(|v| v.is_object());
    let choice = match spec {
        // CreateTable without a specification uses the default, AWS owned key.
        None if name == "CreateTable" => SseChoice::AwsOwned,
        None => return None,
        Some(spec) => {
            if crate::analysis::json::bool_at(spec, &["enabled"]) == Some(false) {
                SseChoice::AwsOwned
            } else {
                match str_at(spec, &["kMSMasterKeyId"]) {
                    Some(named) => SseChoice::Named(named.to_string()),
                    None => SseChoice::AwsManaged,
                }
            }
        }
    };
    let response_arn = str_at(
        &detail,
        &[
            "responseElements",
            "tableDescription",
            "sSEDescription",
            "kMSMasterKeyArn",
        ],
    )
    .map(String::from);
    Some(SseFact {
        time_ms: event.time_ms,
        table,
        choice,
        response_arn,
        event_name: name.to_string(),
        principal: model.str(event.principal).to_string(),
    })
}

/// The kind of key a table uses now, with its evidence.
fn table_kind(
    acc: &TableAcc,
    keys: &[TableKey],
    fact: Option<&SseFact>,
    protecting: &BTreeMap<String, ProtectingKey>,
    book: &KeyBook,
    any_kms_for_tables: bool,
) -> (KeyKind, String) {
    let last_use = keys.first();
    let fact_is_latest = match (fact, last_use) {
        (Some(f), Some(u)) => f.time_ms >= u.last_ms,
        (Some(_), None) => true,
        _ => false,
    };
    if let (true, Some(fact)) = (fact_is_latest, fact) {
        let when = format!(
            "{} by {} at {}",
            fact.event_name,
            fact.principal,
            format_iso_ms(fact.time_ms)
        );
        let key = match (&fact.response_arn, &fact.choice) {
            (Some(arn), _) => Some(book.canon(arn, "")),
            (None, SseChoice::Named(named)) => Some(book.canon(named, "")),
            _ => None,
        };
        let known = key.as_ref().and_then(|k| protecting.get(k));
        return match (&fact.choice, known) {
            (SseChoice::AwsOwned, _) => (
                KeyKind::AwsOwned,
                if fact.event_name == "CreateTable" && fact.response_arn.is_none() {
                    format!("{when}: no KMS key chosen, so the default AWS owned key")
                } else {
                    format!("{when}: sSESpecification.enabled false, the AWS owned key")
                },
            ),
            // The key's own evidence may be this very request: say it once.
            (_, Some(k)) if k.kind != KeyKind::AwsOrCustomerManaged => (
                k.kind,
                if k.kind_evidence.contains(&format!(
                    "{} at {}",
                    fact.principal,
                    format_iso_ms(fact.time_ms)
                )) {
                    k.kind_evidence.clone()
                } else {
                    format!("{when} chose {}; {}", k.key, k.kind_evidence)
                },
            ),
            (SseChoice::AwsManaged, _) => (
                KeyKind::AwsManaged,
                format!("{when}: KMS encryption with no key named, the AWS managed key"),
            ),
            (SseChoice::Named(named), _) if named.ends_with(AWS_MANAGED_ALIAS) => {
                (KeyKind::AwsManaged, format!("{when} chose {named}"))
            }
            (SseChoice::Named(named), _) => (
                KeyKind::CustomerManaged,
                format!(
                    "{when} named {named} as kMSMasterKeyId, as only a customer managed key needs \
                     to be (not confirmed by inventory)"
                ),
            ),
        };
    }
    if let Some(last) = last_use {
        let used = format!(
            "KMS calls for the table use {} (last at {})",
            if last.key.is_empty() {
                "a key the events do not name"
            } else {
                &last.key
            },
            format_iso_ms(last.last_ms)
        );
        return match protecting.get(&last.key) {
            Some(k) => (k.kind, format!("{used}; {}", k.kind_evidence)),
            None => (
                KeyKind::AwsOrCustomerManaged,
                format!("{used}, so the key is in the account and not AWS owned"),
            ),
        };
    }
    if any_kms_for_tables {
        return (
            KeyKind::AwsOwned,
            format!(
                "no KMS call in the loaded logs names this table while calls for other tables \
                 are logged, and tables under the AWS owned key leave none in the account{}",
                if acc.dynamodb_events > 0 {
                    format!(
                        " ({} DynamoDB event{} name{} the table)",
                        acc.dynamodb_events,
                        if acc.dynamodb_events == 1 { "" } else { "s" },
                        if acc.dynamodb_events == 1 { "s" } else { "" }
                    )
                } else {
                    " (no DynamoDB event names the table either, so it may just be idle)"
                        .to_string()
                }
            ),
        );
    }
    (
        KeyKind::Unknown,
        "unknown from the loaded logs: they hold no KMS call naming any table".to_string(),
    )
}
