//! Every non-CloudTrail export shape read into records, and the merged table inventory.
//!
//! Fixtures are ours, written from the real shapes (botocore's output models, the AWS CLI's
//! examples, the AWS Config developer guide): `fixtures/collected/` is a folder as
//! `collect-exports` writes it (CLI v2, ISO times), `fixtures/{config,dynamodb,kms}/` hold the
//! other shapes (CLI v1 epoch seconds, notifications, select and batch-get outputs, several
//! tables per file).

use std::path::{Path, PathBuf};

use ddb_lens_core::analysis::inventory::{inventory, Inventory, TableRow};
use ddb_lens_core::ingest::{parse_file, FileKind, FileStatus, Limits, Loader, ParsedFile};
use ddb_lens_core::model::inventory::{
    ComplianceType, ConfigItemStatus, EncryptionKind, KeyManager,
};
use ddb_lens_core::time::parse_iso_ms;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn fixture(path: &str) -> Vec<u8> {
    let full = fixtures().join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// Every file under `fixtures/<dir>`, as (name relative to `fixtures/`, bytes), sorted.
fn folder(dir: &str) -> Vec<(String, Vec<u8>)> {
    fn walk(path: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(path).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    walk(&fixtures().join(dir), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = p
                .strip_prefix(fixtures())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

fn load_all(files: &[(String, Vec<u8>)]) -> Loader {
    let mut loader = Loader::default();
    for (name, bytes) in files {
        loader.ingest(name, bytes);
    }
    loader
}

fn row<'a>(inv: &'a Inventory, name: &str) -> &'a TableRow {
    let rows: Vec<&TableRow> = inv.tables.iter().filter(|t| t.name == name).collect();
    assert_eq!(rows.len(), 1, "{name}: {rows:#?}");
    rows[0]
}

fn ms(iso: &str) -> i64 {
    parse_iso_ms(iso).unwrap()
}

const A: &str = "111122223333";
const R: &str = "eu-west-1";

#[test]
fn every_export_shape_is_named_with_its_count() {
    let c = "collected/111122223333/eu-west-1";
    let cases: Vec<(String, FileKind, &str)> = vec![
        ("collected/collector.json".to_string(), FileKind::CollectorManifest, "ddb-lens collector manifest: 1 manifest (collected 2026-03-05T12:00:00Z)"),
        (format!("{c}/dynamodb/list-tables.json"), FileKind::DynamoDbListTables, "DynamoDB list-tables: 3 tables"),
        (format!("{c}/dynamodb/tables/orders/describe-table.json"), FileKind::DynamoDbDescribeTable, "DynamoDB describe-table: 1 table"),
        (format!("{c}/dynamodb/tables/orders/describe-continuous-backups.json"), FileKind::DynamoDbContinuousBackups, "DynamoDB describe-continuous-backups: 1 table setting"),
        (format!("{c}/dynamodb/tables/orders/describe-time-to-live.json"), FileKind::DynamoDbTimeToLive, "DynamoDB describe-time-to-live: 1 table setting"),
        (format!("{c}/dynamodb/tables/orders/describe-kinesis-streaming-destination.json"), FileKind::DynamoDbKinesisDestinations, "DynamoDB describe-kinesis-streaming-destination: 1 destination"),
        (format!("{c}/dynamodb/tables/orders/get-resource-policy.json"), FileKind::DynamoDbResourcePolicy, "DynamoDB get-resource-policy: 1 policy"),
        (format!("{c}/dynamodb/tables/orders/list-tags-of-resource.json"), FileKind::DynamoDbTags, "DynamoDB list-tags-of-resource: 2 tags"),
        (format!("{c}/application-autoscaling/describe-scalable-targets.json"), FileKind::AutoScalingScalableTargets, "Application Auto Scaling scalable targets: 3 scalable targets (1 DynamoDB table)"),
        (format!("{c}/lambda/list-event-source-mappings.json"), FileKind::LambdaEventSourceMappings, "Lambda list-event-source-mappings: 2 event source mappings (1 on DynamoDB streams)"),
        (format!("{c}/kms/list-aliases.json"), FileKind::KmsListAliases, "KMS list-aliases: 3 aliases"),
        (format!("{c}/kms/keys/1234abcd-12ab-34cd-56ef-1234567890ab/describe-key.json"), FileKind::KmsDescribeKey, "KMS describe-key: 1 key"),
        (format!("{c}/resourcegroupstaggingapi/get-resources.json"), FileKind::TaggingGetResources, "Resource Groups Tagging get-resources: 3 resources (2 DynamoDB tables)"),
        (format!("{c}/backup/list-protected-resources.json"), FileKind::BackupProtectedResources, "AWS Backup protected resources: 1 protected resource (1 DynamoDB table)"),
        (format!("{c}/config/describe-config-rules.json"), FileKind::ConfigRules, "AWS Config rules: 2 rules"),
        (format!("{c}/config/describe-compliance-by-config-rule.json"), FileKind::ConfigComplianceByRule, "AWS Config compliance by rule: 2 rules"),
        (format!("{c}/config/describe-compliance-by-resource.json"), FileKind::ConfigComplianceByResource, "AWS Config compliance by resource: 2 resources"),
        (format!("{c}/config/compliance-details/dynamodb-pitr-enabled.json"), FileKind::ConfigComplianceDetails, "AWS Config compliance details: 2 evaluation results"),
        (format!("{c}/config/resource-history/orders.json"), FileKind::ConfigResourceHistory, "AWS Config get-resource-config-history: 2 configuration items (2 DynamoDB tables)"),
        ("config/snapshot.json".into(), FileKind::ConfigSnapshot, "AWS Config snapshot: 3 configuration items (2 DynamoDB tables)"),
        ("config/history.json".into(), FileKind::ConfigHistory, "AWS Config history: 1 configuration item (1 DynamoDB table)"),
        ("config/notification-change-sns.json".into(), FileKind::ConfigNotification, "AWS Config notification: 1 configuration item (ConfigurationItemChangeNotification, 1 DynamoDB table)"),
        ("config/notification-oversized.json".into(), FileKind::ConfigNotification, "AWS Config notification: 1 configuration item (OversizedConfigurationItemChangeNotification, 1 DynamoDB table)"),
        ("config/notification-compliance.json".into(), FileKind::ConfigNotification, "AWS Config notification: 1 evaluation result (ComplianceChangeNotification)"),
        ("config/select-resource-config.json".into(), FileKind::ConfigSelectResourceConfig, "AWS Config select-resource-config: 3 results (2 DynamoDB tables)"),
        ("config/batch-get-resource-config.json".into(), FileKind::ConfigBatchGetResourceConfig, "AWS Config batch-get-resource-config: 1 configuration item (1 DynamoDB table)"),
        ("config/resource-history-v1.json".into(), FileKind::ConfigResourceHistory, "AWS Config get-resource-config-history: 2 configuration items (2 DynamoDB tables)"),
        ("config/compliance-details-v1.json".into(), FileKind::ConfigComplianceDetails, "AWS Config compliance details: 1 evaluation result"),
        ("dynamodb/describe-table.json".into(), FileKind::DynamoDbDescribeTable, "DynamoDB describe-table: 1 table"),
        ("dynamodb/describe-table-array.json".into(), FileKind::DynamoDbDescribeTable, "DynamoDB describe-table: 2 tables"),
        ("dynamodb/describe-tables.json".into(), FileKind::DynamoDbDescribeTable, "DynamoDB describe-table: 2 tables"),
        ("dynamodb/list-tables.json".into(), FileKind::DynamoDbListTables, "DynamoDB list-tables: 3 tables"),
        ("kms/describe-key-aws-managed.json".into(), FileKind::KmsDescribeKey, "KMS describe-key: 1 key"),
    ];
    for (path, kind, summary) in cases {
        let mut loader = Loader::default();
        let report = loader.ingest(&path, &fixture(&path));
        assert_eq!(report.kind, kind, "{path}");
        assert_eq!(
            report.status,
            FileStatus::Ok,
            "{path}: {:?}",
            report.warnings
        );
        assert_eq!(report.summary, summary, "{path}");
        assert_eq!(loader.totals().events, 0, "{path}");
        assert!(!loader.model().records.is_empty(), "{path}: no records");
    }
}

#[test]
fn the_collected_folder_merges_into_one_row_per_table() {
    let files = folder("collected");
    let loader = load_all(&files);
    assert!(
        loader.reports().iter().all(|r| r.status == FileStatus::Ok),
        "{:#?}",
        loader
            .reports()
            .iter()
            .filter(|r| r.status != FileStatus::Ok)
            .collect::<Vec<_>>()
    );
    let inv = inventory(loader.model());
    let names: Vec<&str> = inv.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["customers", "orders", "payments-ledger"]);
    assert!(inv.notes.is_empty(), "{:?}", inv.notes);
    let collected = Some(ms("2026-03-05T12:00:00Z"));

    let orders = row(&inv, "orders");
    assert_eq!((orders.account.as_str(), orders.region.as_str()), (A, R));
    let enc = orders.encryption.as_ref().unwrap();
    assert_eq!(enc.value.kind, EncryptionKind::CustomerManaged);
    assert!(
        enc.value.reason.contains("KeyManager CUSTOMER"),
        "{}",
        enc.value.reason
    );
    assert!(enc.file.ends_with("tables/orders/describe-table.json"));
    // describe-table has no time of its own: the manifest beside it gives one.
    assert_eq!(enc.observed_at_ms, collected);
    let pitr = orders.pitr.as_ref().unwrap();
    assert!(pitr.value);
    // describe-continuous-backups says when: its latest restorable time.
    assert_eq!(pitr.observed_at_ms, Some(ms("2026-03-05T11:55:02Z")));
    assert!(orders.deletion_protection.as_ref().unwrap().value);
    let stream = &orders.stream.as_ref().unwrap().value;
    assert!(stream.enabled);
    assert_eq!(stream.view_type.as_deref(), Some("NEW_AND_OLD_IMAGES"));
    assert!(stream
        .arn
        .as_deref()
        .unwrap()
        .ends_with("table/orders/stream/2025-11-02T09:15:27.412"));
    let ttl = &orders.ttl.as_ref().unwrap().value;
    assert_eq!(
        (ttl.status.as_str(), ttl.attribute.as_deref()),
        ("ENABLED", Some("expiresAt"))
    );
    assert_eq!(
        orders.replicas.as_ref().unwrap().value[0].region,
        "eu-central-1"
    );
    let tags = &orders.tags.as_ref().unwrap().value;
    assert_eq!(tags.get("Owner").map(String::as_str), Some("team-checkout"));
    assert_eq!(orders.kinesis_destinations.as_ref().unwrap().value.len(), 1);
    assert!(orders
        .resource_policy
        .as_ref()
        .unwrap()
        .value
        .contains("analytics-reader"));
    assert_eq!(
        orders.billing_mode.as_ref().unwrap().value,
        "PAY_PER_REQUEST"
    );
    assert_eq!(orders.item_count.as_ref().unwrap().value, 120_544);
    assert_eq!(
        orders.created_ms.as_ref().unwrap().value,
        ms("2025-11-02T09:15:27.412Z")
    );
    let backup = &orders.backup.as_ref().unwrap().value;
    assert!(backup.protected);
    assert_eq!(backup.last_backup_ms, Some(ms("2026-03-05T03:12:44.310Z")));
    // On demand, no scalable target in the complete listing: no auto scaling, by that file.
    let autoscaling = orders.autoscaling.as_ref().unwrap();
    assert!(autoscaling.value.is_empty());
    assert!(autoscaling.file.ends_with("describe-scalable-targets.json"));
    assert_eq!(orders.config_items, 2);
    // Its six files, list-tables, Config's history, the tagging, backup and scaling listings.
    assert_eq!(orders.sources.len(), 11, "{:?}", orders.sources);

    let customers = row(&inv, "customers");
    let enc = &customers.encryption.as_ref().unwrap().value;
    assert_eq!(enc.kind, EncryptionKind::AwsManaged);
    assert!(
        enc.reason
            .contains("alias/aws/dynamodb points at key 0987dcba"),
        "{}",
        enc.reason
    );
    assert!(!customers.pitr.as_ref().unwrap().value);
    assert_eq!(
        customers.billing_mode.as_ref().unwrap().value,
        "PROVISIONED"
    );
    assert!(!customers.stream.as_ref().unwrap().value.enabled);
    assert!(customers.tags.as_ref().unwrap().value.is_empty());
    let targets = &customers.autoscaling.as_ref().unwrap().value;
    assert_eq!(targets.len(), 3);
    assert_eq!(
        targets
            .iter()
            .filter(|t| t.index.as_deref() == Some("by-email"))
            .count(),
        1
    );
    assert_eq!(
        targets
            .iter()
            .find(|t| t.index.is_some())
            .unwrap()
            .suspended,
        Some(true)
    );
    // Missing from the complete protected-resources listing of its account and region.
    let backup = customers.backup.as_ref().unwrap();
    assert!(!backup.value.protected);
    assert!(backup.file.ends_with("list-protected-resources.json"));
    assert!(customers.ttl.as_ref().unwrap().value.status == "DISABLED");

    let ledger = row(&inv, "payments-ledger");
    let enc = &ledger.encryption.as_ref().unwrap().value;
    assert_eq!(
        (enc.kind, enc.key_arn.as_deref()),
        (EncryptionKind::AwsOwned, None)
    );
    // Nobody loaded its continuous backups: unknown, not "off".
    assert!(ledger.pitr.is_none());
    assert_eq!(
        ledger
            .tags
            .as_ref()
            .unwrap()
            .value
            .get("DataClass")
            .map(String::as_str),
        Some("restricted")
    );

    // The other records of the folder.
    let records = &loader.model().records;
    assert_eq!(records.event_source_mappings.len(), 2);
    let trigger = records
        .event_source_mappings
        .iter()
        .find(|m| m.table.is_some())
        .unwrap();
    assert_eq!(trigger.table.as_deref(), Some("orders"));
    assert_eq!(
        (trigger.batch_size, trigger.state.as_deref()),
        (Some(100), Some("Enabled"))
    );
    assert_eq!(trigger.last_processing_result.as_deref(), Some("OK"));
    assert_eq!(trigger.last_modified_ms, Some(ms("2026-02-10T16:20:00Z")));
    assert_eq!((trigger.account.as_str(), trigger.region.as_str()), (A, R));
    let rule = records
        .config_rules
        .iter()
        .find(|r| r.name == "dynamodb-table-encrypted-kms")
        .unwrap();
    assert_eq!(
        rule.source_identifier.as_deref(),
        Some("DYNAMODB_TABLE_ENCRYPTED_KMS")
    );
    assert!(
        rule.input_parameters["kmsKeyArns"].ends_with("key/1234abcd-12ab-34cd-56ef-1234567890ab")
    );
    assert_eq!(rule.scope.resource_types, ["AWS::DynamoDB::Table"]);
    assert_eq!((rule.account.as_str(), rule.region.as_str()), (A, R));
    let pitr_rule = records
        .config_rules
        .iter()
        .find(|r| r.name == "dynamodb-pitr-enabled")
        .unwrap();
    assert!(pitr_rule.input_parameters.is_empty());
    let evaluation = records
        .config_evaluations
        .iter()
        .find(|e| e.resource_id == "customers")
        .unwrap();
    assert_eq!(evaluation.compliance, ComplianceType::NonCompliant);
    assert_eq!(
        evaluation.annotation.as_deref(),
        Some("Point-in-time recovery is not enabled.")
    );
    assert_eq!(evaluation.recorded_ms, Some(ms("2026-03-04T22:10:07.990Z")));
    assert_eq!(
        (evaluation.account.as_str(), evaluation.region.as_str()),
        (A, R)
    );
    assert_eq!(records.compliance_summaries.len(), 4);
    let by_rule = records
        .compliance_summaries
        .iter()
        .find(|s| s.rule_name.as_deref() == Some("dynamodb-pitr-enabled"))
        .unwrap();
    assert_eq!(
        (by_rule.capped_count, by_rule.cap_exceeded),
        (Some(2), Some(false))
    );
    let key = records
        .kms_keys
        .iter()
        .find(|k| k.key_id.starts_with("1234abcd"))
        .unwrap();
    assert_eq!(
        (key.manager, key.state.as_deref()),
        (Some(KeyManager::Customer), Some("Enabled"))
    );
    assert_eq!(records.kms_aliases.len(), 3);
    assert_eq!(records.collector_runs[0].prefix, "collected/");
    assert_eq!(records.collector_runs[0].accounts, [A]);
}

#[test]
fn config_items_from_every_shape() {
    let mut loader = Loader::default();
    for path in [
        "config/notification-change-sns.json",
        "config/notification-oversized.json",
        "config/select-resource-config.json",
        "config/batch-get-resource-config.json",
        "config/resource-history-v1.json",
    ] {
        let report = loader.ingest(path, &fixture(path));
        assert_eq!(
            report.status,
            FileStatus::Ok,
            "{path}: {:?}",
            report.warnings
        );
    }
    let items = &loader.model().records.config_items;
    let find = |kind: FileKind, id: &str| {
        items
            .iter()
            .find(|i| {
                i.resource_id == id && loader.model().file_kinds[i.source.file as usize] == kind
            })
            .unwrap_or_else(|| panic!("{kind:?} {id}"))
    };

    // The SNS envelope's Message is JSON text holding the item and its diff.
    let change = find(FileKind::ConfigNotification, "sessions");
    assert_eq!(change.change_type.as_deref(), Some("UPDATE"));
    assert_eq!(change.status, ConfigItemStatus::Ok);
    assert_eq!(change.capture_time_ms, Some(ms("2026-03-03T10:20:31.442Z")));
    assert_eq!(
        change.related_events,
        ["9f3e1c2a-7b6d-4e5f-a1b2-c3d4e5f60718"]
    );
    let facts = change.table.as_ref().unwrap();
    assert_eq!(facts.deletion_protection, Some(false));
    assert_eq!(facts.pitr, Some(false));
    assert_eq!(facts.created_ms, Some(1_740_000_000_000));
    assert_eq!(facts.billing_mode.as_deref(), Some("PAY_PER_REQUEST"));

    // batch-get (CLI v1): the same item with epoch seconds and configuration as a string.
    let batch = find(FileKind::ConfigBatchGetResourceConfig, "sessions");
    assert_eq!(batch.capture_time_ms, change.capture_time_ms);
    assert_eq!(batch.table, change.table);
    assert_eq!(batch.tags, change.tags);
    assert_eq!((batch.account.as_str(), batch.region.as_str()), (A, R));
    assert_eq!(batch.resource_creation_ms, Some(1_740_000_000_000));

    // An oversized notification has only a summary: a change, no configuration.
    let oversized = find(FileKind::ConfigNotification, "orders");
    assert_eq!(
        (oversized.change_type.as_deref(), oversized.table.is_none()),
        (Some("UPDATE"), true)
    );

    // select-resource-config: fields as selected; a result without resourceType whose
    // configuration is a table's is a table; the VPC is counted, not kept.
    let selected = find(FileKind::ConfigSelectResourceConfig, "orders");
    let facts = selected.table.as_ref().unwrap();
    assert_eq!(facts.pitr, Some(true));
    assert_eq!(
        facts.stream.as_ref().unwrap().view_type.as_deref(),
        Some("NEW_IMAGE")
    );
    assert_eq!(
        facts.encryption.as_ref().unwrap().kind,
        EncryptionKind::Unknown
    );
    assert_eq!(
        selected.tags.get("Environment").map(String::as_str),
        Some("prod")
    );
    assert_eq!(selected.status, ConfigItemStatus::Missing);
    let untyped = find(FileKind::ConfigSelectResourceConfig, "customers");
    assert_eq!(untyped.resource_type, "AWS::DynamoDB::Table");
    assert!(!items.iter().any(|i| i.resource_id.starts_with("vpc-")));

    // get-resource-config-history (CLI v1) with the table's deletion.
    let deleted = items
        .iter()
        .find(|i| i.resource_id == "scratch-import" && i.status.is_deleted())
        .unwrap();
    assert_eq!(deleted.capture_time_ms, Some(1_772_620_800_125));
    assert!(deleted.table.is_none());
    let inv = inventory(loader.model());
    let scratch = row(&inv, "scratch-import");
    assert!(scratch.is_deleted());
    assert_eq!(
        scratch.status.as_ref().unwrap().observed_at_ms,
        Some(1_772_620_800_125)
    );
    // Fields the deletion item does not speak to keep their last known value, with its time.
    let tags = scratch.tags.as_ref().unwrap();
    assert_eq!(tags.observed_at_ms, Some(1_772_534_400_500));
}

#[test]
fn evaluations_from_the_cli_and_from_notifications_agree() {
    let mut loader = Loader::default();
    for path in [
        "config/compliance-details-v1.json",
        "config/notification-compliance.json",
    ] {
        loader.ingest(path, &fixture(path));
    }
    let e = &loader.model().records.config_evaluations;
    assert_eq!(e.len(), 2);
    let (v1, note) = (&e[0], &e[1]);
    assert_eq!(
        (v1.ordering_ms, v1.recorded_ms, v1.invoked_ms),
        (note.ordering_ms, note.recorded_ms, note.invoked_ms)
    );
    assert_eq!(v1.recorded_ms, Some(ms("2026-03-03T10:21:05.230Z")));
    assert_eq!(
        (v1.rule_name.as_str(), v1.resource_id.as_str()),
        (note.rule_name.as_str(), "sessions")
    );
    assert_eq!(v1.compliance, note.compliance);
    assert_eq!(v1.annotation, note.annotation);
    // The notification says its account and region; the CLI output's path does not here.
    assert_eq!((note.account.as_str(), note.region.as_str()), (A, R));
    assert_eq!(v1.account, "");
}

#[test]
fn v1_and_v2_timestamps_read_the_same() {
    let mut loader = Loader::default();
    loader.ingest(
        "dynamodb/describe-table.json",
        &fixture("dynamodb/describe-table.json"),
    );
    let v1 = loader.model().records.table_observations[0].clone();
    assert_eq!(v1.facts.created_ms, Some(1_709_251_200_123));
    let v2 = br#"{"Table":{"TableName":"orders","TableArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/orders",
        "CreationDateTime":"2024-03-01T00:00:00.123000+00:00"}}"#;
    loader.ingest("v2.json", v2);
    let v2 = &loader.model().records.table_observations[1];
    assert_eq!(v2.facts.created_ms, v1.facts.created_ms);
}

#[test]
fn several_tables_in_one_describe_table_file() {
    let loader = load_all(&[
        (
            "a.json".into(),
            fixture("dynamodb/describe-table-array.json"),
        ),
        ("b.json".into(), fixture("dynamodb/describe-tables.json")),
        (
            "k.json".into(),
            fixture("kms/describe-key-aws-managed.json"),
        ),
    ]);
    let inv = inventory(loader.model());
    let names: Vec<&str> = inv.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "audit-log",
            "feature-flags",
            "idempotency-keys",
            "rate-limits"
        ]
    );
    assert!(inv
        .tables
        .iter()
        .all(|t| t.account == A && t.region == "us-east-1"));
    let audit = row(&inv, "audit-log");
    assert_eq!(
        audit.stream.as_ref().unwrap().value.view_type.as_deref(),
        Some("KEYS_ONLY")
    );
    // No BillingModeSummary: DynamoDB leaves it out for provisioned tables.
    assert_eq!(audit.billing_mode.as_ref().unwrap().value, "PROVISIONED");
    let flags = &row(&inv, "feature-flags")
        .encryption
        .as_ref()
        .unwrap()
        .value;
    assert_eq!(flags.kind, EncryptionKind::AwsManaged);
    assert!(flags.reason.contains("KeyManager AWS"), "{}", flags.reason);
    // An SSEDescription without SSEType is the AWS owned key.
    let idempotency = &row(&inv, "idempotency-keys")
        .encryption
        .as_ref()
        .unwrap()
        .value;
    assert_eq!(idempotency.kind, EncryptionKind::AwsOwned);
}

#[test]
fn unassociated_outputs_say_so_and_path_layouts_associate_them() {
    let backups = fixture(
        "collected/111122223333/eu-west-1/dynamodb/tables/orders/describe-continuous-backups.json",
    );
    let tags = fixture(
        "collected/111122223333/eu-west-1/dynamodb/tables/orders/list-tags-of-resource.json",
    );
    let ttl = fixture(
        "collected/111122223333/eu-west-1/dynamodb/tables/orders/describe-time-to-live.json",
    );
    for (name, bytes, what) in [
        (
            "describe-continuous-backups.json",
            &backups,
            "point-in-time recovery status",
        ),
        ("exports/list-tags-of-resource.json", &tags, "tags"),
        ("ttl.json", &ttl, "time to live"),
    ] {
        let mut loader = Loader::default();
        let report = loader.ingest(name, bytes);
        assert_eq!(report.status, FileStatus::Warning, "{name}");
        assert_eq!(report.records_skipped, 1, "{name}");
        let warning = &report.warnings[0];
        assert!(
            warning.starts_with(&format!(
                "{name}: not associated with any table, so its {what} is left out"
            )),
            "{warning}"
        );
        assert!(warning.contains("tables/<TableName>/"), "{warning}");
        assert!(loader.model().records.table_observations.is_empty());
    }
    // A script's own layout: the operation as the folder, the table as the file name.
    let mut loader = Loader::default();
    let report = loader.ingest(
        "inv/111122223333/eu-west-1/describe-continuous-backups/orders.json",
        &backups,
    );
    assert_eq!(report.status, FileStatus::Ok, "{:?}", report.warnings);
    let obs = &loader.model().records.table_observations[0];
    assert_eq!(
        (obs.account.as_str(), obs.region.as_str(), obs.name.as_str()),
        (A, R, "orders")
    );
    assert_eq!(obs.facts.pitr, Some(true));
    // A resource policy names its table in its statements when the path does not.
    let policy =
        fixture("collected/111122223333/eu-west-1/dynamodb/tables/orders/get-resource-policy.json");
    let mut loader = Loader::default();
    let report = loader.ingest("policy.json", &policy);
    assert_eq!(report.status, FileStatus::Ok, "{:?}", report.warnings);
    let obs = &loader.model().records.table_observations[0];
    assert_eq!(
        (obs.account.as_str(), obs.region.as_str(), obs.name.as_str()),
        (A, R, "orders")
    );
}

#[test]
fn latest_wins_per_field_and_says_who_said_it() {
    let describe = br#"{"Table":{"TableName":"orders","TableArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/orders",
        "TableStatus":"ACTIVE","DeletionProtectionEnabled":true}}"#;
    let item = |capture: &str, protection: bool| {
        format!(
            r#"{{"fileVersion":"1.0","configurationItems":[{{"configurationItemCaptureTime":"{capture}",
            "awsAccountId":"111122223333","configurationItemStatus":"OK","resourceType":"AWS::DynamoDB::Table",
            "resourceId":"orders","resourceName":"orders","awsRegion":"eu-west-1","tags":{{"team":"checkout"}},
            "configuration":{{"tableName":"orders","tableStatus":"ACTIVE","deletionProtectionEnabled":{protection}}}}}]}}"#
        )
    };
    let manifest = br#"{"tool":"ddb-lens collect-exports","version":1,"collected_at":"2026-03-05T12:00:00Z","accounts":[],"regions":[]}"#;

    // No time on describe-table and no manifest: it counts as the latest.
    let loader = load_all(&[
        (
            "out/111122223333/eu-west-1/dynamodb/tables/orders/describe-table.json".into(),
            describe.to_vec(),
        ),
        (
            "config/history-1.json".into(),
            item("2026-03-06T00:00:00Z", false).into_bytes(),
        ),
    ]);
    let inv = inventory(loader.model());
    let orders = row(&inv, "orders");
    let protection = orders.deletion_protection.as_ref().unwrap();
    assert!(protection.value);
    assert_eq!(
        (protection.kind, protection.observed_at_ms),
        (FileKind::DynamoDbDescribeTable, None)
    );
    // Tags only Config gave.
    let tags = orders.tags.as_ref().unwrap();
    assert_eq!(
        (tags.file.as_str(), tags.kind),
        ("config/history-1.json", FileKind::ConfigHistory)
    );

    // With the manifest, describe-table was taken at 12:00 on the 5th; Config's item of the 6th
    // is later and wins.
    let loader = load_all(&[
        ("out/collector.json".into(), manifest.to_vec()),
        (
            "out/111122223333/eu-west-1/dynamodb/tables/orders/describe-table.json".into(),
            describe.to_vec(),
        ),
        (
            "config/history-1.json".into(),
            item("2026-03-06T00:00:00Z", false).into_bytes(),
        ),
        (
            "config/history-0.json".into(),
            item("2026-03-01T00:00:00Z", true).into_bytes(),
        ),
    ]);
    let inv = inventory(loader.model());
    let protection = row(&inv, "orders").deletion_protection.clone().unwrap();
    assert!(!protection.value);
    assert_eq!(protection.file, "config/history-1.json");
    assert_eq!(protection.observed_at_ms, Some(ms("2026-03-06T00:00:00Z")));
    let status = row(&inv, "orders").status.clone().unwrap();
    assert_eq!(status.observed_at_ms, Some(ms("2026-03-06T00:00:00Z")));

    // Equal times: the file whose name sorts later wins, in whichever order they load (the
    // page loads files in the order dropped, the CLI in name order: their reports must agree).
    let a = (
        "config/a.json".to_string(),
        item("2026-03-06T00:00:00Z", true).into_bytes(),
    );
    let b = (
        "config/b.json".to_string(),
        item("2026-03-06T00:00:00Z", false).into_bytes(),
    );
    for files in [[a.clone(), b.clone()], [b, a]] {
        let loader = load_all(&files);
        let protection = row(&inventory(loader.model()), "orders")
            .deletion_protection
            .clone()
            .unwrap();
        assert_eq!(
            (protection.value, protection.file.as_str()),
            (false, "config/b.json")
        );
    }
}

#[test]
fn partial_identities_merge_only_when_unambiguous() {
    let describe = |region: &str| {
        format!(r#"{{"Table":{{"TableName":"orders","TableArn":"arn:aws:dynamodb:{region}:111122223333:table/orders"}}}}"#)
            .into_bytes()
    };
    let names = br#"{"TableNames":["orders","legacy"]}"#.to_vec();
    // One known orders: the list-tables without a path joins it; legacy stays unknown.
    let loader = load_all(&[
        ("a.json".into(), describe("eu-west-1")),
        ("list-tables.json".into(), names.clone()),
    ]);
    let inv = inventory(loader.model());
    assert_eq!(inv.tables.len(), 2);
    let orders = row(&inv, "orders");
    assert_eq!((orders.account.as_str(), orders.region.as_str()), (A, R));
    assert_eq!(orders.sources.len(), 2);
    let legacy = row(&inv, "legacy");
    assert_eq!((legacy.account.as_str(), legacy.region.as_str()), ("", ""));
    assert!(inv.notes.is_empty());

    // Two regions have an orders table: the unplaced name is kept apart and the note says why.
    let loader = load_all(&[
        ("a.json".into(), describe("eu-west-1")),
        ("b.json".into(), describe("us-east-1")),
        ("list-tables.json".into(), names),
    ]);
    let inv = inventory(loader.model());
    assert_eq!(inv.tables.iter().filter(|t| t.name == "orders").count(), 3);
    assert_eq!(inv.notes.len(), 1);
    assert!(
        inv.notes[0].contains("2 tables of that name are known"),
        "{}",
        inv.notes[0]
    );
}

#[test]
fn tables_only_cloudtrail_names_appear_with_unknown_fields() {
    let log = br#"{"Records":[
      {"eventVersion":"1.08","eventTime":"2026-03-01T10:00:00Z","eventSource":"dynamodb.amazonaws.com",
       "eventName":"DeleteItem","awsRegion":"eu-west-1","recipientAccountId":"111122223333",
       "eventID":"11111111-2222-4333-8444-555555555551","requestParameters":{"tableName":"shadow-table"}},
      {"eventVersion":"1.08","eventTime":"2026-03-01T10:00:01Z","eventSource":"dynamodb.amazonaws.com",
       "eventName":"UpdateTable","awsRegion":"eu-west-1","recipientAccountId":"111122223333",
       "eventID":"11111111-2222-4333-8444-555555555552","requestParameters":{"tableName":"orders"}}]}"#;
    let describe = br#"{"Table":{"TableName":"orders","TableArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/orders"}}"#;
    let loader = load_all(&[
        ("AWSLogs/trail.json".into(), log.to_vec()),
        ("d.json".into(), describe.to_vec()),
    ]);
    let inv = inventory(loader.model());
    assert_eq!(inv.tables.len(), 2);
    let shadow = row(&inv, "shadow-table");
    assert!(shadow.cloudtrail_only());
    assert_eq!(shadow.cloudtrail_events, 1);
    assert!(shadow.status.is_none() && shadow.encryption.is_none() && shadow.arn.is_none());
    assert_eq!(shadow.sources[0].kind, FileKind::CloudTrailLog);
    let orders = row(&inv, "orders");
    assert_eq!(orders.cloudtrail_events, 1);
    assert!(!orders.cloudtrail_only());
}

#[test]
fn encryption_unknown_says_what_would_tell() {
    let describe = br#"{"Table":{"TableName":"orders","TableArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/orders",
        "SSEDescription":{"Status":"ENABLED","SSEType":"KMS","KMSMasterKeyArn":"arn:aws:kms:eu-west-1:111122223333:key/feedface-0000-4000-8000-000000000001"}}}"#;
    let loader = load_all(&[("d.json".into(), describe.to_vec())]);
    let enc = row(&inventory(loader.model()), "orders")
        .encryption
        .clone()
        .unwrap()
        .value;
    assert_eq!(enc.kind, EncryptionKind::Unknown);
    assert!(
        enc.reason.contains("`kms describe-key`") && enc.reason.contains("111122223333/eu-west-1"),
        "{}",
        enc.reason
    );
    // A truncated alias list proves nothing either.
    let aliases = br#"{"Aliases":[{"AliasName":"alias/aws/dynamodb","AliasArn":"arn:aws:kms:eu-west-1:111122223333:alias/aws/dynamodb","TargetKeyId":"0987dcba-09fe-87dc-65ba-ab0987654321"}],"Truncated":true,"NextMarker":"x"}"#;
    let loader = load_all(&[
        ("d.json".into(), describe.to_vec()),
        ("a.json".into(), aliases.to_vec()),
    ]);
    let enc = row(&inventory(loader.model()), "orders")
        .encryption
        .clone()
        .unwrap()
        .value;
    assert_eq!(enc.kind, EncryptionKind::Unknown);
}

#[test]
fn malformed_records_of_each_kind_are_skipped_and_named() {
    let cases: [(&str, &[u8], &str); 9] = [
        ("describe-table.json", br#"{"Tables":[{"Table":{"TableName":7}},{"Table":{"TableName":"ok-table"}}]}"#, "record 1 skipped: no TableName or TableArn"),
        ("list-tables.json", br#"{"TableNames":["fine",{"x":1}]}"#, "record 2 skipped: a table name must be text, not an object"),
        ("history.json", br#"{"fileVersion":"1.0","configurationItems":[{"configurationItemStatus":"OK","resourceId":"t"},"oops"]}"#, "record 1 skipped: no resourceType"),
        ("details.json", br#"{"EvaluationResults":[{"ComplianceType":"COMPLIANT"}]}"#, "record 1 skipped: the evaluation does not name its rule"),
        ("rules.json", br#"{"ConfigRules":[{"Source":{"Owner":"AWS"}}]}"#, "record 1 skipped: no ConfigRuleName"),
        ("targets.json", br#"{"ScalableTargets":[{"ServiceNamespace":"dynamodb","ResourceId":"table/x"}]}"#, "record 1 skipped: no ResourceId and ScalableDimension"),
        ("key.json", br#"{"KeyMetadata":"nope"}"#, "record 1 skipped: KeyMetadata is not an object"),
        ("esm.json", br#"{"EventSourceMappings":[{"State":"Enabled"}]}"#, "record 1 skipped: no UUID and FunctionArn"),
        ("pitr.json", br#"{"ContinuousBackupsDescription":{}}"#, "record 1 skipped: no PointInTimeRecoveryDescription"),
    ];
    for (name, bytes, warning) in cases {
        let mut loader = Loader::default();
        let report = loader.ingest(name, bytes);
        assert_eq!(report.status, FileStatus::Warning, "{name}: {report:?}");
        assert!(
            report.warnings.iter().any(|w| w.starts_with(warning)),
            "{name}: {:?}",
            report.warnings
        );
    }
    // A truncated file of a new kind fails as that kind and adds nothing.
    let mut loader = Loader::default();
    let report = loader.ingest("rules.json", br#"{"ConfigRules":[{"ConfigRuleName":"a"}"#);
    assert_eq!(report.status, FileStatus::Error);
    assert!(
        report.message.as_deref().unwrap().contains("truncated"),
        "{report:?}"
    );
    assert!(loader.model().records.is_empty());
}

#[test]
fn parsed_files_with_records_round_trip_the_wire() {
    for path in [
        "collected/111122223333/eu-west-1/dynamodb/tables/orders/describe-table.json",
        "collected/111122223333/eu-west-1/config/resource-history/orders.json",
        "config/notification-compliance.json",
        "collected/111122223333/eu-west-1/lambda/list-event-source-mappings.json",
    ] {
        let parsed = parse_file(path, &fixture(path), &Limits::default());
        let content = parsed.content.as_ref().unwrap();
        assert!(!content.records.is_empty(), "{path}");
        let decoded = ParsedFile::from_bytes(&parsed.to_bytes()).unwrap();
        assert_eq!(decoded, parsed, "{path}");
        let (mut direct, mut via_wire) = (Loader::default(), Loader::default());
        direct.ingest("first.json", b"{\"TableNames\":[\"x\"]}");
        via_wire.ingest("first.json", b"{\"TableNames\":[\"x\"]}");
        assert_eq!(
            direct.ingest(path, &fixture(path)),
            via_wire.commit(decoded)
        );
        assert_eq!(direct.model().records, via_wire.model().records);
        // Records point at their file in the model.
        assert!(
            via_wire
                .model()
                .records
                .table_observations
                .iter()
                .skip(1)
                .all(|o| o.source.file == 1)
                && via_wire
                    .model()
                    .records
                    .config_evaluations
                    .iter()
                    .all(|e| e.source.file == 1)
        );
    }
}

#[test]
fn the_inventory_is_the_same_whatever_parsed_it() {
    let files = folder("collected");
    let first = inventory(load_all(&files).model());
    let parsed: Vec<ParsedFile> = std::thread::scope(|s| {
        let handles: Vec<_> = files
            .iter()
            .map(|(name, bytes)| s.spawn(move || parse_file(name, bytes, &Limits::default())))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut loader = Loader::default();
    for p in parsed {
        loader.commit(ParsedFile::from_bytes(&p.to_bytes()).unwrap());
    }
    let second = inventory(loader.model());
    assert_eq!(first, second);
    assert_eq!(
        serde_json::to_string(&first).unwrap(),
        serde_json::to_string(&second).unwrap()
    );
}

#[test]
fn the_built_in_sample_loads_cleanly_into_an_inventory() {
    let files = ddb_lens_gen::sample_files();
    let loader = load_all(&files);
    let bad: Vec<_> = loader
        .reports()
        .iter()
        .filter(|r| r.status != FileStatus::Ok)
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
    let inv = inventory(loader.model());
    assert!(inv.notes.is_empty(), "{:?}", inv.notes);
    assert!(inv.tables.len() >= 40, "{}", inv.tables.len());
    // The tag page's inputs come from the same records.
    let tagged = ddb_lens_core::analysis::inventory::tagged_tables(&inv);
    assert!(!tagged.is_empty() && tagged.len() <= inv.tables.len());
    let snapshots = ddb_lens_core::analysis::inventory::tag_snapshots(loader.model());
    assert!(snapshots.len() >= tagged.len() / 2, "{}", snapshots.len());
    // Every table the sample's inventory folder describes has its facts, from describe-table
    // or Config, and every table is placed in an account and region.
    assert!(inv
        .tables
        .iter()
        .all(|t| !t.account.is_empty() && !t.region.is_empty()));
    let described: Vec<&TableRow> = inv
        .tables
        .iter()
        .filter(|t| {
            t.sources
                .iter()
                .any(|s| s.kind == FileKind::DynamoDbDescribeTable)
        })
        .collect();
    assert!(!described.is_empty());
    for t in described {
        assert!(
            t.status.is_some() && t.encryption.is_some() && t.pitr.is_some(),
            "{}",
            t.name
        );
    }
}

/// The collector's errors log is read, not refused: each failed call is a record saying what
/// could not be collected, and a table without a resource policy is named as such.
#[test]
fn collector_errors_log_is_read_line_by_line() {
    let log = "# ddb-lens collect-exports errors log, version 1: time, account, region, call, target, error (tab-separated)\n\
2026-03-05T10:00:00Z\t111122223333\teu-west-1\tdynamodb get-resource-policy\torders\tAn error occurred (PolicyNotFoundException) when calling the GetResourcePolicy operation: Resource policy not found.\n\
2026-03-05T10:00:01Z\t111122223333\teu-west-1\tbackup list-protected-resources\t-\tAn error occurred (AccessDeniedException): <b>denied</b>\n\
a line without tabs\n";
    let mut loader = ddb_lens_core::Loader::new(ddb_lens_core::Limits::default());
    let report = loader.ingest("export/collector-errors.log", log.as_bytes());
    assert_eq!(report.kind, ddb_lens_core::FileKind::CollectorErrorsLog);
    assert_eq!(report.records, 3);
    assert_eq!(report.records_skipped, 1);
    assert_eq!(
        report.warnings,
        ["line 4: 1 tab-separated fields, expected 6"]
    );
    assert_eq!(
        report.summary,
        "ddb-lens collector errors log: 3 failed calls (1 of them: table has no resource policy, 1 skipped)"
    );
    let errors = &loader.model().records.collector_errors;
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[1].call, "backup list-protected-resources");
    assert_eq!(errors[1].region, "eu-west-1");
    assert_eq!(
        errors[1].message,
        "An error occurred (AccessDeniedException): <b>denied</b>"
    );
    assert_eq!(errors[1].source.file, 0);
}

/// The foundation's bad-input standard, kind by kind: every fixture of every non-CloudTrail
/// export kind, cut short, fails on its own with a message naming what is wrong, adds nothing,
/// and leaves the file loaded beside it untouched.
#[test]
fn a_truncated_file_of_every_export_kind_fails_alone_and_says_why() {
    let good: (&str, &[u8]) = ("good/list-tables.json", br#"{"TableNames":["kept"]}"#);
    let mut baseline = Loader::default();
    baseline.ingest(good.0, good.1);
    let mut kinds_seen = std::collections::BTreeSet::new();
    for dir in ["config", "dynamodb", "kms", "collected", "posture/estate"] {
        for (name, bytes) in folder(dir) {
            let kind = Loader::default().ingest(&name, &bytes).kind;
            let cloudtrail = matches!(
                kind,
                FileKind::CloudTrailLog
                    | FileKind::CloudTrailEventArray
                    | FileKind::CloudTrailEvent
                    | FileKind::CloudTrailLookupEvents
                    | FileKind::CloudTrailDigest
            );
            if cloudtrail || kind == FileKind::Unrecognised {
                continue;
            }
            kinds_seen.insert(format!("{kind:?}"));
            let cut = &bytes[..bytes.len() * 2 / 3];
            let mut loader = Loader::default();
            let bad = loader.ingest(&name, cut);
            let kept = loader.ingest(good.0, good.1);
            assert_eq!(bad.name, name);
            assert_eq!(bad.status, FileStatus::Error, "{name} ({kind:?}): {bad:?}");
            let message = bad.message.clone().unwrap_or_default();
            assert!(
                message.contains("truncated") || message.contains("JSON"),
                "{name} ({kind:?}): {message}"
            );
            assert_eq!(kept.status, FileStatus::Ok, "{name}: {kept:?}");
            assert_eq!(
                loader.model().records,
                baseline.model().records,
                "{name} ({kind:?}) added records although it failed"
            );
        }
    }
    // Every kind the collector writes or AWS delivers has a fixture here.
    let expected = [
        "AutoScalingScalableTargets",
        "BackupProtectedResources",
        "CollectorManifest",
        "ConfigBatchGetResourceConfig",
        "ConfigComplianceByResource",
        "ConfigComplianceByRule",
        "ConfigComplianceDetails",
        "ConfigHistory",
        "ConfigNotification",
        "ConfigResourceHistory",
        "ConfigRules",
        "ConfigSelectResourceConfig",
        "ConfigSnapshot",
        "DynamoDbContinuousBackups",
        "DynamoDbDescribeTable",
        "DynamoDbKinesisDestinations",
        "DynamoDbListTables",
        "DynamoDbResourcePolicy",
        "DynamoDbTags",
        "DynamoDbTimeToLive",
        "KmsDescribeKey",
        "KmsListAliases",
        "KmsListGrants",
        "LambdaEventSourceMappings",
        "TaggingGetResources",
    ];
    let missing: Vec<_> = expected
        .iter()
        .filter(|k| !kinds_seen.contains(**k))
        .collect();
    assert!(missing.is_empty(), "no fixture of {missing:?}");
}
