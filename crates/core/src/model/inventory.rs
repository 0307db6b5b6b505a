//! Normalised records from every export that is not CloudTrail: what each source said about
//! each table, Config items, evaluations and rules, Lambda triggers and KMS keys.
//!
//! Ingest turns each export's JSON into these types (parse, don't validate); nothing here keeps
//! raw JSON. Every record carries its [`Source`]: which file said it, what kind of export that
//! was, and when the state it describes held. Strings are plain `String`s rather than interned
//! symbols: these records number in the thousands, not millions, and the analyses that read
//! them want text.
//!
//! Table identity follows the shared contract: (account, region, table name), any of which may
//! be unknown (the empty string) when the export does not say and the file's path does not
//! tell.
//!
//! ```
//! use ddb_lens_core::model::inventory::{EncryptionKind, TableFacts};
//! let facts = TableFacts { pitr: Some(true), ..TableFacts::default() };
//! assert!(facts.deletion_protection.is_none()); // "this source did not say"
//! assert_ne!(EncryptionKind::AwsOwned, EncryptionKind::Unknown);
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ingest::FileKind;

/// Where a record came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Index of the file in [`crate::Model::files`] (0 until the file is committed).
    pub file: u32,
    /// What the file was; [`FileKind::label`] names it.
    pub kind: FileKind,
    /// When the described state held, ms since the epoch (UTC): a Config item's capture time,
    /// an evaluation's recorded time, a PITR description's latest restorable time. `None` when
    /// the export does not say: CLI outputs such as describe-table carry no time of their own
    /// (a collector manifest in the same folder may supply it; see
    /// [`CollectorRun`]).
    pub observed_at_ms: Option<i64>,
}

/// Who holds the key that encrypts a table at rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EncryptionKind {
    /// DynamoDB's own key (no `SSEDescription`, or one without `SSEType`).
    AwsOwned,
    /// The account's `aws/dynamodb` key (KMS `KeyManager` AWS).
    AwsManaged,
    /// A key the customer manages (KMS `KeyManager` CUSTOMER).
    CustomerManaged,
    /// KMS, but which key manager cannot be told from the exports loaded.
    Unknown,
}

impl EncryptionKind {
    /// "AWS owned key", "AWS managed key (aws/dynamodb)", ...
    pub fn label(self) -> &'static str {
        match self {
            EncryptionKind::AwsOwned => "AWS owned key",
            EncryptionKind::AwsManaged => "AWS managed key (aws/dynamodb)",
            EncryptionKind::CustomerManaged => "customer managed key",
            EncryptionKind::Unknown => "KMS key, manager unknown",
        }
    }
}

/// A table's encryption at rest as one source described it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Encryption {
    /// What ingest could tell on its own: `AwsOwned`, or `Unknown` for any KMS key (the
    /// inventory resolves AWS managed or customer managed from the KMS exports).
    pub kind: EncryptionKind,
    /// `KMSMasterKeyArn` as written.
    pub key_arn: Option<String>,
    /// `SSEType`: "KMS" or "AES256".
    pub sse_type: Option<String>,
    /// `Status`: "ENABLED", "UPDATING", ...
    pub status: Option<String>,
}

/// A table's DynamoDB stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamSetting {
    pub enabled: bool,
    /// NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES or KEYS_ONLY.
    pub view_type: Option<String>,
    /// `LatestStreamArn` (also present on a disabled stream, which can still be read for 24 h).
    pub arn: Option<String>,
    pub label: Option<String>,
}

/// A table's time to live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TtlSetting {
    /// ENABLED, DISABLED, ENABLING or DISABLING.
    pub status: String,
    pub attribute: Option<String>,
}

/// One replica of a global table.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Replica {
    pub region: String,
    pub status: Option<String>,
    pub kms_key: Option<String>,
}

/// One Kinesis Data Streams destination of a table.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct KinesisDestination {
    pub stream_arn: String,
    /// ACTIVE, ENABLING, DISABLED, ENABLE_FAILED, ...
    pub status: Option<String>,
    pub status_description: Option<String>,
}

/// One Application Auto Scaling target on a table or one of its indexes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ScalingTarget {
    /// The index, for `table/<name>/index/<index>` targets.
    pub index: Option<String>,
    /// e.g. `dynamodb:table:ReadCapacityUnits`.
    pub dimension: String,
    pub min_capacity: Option<u64>,
    pub max_capacity: Option<u64>,
    /// Whether any of dynamic scaling in/out or scheduled scaling is suspended.
    pub suspended: Option<bool>,
}

/// A table's coverage by AWS Backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupProtection {
    /// Listed by `backup list-protected-resources`.
    pub protected: bool,
    pub last_backup_ms: Option<i64>,
    pub last_backup_vault_arn: Option<String>,
}

/// The facts one source states about one table. `None`: this source does not say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableFacts {
    /// ACTIVE, CREATING, UPDATING, DELETING, ARCHIVED, ... ("DELETED" when AWS Config
    /// recorded the table's deletion).
    pub status: Option<String>,
    /// PROVISIONED or PAY_PER_REQUEST.
    pub billing_mode: Option<String>,
    pub encryption: Option<Encryption>,
    /// Point-in-time recovery enabled.
    pub pitr: Option<bool>,
    pub deletion_protection: Option<bool>,
    pub stream: Option<StreamSetting>,
    pub ttl: Option<TtlSetting>,
    /// Replicas of a global table (version 2019.11.21), sorted by region.
    pub replicas: Option<Vec<Replica>>,
    pub tags: Option<BTreeMap<String, String>>,
    pub kinesis_destinations: Option<Vec<KinesisDestination>>,
    /// The resource-based policy document, as text.
    pub resource_policy: Option<String>,
    pub item_count: Option<u64>,
    pub size_bytes: Option<u64>,
    pub created_ms: Option<i64>,
    pub autoscaling: Option<Vec<ScalingTarget>>,
    pub backup: Option<BackupProtection>,
}

impl TableFacts {
    /// Whether this source says nothing at all about the table beyond its name.
    pub fn is_empty(&self) -> bool {
        *self == TableFacts::default()
    }
}

/// One source's statement about one table at one time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableObservation {
    /// Empty when unknown.
    pub account: String,
    /// Empty when unknown.
    pub region: String,
    pub name: String,
    /// Empty when the source gives none.
    pub arn: String,
    pub facts: TableFacts,
    pub source: Source,
}

/// `configurationItemStatus`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ConfigItemStatus {
    Ok,
    ResourceDiscovered,
    ResourceNotRecorded,
    ResourceDeleted,
    ResourceDeletedNotRecorded,
    /// Absent (select-resource-config results, oversized summaries without it).
    Missing,
    /// A value this version does not know, as written.
    Other(String),
}

impl ConfigItemStatus {
    pub fn parse(text: Option<&str>) -> ConfigItemStatus {
        match text {
            None => ConfigItemStatus::Missing,
            Some("OK") => ConfigItemStatus::Ok,
            Some("ResourceDiscovered") => ConfigItemStatus::ResourceDiscovered,
            Some("ResourceNotRecorded") => ConfigItemStatus::ResourceNotRecorded,
            Some("ResourceDeleted") => ConfigItemStatus::ResourceDeleted,
            Some("ResourceDeletedNotRecorded") => ConfigItemStatus::ResourceDeletedNotRecorded,
            Some(other) => ConfigItemStatus::Other(other.to_string()),
        }
    }

    /// The resource no longer exists.
    pub fn is_deleted(&self) -> bool {
        matches!(
            self,
            ConfigItemStatus::ResourceDeleted | ConfigItemStatus::ResourceDeletedNotRecorded
        )
    }
}

/// One AWS Config configuration item, from any Config export (delivered snapshot or history,
/// notification, select-resource-config, batch-get-resource-config,
/// get-resource-config-history). Only DynamoDB resource types are kept as items (other types
/// are counted in the file's report); `AWS::KMS::Key` items also become [`KmsKeyInfo`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigItem {
    /// e.g. `AWS::DynamoDB::Table`.
    pub resource_type: String,
    /// For a table: its name.
    pub resource_id: String,
    pub resource_name: Option<String>,
    pub arn: Option<String>,
    /// Empty when unknown.
    pub account: String,
    /// Empty when unknown.
    pub region: String,
    pub capture_time_ms: Option<i64>,
    pub status: ConfigItemStatus,
    pub state_id: Option<String>,
    pub resource_creation_ms: Option<i64>,
    /// The `configuration` of an `AWS::DynamoDB::Table` item (object or JSON string) and its
    /// `supplementaryConfiguration` (PITR, tags), normalised; `None` for other types and for
    /// items without a configuration (deleted, oversized summaries).
    pub table: Option<TableFacts>,
    /// The item's `tags` (or, for API outputs, `supplementaryConfiguration.Tags`).
    pub tags: BTreeMap<String, String>,
    /// CloudTrail eventIDs of the calls that caused this item.
    pub related_events: Vec<String>,
    /// A change notification's `configurationItemDiff.changeType` (CREATE, UPDATE, DELETE).
    pub change_type: Option<String>,
    /// `source.observed_at_ms` is the capture time.
    pub source: Source,
}

/// An evaluation's compliance type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ComplianceType {
    Compliant,
    NonCompliant,
    NotApplicable,
    InsufficientData,
    /// A value this version does not know (or none), as written.
    Other(String),
}

impl ComplianceType {
    pub fn parse(text: Option<&str>) -> ComplianceType {
        match text {
            Some("COMPLIANT") => ComplianceType::Compliant,
            Some("NON_COMPLIANT") => ComplianceType::NonCompliant,
            Some("NOT_APPLICABLE") => ComplianceType::NotApplicable,
            Some("INSUFFICIENT_DATA") => ComplianceType::InsufficientData,
            Some(other) => ComplianceType::Other(other.to_string()),
            None => ComplianceType::Other(String::new()),
        }
    }

    /// As AWS writes it: "NON_COMPLIANT".
    pub fn as_aws(&self) -> &str {
        match self {
            ComplianceType::Compliant => "COMPLIANT",
            ComplianceType::NonCompliant => "NON_COMPLIANT",
            ComplianceType::NotApplicable => "NOT_APPLICABLE",
            ComplianceType::InsufficientData => "INSUFFICIENT_DATA",
            ComplianceType::Other(text) => text,
        }
    }
}

/// One evaluation result of one rule for one resource
/// (`get-compliance-details-by-config-rule`, a ComplianceChangeNotification's new result).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigEvaluation {
    pub rule_name: String,
    pub resource_type: String,
    pub resource_id: String,
    pub compliance: ComplianceType,
    /// `OrderingTimestamp`: when the evaluated configuration was recorded.
    pub ordering_ms: Option<i64>,
    /// `ResultRecordedTime`.
    pub recorded_ms: Option<i64>,
    /// `ConfigRuleInvokedTime`.
    pub invoked_ms: Option<i64>,
    pub annotation: Option<String>,
    /// Empty when unknown.
    pub account: String,
    /// Empty when unknown.
    pub region: String,
    /// `source.observed_at_ms` is the recorded time.
    pub source: Source,
}

/// A compliance summary line: one rule (`describe-compliance-by-config-rule`) or one resource
/// (`describe-compliance-by-resource`) with its overall compliance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplianceSummary {
    /// Set for by-rule summaries.
    pub rule_name: Option<String>,
    /// Set for by-resource summaries.
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub compliance: ComplianceType,
    /// How many rules (by resource) or resources (by rule) contribute, capped at 100 by AWS.
    pub capped_count: Option<u64>,
    pub cap_exceeded: Option<bool>,
    pub account: String,
    pub region: String,
    pub source: Source,
}

/// Where a Config rule applies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleScope {
    pub resource_types: Vec<String>,
    pub tag_key: Option<String>,
    pub tag_value: Option<String>,
    pub resource_id: Option<String>,
}

/// One Config rule (`describe-config-rules`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigRule {
    pub name: String,
    pub arn: Option<String>,
    pub id: Option<String>,
    pub description: Option<String>,
    /// AWS, CUSTOM_LAMBDA or CUSTOM_POLICY.
    pub owner: Option<String>,
    /// For managed rules the rule identifier (`DYNAMODB_PITR_ENABLED`); for custom rules the
    /// Lambda function ARN.
    pub source_identifier: Option<String>,
    /// `InputParameters` parsed from its JSON text; non-string values as JSON text.
    pub input_parameters: BTreeMap<String, String>,
    pub scope: RuleScope,
    /// ACTIVE, EVALUATING, DELETING, ...
    pub state: Option<String>,
    pub account: String,
    pub region: String,
    pub source: Source,
}

/// One Lambda event source mapping (`lambda list-event-source-mappings`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSourceMapping {
    pub uuid: String,
    pub function_arn: String,
    pub event_source_arn: String,
    /// Creating, Enabling, Enabled, Disabling, Disabled, Updating, Deleting.
    pub state: Option<String>,
    pub state_transition_reason: Option<String>,
    pub batch_size: Option<u64>,
    /// "OK", "No records processed", "PROBLEM: ...".
    pub last_processing_result: Option<String>,
    pub last_modified_ms: Option<i64>,
    pub starting_position: Option<String>,
    /// The DynamoDB table whose stream this maps, when the source is a DynamoDB stream ARN.
    pub table: Option<String>,
    /// Of the mapping: from the function ARN, else the file's path. Empty when unknown.
    pub account: String,
    pub region: String,
    pub source: Source,
}

/// Who manages a KMS key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum KeyManager {
    Aws,
    Customer,
}

/// One KMS key (`kms describe-key`, or an `AWS::KMS::Key` Config item).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KmsKeyInfo {
    pub key_id: String,
    pub arn: Option<String>,
    pub account: String,
    pub region: String,
    pub manager: Option<KeyManager>,
    /// Enabled, Disabled, PendingDeletion, ...
    pub state: Option<String>,
    pub enabled: Option<bool>,
    /// AWS_KMS, EXTERNAL, AWS_CLOUDHSM, EXTERNAL_KEY_STORE.
    pub origin: Option<String>,
    pub description: Option<String>,
    pub created_ms: Option<i64>,
    pub deletion_ms: Option<i64>,
    /// Alias names that point at this key, where the same export says (Config items do not;
    /// the inventory joins [`KmsAlias`] records).
    pub aliases: Vec<String>,
    /// Automatic rotation, when the export says (`get-key-rotation-status`, Config).
    pub rotation: Option<bool>,
    pub source: Source,
}

/// One KMS alias (`kms list-aliases`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KmsAlias {
    /// `alias/aws/dynamodb`, `alias/orders`, ...
    pub name: String,
    pub arn: Option<String>,
    /// The key's ID (not its ARN); `None` for AWS managed aliases never used.
    pub target_key_id: Option<String>,
    pub account: String,
    pub region: String,
    pub source: Source,
}

/// A complete listing of one kind for one account and region was loaded (list-tables,
/// list-protected-resources, describe-scalable-targets, list-event-source-mappings,
/// list-aliases): what it does not list, that account and region does not have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    pub kind: FileKind,
    /// Empty when unknown (then the listing proves no absence).
    pub account: String,
    pub region: String,
    /// Set when the output says it was cut short (a `NextToken` or `Truncated`): then it
    /// proves no absence either.
    pub truncated: bool,
    pub source: Source,
}

/// The manifest (`collector.json`) that `ddb-lens collect-exports` writes at the top of its
/// output folder: when every CLI output under that folder was taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectorRun {
    /// The manifest's folder as a path prefix ending in `/` (empty for the top level): the
    /// files it covers start with it.
    pub prefix: String,
    pub collected_at_ms: Option<i64>,
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    pub source: Source,
}

/// One call the collector could not make (`collector-errors.log`): evidence that an export is
/// missing, and why. `PolicyNotFoundException` from `get-resource-policy` is the usual answer
/// for a table without a resource policy, so it is a fact, not a gap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectorError {
    pub time_ms: Option<i64>,
    pub account: String,
    pub region: String,
    /// The CLI call, e.g. `dynamodb get-resource-policy`.
    pub call: String,
    /// A table name, key, rule name, or `-`.
    pub target: String,
    /// The CLI's message, on one line.
    pub message: String,
    pub source: Source,
}

/// Every non-CloudTrail record of a file, or of the whole model.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Records {
    pub table_observations: Vec<TableObservation>,
    pub config_items: Vec<ConfigItem>,
    pub config_evaluations: Vec<ConfigEvaluation>,
    pub compliance_summaries: Vec<ComplianceSummary>,
    pub config_rules: Vec<ConfigRule>,
    pub event_source_mappings: Vec<EventSourceMapping>,
    pub kms_keys: Vec<KmsKeyInfo>,
    pub kms_aliases: Vec<KmsAlias>,
    pub listings: Vec<Listing>,
    pub collector_runs: Vec<CollectorRun>,
    pub collector_errors: Vec<CollectorError>,
}

impl Records {
    pub fn is_empty(&self) -> bool {
        *self == Records::default()
    }

    /// Every record's `source`, to set the file index at commit.
    fn sources_mut(&mut self) -> impl Iterator<Item = &mut Source> {
        let Records {
            table_observations,
            config_items,
            config_evaluations,
            compliance_summaries,
            config_rules,
            event_source_mappings,
            kms_keys,
            kms_aliases,
            listings,
            collector_runs,
            collector_errors,
        } = self;
        table_observations
            .iter_mut()
            .map(|r| &mut r.source)
            .chain(config_items.iter_mut().map(|r| &mut r.source))
            .chain(config_evaluations.iter_mut().map(|r| &mut r.source))
            .chain(compliance_summaries.iter_mut().map(|r| &mut r.source))
            .chain(config_rules.iter_mut().map(|r| &mut r.source))
            .chain(event_source_mappings.iter_mut().map(|r| &mut r.source))
            .chain(kms_keys.iter_mut().map(|r| &mut r.source))
            .chain(kms_aliases.iter_mut().map(|r| &mut r.source))
            .chain(listings.iter_mut().map(|r| &mut r.source))
            .chain(collector_runs.iter_mut().map(|r| &mut r.source))
            .chain(collector_errors.iter_mut().map(|r| &mut r.source))
    }

    /// Moves `other`'s records to the end of these, pointing them at file `file`.
    pub fn append_from_file(&mut self, mut other: Records, file: u32) {
        for source in other.sources_mut() {
            source.file = file;
        }
        self.table_observations
            .append(&mut other.table_observations);
        self.config_items.append(&mut other.config_items);
        self.config_evaluations
            .append(&mut other.config_evaluations);
        self.compliance_summaries
            .append(&mut other.compliance_summaries);
        self.config_rules.append(&mut other.config_rules);
        self.event_source_mappings
            .append(&mut other.event_source_mappings);
        self.kms_keys.append(&mut other.kms_keys);
        self.kms_aliases.append(&mut other.kms_aliases);
        self.listings.append(&mut other.listings);
        self.collector_runs.append(&mut other.collector_runs);
        self.collector_errors.append(&mut other.collector_errors);
    }
}
