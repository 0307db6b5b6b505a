//! The per-region outputs beside the tables: Application Auto Scaling targets, Lambda event
//! source mappings, KMS aliases and keys, the tagging API's view and AWS Backup's protected
//! resources.

use super::{draw, Out};
use crate::json::Json;
use crate::rng::{format_uuid, label, mix};
use crate::time::{iso_cli, DAY_MS, HOUR_MS, MINUTE_MS};
use crate::world::{ChangeKind, Lifecycle, Sse, Stream, Table, World};

pub(crate) fn files(w: &World, si: usize, dir: &str, j: &mut Json, out: &mut Vec<Out>) {
    let st = &w.streams[si];
    let account = w.accounts[st.account].id.as_str();
    let mut live: Vec<&Table> = st.tables.iter().filter(|t| t.exists_at_end()).collect();
    live.sort_by(|a, b| a.name.cmp(&b.name));

    scalable_targets(w, st, account, &live, j);
    out.push(Out::pretty(
        format!("{dir}/application-autoscaling/describe-scalable-targets.json"),
        j,
    ));
    mappings(st, account, j);
    out.push(Out::pretty(
        format!("{dir}/lambda/list-event-source-mappings.json"),
        j,
    ));
    kms(w, st, account, dir, j, out);
    tagged(&live, j);
    out.push(Out::pretty(
        format!("{dir}/resourcegroupstaggingapi/get-resources.json"),
        j,
    ));
    protected(w, st, account, &live, j);
    out.push(Out::pretty(
        format!("{dir}/backup/list-protected-resources.json"),
        j,
    ));
}

/// Whether a table's capacity has auto scaling: two provisioned tables in three. A table
/// restored in the window has none (a restore does not carry it over).
pub(crate) fn has_autoscaling(w: &World, t: &Table) -> bool {
    let restored = t
        .changes
        .first()
        .is_some_and(|c| matches!(c.kind, ChangeKind::Restore { .. }));
    t.final_state().provisioned.is_some() && !restored && draw(w, "autoscaling", &t.name, 3) != 0
}

fn scalable_targets(w: &World, st: &Stream, account: &str, live: &[&Table], j: &mut Json) {
    j.clear();
    j.obj();
    j.ka("ScalableTargets");
    for t in live.iter().filter(|t| has_autoscaling(w, t)) {
        let Some((rcu, wcu)) = t.final_state().provisioned else {
            continue;
        };
        let resources = std::iter::once((format!("table/{}", t.name), "table")).chain(
            t.gsis
                .iter()
                .map(|g| (format!("table/{}/index/{}", t.name, g.name), "index")),
        );
        for (k, (resource, level)) in resources.enumerate() {
            for (dimension, units) in [("ReadCapacityUnits", rcu), ("WriteCapacityUnits", wcu)] {
                let h = mix(w.seed ^ label(&resource) ^ label(dimension));
                j.obj();
                j.ks("ServiceNamespace", "dynamodb");
                j.ks("ResourceId", &resource);
                j.kfmt(
                    "ScalableDimension",
                    format_args!("dynamodb:{level}:{dimension}"),
                );
                j.ki("MinCapacity", units.max(1));
                j.ki("MaxCapacity", (units * 10).max(40));
                j.kfmt(
                    "RoleARN",
                    format_args!(
                        "arn:aws:iam::{account}:role/aws-service-role/dynamodb.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable"
                    ),
                );
                j.ks(
                    "CreationTime",
                    &iso_cli(t.created_ms + (3 + k as i64) * MINUTE_MS + (h % 60_000) as i64),
                );
                j.ko("SuspendedState");
                j.kb("DynamicScalingInSuspended", false);
                j.kb("DynamicScalingOutSuspended", false);
                j.kb("ScheduledScalingSuspended", false);
                j.end_obj();
                j.kfmt(
                    "ScalableTargetARN",
                    format_args!(
                        "arn:aws:application-autoscaling:{}:{account}:scalable-target/0e{:016x}{:014x}",
                        st.region,
                        h,
                        mix(h) >> 8
                    ),
                );
                j.end_obj();
            }
        }
    }
    j.end_arr();
    j.end_obj();
}

fn mappings(st: &Stream, account: &str, j: &mut Json) {
    j.clear();
    j.obj();
    j.ka("EventSourceMappings");
    for m in &st.mappings {
        let t = &st.tables[m.table];
        if t.lifecycle == Lifecycle::Deleted {
            continue;
        }
        j.obj();
        j.ks("UUID", &m.uuid);
        j.ks("StartingPosition", "LATEST");
        j.ki("BatchSize", m.batch_size);
        j.ki("MaximumBatchingWindowInSeconds", 0);
        j.ki("ParallelizationFactor", 1);
        j.ks("EventSourceArn", &t.stream_arn(&t.final_state()));
        j.kfmt(
            "FunctionArn",
            format_args!(
                "arn:aws:lambda:{}:{account}:function:{}",
                st.region, m.function
            ),
        );
        j.ks("LastModified", &iso_cli(m.last_modified_ms / 1000 * 1000));
        let (result, state) = match (m.disabled_ms, m.failing) {
            (Some(_), _) => ("OK", "Disabled"),
            (None, true) => ("PROBLEM: Function call failed", "Enabled"),
            (None, false) => ("OK", "Enabled"),
        };
        j.ks("LastProcessingResult", result);
        j.ks("State", state);
        j.ks("StateTransitionReason", "User action");
        j.ko("DestinationConfig");
        j.ko("OnFailure");
        j.end_obj();
        j.end_obj();
        j.ki("MaximumRecordAgeInSeconds", -1);
        j.kb("BisectBatchOnFunctionError", m.failing);
        j.ki("MaximumRetryAttempts", if m.failing { 2 } else { -1 });
        j.ki("TumblingWindowInSeconds", 0);
        j.ka("FunctionResponseTypes");
        j.end_arr();
        j.end_obj();
    }
    j.end_arr();
    j.end_obj();
}

/// A key's id: the part of its ARN after `key/`.
pub(crate) fn key_id(arn: &str) -> &str {
    arn.rsplit_once("key/").map_or(arn, |(_, id)| id)
}

/// What each customer managed key is for, by index: its alias and description.
const KEY_PURPOSES: [(&str, &str); 3] = [
    (
        "dynamodb-tables",
        "Customer managed key for DynamoDB tables",
    ),
    (
        "customer-data",
        "Protects tables holding customer personal data",
    ),
    ("payments", "Payments and ledger tables"),
];

/// The tables (at any time in the window) whose encryption uses `sse`.
fn users(st: &Stream, sse: Sse) -> impl Iterator<Item = &Table> {
    st.tables.iter().filter(move |t| {
        t.initial.sse == sse
            || t.changes
                .iter()
                .any(|c| matches!(c.kind, ChangeKind::SseCmk(k) if Sse::Cmk(k) == sse))
    })
}

/// When a key was created: before the first table that used it.
fn key_created_ms(w: &World, st: &Stream, sse: Sse, arn: &str) -> i64 {
    let first = users(st, sse).map(|t| t.created_ms).min();
    let back = (1 + draw(w, "key-created", arn, 30) as i64) * DAY_MS;
    match first {
        // The AWS managed key is created when a table first needs it.
        Some(at) if sse == Sse::AwsManaged => {
            at - 2 * MINUTE_MS - (draw(w, "aws-key", arn, 90_000) as i64)
        }
        Some(at) => at - back,
        None => w.start_ms - 300 * DAY_MS - back,
    }
}

fn kms(w: &World, st: &Stream, account: &str, dir: &str, j: &mut Json, out: &mut Vec<Out>) {
    let env = w.accounts[st.account].env.short();
    let alias_arn = |name: &str| format!("arn:aws:kms:{}:{account}:alias/{name}", st.region);
    // (alias, target key id, created): the account's own aliases and the AWS managed ones.
    let mut aliases: Vec<(String, Option<String>, Option<i64>)> = Vec::new();
    aliases.push((
        "aws/dynamodb".into(),
        Some(key_id(&st.aws_managed_key).to_string()),
        Some(key_created_ms(w, st, Sse::AwsManaged, &st.aws_managed_key)),
    ));
    for (k, arn) in st.cmks.iter().enumerate() {
        let (purpose, _) = KEY_PURPOSES[k % KEY_PURPOSES.len()];
        aliases.push((
            format!("{env}-{purpose}"),
            Some(key_id(arn).to_string()),
            Some(key_created_ms(w, st, Sse::Cmk(k), arn) + 20_000),
        ));
    }
    let lambda_key = {
        let h = mix(w.seed ^ label(&st.aws_managed_key) ^ label("aws/lambda"));
        format_uuid(h, mix(h))
    };
    aliases.push((
        "aws/lambda".into(),
        Some(lambda_key),
        Some(w.start_ms - 400 * DAY_MS),
    ));
    for name in ["aws/ebs", "aws/rds", "aws/s3"] {
        aliases.push((name.into(), None, None));
    }
    aliases.sort();
    j.clear();
    j.obj();
    j.ka("Aliases");
    for (name, target, created) in &aliases {
        j.obj();
        j.kfmt("AliasName", format_args!("alias/{name}"));
        j.ks("AliasArn", &alias_arn(name));
        if let (Some(target), Some(created)) = (target, created) {
            j.ks("TargetKeyId", target);
            j.ks("CreationDate", &iso_cli(*created));
            j.ks("LastUpdatedDate", &iso_cli(*created));
        }
        j.end_obj();
    }
    j.end_arr();
    j.end_obj();
    out.push(Out::pretty(format!("{dir}/kms/list-aliases.json"), j));

    // The collector describes the target of alias/aws/dynamodb and every key a table names.
    let mut keys: Vec<(Sse, &str)> = vec![(Sse::AwsManaged, st.aws_managed_key.as_str())];
    for (k, arn) in st.cmks.iter().enumerate() {
        let named = st
            .tables
            .iter()
            .any(|t| t.exists_at_end() && t.final_state().sse == Sse::Cmk(k));
        if named {
            keys.push((Sse::Cmk(k), arn));
        }
    }
    for (sse, arn) in keys {
        let id = key_id(arn);
        j.clear();
        j.obj();
        j.ko("KeyMetadata");
        j.ks("AWSAccountId", account);
        j.ks("KeyId", id);
        j.ks("Arn", arn);
        j.ks("CreationDate", &iso_cli(key_created_ms(w, st, sse, arn)));
        j.kb("Enabled", true);
        j.ks(
            "Description",
            match sse {
                Sse::Cmk(k) => KEY_PURPOSES[k % KEY_PURPOSES.len()].1,
                _ => "Default key that protects my DynamoDB tables when no other key is defined",
            },
        );
        j.ks("KeyUsage", "ENCRYPT_DECRYPT");
        j.ks("KeyState", "Enabled");
        j.ks("Origin", "AWS_KMS");
        j.ks(
            "KeyManager",
            if sse == Sse::AwsManaged {
                "AWS"
            } else {
                "CUSTOMER"
            },
        );
        j.ks("CustomerMasterKeySpec", "SYMMETRIC_DEFAULT");
        j.ks("KeySpec", "SYMMETRIC_DEFAULT");
        j.ka("EncryptionAlgorithms");
        j.str("SYMMETRIC_DEFAULT");
        j.end_arr();
        j.kb("MultiRegion", false);
        j.end_obj();
        j.end_obj();
        out.push(Out::pretty(
            format!("{dir}/kms/keys/{id}/describe-key.json"),
            j,
        ));
    }
}

/// get-resources for `dynamodb:table`: the tables with tags, by ARN.
fn tagged(live: &[&Table], j: &mut Json) {
    let mut with_tags: Vec<&Table> = live
        .iter()
        .copied()
        .filter(|t| !t.final_state().tags.is_empty())
        .collect();
    with_tags.sort_by(|a, b| a.arn.cmp(&b.arn));
    j.clear();
    j.obj();
    j.ks("PaginationToken", "");
    j.ka("ResourceTagMappingList");
    for t in with_tags {
        j.obj();
        j.ks("ResourceARN", &t.arn);
        j.ka("Tags");
        for (k, v) in &t.final_state().tags {
            j.obj();
            j.ks("Key", k);
            j.ks("Value", v);
            j.end_obj();
        }
        j.end_arr();
        j.end_obj();
    }
    j.end_arr();
    j.end_obj();
}

/// Whether AWS Backup has a recovery point of the table: four in five of those that existed
/// before the window (a table created or restored during it has not been backed up yet).
pub(crate) fn backed_up(w: &World, t: &Table) -> bool {
    t.lifecycle == Lifecycle::Stable && draw(w, "backup", &t.name, 5) != 0
}

fn protected(w: &World, st: &Stream, account: &str, live: &[&Table], j: &mut Json) {
    let collected = w.collected_ms();
    j.clear();
    j.obj();
    j.ka("Results");
    let vault = format!(
        "arn:aws:backup:{}:{account}:backup-vault:Default",
        st.region
    );
    for t in live.iter().filter(|t| backed_up(w, t)) {
        // The nightly plan ran between 01:00 and 05:00 UTC before the collection.
        let mut last = collected / DAY_MS * DAY_MS
            + HOUR_MS
            + (draw(w, "backup-time", &t.name, 4 * 3600) as i64) * 1000;
        if last > collected - 10 * MINUTE_MS {
            last -= DAY_MS;
        }
        j.obj();
        j.ks("ResourceArn", &t.arn);
        j.ks("ResourceType", "DynamoDB");
        j.ks("LastBackupTime", &iso_cli(last));
        j.ks("ResourceName", &t.name);
        j.ks("LastBackupVaultArn", &vault);
        j.kfmt(
            "LastRecoveryPointArn",
            format_args!(
                "{}/backup/{:014}-{:08x}",
                t.arn,
                last,
                draw(w, "recovery-point", &t.name, u64::from(u32::MAX))
            ),
        );
        j.end_obj();
    }
    // AWS Backup protects more than tables; the collector lists everything.
    let h = mix(w.seed ^ label(account) ^ label(st.region));
    j.obj();
    j.kfmt(
        "ResourceArn",
        format_args!("arn:aws:ec2:{}:{account}:volume/vol-0{:016x}", st.region, h),
    );
    j.ks("ResourceType", "EBS");
    j.ks(
        "LastBackupTime",
        &iso_cli(collected / DAY_MS * DAY_MS + 2 * HOUR_MS - DAY_MS),
    );
    j.ks("LastBackupVaultArn", &vault);
    j.end_obj();
    j.end_arr();
    j.end_obj();
}
