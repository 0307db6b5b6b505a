//! Compliance: each check's PASS, FAIL, INSUFFICIENT_DATA and NOT_APPLICABLE cases, AWS
//! Config's evaluations beside ddb-lens's with their disagreements, the matrix and the
//! percentages, over the posture estate, hand-made table states and the sample.

mod posture_support;

use std::collections::BTreeMap;

use ddb_lens_core::analysis::compliance::{compliance, Agreement, Compliance, TableRow};
use ddb_lens_core::analysis::streams::{Consumer, StreamStatus, TableStreams, Trigger};
use ddb_lens_core::analysis::table_state::{Deletion, Evidence, Fact, TableRef, TableState};
use ddb_lens_core::analysis::tags::{RequiredKey, TagPolicy};
use ddb_lens_core::charts::compliance::compliance_svg;
use ddb_lens_core::compliance::registry::{find, CHECKS};
use ddb_lens_core::compliance::{CheckInput, Params, Status, Verdict};
use ddb_lens_core::model::inventory::{
    BackupProtection, ComplianceType, Encryption, EncryptionKind, ScalingTarget, StreamSetting,
};
use ddb_lens_core::{Limits, Loader};

// ---- Over the estate ------------------------------------------------------------------

fn estate(params: &Params) -> Compliance {
    compliance(posture_support::estate().model(), params)
}

fn row<'c>(c: &'c Compliance, name: &str) -> &'c TableRow {
    c.rows.iter().find(|r| r.table.name == name).unwrap()
}

fn status(c: &Compliance, table: &str, check: &str) -> Status {
    cell(c, table, check).verdict.status
}

fn cell<'c>(
    c: &'c Compliance,
    table: &str,
    check: &str,
) -> &'c ddb_lens_core::analysis::compliance::Cell {
    row(c, table)
        .cells
        .iter()
        .find(|cell| cell.check_id == check)
        .unwrap()
}

#[test]
fn every_table_gets_a_verdict_for_every_check() {
    let c = estate(&Params::default());
    assert_eq!(c.checks.len(), CHECKS.len());
    assert_eq!(c.rows.len(), 7);
    for row in &c.rows {
        let ids: Vec<&str> = row.cells.iter().map(|c| c.check_id.as_str()).collect();
        let expected: Vec<&str> = c.checks.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, expected);
        for cell in &row.cells {
            let v = &cell.verdict;
            assert!(v.reason.ends_with('.'), "{}: {}", cell.check_id, v.reason);
            match v.status {
                Status::Pass | Status::Fail => assert!(!v.evidence.is_empty(), "{v:?}"),
                Status::InsufficientData => assert!(v.needs.is_some(), "{v:?}"),
                Status::NotApplicable => {}
            }
        }
    }
    use Status::*;
    let expect = [
        // (check, archive, audit, ledger, legacy, scratch, sessions, catalog)
        (
            "dynamodb-pitr-enabled",
            [
                Pass,
                InsufficientData,
                Pass,
                NotApplicable,
                NotApplicable,
                Fail,
                InsufficientData,
            ],
        ),
        (
            "dynamodb-table-deletion-protection-enabled",
            [Pass, Pass, Pass, NotApplicable, NotApplicable, Fail, Fail],
        ),
        (
            "dynamodb-table-encryption-enabled",
            [Fail, Pass, Pass, NotApplicable, NotApplicable, Pass, Pass],
        ),
        (
            "dynamodb-table-encrypted-kms",
            [Fail, Fail, Pass, NotApplicable, NotApplicable, Fail, Fail],
        ),
        (
            "dynamodb-autoscaling-enabled",
            [
                Pass,
                Fail,
                Pass,
                NotApplicable,
                NotApplicable,
                Pass,
                InsufficientData,
            ],
        ),
        (
            "dynamodb-in-backup-plan",
            [
                Fail,
                Pass,
                Pass,
                NotApplicable,
                NotApplicable,
                Fail,
                InsufficientData,
            ],
        ),
        (
            "dynamodb-resources-protected-by-backup-plan",
            [
                Fail,
                Pass,
                Pass,
                NotApplicable,
                NotApplicable,
                Fail,
                InsufficientData,
            ],
        ),
        (
            "required-tags",
            [
                Pass,
                Pass,
                Pass,
                NotApplicable,
                NotApplicable,
                Fail,
                InsufficientData,
            ],
        ),
        ("ddb-lens-stream-consumer", [NotApplicable; 7]),
    ];
    let tables = [
        "archive", "audit", "ledger", "legacy", "scratch", "sessions", "catalog",
    ];
    for (check, statuses) in expect {
        for (table, want) in tables.iter().zip(statuses) {
            assert_eq!(status(&c, table, check), want, "{table} {check}");
        }
    }
}

#[test]
fn reasons_name_what_was_seen_or_what_is_missing() {
    let c = estate(&Params::default());
    let v = &cell(&c, "archive", "dynamodb-table-encryption-enabled").verdict;
    assert!(v.reason.contains("status INACCESSIBLE"), "{}", v.reason);
    let v = &cell(&c, "audit", "dynamodb-pitr-enabled").verdict;
    assert_eq!(
        v.needs.as_deref(),
        Some("DynamoDB describe-continuous-backups (or an AWS Config item of the table)")
    );
    let v = &cell(&c, "catalog", "dynamodb-autoscaling-enabled").verdict;
    assert_eq!(
        v.needs.as_deref(),
        Some("application-autoscaling describe-scalable-targets")
    );
    let v = &cell(&c, "audit", "dynamodb-autoscaling-enabled").verdict;
    assert_eq!(
        v.reason,
        "The table uses provisioned capacity without auto scaling on the table's read \
         capacity, the table's write capacity."
    );
    // The evidence of a listing-based FAIL is the listing.
    let v = &cell(&c, "sessions", "dynamodb-in-backup-plan").verdict;
    assert!(v.evidence[0]
        .file
        .ends_with("backup/list-protected-resources.json"));
    assert_eq!(v.evidence[0].kind, "AWS Backup protected resources");
    let v = &cell(&c, "legacy", "dynamodb-pitr-enabled").verdict;
    assert_eq!(v.reason, "AWS Config recorded the table's deletion.");
    let v = &cell(&c, "scratch", "dynamodb-pitr-enabled").verdict;
    assert!(v.reason.contains("list-tables"), "{}", v.reason);
}

#[test]
fn config_evaluations_are_imported_latest_per_resource() {
    let c = estate(&Params::default());
    let names: Vec<(&str, Option<&str>)> = c
        .imported_rules
        .iter()
        .map(|r| (r.rule_name.as_str(), r.check_id.as_deref()))
        .collect();
    assert_eq!(
        names,
        [
            (
                "DynamoDbAutoscalingEnabled",
                Some("dynamodb-autoscaling-enabled")
            ),
            ("dynamodb-pitr-enabled", Some("dynamodb-pitr-enabled")),
            (
                "dynamodb-table-encrypted-kms",
                Some("dynamodb-table-encrypted-kms")
            ),
            ("dynamodb-throughput-limit-check", None),
            (
                "securityhub-dynamodb-table-deletion-protection-enabled-3f2a1b",
                Some("dynamodb-table-deletion-protection-enabled")
            ),
        ]
    );
    let pitr = &c.imported_rules[1];
    assert_eq!(pitr.summary, Some(ComplianceType::NonCompliant));
    // ledger was evaluated twice: the later COMPLIANT result wins.
    let ledger: Vec<&ComplianceType> = pitr
        .evaluations
        .iter()
        .filter(|e| e.resource_id == "ledger")
        .map(|e| &e.compliance)
        .collect();
    assert_eq!(ledger, [&ComplianceType::Compliant]);
    assert_eq!(
        (pitr.compliant, pitr.non_compliant, pitr.evaluations.len()),
        (2, 1, 3)
    );
    let ledger_eval = pitr
        .evaluations
        .iter()
        .find(|e| e.resource_id == "ledger")
        .unwrap();
    assert_eq!(
        ledger_eval.table.as_ref().map(|t| t.name.as_str()),
        Some("ledger")
    );
    assert_eq!(ledger_eval.ordering_ms, Some(1_774_433_100_000));
    assert!(ledger_eval
        .evidence
        .file
        .ends_with("compliance-details/dynamodb-pitr-enabled.json"));
    assert_eq!(
        row(&c, "sessions").config_overall,
        Some(ComplianceType::NonCompliant)
    );
}

#[test]
fn config_and_ddb_lens_side_by_side_with_disagreements_flagged() {
    let c = estate(&Params::default());
    assert_eq!(
        cell(&c, "ledger", "dynamodb-pitr-enabled").agreement,
        Agreement::Agree
    );
    assert_eq!(
        cell(&c, "audit", "dynamodb-pitr-enabled").agreement,
        Agreement::ConfigOnly
    );
    assert_eq!(
        cell(&c, "sessions", "dynamodb-table-deletion-protection-enabled").agreement,
        Agreement::Agree,
        "matched through the Security Hub rule's source identifier"
    );
    assert_eq!(
        cell(&c, "sessions", "dynamodb-pitr-enabled").agreement,
        Agreement::Disagree
    );
    assert_eq!(c.disagreements.len(), 1);
    let d = &c.disagreements[0];
    assert_eq!(
        (
            d.table.name.as_str(),
            d.check_id.as_str(),
            d.ddb_lens,
            &d.config
        ),
        (
            "sessions",
            "dynamodb-pitr-enabled",
            Status::Fail,
            &ComplianceType::Compliant
        )
    );
    // Config evaluated a month before the export that shows PITR off.
    assert!(
        d.note
            .starts_with("ddb-lens's evidence (2026-04-10T12:00:00Z) is newer"),
        "{}",
        d.note
    );
    let s = c
        .summaries
        .iter()
        .find(|s| s.check_id == "dynamodb-pitr-enabled")
        .unwrap();
    assert_eq!((s.agree, s.disagree), (1, 1));
}

#[test]
fn parameters_come_from_config_rules_unless_the_user_sets_them() {
    let c = estate(&Params::default());
    assert_eq!(
        c.params.kms_key_arns,
        ["arn:aws:kms:us-east-1:444455556666:key/5a1d0c3e-7b2f-4e8a-9c6d-1f0e2d3c4b5a"]
    );
    assert_eq!(
        c.param_notes,
        ["kmsKeyArns taken from AWS Config rule dynamodb-table-encrypted-kms."]
    );
    // With the rule's own list, audit's AWS managed key is not allowed: both agree.
    assert_eq!(
        cell(&c, "audit", "dynamodb-table-encrypted-kms").agreement,
        Agreement::Agree
    );

    // The user's list differs from the rule's: ledger's key is no longer allowed here.
    let user = Params {
        kms_key_arns: vec!["arn:aws:kms:us-east-1:444455556666:key/other".into()],
        ..Params::default()
    };
    let c = estate(&user);
    assert!(c.param_notes.is_empty());
    assert_eq!(
        status(&c, "ledger", "dynamodb-table-encrypted-kms"),
        Status::Fail
    );
    let d = c
        .disagreements
        .iter()
        .find(|d| d.table.name == "ledger")
        .unwrap();
    assert!(
        d.note.contains("The Config rule runs with kmsKeyArns="),
        "{}",
        d.note
    );
}

#[test]
fn required_tags_and_stream_consumer_follow_their_parameters() {
    let params = Params {
        required_tags: vec![
            RequiredKey {
                key: "team".into(),
                allowed_values: vec!["payments".into(), "search".into()],
                case_sensitive: true,
            },
            RequiredKey::new("env"),
        ],
        stream_consumer_required: vec![
            "ledger".into(),
            "sessions".into(),
            "444455556666/us-east-1/audit".into(),
            "catalog".into(),
        ],
        ..Params::default()
    };
    let c = estate(&params);
    assert_eq!(status(&c, "ledger", "required-tags"), Status::Pass);
    assert_eq!(status(&c, "archive", "required-tags"), Status::Pass);
    let audit = &cell(&c, "audit", "required-tags").verdict;
    assert_eq!(audit.status, Status::Fail);
    assert_eq!(
        audit.reason,
        "The table's tag `team` is `ads`, not one of payments, search; tag `env` is missing."
    );
    let consumer = |t: &str| status(&c, t, "ddb-lens-stream-consumer");
    assert_eq!(consumer("ledger"), Status::Pass);
    assert_eq!(consumer("sessions"), Status::Fail);
    assert_eq!(consumer("audit"), Status::Fail);
    assert_eq!(consumer("catalog"), Status::InsufficientData);
    assert_eq!(consumer("archive"), Status::NotApplicable);
    let ledger = &cell(&c, "ledger", "ddb-lens-stream-consumer").verdict;
    assert!(ledger
        .evidence
        .iter()
        .any(|e| e.file.ends_with("lambda/list-event-source-mappings.json")));
}

#[test]
fn matrix_percentages_and_design_differences() {
    let c = estate(&Params::default());
    let s = |id: &str| c.summaries.iter().find(|s| s.check_id == id).unwrap();
    let pitr = s("dynamodb-pitr-enabled");
    assert_eq!(
        (
            pitr.pass,
            pitr.fail,
            pitr.insufficient_data,
            pitr.not_applicable,
            pitr.evaluated
        ),
        (2, 1, 2, 2, 3)
    );
    assert_eq!(pitr.pass_percent, Some(66.7));
    assert_eq!((pitr.config_compliant, pitr.config_non_compliant), (2, 1));
    let kms = s("dynamodb-table-encrypted-kms");
    assert_eq!(
        (kms.pass, kms.evaluated, kms.pass_percent),
        (1, 5, Some(20.0))
    );
    assert_eq!(kms.config_percent, Some(25.0));
    assert_eq!(s("ddb-lens-stream-consumer").pass_percent, None);
    // Every table counts once per check.
    for summary in &c.summaries {
        let total =
            summary.pass + summary.fail + summary.insufficient_data + summary.not_applicable;
        assert_eq!(total, c.rows.len() as u64, "{}", summary.check_id);
    }
    assert_eq!((row(&c, "ledger").pass, row(&c, "ledger").fail), (8, 0));

    let encryption = &c.design_differences[0];
    assert_eq!(
        encryption.checks,
        [
            "dynamodb-table-encryption-enabled",
            "dynamodb-table-encrypted-kms"
        ]
    );
    let tables: Vec<&str> = encryption.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tables, ["sessions", "catalog"]);
    let on_demand: Vec<&str> = c.design_differences[1]
        .tables
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(on_demand, ["archive", "sessions"]);

    let svg = compliance_svg(&c, 900);
    assert!(svg.contains("\n66.7% (2/3)\n"), "{svg}");
    assert!(svg.contains("\n20.0% (1/5)\n"), "{svg}");
    assert_eq!(svg, compliance_svg(&estate(&Params::default()), 900));
}

#[test]
fn output_is_deterministic_and_serialises() {
    let a = serde_json::to_string(&estate(&Params::default())).unwrap();
    let b = serde_json::to_string(&estate(&Params::default())).unwrap();
    assert_eq!(a, b);
    let back: Compliance = serde_json::from_str(&a).unwrap();
    assert_eq!(back, estate(&Params::default()));
}

// ---- Each check on hand-made tables ---------------------------------------------------

fn evidence() -> Evidence {
    Evidence {
        file: "111122223333/eu-west-1/dynamodb/tables/t/describe-table.json".into(),
        kind: "DynamoDB describe-table".into(),
        at_ms: Some(1_775_000_000_000),
    }
}

fn fact<T>(value: T) -> Option<Fact<T>> {
    Some(Fact {
        value,
        evidence: evidence(),
    })
}

fn blank() -> TableState {
    TableState::unknown(TableRef::new("111122223333", "eu-west-1", "t"))
}

fn run(
    check: &str,
    state: &TableState,
    streams: Option<&TableStreams>,
    params: &Params,
) -> Verdict {
    let input = CheckInput {
        state,
        streams,
        params,
    };
    (find(check).unwrap().evaluate)(&input)
}

fn check(id: &str, state: &TableState) -> Status {
    run(id, state, None, &Params::default()).status
}

fn kms(kind: EncryptionKind, key: Option<&str>, status: Option<&str>) -> Option<Fact<Encryption>> {
    fact(Encryption {
        kind,
        key_arn: key.map(str::to_string),
        sse_type: Some("KMS".into()),
        status: status.map(str::to_string),
    })
}

const KEY: &str = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

#[test]
fn every_check_is_not_applicable_to_a_deleted_table() {
    let mut state = blank();
    state.deleted = Some(Deletion {
        reason: "AWS Config recorded the table's deletion.".into(),
        evidence: evidence(),
    });
    state.pitr = fact(false);
    for c in &CHECKS {
        assert_eq!(
            check(c.meta.id, &state),
            Status::NotApplicable,
            "{}",
            c.meta.id
        );
    }
}

#[test]
fn pitr_and_deletion_protection() {
    let mut state = blank();
    for id in [
        "dynamodb-pitr-enabled",
        "dynamodb-table-deletion-protection-enabled",
    ] {
        assert_eq!(check(id, &state), Status::InsufficientData, "{id}");
    }
    state.pitr = fact(true);
    state.deletion_protection = fact(false);
    assert_eq!(check("dynamodb-pitr-enabled", &state), Status::Pass);
    assert_eq!(
        check("dynamodb-table-deletion-protection-enabled", &state),
        Status::Fail
    );
    state.pitr = fact(false);
    state.deletion_protection = fact(true);
    assert_eq!(check("dynamodb-pitr-enabled", &state), Status::Fail);
    assert_eq!(
        check("dynamodb-table-deletion-protection-enabled", &state),
        Status::Pass
    );
}

#[test]
fn encryption_rules_differ_by_design_on_the_aws_owned_key() {
    let enabled = "dynamodb-table-encryption-enabled";
    let by_kms = "dynamodb-table-encrypted-kms";
    let mut state = blank();
    assert_eq!(check(enabled, &state), Status::InsufficientData);
    assert_eq!(check(by_kms, &state), Status::InsufficientData);
    state.encryption = fact(Encryption {
        kind: EncryptionKind::AwsOwned,
        key_arn: None,
        sse_type: None,
        status: None,
    });
    assert_eq!(check(enabled, &state), Status::Pass);
    assert_eq!(check(by_kms, &state), Status::Fail);
    state.encryption = kms(EncryptionKind::CustomerManaged, Some(KEY), Some("ENABLED"));
    assert_eq!(check(enabled, &state), Status::Pass);
    assert_eq!(check(by_kms, &state), Status::Pass);
    state.encryption = kms(EncryptionKind::AwsManaged, Some(KEY), Some("UPDATING"));
    assert_eq!(check(enabled, &state), Status::Fail);
    // kmsKeyArns: by ARN or by key ID; a KMS key the export does not name cannot be checked.
    let only = |keys: &[&str]| Params {
        kms_key_arns: keys.iter().map(|k| k.to_string()).collect(),
        ..Params::default()
    };
    state.encryption = kms(EncryptionKind::CustomerManaged, Some(KEY), Some("ENABLED"));
    assert_eq!(
        run(by_kms, &state, None, &only(&[KEY])).status,
        Status::Pass
    );
    assert_eq!(
        run(
            by_kms,
            &state,
            None,
            &only(&["1234abcd-12ab-34cd-56ef-1234567890ab"])
        )
        .status,
        Status::Pass
    );
    assert_eq!(
        run(by_kms, &state, None, &only(&["other"])).status,
        Status::Fail
    );
    state.encryption = kms(EncryptionKind::Unknown, None, None);
    let v = run(by_kms, &state, None, &only(&[KEY]));
    assert_eq!(v.status, Status::InsufficientData);
    assert_eq!(
        run(by_kms, &state, None, &Params::default()).status,
        Status::Pass
    );
}

fn target(index: Option<&str>, dimension: &str, min: u64, max: u64) -> ScalingTarget {
    ScalingTarget {
        index: index.map(str::to_string),
        dimension: dimension.into(),
        min_capacity: Some(min),
        max_capacity: Some(max),
        suspended: Some(false),
    }
}

#[test]
fn autoscaling_on_demand_passes_provisioned_needs_targets() {
    let id = "dynamodb-autoscaling-enabled";
    let mut state = blank();
    assert_eq!(check(id, &state), Status::InsufficientData);
    state.billing_mode = fact("PAY_PER_REQUEST".to_string());
    assert_eq!(check(id, &state), Status::Pass);
    state.billing_mode = fact("PROVISIONED".to_string());
    let v = run(id, &state, None, &Params::default());
    assert_eq!(
        v.needs.as_deref(),
        Some("application-autoscaling describe-scalable-targets")
    );
    state.autoscaling = fact(Vec::new());
    assert_eq!(check(id, &state), Status::Fail);
    let read = target(None, "dynamodb:table:ReadCapacityUnits", 5, 100);
    let write = target(None, "dynamodb:table:WriteCapacityUnits", 5, 50);
    state.autoscaling = fact(vec![read.clone()]);
    assert_eq!(check(id, &state), Status::Fail);
    state.autoscaling = fact(vec![read.clone(), write.clone()]);
    assert_eq!(check(id, &state), Status::Pass);
    // An index with only one of its two dimensions scaled.
    let index_read = target(Some("by-email"), "dynamodb:index:ReadCapacityUnits", 5, 20);
    state.autoscaling = fact(vec![read.clone(), write.clone(), index_read]);
    let v = run(id, &state, None, &Params::default());
    assert_eq!(v.status, Status::Fail);
    assert!(
        v.reason.contains("index by-email's write capacity"),
        "{}",
        v.reason
    );
    // Suspended scaling does not follow demand.
    let mut suspended = write.clone();
    suspended.suspended = Some(true);
    state.autoscaling = fact(vec![read.clone(), suspended]);
    assert_eq!(check(id, &state), Status::Fail);
    // Parameters: a floor for minimums, a ceiling for maximums; utilisation needs policies.
    state.autoscaling = fact(vec![read, write]);
    let mut params = Params::default();
    params.autoscaling.min_provisioned_read_capacity = Some(10);
    let v = run(id, &state, None, &params);
    assert_eq!(v.status, Status::Fail);
    assert!(
        v.reason.contains("read minimum is 5, below 10"),
        "{}",
        v.reason
    );
    params.autoscaling.min_provisioned_read_capacity = Some(5);
    params.autoscaling.max_provisioned_write_capacity = Some(50);
    assert_eq!(run(id, &state, None, &params).status, Status::Pass);
    params.autoscaling.target_write_utilization = Some(70.0);
    assert_eq!(
        run(id, &state, None, &params).status,
        Status::InsufficientData
    );
}

#[test]
fn backup_plans_from_protected_resources() {
    let mut state = blank();
    for id in [
        "dynamodb-in-backup-plan",
        "dynamodb-resources-protected-by-backup-plan",
    ] {
        let v = run(id, &state, None, &Params::default());
        assert_eq!(v.needs.as_deref(), Some("backup list-protected-resources"));
    }
    state.backup = fact(BackupProtection {
        protected: true,
        last_backup_ms: Some(1_775_000_000_000),
        last_backup_vault_arn: None,
    });
    let v = run("dynamodb-in-backup-plan", &state, None, &Params::default());
    assert_eq!(v.status, Status::Pass);
    assert!(
        v.reason.contains("last backed up 2026-03-31"),
        "{}",
        v.reason
    );
    state.backup = fact(BackupProtection {
        protected: false,
        last_backup_ms: None,
        last_backup_vault_arn: None,
    });
    assert_eq!(
        check("dynamodb-resources-protected-by-backup-plan", &state),
        Status::Fail
    );
}

#[test]
fn required_tags_default_and_policy() {
    let id = "required-tags";
    let mut state = blank();
    assert_eq!(check(id, &state), Status::InsufficientData);
    state.tags = fact(BTreeMap::new());
    assert_eq!(check(id, &state), Status::Fail);
    // AWS's own tags do not count as the table's.
    state.tags = fact(BTreeMap::from([(
        "aws:cloudformation:stack-name".into(),
        "s".into(),
    )]));
    assert_eq!(check(id, &state), Status::Fail);
    state.tags = fact(BTreeMap::from([("team".into(), "payments".into())]));
    assert_eq!(check(id, &state), Status::Pass);
    // The tag page's policy, its case rule and wildcards included.
    let policy =
        |json: &str| Params::default().with_tag_policy(&TagPolicy::from_json(json).unwrap());
    let search_only =
        policy(r#"{"version":1,"keys":[{"key":"team","allowed_values":["search"]}]}"#);
    assert_eq!(run(id, &state, None, &search_only).status, Status::Fail);
    let any_value = policy(r#"{"version":1,"keys":[{"key":"team"}]}"#);
    assert_eq!(run(id, &state, None, &any_value).status, Status::Pass);
    let wildcard = policy(r#"{"version":1,"keys":[{"key":"team","allowed_values":["pay*"]}]}"#);
    assert_eq!(run(id, &state, None, &wildcard).status, Status::Pass);
    let other_case = policy(r#"{"version":1,"keys":[{"key":"Team"}]}"#);
    assert_eq!(run(id, &state, None, &other_case).status, Status::Fail);
    let any_case = policy(r#"{"version":1,"keys":[{"key":"Team","case_sensitive":false}]}"#);
    assert_eq!(run(id, &state, None, &any_case).status, Status::Pass);
}

fn table_streams(stream: StreamStatus, consumer: Consumer) -> TableStreams {
    TableStreams {
        table: blank().table,
        deleted: false,
        stream,
        view_type: None,
        stream_arn: None,
        stream_label: None,
        stream_evidence: Some(evidence()),
        triggers: Vec::<Trigger>::new(),
        consumer,
        consumer_reason: "Reason.".into(),
        consumer_evidence: None,
        changes: Vec::new(),
    }
}

#[test]
fn stream_consumer_only_for_marked_tables() {
    let id = "ddb-lens-stream-consumer";
    let mut state = blank();
    state.stream = fact(StreamSetting {
        enabled: true,
        view_type: Some("NEW_IMAGE".into()),
        arn: None,
        label: None,
    });
    let on = |consumer| table_streams(StreamStatus::On, consumer);
    let unmarked = Params::default();
    assert_eq!(
        run(id, &state, Some(&on(Consumer::Active)), &unmarked).status,
        Status::NotApplicable
    );
    for mark in ["t", "111122223333/eu-west-1/t"] {
        let marked = Params {
            stream_consumer_required: vec![mark.into()],
            ..Params::default()
        };
        let status = |s: &TableStreams| run(id, &state, Some(s), &marked).status;
        assert_eq!(status(&on(Consumer::Active)), Status::Pass, "{mark}");
        assert_eq!(status(&on(Consumer::None)), Status::Fail);
        assert_eq!(status(&on(Consumer::Unknown)), Status::InsufficientData);
        assert_eq!(
            status(&table_streams(StreamStatus::Off, Consumer::NotApplicable)),
            Status::Fail
        );
        assert_eq!(
            status(&table_streams(
                StreamStatus::Unknown,
                Consumer::NotApplicable
            )),
            Status::InsufficientData
        );
    }
    let elsewhere = Params {
        stream_consumer_required: vec!["999999999999/eu-west-1/t".into()],
        ..Params::default()
    };
    assert_eq!(
        run(id, &state, Some(&on(Consumer::Active)), &elsewhere).status,
        Status::NotApplicable
    );
}

// ---- The built-in sample --------------------------------------------------------------

#[test]
fn the_sample_gets_a_verdict_everywhere() {
    let mut loader = Loader::new(Limits::default());
    for (name, bytes) in ddb_lens_gen::sample_files() {
        loader.ingest(&name, &bytes);
    }
    let c = compliance(loader.model(), &Params::default());
    assert_eq!(c.rows.len(), 40);
    let s = |id: &str| c.summaries.iter().find(|s| s.check_id == id).unwrap();
    // describe-table and Config items decide these for every existing table.
    for id in [
        "dynamodb-pitr-enabled",
        "dynamodb-table-deletion-protection-enabled",
        "dynamodb-table-encryption-enabled",
        "dynamodb-table-encrypted-kms",
        "required-tags",
    ] {
        assert_eq!(s(id).insufficient_data, 0, "{id}");
        assert!(s(id).evaluated > 30, "{id}");
    }
    // The generator lists backup coverage and scaling targets for every account and region.
    for id in [
        "dynamodb-autoscaling-enabled",
        "dynamodb-in-backup-plan",
        "dynamodb-resources-protected-by-backup-plan",
    ] {
        assert_eq!(s(id).insufficient_data, 0, "{id}");
    }
    // Its three Config rules map to checks (one by its Security Hub name's identifier), and
    // one evaluation it left stale disagrees with the table's state.
    assert!(c.imported_rules.iter().all(|r| r.check_id.is_some()));
    for id in [
        "dynamodb-pitr-enabled",
        "dynamodb-table-deletion-protection-enabled",
        "dynamodb-table-encrypted-kms",
    ] {
        assert!(s(id).config_percent.is_some() && s(id).agree > 30, "{id}");
    }
    assert!(!c.disagreements.is_empty());
    assert!(!c.design_differences[0].tables.is_empty());
}
