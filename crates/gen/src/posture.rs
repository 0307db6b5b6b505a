//! The posture exports a collector run would add beside the inventory folder, per account and
//! region (`inventory/<account>/<region>/...`, CLI v2 shapes, pretty-printed):
//!
//! * `lambda/list-event-source-mappings.json`: a trigger on each stream the estate's Lambda
//!   functions poll (their `GetRecords` calls are in the CloudTrail files), about one in seven
//!   disabled after failing; streams nobody polls have none;
//! * `application-autoscaling/describe-scalable-targets.json`: read and write targets on about
//!   three in five provisioned tables;
//! * `backup/list-protected-resources.json`: about three tables in five;
//! * `config/describe-config-rules.json` and `config/compliance-details/<rule>.json`: three
//!   managed rules (one named as Security Hub names its own) with one evaluation per table.
//!   Most evaluate the table's final state; a table whose setting changed during the window
//!   sometimes keeps the evaluation of its state at the start, as when a rule's re-evaluation
//!   is still pending, so the compliance page has disagreements to show.
//!
//! Everything is drawn from the table's name and the seed, so it is as deterministic as the
//! rest of the generator.

use crate::json::{pretty, Json};
use crate::rng::{label, mix};
use crate::time::{iso_cli, HOUR_MS, MINUTE_MS};
use crate::world::{Sse, Stream, Table, TableState, World};

pub(crate) struct PostureFile {
    pub path: String,
    pub json: String,
}

/// The three rules, as (name, source identifier).
const RULES: [(&str, &str); 3] = [
    ("dynamodb-pitr-enabled", "DYNAMODB_PITR_ENABLED"),
    (
        "securityhub-dynamodb-table-deletion-protection-enabled-5d1f0c",
        "DYNAMODB_TABLE_DELETION_PROTECTION_ENABLED",
    ),
    (
        "dynamodb-table-encrypted-kms",
        "DYNAMODB_TABLE_ENCRYPTED_KMS",
    ),
];

/// A number in `0..n` drawn from the seed, a purpose and a table name.
fn draw(w: &World, purpose: &str, name: &str, n: u64) -> u64 {
    mix(w.seed ^ label(purpose) ^ label(name).rotate_left(17)) % n
}

/// The posture files of account and region `si`, in a fixed order.
pub(crate) fn files(w: &World, si: usize, j: &mut Json) -> Vec<PostureFile> {
    let st = &w.streams[si];
    let account = &w.accounts[st.account].id;
    let dir = format!("inventory/{account}/{}", st.region);
    let mut live: Vec<&Table> = st.tables.iter().filter(|t| t.exists_at_end()).collect();
    live.sort_by(|a, b| a.name.cmp(&b.name));
    let end = w.start_ms + w.span_ms;
    let mut out = Vec::new();
    let mut emit = |path: String, j: &Json| {
        out.push(PostureFile {
            path,
            json: pretty(&j.out) + "\n",
        })
    };

    mappings(w, st, account, end, j);
    emit(format!("{dir}/lambda/list-event-source-mappings.json"), j);
    scalable_targets(w, account, &live, j);
    emit(
        format!("{dir}/application-autoscaling/describe-scalable-targets.json"),
        j,
    );
    protected_resources(w, st, account, &live, end, j);
    emit(format!("{dir}/backup/list-protected-resources.json"), j);
    config_rules(st, account, j);
    emit(format!("{dir}/config/describe-config-rules.json"), j);
    for (rule, _) in RULES {
        evaluations(w, st, rule, end, j);
        emit(format!("{dir}/config/compliance-details/{rule}.json"), j);
    }
    out
}

fn mappings(w: &World, st: &Stream, account: &str, end: i64, j: &mut Json) {
    j.clear();
    j.obj();
    j.ka("EventSourceMappings");
    for &ti in &st.stream_tables {
        let t = &st.tables[ti];
        if !t.exists_at_end() {
            continue;
        }
        let s = t.final_state();
        if s.stream_view.is_none() {
            continue;
        }
        let short: String = t.name.chars().take(40).collect();
        let failed = draw(w, "mapping-failed", &t.name, 7) == 0;
        let uuid = {
            let a = mix(w.seed ^ label(&t.name) ^ label("mapping-uuid"));
            let b = mix(a ^ 0x5EED);
            crate::rng::format_uuid(a, b)
        };
        j.obj();
        j.ks("UUID", &uuid);
        j.ks("StartingPosition", "LATEST");
        j.ki(
            "BatchSize",
            [100, 100, 50, 500][draw(w, "batch", &t.name, 4) as usize],
        );
        j.ki("MaximumBatchingWindowInSeconds", 0);
        j.ki("ParallelizationFactor", 1);
        j.ks("EventSourceArn", &t.stream_arn(&s));
        j.kfmt(
            "FunctionArn",
            format_args!(
                "arn:aws:lambda:{}:{account}:function:{short}-stream-processor",
                st.region
            ),
        );
        let modified = end - (draw(w, "mapping-modified", &t.name, 20 * 24) as i64) * HOUR_MS;
        j.ks("LastModified", &iso_cli(modified));
        if failed {
            j.ks("LastProcessingResult", "PROBLEM: Function call failed");
            j.ks("State", "Disabled");
        } else {
            j.ks("LastProcessingResult", "OK");
            j.ks("State", "Enabled");
        }
        j.ks("StateTransitionReason", "User action");
        j.ki("MaximumRecordAgeInSeconds", -1);
        j.kb("BisectBatchOnFunctionError", false);
        j.ki("MaximumRetryAttempts", -1);
        j.end_obj();
    }
    j.end_arr();
    j.end_obj();
}

fn scalable_targets(w: &World, account: &str, live: &[&Table], j: &mut Json) {
    j.clear();
    j.obj();
    j.ka("ScalableTargets");
    for t in live {
        let s = t.final_state();
        let Some((rcu, wcu)) = s.provisioned else {
            continue;
        };
        if draw(w, "autoscaling", &t.name, 5) >= 3 {
            continue;
        }
        for (dimension, units) in [("ReadCapacityUnits", rcu), ("WriteCapacityUnits", wcu)] {
            j.obj();
            j.ks("ServiceNamespace", "dynamodb");
            j.kfmt("ResourceId", format_args!("table/{}", t.name));
            j.kfmt(
                "ScalableDimension",
                format_args!("dynamodb:table:{dimension}"),
            );
            j.ki("MinCapacity", units.max(1));
            j.ki("MaxCapacity", (units * 10).max(10));
            j.kfmt(
                "RoleARN",
                format_args!(
                    "arn:aws:iam::{account}:role/aws-service-role/dynamodb.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable"
                ),
            );
            j.ks("CreationTime", &iso_cli(t.created_ms + 5 * MINUTE_MS));
            j.ko("SuspendedState");
            j.kb("DynamicScalingInSuspended", false);
            j.kb("DynamicScalingOutSuspended", false);
            j.kb("ScheduledScalingSuspended", false);
            j.end_obj();
            j.end_obj();
        }
    }
    j.end_arr();
    j.end_obj();
}

fn protected_resources(
    w: &World,
    st: &Stream,
    account: &str,
    live: &[&Table],
    end: i64,
    j: &mut Json,
) {
    j.clear();
    j.obj();
    j.ka("Results");
    for t in live {
        if draw(w, "backup", &t.name, 5) >= 3 {
            continue;
        }
        let last = end - (1 + draw(w, "backup-time", &t.name, 20) as i64) * HOUR_MS;
        j.obj();
        j.ks("ResourceArn", &t.arn);
        j.ks("ResourceType", "DynamoDB");
        j.ks("LastBackupTime", &iso_cli(last));
        j.ks("ResourceName", &t.name);
        j.kfmt(
            "LastBackupVaultArn",
            format_args!(
                "arn:aws:backup:{}:{account}:backup-vault:Default",
                st.region
            ),
        );
        j.end_obj();
    }
    j.end_arr();
    j.end_obj();
}

fn config_rules(st: &Stream, account: &str, j: &mut Json) {
    j.clear();
    j.obj();
    j.ka("ConfigRules");
    for (i, (name, identifier)) in RULES.iter().enumerate() {
        let id = format!("config-rule-{:06x}", label(name) as u32 & 0xFF_FFFF);
        j.obj();
        j.ks("ConfigRuleName", name);
        j.kfmt(
            "ConfigRuleArn",
            format_args!("arn:aws:config:{}:{account}:config-rule/{id}", st.region),
        );
        j.ks("ConfigRuleId", &id);
        j.ko("Scope");
        j.ka("ComplianceResourceTypes");
        j.str("AWS::DynamoDB::Table");
        j.end_arr();
        j.end_obj();
        j.ko("Source");
        j.ks("Owner", "AWS");
        j.ks("SourceIdentifier", identifier);
        j.end_obj();
        j.ks("InputParameters", "{}");
        j.ks("ConfigRuleState", "ACTIVE");
        if i == 1 {
            j.ks("CreatedBy", "securityhub.amazonaws.com");
        }
        j.end_obj();
    }
    j.end_arr();
    j.end_obj();
}

/// Whether `state` complies with `rule`.
fn complies(rule: &str, state: &TableState) -> bool {
    match rule {
        "dynamodb-pitr-enabled" => state.pitr,
        "dynamodb-table-encrypted-kms" => state.sse != Sse::Owned,
        _ => state.deletion_protection,
    }
}

fn evaluations(w: &World, st: &Stream, rule: &str, end: i64, j: &mut Json) {
    j.clear();
    j.obj();
    j.ka("EvaluationResults");
    let mut tables: Vec<&Table> = st.tables.iter().collect();
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    for t in tables {
        let (compliance, ordering) = if !t.exists_at_end() {
            ("NOT_APPLICABLE", end)
        } else {
            let start = t.state_at(w.start_ms);
            let last = t.final_state();
            // A change the rule has not re-evaluated yet: about one in three.
            let stale =
                complies(rule, &start) != complies(rule, &last) && draw(w, rule, &t.name, 3) == 0;
            let state = if stale { start } else { last };
            let ordering = if stale { w.start_ms + HOUR_MS } else { end };
            (
                if complies(rule, &state) {
                    "COMPLIANT"
                } else {
                    "NON_COMPLIANT"
                },
                ordering,
            )
        };
        let ordering = ordering + (draw(w, "ordering", &t.name, 600) as i64) * 1000;
        j.obj();
        j.ko("EvaluationResultIdentifier");
        j.ko("EvaluationResultQualifier");
        j.ks("ConfigRuleName", rule);
        j.ks("ResourceType", "AWS::DynamoDB::Table");
        j.ks("ResourceId", &t.name);
        j.ks("EvaluationMode", "DETECTIVE");
        j.end_obj();
        j.ks("OrderingTimestamp", &iso_cli(ordering));
        j.end_obj();
        j.ks("ComplianceType", compliance);
        j.ks("ResultRecordedTime", &iso_cli(ordering + 2_500));
        j.ks("ConfigRuleInvokedTime", &iso_cli(ordering + 1_200));
        j.end_obj();
    }
    j.end_arr();
    j.end_obj();
}
