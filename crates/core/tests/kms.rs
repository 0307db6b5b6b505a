//! KMS key usage against our fixture (tests/fixtures/kms/usage.json, written from the KMS
//! events the DynamoDB developer guide shows): attribution per table, correlated source IPs,
//! lifecycle matching, key kinds; then on the generated sample.

use std::path::Path;

use ddb_lens_core::analysis::kms::{
    kms_usage, KeyKind, KeyManager, KeyMatch, KmsCaller, KmsUsage, TableKms, CORRELATION_BOUND_MS,
    DECRYPT_CACHE_NOTE,
};
use ddb_lens_core::{Limits, Loader};

const K1: &str = "arn:aws:kms:eu-west-1:111122223333:key/1111aaaa-1111-4111-8111-111111111111";
const K2: &str = "arn:aws:kms:eu-west-1:111122223333:key/2222bbbb-2222-4222-8222-222222222222";
const K5: &str = "arn:aws:kms:eu-west-1:111122223333:key/5555eeee-5555-4555-8555-555555555555";
const APP: &str = "arn:aws:sts::111122223333:assumed-role/App/i-0abc";
const ALICE: &str = "arn:aws:sts::111122223333:assumed-role/Admin/alice";

fn load(path: &str) -> Loader {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    let bytes = std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()));
    let mut loader = Loader::new(Limits::default());
    let report = loader.ingest(path, &bytes);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(report.events_added, report.records);
    loader
}

fn usage() -> KmsUsage {
    kms_usage(load("kms/usage.json").model(), &[])
}

fn table<'u>(usage: &'u KmsUsage, name: &str) -> &'u TableKms {
    usage
        .tables
        .iter()
        .find(|t| t.table == name)
        .unwrap_or_else(|| panic!("no table {name}"))
}

/// 2026-03-02T00:00:00Z, and one hour.
const MARCH_2: i64 = 1_772_409_600_000;
const HOUR: i64 = 3_600_000;
const MINUTE: i64 = 60_000;

#[test]
fn create_grant_constraints_name_the_table() {
    // Ingest reads the table from a grant's constraints, as DynamoDB's CreateGrant carries it.
    let loader = load("kms/usage.json");
    let model = loader.model();
    let grant = model
        .events_unsorted
        .iter()
        .find(|e| model.str(e.event_name) == "CreateGrant")
        .unwrap();
    assert_eq!(model.tables(grant).collect::<Vec<_>>(), ["orders"]);
    assert_eq!(model.str(grant.key), K1);
    let re = model
        .events_unsorted
        .iter()
        .find(|e| model.str(e.event_name) == "ReEncrypt")
        .unwrap();
    assert_eq!(model.tables(re).collect::<Vec<_>>(), ["orders"]);
}

#[test]
fn attribution_per_table() {
    let usage = usage();
    let names: Vec<&str> = usage.tables.iter().map(|t| t.table.as_str()).collect();
    assert_eq!(names, ["carts", "legacy", "orders", "sessions", "users"]);
    assert_eq!(usage.events, 12);
    assert_eq!(usage.note, DECRYPT_CACHE_NOTE);
    assert!(usage.note.contains("five minutes"));
    assert_eq!(usage.correlation_bound_ms, CORRELATION_BOUND_MS);

    let orders = table(&usage, "orders");
    assert_eq!(orders.events, 9);
    assert_eq!(orders.keys.len(), 1);
    assert_eq!(orders.keys[0].key, K1);
    assert_eq!(orders.keys[0].events, 9);
    let ops: Vec<(&str, u64)> = orders
        .operations
        .iter()
        .map(|o| (o.operation.as_str(), o.events))
        .collect();
    assert_eq!(
        ops,
        [
            ("GenerateDataKey", 1),
            ("Decrypt", 6),
            ("ReEncrypt", 1),
            ("CreateGrant", 1)
        ]
    );
    // The series sits on the shared grid and adds up.
    let decrypt = &orders.operations[1];
    assert_eq!(decrypt.buckets.iter().map(|b| b.count).sum::<u64>(), 6);
    for bucket in &decrypt.buckets {
        assert_eq!(
            (bucket.start_ms - usage.buckets_start_ms) % (usage.bucket_secs * 1000),
            0
        );
    }
    assert!(decrypt
        .buckets
        .windows(2)
        .all(|w| w[0].start_ms < w[1].start_ms));
    assert_eq!(decrypt.first_ms, MARCH_2 + 10 * HOUR + MINUTE);
    assert_eq!(decrypt.last_ms, MARCH_2 + 15 * HOUR);

    let users = table(&usage, "users");
    assert_eq!(users.keys[0].key, K2);
    assert_eq!(users.events, 2);
    assert_eq!(table(&usage, "sessions").events, 0);
    assert_eq!(table(&usage, "legacy").events, 0);
}

fn caller<'t>(t: &'t TableKms, principal: &str, source_ip: &str) -> &'t KmsCaller {
    t.callers
        .iter()
        .find(|c| c.principal == principal && c.source_ip == source_ip)
        .unwrap_or_else(|| panic!("no caller {principal} from {source_ip} in {:#?}", t.callers))
}

#[test]
fn correlated_source_ips() {
    let usage = usage();
    let orders = table(&usage, "orders");

    // 10:01:00 is 60 s after the GetItem from .5 and 120 s before the PutItem from .6; at
    // 10:01:30 both are 90 s away and the earlier wins.
    let five = caller(orders, APP, "10.0.0.5");
    assert!(five.correlated);
    assert_eq!(five.events, 2);
    assert_eq!(five.recorded_source, "dynamodb.amazonaws.com");
    assert_eq!(five.invoked_by, "dynamodb.amazonaws.com");
    assert_eq!(five.identity_type, "AssumedRole");
    assert_eq!(five.time_difference_ms_min, Some(60_000));
    assert_eq!(five.time_difference_ms_max, Some(90_000));
    assert!(!orders.callers.iter().any(|c| c.source_ip == "10.0.0.6"));

    // Two requests at the same second: the first loaded.
    let seven = caller(orders, APP, "10.0.0.7");
    assert_eq!(
        (seven.events, seven.time_difference_ms_min),
        (1, Some(1000))
    );
    assert!(!orders.callers.iter().any(|c| c.source_ip == "10.0.0.8"));

    // Exactly at the bound is in; one second past it is out.
    let fifteen = caller(orders, APP, "10.0.0.15");
    assert_eq!(fifteen.time_difference_ms_max, Some(CORRELATION_BOUND_MS));
    assert!(!orders.callers.iter().any(|c| c.source_ip == "10.0.0.14"));

    // 12:00 and 14:00 have no request by the App on orders within the bound (a request on
    // users by the App and one on orders by bob are at 12:00): the recorded source stays.
    let alone = caller(orders, APP, "dynamodb.amazonaws.com");
    assert!(!alone.correlated);
    assert_eq!(alone.events, 2);
    assert_eq!(alone.time_difference_ms_min, None);
    assert!(!orders.callers.iter().any(|c| c.source_ip == "203.0.113.50"));
    assert!(!orders.callers.iter().any(|c| c.source_ip == "10.9.9.9"));

    // The CreateGrant made on alice's behalf, to her CreateTable a second before.
    let grant = caller(orders, ALICE, "198.51.100.7");
    assert_eq!(grant.operations[0].name, "CreateGrant");
    // DynamoDB's own calls have no caller to correlate.
    let service = caller(orders, "dynamodb.amazonaws.com", "dynamodb.amazonaws.com");
    assert_eq!(service.identity_type, "AWSService");
    assert!(!service.correlated);
    assert_eq!(service.events, 2);

    assert_eq!(orders.correlated_events, 5);
    assert_eq!(caller(table(&usage, "users"), APP, "10.9.9.9").events, 1);
    // Most events first.
    assert!(orders
        .callers
        .windows(2)
        .all(|w| w[0].events >= w[1].events));
}

#[test]
fn lifecycle_matching() {
    let usage = usage();
    // DynamoDB's own grant upkeep is summarised per key, not listed; the grant mallory made
    // to another account is listed.
    let rows: Vec<(&str, &str, KeyMatch)> = usage
        .lifecycle
        .iter()
        .flat_map(|l| {
            l.keys
                .iter()
                .map(move |k| (l.event_name.as_str(), k.key.as_str(), k.matched_by))
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("CreateAlias", K1, KeyMatch::Arn),
            ("DisableKey", K1, KeyMatch::Arn),
            ("ScheduleKeyDeletion", K1, KeyMatch::KeyId),
            ("UpdateAlias", K1, KeyMatch::Alias),
            ("RevokeGrant", K1, KeyMatch::Arn),
            ("EnableKeyRotation", K2, KeyMatch::Arn),
            ("CreateGrant", K1, KeyMatch::Arn),
        ]
    );
    let by_name = |name: &str| {
        usage
            .lifecycle
            .iter()
            .find(|l| l.event_name == name)
            .unwrap()
    };

    let schedule = by_name("ScheduleKeyDeletion");
    assert!(
        schedule.keys[0].note.starts_with("matched by key ID only"),
        "{}",
        schedule.keys[0].note
    );
    assert_eq!(
        schedule.key_as_written,
        "1111aaaa-1111-4111-8111-111111111111"
    );
    assert_eq!(schedule.tables, ["orders"]);
    assert_eq!(schedule.principal, "arn:aws:iam::111122223333:user/mallory");
    assert_eq!(schedule.source_ip, "203.0.113.66");
    let field = |l: &ddb_lens_core::analysis::kms::LifecycleEvent, name: &str| {
        l.fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value.clone())
    };
    assert_eq!(field(schedule, "pendingWindowInDays").as_deref(), Some("7"));
    assert_eq!(
        field(schedule, "keyState").as_deref(),
        Some("PendingDeletion")
    );

    let alias = by_name("UpdateAlias");
    assert!(alias.keys[0].note.contains("alias/orders-key"));
    assert_eq!(
        field(alias, "targetKeyId").as_deref(),
        Some("3333cccc-3333-4333-8333-333333333333")
    );

    let grant = by_name("CreateGrant");
    assert!(!grant.by_dynamodb);
    assert_eq!(
        field(grant, "operations").as_deref(),
        Some("Decrypt, DescribeKey")
    );
    assert_eq!(
        field(grant, "granteePrincipal").as_deref(),
        Some("arn:aws:iam::999988887777:root")
    );
    assert_eq!(grant.tables, ["orders"]);
    let revoke = by_name("RevokeGrant");
    assert!(!revoke.by_dynamodb);
    assert_eq!(revoke.tables, ["orders"]);
    assert!(field(revoke, "grantId").is_some());
    // Revoking DynamoDB's grant for orders, tied by the grant ID of its CreateGrant.
    assert_eq!(revoke.tables, ["orders"]);

    let failed = by_name("EnableKeyRotation");
    assert_eq!(failed.error_code, "AccessDeniedException");
    assert_eq!(failed.tables, ["users"]);
    assert!(field(failed, "errorMessage").is_some());
    assert_eq!(field(failed, "rotationPeriodInDays").as_deref(), Some("90"));
    // A key that protects no table is not listed.
    assert!(!usage
        .lifecycle
        .iter()
        .any(|l| l.key_as_written.contains("9999ffff")));
    assert!(usage
        .lifecycle
        .windows(2)
        .all(|w| w[0].time_ms <= w[1].time_ms));
}

#[test]
fn protecting_keys_and_kinds() {
    let usage = usage();
    let keys: Vec<&str> = usage.keys.iter().map(|k| k.key.as_str()).collect();
    assert_eq!(keys, [K1, K2, K5]);
    let k1 = &usage.keys[0];
    assert_eq!(k1.key_id, "1111aaaa-1111-4111-8111-111111111111");
    assert_eq!(k1.aliases, ["alias/orders-key"]);
    assert_eq!(k1.tables, ["orders"]);
    assert_eq!(k1.kind, KeyKind::CustomerManaged);
    assert!(
        k1.kind_evidence.starts_with("DisableKey by"),
        "{}",
        k1.kind_evidence
    );
    assert_eq!(k1.lifecycle_events, 6);
    let upkeep: Vec<(&str, &str, u64)> = k1
        .dynamodb_grant_upkeep
        .iter()
        .map(|r| (r.operation.as_str(), r.principal.as_str(), r.events))
        .collect();
    assert_eq!(upkeep, [("CreateGrant", ALICE, 1)]);
    assert_eq!(k1.unattributed.len(), 1);
    assert_eq!(
        (k1.unattributed[0].name.as_str(), k1.unattributed[0].count),
        ("DescribeKey", 1)
    );
    let k2 = &usage.keys[1];
    assert_eq!(k2.kind, KeyKind::AwsManaged);
    assert!(
        k2.kind_evidence.contains("no key named"),
        "{}",
        k2.kind_evidence
    );
    assert_eq!(k2.tables, ["users"]);

    assert_eq!(table(&usage, "orders").kind, KeyKind::CustomerManaged);
    assert!(table(&usage, "orders").kind_evidence.contains(K1));
    assert_eq!(table(&usage, "users").kind, KeyKind::AwsManaged);
    // Known from DynamoDB's DescribeKey of alias/aws/dynamodb, which resolved to the key.
    let carts = table(&usage, "carts");
    assert_eq!(carts.kind, KeyKind::AwsManaged);
    assert!(
        carts.kind_evidence.contains("alias/aws/dynamodb"),
        "{}",
        carts.kind_evidence
    );
    assert_eq!(usage.keys[2].aliases, ["alias/aws/dynamodb"]);
    let sessions = table(&usage, "sessions");
    assert_eq!(sessions.kind, KeyKind::AwsOwned);
    assert!(
        sessions.kind_evidence.contains("CreateTable"),
        "{}",
        sessions.kind_evidence
    );
    let legacy = table(&usage, "legacy");
    assert_eq!(legacy.kind, KeyKind::AwsOwned);
    assert!(
        legacy.kind_evidence.contains("no KMS call"),
        "{}",
        legacy.kind_evidence
    );
    assert_eq!(KeyKind::Unknown.label(), "unknown from the loaded logs");
}

#[test]
fn inventory_facts_come_first() {
    let loader = load("kms/usage.json");
    let usage = kms_usage(
        loader.model(),
        &[(
            // By ID: the fact's ARN is matched on the key ID too.
            "arn:aws:kms:eu-west-1:111122223333:key/1111aaaa-1111-4111-8111-111111111111"
                .to_string(),
            KeyManager::Aws,
        )],
    );
    assert_eq!(usage.keys[0].kind, KeyKind::AwsManaged);
    assert!(usage.keys[0].kind_evidence.starts_with("inventory"));
    assert_eq!(table(&usage, "orders").kind, KeyKind::AwsManaged);
}

#[test]
fn logs_without_kms_calls_say_unknown() {
    let full =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/visibility/trail-basic.json");
    let mut loader = Loader::new(Limits::default());
    loader.ingest("trail-basic.json", &std::fs::read(full).unwrap());
    loader.ingest(
        "one.json",
        br#"{"Records":[{"eventVersion":"1.09","eventTime":"2026-03-02T09:00:00Z",
            "eventSource":"dynamodb.amazonaws.com","eventName":"DescribeTable","awsRegion":"eu-west-1",
            "userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/bob"},
            "eventID":"99999999-0000-4000-8000-000000000001","recipientAccountId":"111122223333",
            "requestParameters":{"tableName":"quiet"}}]}"#,
    );
    let usage = kms_usage(loader.model(), &[]);
    assert_eq!(usage.tables.len(), 1);
    assert_eq!(usage.tables[0].kind, KeyKind::Unknown);
    assert!(usage.tables[0]
        .kind_evidence
        .starts_with("unknown from the loaded logs"));
    assert!(usage.keys.is_empty() && usage.lifecycle.is_empty());
}

#[test]
fn deterministic_and_serialises() {
    let loader = load("kms/usage.json");
    let a = kms_usage(loader.model(), &[]);
    assert_eq!(a, kms_usage(loader.model(), &[]));
    let json = serde_json::to_string(&a).unwrap();
    assert_eq!(serde_json::from_str::<KmsUsage>(&json).unwrap(), a);
    let empty = kms_usage(Loader::new(Limits::default()).model(), &[]);
    assert_eq!((empty.events, empty.bucket_count), (0, 0));
}

#[test]
fn generated_sample() {
    let mut loader = Loader::new(Limits::default());
    for (name, bytes) in ddb_lens_gen::sample_files() {
        loader.ingest(&name, &bytes);
    }
    let usage = kms_usage(loader.model(), &[]);
    let with_kms: Vec<&TableKms> = usage.tables.iter().filter(|t| t.events > 0).collect();
    assert!(
        with_kms.len() >= 3,
        "{} tables with KMS usage",
        with_kms.len()
    );
    assert!(usage.events > 50, "{} KMS events", usage.events);
    for t in &with_kms {
        assert!(!t.keys.is_empty(), "{}", t.table);
        assert_ne!(t.kind, KeyKind::AwsOwned, "{}", t.table);
        assert_ne!(t.kind, KeyKind::Unknown, "{}", t.table);
        assert_eq!(t.operations.iter().map(|o| o.events).sum::<u64>(), t.events);
        assert_eq!(t.callers.iter().map(|c| c.events).sum::<u64>(), t.events);
        for op in &t.operations {
            assert_eq!(op.buckets.iter().map(|b| b.count).sum::<u64>(), op.events);
            assert!(op
                .buckets
                .iter()
                .all(|b| b.start_ms >= usage.buckets_start_ms));
        }
    }
    // DynamoDB's calls on behalf of apps get a correlated IP when the app's requests are there.
    let correlated: u64 = usage.tables.iter().map(|t| t.correlated_events).sum();
    assert!(correlated > 0, "no correlated KMS call");
    for c in usage
        .tables
        .iter()
        .flat_map(|t| &t.callers)
        .filter(|c| c.correlated)
    {
        assert_ne!(c.source_ip, "dynamodb.amazonaws.com");
        assert!(c.time_difference_ms_max.unwrap() <= CORRELATION_BOUND_MS);
    }
    // Tables with no KMS call, while other tables' calls are logged: AWS owned.
    assert!(usage
        .tables
        .iter()
        .any(|t| t.events == 0 && t.kind == KeyKind::AwsOwned));
    assert!(!usage.keys.is_empty());
    // The generator disables or schedules deletion of customer managed keys now and then.
    println!(
        "sample: {} tables, {} with KMS usage, {} keys, {} lifecycle events, {} correlated",
        usage.tables.len(),
        with_kms.len(),
        usage.keys.len(),
        usage.lifecycle.len(),
        correlated
    );
}
