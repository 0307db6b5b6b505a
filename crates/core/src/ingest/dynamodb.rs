//! DynamoDB CLI outputs: `describe-table` (one, an array of them, or `{"Tables":[..]}`),
//! `list-tables`, `describe-continuous-backups`, `describe-time-to-live`,
//! `describe-kinesis-streaming-destination`, `get-resource-policy`, `list-tags-of-resource`.
//!
//! [`description_facts`] also reads AWS Config's `configuration` of a table, which is the same
//! DescribeTable structure in other casings with epoch-millisecond dates.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::ingest::exports::{Ctx, Out};
use crate::ingest::value::{
    clean_name, count, describe, flag, get, items, parse_arn, string, table_arn, tags, text, time,
};
use crate::model::inventory::{
    Encryption, EncryptionKind, KinesisDestination, Listing, Replica, StreamSetting, TableFacts,
    TableObservation, TtlSetting,
};

/// The facts of a DescribeTable `TableDescription` (any casing). Absent parts mean what
/// DynamoDB means by them, because a description is complete: no `SSEDescription` is the AWS
/// owned key, no `StreamSpecification` is no stream, no `Replicas` is not a global table, no
/// `BillingModeSummary` is provisioned (DynamoDB leaves it out for tables that never changed
/// mode), no `DeletionProtectionEnabled` is off (descriptions from before the feature).
pub(crate) fn description_facts(t: &Value) -> TableFacts {
    let stream = {
        let spec = get(t, "StreamSpecification");
        let enabled = spec.and_then(|s| flag(s, "StreamEnabled")).unwrap_or(false);
        StreamSetting {
            enabled,
            view_type: spec
                .filter(|_| enabled)
                .and_then(|s| text(s, "StreamViewType")),
            arn: text(t, "LatestStreamArn"),
            label: text(t, "LatestStreamLabel"),
        }
    };
    let mut replicas: Vec<Replica> = items(t, "Replicas")
        .iter()
        .filter_map(|r| {
            Some(Replica {
                region: text(r, "RegionName")?,
                status: text(r, "ReplicaStatus"),
                kms_key: text(r, "KMSMasterKeyId"),
            })
        })
        .collect();
    replicas.sort();
    TableFacts {
        status: text(t, "TableStatus"),
        billing_mode: get(t, "BillingModeSummary")
            .and_then(|b| text(b, "BillingMode"))
            .or_else(|| Some("PROVISIONED".to_string())),
        encryption: Some(encryption(get(t, "SSEDescription"))),
        deletion_protection: Some(flag(t, "DeletionProtectionEnabled").unwrap_or(false)),
        stream: Some(stream),
        replicas: Some(replicas),
        item_count: count(t, "ItemCount"),
        size_bytes: count(t, "TableSizeBytes"),
        created_ms: time(t, "CreationDateTime"),
        ..TableFacts::default()
    }
}

/// Encryption at rest from an `SSEDescription`: absent, without `SSEType`, AES256 or disabled
/// is DynamoDB's AWS owned key; a KMS key is `Unknown` until the KMS exports say who manages it.
pub(crate) fn encryption(sse: Option<&Value>) -> Encryption {
    let Some(sse) = sse else {
        return Encryption {
            kind: EncryptionKind::AwsOwned,
            key_arn: None,
            sse_type: None,
            status: None,
        };
    };
    let sse_type = text(sse, "SSEType");
    let status = text(sse, "Status");
    let key_arn = text(sse, "KMSMasterKeyArn");
    let kms = sse_type.as_deref() == Some("KMS")
        && !matches!(status.as_deref(), Some("DISABLED" | "DISABLING"));
    Encryption {
        kind: if kms {
            EncryptionKind::Unknown
        } else {
            EncryptionKind::AwsOwned
        },
        key_arn: key_arn.filter(|_| kms),
        sse_type,
        status,
    }
}

/// An observation of table `name`: account and region from `arn` when it is a table ARN,
/// else from the path.
pub(crate) fn observation(
    ctx: &Ctx<'_>,
    name: &str,
    arn: Option<&str>,
    facts: TableFacts,
    observed_at_ms: Option<i64>,
) -> TableObservation {
    let parts = arn.and_then(table_arn).map(|(parts, _)| parts);
    TableObservation {
        account: ctx.account(parts.map(|p| p.account)),
        region: ctx.region(parts.map(|p| p.region)),
        name: name.to_string(),
        arn: arn
            .filter(|_| parts.is_some())
            .unwrap_or_default()
            .to_string(),
        facts,
        source: ctx.source(observed_at_ms),
    }
}

/// The table an output that does not name it is about, from the path; else a warning that
/// says what is lost.
fn path_table(ctx: &Ctx<'_>, out: &mut Out, what: &str) -> Option<String> {
    if let Some(table) = &ctx.hints.table {
        return Some(table.clone());
    }
    out.warn(|| {
        format!(
            "{}: not associated with any table, so its {what} is left out: {} does not name its \
             table and the path has no `tables/<TableName>/` folder",
            ctx.name,
            ctx.kind.label()
        )
    });
    None
}

pub(crate) fn describe_table(v: &Value, ctx: &Ctx<'_>) -> Out {
    let mut out = Out::new("table");
    let descriptions: Vec<&Value> = match v {
        Value::Array(list) => list.iter().collect(),
        _ => match get(v, "Tables") {
            Some(Value::Array(list)) => list.iter().collect(),
            _ => vec![v],
        },
    };
    for (i, element) in descriptions.into_iter().enumerate() {
        // Elements are `{"Table":{..}}` as describe-table prints them, or bare descriptions.
        let t = get(element, "Table").unwrap_or(element);
        if !t.is_object() {
            out.count += 1;
            out.skip(i, || format!("the table description is {}", describe(t)));
            continue;
        }
        out.count += 1;
        let arn = string(t, "TableArn");
        let name = string(t, "TableName").or_else(|| {
            arn.as_deref()
                .and_then(table_arn)
                .map(|(_, n)| n.to_string())
        });
        let Some(name) = name.as_deref().and_then(clean_name) else {
            out.skip(i, || "no TableName or TableArn".to_string());
            continue;
        };
        let facts = description_facts(t);
        let obs = observation(ctx, name, arn.as_deref(), facts, None);
        out.records.table_observations.push(obs);
    }
    out
}

pub(crate) fn list_tables(v: &Value, ctx: &Ctx<'_>) -> Out {
    let mut out = Out::new("table");
    for (i, name) in items(v, "TableNames").iter().enumerate() {
        out.count += 1;
        match name.as_str().and_then(clean_name) {
            Some(name) => {
                let obs = observation(ctx, name, None, TableFacts::default(), None);
                out.records.table_observations.push(obs);
            }
            None => out.skip(i, || {
                format!("a table name must be text, not {}", describe(name))
            }),
        }
    }
    out.records.listings.push(Listing {
        kind: ctx.kind,
        account: ctx.account(None),
        region: ctx.region(None),
        truncated: get(v, "LastEvaluatedTableName").is_some(),
        source: ctx.source(None),
    });
    out
}

pub(crate) fn continuous_backups(v: &Value, ctx: &Ctx<'_>) -> Out {
    let mut out = Out::new("table setting");
    out.count = 1;
    let description = get(v, "ContinuousBackupsDescription");
    let pitr = description.and_then(|d| get(d, "PointInTimeRecoveryDescription"));
    let Some(status) = pitr.and_then(|p| text(p, "PointInTimeRecoveryStatus")) else {
        out.skip(0, || {
            "no PointInTimeRecoveryDescription.PointInTimeRecoveryStatus".into()
        });
        return out;
    };
    let Some(table) = path_table(ctx, &mut out, "point-in-time recovery status") else {
        return out;
    };
    // While PITR is on, the latest restorable time is a few minutes before the call: the best
    // time the output gives for when this was true.
    let observed = pitr.and_then(|p| time(p, "LatestRestorableDateTime"));
    let facts = TableFacts {
        pitr: Some(status == "ENABLED"),
        ..TableFacts::default()
    };
    out.records
        .table_observations
        .push(observation(ctx, &table, None, facts, observed));
    out
}

pub(crate) fn time_to_live(v: &Value, ctx: &Ctx<'_>) -> Out {
    let mut out = Out::new("table setting");
    out.count = 1;
    let description = get(v, "TimeToLiveDescription");
    let Some(status) = description.and_then(|d| text(d, "TimeToLiveStatus")) else {
        out.skip(0, || "no TimeToLiveDescription.TimeToLiveStatus".into());
        return out;
    };
    let Some(table) = path_table(ctx, &mut out, "time to live") else {
        return out;
    };
    let facts = TableFacts {
        ttl: Some(TtlSetting {
            status,
            attribute: description.and_then(|d| text(d, "AttributeName")),
        }),
        ..TableFacts::default()
    };
    out.records
        .table_observations
        .push(observation(ctx, &table, None, facts, None));
    out
}

pub(crate) fn kinesis_destinations(v: &Value, ctx: &Ctx<'_>) -> Out {
    let mut out = Out::new("destination");
    let mut destinations = Vec::new();
    for (i, d) in items(v, "KinesisDataStreamDestinations").iter().enumerate() {
        out.count += 1;
        match text(d, "StreamArn") {
            Some(stream_arn) => destinations.push(KinesisDestination {
                stream_arn,
                status: text(d, "DestinationStatus"),
                status_description: text(d, "DestinationStatusDescription"),
            }),
            None => out.skip(i, || "no StreamArn".into()),
        }
    }
    destinations.sort();
    let named = string(v, "TableName");
    let table = match named.as_deref().and_then(clean_name) {
        Some(name) => Some(name.to_string()),
        None => path_table(ctx, &mut out, "Kinesis streaming destinations"),
    };
    if let Some(table) = table {
        let facts = TableFacts {
            kinesis_destinations: Some(destinations),
            ..TableFacts::default()
        };
        out.records
            .table_observations
            .push(observation(ctx, &table, None, facts, None));
    }
    out
}

pub(crate) fn resource_policy(v: &Value, ctx: &Ctx<'_>) -> Out {
    let mut out = Out::new("policy");
    out.count = 1;
    let Some(policy) = text(v, "Policy") else {
        out.skip(0, || "no Policy text".into());
        return out;
    };
    // The path names the table; failing that, the policy's own Resource ARNs may, when they
    // all name one table.
    let (table, arn) = match &ctx.hints.table {
        Some(table) => (Some(table.clone()), None),
        None => match policy_table(&policy) {
            Some(arn) => (table_arn(&arn).map(|(_, name)| name.to_string()), Some(arn)),
            None => (path_table(ctx, &mut out, "resource-based policy"), None),
        },
    };
    if let Some(table) = table {
        let facts = TableFacts {
            resource_policy: Some(policy),
            ..TableFacts::default()
        };
        out.records
            .table_observations
            .push(observation(ctx, &table, arn.as_deref(), facts, None));
    }
    out
}

/// The one table ARN a policy's statements name as `Resource` (streams and indexes of it
/// count as it), or `None` when there are none or several.
fn policy_table(policy: &str) -> Option<String> {
    let doc: Value = serde_json::from_str(policy).ok()?;
    let statements = match get(&doc, "Statement")? {
        Value::Array(list) => list.iter().collect::<Vec<_>>(),
        one => vec![one],
    };
    let mut tables = BTreeSet::new();
    for s in statements {
        let resources = match get(s, "Resource") {
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
            Some(Value::String(one)) => vec![one.as_str()],
            _ => Vec::new(),
        };
        for r in resources {
            let Some(parts) = parse_arn(r) else { continue };
            let Some(rest) = parts.resource.strip_prefix("table/") else {
                continue;
            };
            let name = rest.split('/').next().unwrap_or_default();
            if !name.is_empty() && !name.contains('*') {
                tables.insert(format!(
                    "arn:aws:dynamodb:{}:{}:table/{name}",
                    parts.region, parts.account
                ));
            }
        }
    }
    (tables.len() == 1).then(|| tables.pop_first()).flatten()
}

pub(crate) fn tags_of_resource(v: &Value, ctx: &Ctx<'_>) -> Out {
    let mut out = Out::new("tag");
    let list = get(v, "Tags");
    out.count = items(v, "Tags").len() as u64;
    let Some(tag_map) = list.and_then(tags) else {
        out.skip(0, || "Tags is not a list of Key and Value".into());
        return out;
    };
    if get(v, "NextToken").is_some() {
        out.warn(|| {
            "the output has a NextToken: tags after its first page are missing (run the CLI \
             without --no-paginate)"
                .into()
        });
    }
    if let Some(table) = path_table(ctx, &mut out, "tags") {
        let facts = TableFacts {
            tags: Some(tag_map),
            ..TableFacts::default()
        };
        out.records
            .table_observations
            .push(observation(ctx, &table, None, facts, None));
    }
    out
}
