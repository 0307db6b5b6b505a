//! Tag coverage (AWS's sixth DynamoDB practice): which tables carry the keys the policy
//! requires, with allowed values, where the spelling drifts, and who changed them when.
//!
//! * [`TagPolicy`]: the required keys (by default Security, Confidentiality, Environment),
//!   stored as versioned JSON, importable from an AWS Organizations tag policy
//!   ([`TagPolicy::from_organizations_policy`]).
//! * [`coverage`]: per key, account and region, with explicit numerators and denominators (every
//!   table seen), a tables-by-keys matrix, untagged tables, and value distributions with
//!   near-duplicates grouped ([`normalise_value`]).
//! * [`history`]: when a table gained or lost a required tag or its value changed, as sentences,
//!   from [`changes_from_events`] (TagResource, UntagResource and CreateTable in CloudTrail) and
//!   [`changes_from_snapshots`] (successive AWS Config items).
//!
//! ```
//! use std::collections::BTreeMap;
//! use ddb_lens_core::analysis::tags::{coverage, TagPolicy, TaggedTable};
//!
//! let table = |name: &str, env: &str| TaggedTable {
//!     account: "111122223333".into(),
//!     region: "eu-west-1".into(),
//!     name: name.into(),
//!     arn: String::new(),
//!     tags: BTreeMap::from([("Environment".to_string(), env.to_string())]),
//! };
//! let report = coverage(&[table("orders", "prod"), table("carts", "Prod")], &TagPolicy::default());
//! let environment = &report.keys[2];
//! assert_eq!((environment.with_key.count, environment.with_key.of), (2, 2));
//! // "prod" and "Prod" are one value spelled two ways.
//! assert_eq!(report.values[2].groups[0].variants.len(), 2);
//! ```

mod coverage;
mod history;
mod normalise;
mod org_policy;
mod policy;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use coverage::{
    coverage, Cell, GroupCoverage, KeyCoverage, KeyValues, Share, TableRef, TableRow, TagCoverage,
    ValueGroup, ValueVariant,
};
pub use history::{
    changes_from_events, changes_from_snapshots, history, TagHistoryEntry, TagHistoryKind,
    TagSnapshot,
};
pub use normalise::normalise_value;
pub use policy::{
    PolicyError, RequiredKey, TagPolicy, MAX_KEYS, MAX_KEY_CHARS, MAX_VALUE_CHARS, POLICY_VERSION,
};

/// One table and its tags as the inventory knows them (describe-table with
/// list-tags-of-resource, the tagging API's get-resources, or a Config item). Any of account,
/// region and arn may be empty when unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaggedTable {
    pub account: String,
    pub region: String,
    pub name: String,
    pub arn: String,
    pub tags: BTreeMap<String, String>,
}

/// One tag key of one table changing value, appearing or disappearing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TagChange {
    /// When it happened (events) or was recorded (Config), ms since the epoch, UTC.
    pub time_ms: i64,
    pub account: String,
    pub region: String,
    pub table: String,
    /// The tag key as written in the change (its case and spaces kept).
    pub key: String,
    /// The value before; `None` is "absent" when `old_known`, else "not recorded".
    pub old: Option<String>,
    /// The value after; `None` when the key was removed.
    pub new: Option<String>,
    /// Whether `old` is known. CloudTrail logs only the new value of a TagResource, so its
    /// changes leave this false (except CreateTable, before which there was nothing); a Config
    /// item diff knows both sides.
    pub old_known: bool,
    /// Who made the change (the principal's ARN); empty when unknown, as for Config items.
    pub actor: String,
    pub source: TagChangeSource,
}

/// Where a change was read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TagChangeSource {
    /// A CloudTrail record: file name, position in the file, and its eventName.
    Event {
        file: String,
        record_index: u32,
        event_name: String,
    },
    /// An AWS Config configuration item and its configurationItemCaptureTime.
    ConfigItem { file: String, capture_time_ms: i64 },
}
