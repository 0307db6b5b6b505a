//! Application Auto Scaling `describe-scalable-targets`: the DynamoDB tables (and their
//! indexes) whose capacity scales, grouped into one observation per table.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::ingest::exports::{tables_detail, Ctx, Out};
use crate::ingest::value::{flag, get, items, parse_arn, text};
use crate::model::inventory::{Listing, ScalingTarget, TableFacts, TableObservation};

pub(crate) fn scalable_targets(v: &Value, ctx: &Ctx<'_>) -> Out {
    let mut out = Out::new("scalable target");
    let mut by_table: BTreeMap<(String, String, String), Vec<ScalingTarget>> = BTreeMap::new();
    for (i, target) in items(v, "ScalableTargets").iter().enumerate() {
        out.count += 1;
        if text(target, "ServiceNamespace").as_deref() != Some("dynamodb") {
            continue;
        }
        let (Some(resource_id), Some(dimension)) = (
            text(target, "ResourceId"),
            text(target, "ScalableDimension"),
        ) else {
            out.skip(i, || "no ResourceId and ScalableDimension".into());
            continue;
        };
        // table/<name> or table/<name>/index/<index>
        let mut parts = resource_id.split('/');
        let (Some("table"), Some(table)) = (parts.next(), parts.next()) else {
            out.skip(i, || {
                format!("ResourceId {resource_id:?} does not name a table")
            });
            continue;
        };
        let index = match (parts.next(), parts.next()) {
            (Some("index"), Some(index)) => Some(index.to_string()),
            _ => None,
        };
        let arn = text(target, "ScalableTargetARN");
        let arn_parts = arn.as_deref().and_then(parse_arn);
        let suspended = get(target, "SuspendedState").map(|s| {
            [
                "DynamicScalingInSuspended",
                "DynamicScalingOutSuspended",
                "ScheduledScalingSuspended",
            ]
            .iter()
            .any(|k| flag(s, k) == Some(true))
        });
        let key = (
            ctx.account(arn_parts.map(|p| p.account)),
            ctx.region(arn_parts.map(|p| p.region)),
            table.to_string(),
        );
        by_table.entry(key).or_default().push(ScalingTarget {
            index,
            dimension,
            min_capacity: crate::ingest::value::count(target, "MinCapacity"),
            max_capacity: crate::ingest::value::count(target, "MaxCapacity"),
            suspended,
        });
    }
    out.detail = tables_detail(by_table.len() as u64);
    for ((account, region, name), mut targets) in by_table {
        targets.sort();
        out.records.table_observations.push(TableObservation {
            account,
            region,
            name,
            arn: String::new(),
            facts: TableFacts {
                autoscaling: Some(targets),
                ..TableFacts::default()
            },
            source: ctx.source(None),
        });
    }
    out.records.listings.push(Listing {
        kind: ctx.kind,
        account: ctx.account(None),
        region: ctx.region(None),
        truncated: get(v, "NextToken").is_some(),
        source: ctx.source(None),
    });
    out
}
