//! The DynamoDB outputs of a collector run, per account and region: `dynamodb/list-tables.json`
//! and, per table, `dynamodb/tables/<TableName>/` with describe-table,
//! describe-continuous-backups, describe-time-to-live, describe-kinesis-streaming-destination,
//! list-tags-of-resource and, for the few tables that have one, get-resource-policy (a table
//! without one answers PolicyNotFoundException, which the collector logs instead).

use super::{draw, Out};
use crate::config::{write_key_schema, write_keys};
use crate::json::Json;
use crate::time::{iso_cli, stream_label, DAY_MS, HOUR_MS, MINUTE_MS};
use crate::world::{ChangeKind, Kinesis, Stream, Table, TableState, World};

/// `list-tables.json`, then each table's files, names sorted; tables without a resource
/// policy are returned in `no_policy` for the errors log.
pub(crate) fn files(
    w: &World,
    si: usize,
    dir: &str,
    j: &mut Json,
    out: &mut Vec<Out>,
    no_policy: &mut Vec<String>,
) {
    let st = &w.streams[si];
    let mut live: Vec<usize> = (0..st.tables.len())
        .filter(|&i| st.tables[i].exists_at_end())
        .collect();
    // ListTables returns names in byte order.
    live.sort_by(|&a, &b| st.tables[a].name.cmp(&st.tables[b].name));
    j.clear();
    j.obj();
    j.ka("TableNames");
    for &i in &live {
        j.str(&st.tables[i].name);
    }
    j.end_arr();
    j.end_obj();
    out.push(Out::pretty(format!("{dir}/dynamodb/list-tables.json"), j));
    let collected = w.collected_ms();
    for &ti in &live {
        let t = &st.tables[ti];
        let s = t.final_state();
        let table_dir = format!("{dir}/dynamodb/tables/{}", t.name);
        j.clear();
        describe_table(j, w, st, t);
        out.push(Out::pretty(format!("{table_dir}/describe-table.json"), j));

        j.clear();
        continuous_backups(j, t, &s, collected);
        out.push(Out::pretty(
            format!("{table_dir}/describe-continuous-backups.json"),
            j,
        ));

        j.clear();
        j.obj();
        j.ko("TimeToLiveDescription");
        match s.ttl {
            Some(attribute) => {
                j.ks("TimeToLiveStatus", "ENABLED");
                j.ks("AttributeName", attribute);
            }
            None => j.ks("TimeToLiveStatus", "DISABLED"),
        }
        j.end_obj();
        j.end_obj();
        out.push(Out::pretty(
            format!("{table_dir}/describe-time-to-live.json"),
            j,
        ));

        j.clear();
        j.obj();
        j.ks("TableName", &t.name);
        j.ka("KinesisDataStreamDestinations");
        if s.kinesis != Kinesis::None {
            j.obj();
            j.ks("StreamArn", &t.kinesis_arn());
            j.ks(
                "DestinationStatus",
                if s.kinesis == Kinesis::Active {
                    "ACTIVE"
                } else {
                    "DISABLED"
                },
            );
            j.ks("ApproximateCreationDateTimePrecision", "MILLISECOND");
            j.end_obj();
        }
        j.end_arr();
        j.end_obj();
        out.push(Out::pretty(
            format!("{table_dir}/describe-kinesis-streaming-destination.json"),
            j,
        ));

        match s.policy {
            Some(grant) => {
                // The revision is the time of the last PutResourcePolicy.
                let put_ms = t
                    .changes
                    .iter()
                    .rev()
                    .find(|c| matches!(c.kind, ChangeKind::ResourcePolicy(_)))
                    .map_or_else(
                        || w.start_ms - (1 + draw(w, "policy", &t.name, 90) as i64) * DAY_MS,
                        |c| c.time_ms,
                    );
                j.clear();
                j.obj();
                j.ks("Policy", &t.policy_text(grant, &w.external_account));
                j.kfmt(
                    "RevisionId",
                    format_args!("{}", put_ms + draw(w, "revision", &t.name, 1000) as i64),
                );
                j.end_obj();
                out.push(Out::pretty(
                    format!("{table_dir}/get-resource-policy.json"),
                    j,
                ));
            }
            None => no_policy.push(t.name.clone()),
        }

        j.clear();
        j.obj();
        j.ka("Tags");
        for (k, v) in &s.tags {
            j.obj();
            j.ks("Key", k);
            j.ks("Value", v);
            j.end_obj();
        }
        j.end_arr();
        j.end_obj();
        out.push(Out::pretty(
            format!("{table_dir}/list-tags-of-resource.json"),
            j,
        ));
    }
}

/// describe-continuous-backups: PITR with its restore window, which begins when PITR was last
/// turned on and spans at most 35 days.
fn continuous_backups(j: &mut Json, t: &Table, s: &TableState, collected_ms: i64) {
    j.obj();
    j.ko("ContinuousBackupsDescription");
    j.ks("ContinuousBackupsStatus", "ENABLED");
    j.ko("PointInTimeRecoveryDescription");
    if s.pitr {
        let since = t
            .changes
            .iter()
            .rev()
            .find(|c| c.kind == ChangeKind::Pitr(true))
            .map_or(t.created_ms + HOUR_MS, |c| c.time_ms);
        j.ks("PointInTimeRecoveryStatus", "ENABLED");
        j.ki("RecoveryPeriodInDays", 35);
        // PITR keeps whole seconds.
        let earliest = since.max(collected_ms - 35 * DAY_MS) / 1000 * 1000 + 1000;
        j.ks("EarliestRestorableDateTime", &iso_cli(earliest));
        j.ks(
            "LatestRestorableDateTime",
            &iso_cli((collected_ms - 5 * MINUTE_MS) / 1000 * 1000),
        );
    } else {
        j.ks("PointInTimeRecoveryStatus", "DISABLED");
    }
    j.end_obj();
    j.end_obj();
    j.end_obj();
}

fn describe_table(j: &mut Json, w: &World, st: &Stream, t: &Table) {
    let s = t.final_state();
    j.obj();
    j.ko("Table");
    j.ka("AttributeDefinitions");
    for a in t.attribute_definitions() {
        j.obj();
        j.ks("AttributeName", &a.name);
        j.ks("AttributeType", a.ty);
        j.end_obj();
    }
    j.end_arr();
    j.ks("TableName", &t.name);
    write_key_schema(j, "KeySchema", "AttributeName", "KeyType", t);
    j.ks("TableStatus", "ACTIVE");
    j.ks("CreationDateTime", &iso_cli(t.created_ms));
    j.ko("ProvisionedThroughput");
    j.ki("NumberOfDecreasesToday", 0);
    let (rcu, wcu) = s.provisioned.unwrap_or((0, 0));
    j.ki("ReadCapacityUnits", rcu);
    j.ki("WriteCapacityUnits", wcu);
    j.end_obj();
    j.ki("TableSizeBytes", t.size_bytes);
    j.ki("ItemCount", t.item_count);
    j.ks("TableArn", &t.arn);
    j.ks("TableId", &t.id);
    if s.provisioned.is_none() {
        j.ko("BillingModeSummary");
        j.ks("BillingMode", "PAY_PER_REQUEST");
        j.ks(
            "LastUpdateToPayPerRequestDateTime",
            &iso_cli(s.billing_changed_ms),
        );
        j.end_obj();
    }
    if !t.gsis.is_empty() {
        j.ka("GlobalSecondaryIndexes");
        for g in &t.gsis {
            j.obj();
            j.ks("IndexName", &g.name);
            write_keys(
                j,
                "KeySchema",
                "AttributeName",
                "KeyType",
                &g.hash.name,
                g.range.as_ref().map(|r| r.name.as_str()),
            );
            j.ko("Projection");
            j.ks("ProjectionType", g.projection);
            if g.projection == "INCLUDE" {
                j.ka("NonKeyAttributes");
                j.str("status");
                j.str("updatedAt");
                j.end_arr();
            }
            j.end_obj();
            j.ks("IndexStatus", "ACTIVE");
            j.ko("ProvisionedThroughput");
            j.ki("NumberOfDecreasesToday", 0);
            j.ki("ReadCapacityUnits", rcu);
            j.ki("WriteCapacityUnits", wcu);
            j.end_obj();
            j.ki("IndexSizeBytes", t.size_bytes / 4);
            j.ki("ItemCount", t.item_count);
            j.kfmt("IndexArn", format_args!("{}/index/{}", t.arn, g.name));
            j.end_obj();
        }
        j.end_arr();
    }
    if let Some(view) = s.stream_view {
        j.ko("StreamSpecification");
        j.kb("StreamEnabled", true);
        j.ks("StreamViewType", view);
        j.end_obj();
        j.ks("LatestStreamLabel", &stream_label(s.stream_label_ms));
        j.ks("LatestStreamArn", &t.stream_arn(&s));
    } else if s.stream_kept {
        // A stream turned off is no longer specified, but the table still names it.
        j.ks("LatestStreamLabel", &stream_label(s.stream_label_ms));
        j.ks("LatestStreamArn", &t.stream_arn(&s));
    }
    if let Some(c) = t.changes.first() {
        if let ChangeKind::Restore {
            source,
            from_backup,
        } = c.kind
        {
            let src = &st.tables[source];
            j.ko("RestoreSummary");
            if from_backup {
                j.ks("SourceBackupArn", &src.backup_arn(w.seed, c.time_ms));
            }
            j.ks("SourceTableArn", &src.arn);
            j.ks("RestoreDateTime", &iso_cli(c.time_ms));
            j.kb("RestoreInProgress", false);
            j.end_obj();
        }
    }
    if let Some(key) = st.key_arn(s.sse) {
        j.ko("SSEDescription");
        j.ks("Status", "ENABLED");
        j.ks("SSEType", "KMS");
        j.ks("KMSMasterKeyArn", key);
        j.end_obj();
    }
    if t.show_class || t.infrequent_access {
        j.ko("TableClassSummary");
        j.ks(
            "TableClass",
            if t.infrequent_access {
                "STANDARD_INFREQUENT_ACCESS"
            } else {
                "STANDARD"
            },
        );
        j.end_obj();
    }
    j.kb("DeletionProtectionEnabled", s.deletion_protection);
    if s.provisioned.is_none() {
        j.ko("WarmThroughput");
        j.ki("ReadUnitsPerSecond", 12_000);
        j.ki("WriteUnitsPerSecond", 4_000);
        j.ks("Status", "ACTIVE");
        j.end_obj();
    }
    j.end_obj();
    j.end_obj();
}
