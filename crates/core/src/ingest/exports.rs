//! The records of every export that is not CloudTrail: once [`super::sniff`] has named a file's
//! kind, the module for that kind reads it into [`Records`].
//!
//! Config item lists (snapshots, history files, API outputs) are streamed one item at a time,
//! as they can be large; the other outputs are read whole into a `serde_json::Value` (they are
//! small, and lenient field-by-field reading of several spellings is simplest there). Either
//! way the work is bounded by the file, which the decompression limit already bounds.
//!
//! A record that cannot be read is skipped and named in a warning; so is an output that cannot
//! be associated with a table (by its content or, failing that, its path: see [`PathHints`]).

use serde_json::Value;

use crate::ingest::layout::PathHints;
use crate::ingest::{
    autoscaling, backup, collector, compliance, config, dynamodb, kms, lambda, tagging, FileKind,
    MAX_WARNINGS,
};
use crate::model::inventory::{Records, Source};

/// What one file is read in: its name and kind, and what its path says.
pub(crate) struct Ctx<'a> {
    pub name: &'a str,
    pub kind: FileKind,
    pub hints: PathHints,
}

impl Ctx<'_> {
    /// A record's source in this file (the file index is set at commit).
    pub(crate) fn source(&self, observed_at_ms: Option<i64>) -> Source {
        Source {
            file: 0,
            kind: self.kind,
            observed_at_ms,
        }
    }

    /// The record's own account if it has one, else the path's, else unknown (empty).
    pub(crate) fn account(&self, own: Option<&str>) -> String {
        own.filter(|a| !a.is_empty())
            .or(self.hints.account.as_deref())
            .unwrap_or_default()
            .to_string()
    }

    /// The record's own region if it has one, else the path's, else unknown (empty).
    pub(crate) fn region(&self, own: Option<&str>) -> String {
        own.filter(|r| !r.is_empty())
            .or(self.hints.region.as_deref())
            .unwrap_or_default()
            .to_string()
    }
}

/// A file's records and what its report says about them.
#[derive(Debug)]
pub(crate) struct Out {
    pub records: Records,
    /// Records of the file's kind (tables, items, rules...), skipped ones included.
    pub count: u64,
    /// What one record is called in the summary.
    pub noun: &'static str,
    pub detail: Option<String>,
    pub warnings: Vec<String>,
    pub warnings_total: u64,
}

impl Out {
    pub(crate) fn new(noun: &'static str) -> Out {
        Out {
            records: Records::default(),
            count: 0,
            noun,
            detail: None,
            warnings: Vec::new(),
            warnings_total: 0,
        }
    }

    /// A problem with the file or one record: counted always, described for the first
    /// [`MAX_WARNINGS`].
    pub(crate) fn warn(&mut self, problem: impl FnOnce() -> String) {
        self.warnings_total += 1;
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(problem());
        }
    }

    /// Record `index` (0-based) of the file was skipped.
    pub(crate) fn skip(&mut self, index: usize, why: impl FnOnce() -> String) {
        self.warn(|| format!("record {} skipped: {}", index + 1, why()));
    }
}

/// Reads the records of a file of `kind`; `None` for kinds that carry none (CloudTrail, which
/// the sniffer streams, digests, KMS grants). `Err` only when the JSON cannot be read, which
/// the sniffer has already ruled out.
pub(crate) fn parse(kind: FileKind, bytes: &[u8], name: &str) -> Result<Option<Out>, String> {
    let ctx = Ctx {
        name,
        kind,
        hints: PathHints::of(name),
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if matches!(
        kind,
        FileKind::ConfigSnapshot
            | FileKind::ConfigHistory
            | FileKind::ConfigResourceHistory
            | FileKind::ConfigBatchGetResourceConfig
    ) {
        return config::parse_item_file(bytes, &ctx).map(Some);
    }
    let handled = matches!(
        kind,
        FileKind::ConfigNotification
            | FileKind::ConfigSelectResourceConfig
            | FileKind::ConfigComplianceDetails
            | FileKind::ConfigComplianceByResource
            | FileKind::ConfigComplianceByRule
            | FileKind::ConfigRules
            | FileKind::DynamoDbDescribeTable
            | FileKind::DynamoDbListTables
            | FileKind::DynamoDbContinuousBackups
            | FileKind::DynamoDbTimeToLive
            | FileKind::DynamoDbKinesisDestinations
            | FileKind::DynamoDbResourcePolicy
            | FileKind::DynamoDbTags
            | FileKind::TaggingGetResources
            | FileKind::LambdaEventSourceMappings
            | FileKind::KmsDescribeKey
            | FileKind::KmsListAliases
            | FileKind::AutoScalingScalableTargets
            | FileKind::BackupProtectedResources
            | FileKind::CollectorManifest
    );
    if !handled {
        return Ok(None);
    }
    let v: Value = serde_json::from_slice(bytes).map_err(|err| err.to_string())?;
    let out = match kind {
        FileKind::ConfigNotification => config::notification(&v, &ctx),
        FileKind::ConfigSelectResourceConfig => config::select_results(&v, &ctx),
        FileKind::ConfigComplianceDetails => compliance::evaluation_results(&v, &ctx),
        FileKind::ConfigComplianceByResource => compliance::by_resource(&v, &ctx),
        FileKind::ConfigComplianceByRule => compliance::by_rule(&v, &ctx),
        FileKind::ConfigRules => compliance::rules(&v, &ctx),
        FileKind::DynamoDbDescribeTable => dynamodb::describe_table(&v, &ctx),
        FileKind::DynamoDbListTables => dynamodb::list_tables(&v, &ctx),
        FileKind::DynamoDbContinuousBackups => dynamodb::continuous_backups(&v, &ctx),
        FileKind::DynamoDbTimeToLive => dynamodb::time_to_live(&v, &ctx),
        FileKind::DynamoDbKinesisDestinations => dynamodb::kinesis_destinations(&v, &ctx),
        FileKind::DynamoDbResourcePolicy => dynamodb::resource_policy(&v, &ctx),
        FileKind::DynamoDbTags => dynamodb::tags_of_resource(&v, &ctx),
        FileKind::TaggingGetResources => tagging::get_resources(&v, &ctx),
        FileKind::LambdaEventSourceMappings => lambda::event_source_mappings(&v, &ctx),
        FileKind::KmsDescribeKey => kms::describe_key(&v, &ctx),
        FileKind::KmsListAliases => kms::list_aliases(&v, &ctx),
        FileKind::AutoScalingScalableTargets => autoscaling::scalable_targets(&v, &ctx),
        FileKind::BackupProtectedResources => backup::protected_resources(&v, &ctx),
        FileKind::CollectorManifest => collector::manifest(&v, &ctx),
        _ => return Ok(None),
    };
    Ok(Some(out))
}

/// "12 DynamoDB tables" (`None` for none).
pub(crate) fn tables_detail(tables: u64) -> Option<String> {
    (tables > 0).then(|| {
        format!(
            "{} DynamoDB {}",
            crate::ingest::thousands(tables),
            if tables == 1 { "table" } else { "tables" }
        )
    })
}
