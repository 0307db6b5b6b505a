//! The built-in sample (`ddb_lens_gen::sample_files`) through the core, as the page loads it:
//! every file recognised and read without a warning, an inventory that knows every field of
//! its tables, every export kind of the collector's folder present, and detections that fire.

use std::collections::BTreeSet;

use ddb_lens_core::analysis::inventory::{inventory, TableRow};
use ddb_lens_core::model::inventory::EncryptionKind;
use ddb_lens_core::rules::{run_all, RULES};
use ddb_lens_core::{FileKind, FileStatus, Limits, Loader};

fn load_sample() -> Loader {
    let mut loader = Loader::new(Limits::default());
    for (name, bytes) in ddb_lens_gen::sample_files() {
        loader.ingest(&name, &bytes);
    }
    loader
}

#[test]
fn every_sample_file_is_recognised_and_read_cleanly() {
    let loader = load_sample();
    let reports = loader.reports();
    assert!(reports.len() > 300, "{} files", reports.len());
    let bad: Vec<String> = reports
        .iter()
        .filter(|r| {
            r.status != FileStatus::Ok
                || r.kind == FileKind::Unrecognised
                || !r.warnings.is_empty()
                || r.records_skipped > 0
                || r.duplicates > 0
        })
        .map(|r| format!("{}: {:?} {:?} {:?}", r.name, r.kind, r.message, r.warnings))
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}

/// Every export kind the collector writes (docs/exports.md) is in the sample.
#[test]
fn every_collector_export_kind_is_present() {
    let loader = load_sample();
    let kinds: BTreeSet<FileKind> = loader.reports().iter().map(|r| r.kind).collect();
    for kind in [
        FileKind::CloudTrailLog,
        FileKind::ConfigSnapshot,
        FileKind::ConfigHistory,
        FileKind::ConfigResourceHistory,
        FileKind::ConfigComplianceDetails,
        FileKind::ConfigComplianceByResource,
        FileKind::ConfigComplianceByRule,
        FileKind::ConfigRules,
        FileKind::DynamoDbDescribeTable,
        FileKind::DynamoDbListTables,
        FileKind::DynamoDbContinuousBackups,
        FileKind::DynamoDbTimeToLive,
        FileKind::DynamoDbKinesisDestinations,
        FileKind::DynamoDbResourcePolicy,
        FileKind::DynamoDbTags,
        FileKind::TaggingGetResources,
        FileKind::LambdaEventSourceMappings,
        FileKind::KmsDescribeKey,
        FileKind::KmsListAliases,
        FileKind::AutoScalingScalableTargets,
        FileKind::BackupProtectedResources,
        FileKind::CollectorManifest,
        FileKind::CollectorErrorsLog,
    ] {
        assert!(kinds.contains(&kind), "no {} in the sample", kind.label());
    }
}

/// The fields of a table row that some export stated, by name.
fn known_fields(t: &TableRow) -> Vec<&'static str> {
    let mut known = Vec::new();
    let mut check = |name, is: bool| {
        if is {
            known.push(name)
        }
    };
    check("arn", t.arn.is_some());
    check("status", t.status.is_some());
    check("billing_mode", t.billing_mode.is_some());
    check("encryption", t.encryption.is_some());
    check("pitr", t.pitr.is_some());
    check("deletion_protection", t.deletion_protection.is_some());
    check("stream", t.stream.is_some());
    check("ttl", t.ttl.is_some());
    check("replicas", t.replicas.is_some());
    check("tags", t.tags.is_some());
    check("kinesis_destinations", t.kinesis_destinations.is_some());
    check("item_count", t.item_count.is_some());
    check("size_bytes", t.size_bytes.is_some());
    check("created_ms", t.created_ms.is_some());
    check("autoscaling", t.autoscaling.is_some());
    check("backup", t.backup.is_some());
    known
}

/// Every existing table has every field, and its encryption kind resolved against the KMS
/// exports; the resource policy is known where a table has one (the others are a
/// PolicyNotFoundException line in the errors log, which the inventory does not turn into a
/// field). Deleted tables are known from Config only.
#[test]
fn the_inventory_knows_every_field_of_the_sample_tables() {
    let loader = load_sample();
    let inv = inventory(loader.model());
    assert!(inv.notes.is_empty(), "{:?}", inv.notes);
    let existing: Vec<&TableRow> = inv.tables.iter().filter(|t| !t.is_deleted()).collect();
    let deleted = inv.tables.len() - existing.len();
    assert!(
        existing.len() >= 35 && deleted >= 2,
        "{} / {deleted}",
        existing.len()
    );
    for t in &existing {
        let known = known_fields(t);
        assert_eq!(known.len(), 16, "{}: only {known:?}", t.name);
        let encryption = &t.encryption.as_ref().unwrap().value;
        assert_ne!(
            encryption.kind,
            EncryptionKind::Unknown,
            "{}: {}",
            t.name,
            encryption.reason
        );
    }
    let kinds: BTreeSet<EncryptionKind> = existing
        .iter()
        .map(|t| t.encryption.as_ref().unwrap().value.kind)
        .collect();
    assert_eq!(
        kinds.len(),
        3,
        "owned, AWS managed and customer managed: {kinds:?}"
    );
    let with_policy = existing
        .iter()
        .filter(|t| t.resource_policy.is_some())
        .count();
    let policy_not_found = loader
        .model()
        .records
        .collector_errors
        .iter()
        .filter(|e| e.message.contains("PolicyNotFoundException"))
        .count();
    assert!(
        with_policy >= 3,
        "{with_policy} tables with a resource policy"
    );
    assert_eq!(with_policy + policy_not_found, existing.len());
    // PITR on for most tables, off for some; a Kinesis destination and TTL on a few.
    let pitr_on = existing
        .iter()
        .filter(|t| t.pitr.as_ref().unwrap().value)
        .count();
    assert!(pitr_on * 2 > existing.len() && pitr_on < existing.len());
    assert!(existing
        .iter()
        .any(|t| !t.kinesis_destinations.as_ref().unwrap().value.is_empty()));
    assert!(existing
        .iter()
        .any(|t| t.ttl.as_ref().unwrap().value.status == "ENABLED"));
    assert!(existing
        .iter()
        .any(|t| t.backup.as_ref().unwrap().value.protected));
    assert!(existing
        .iter()
        .any(|t| !t.backup.as_ref().unwrap().value.protected));
}

/// The rules the sample does not fire, and why: each is a deliberate absence.
const NOT_FIRED: [(&str, &str); 1] = [(
    "config-delivery-channel-deleted",
    "deleting the delivery channel would stop the Config deliveries the sample holds",
)];

#[test]
fn the_sample_fires_most_detections() {
    let loader = load_sample();
    let findings = run_all(loader.model());
    let fired: BTreeSet<&str> = findings.iter().map(|f| f.rule_id.as_str()).collect();
    let silent: Vec<&str> = RULES
        .iter()
        .map(|r| r.meta.id)
        .filter(|id| !fired.contains(id))
        .collect();
    let expected_silent: Vec<&str> = NOT_FIRED.iter().map(|(id, _)| *id).collect();
    assert_eq!(silent, expected_silent, "fired: {fired:?}");
    assert!(fired.len() >= 20, "{} rules fired", fired.len());
}
