//! Lambda `list-event-source-mappings`: the triggers that read DynamoDB streams (and anything
//! else; mappings of other sources are kept too, with no table).

use serde_json::Value;

use crate::ingest::exports::{Ctx, Out};
use crate::ingest::value::{count, get, items, parse_arn, stream_arn, text, time};
use crate::model::inventory::{EventSourceMapping, Listing};

pub(crate) fn event_source_mappings(v: &Value, ctx: &Ctx<'_>) -> Out {
    let mut out = Out::new("event source mapping");
    for (i, m) in items(v, "EventSourceMappings").iter().enumerate() {
        out.count += 1;
        let (Some(uuid), Some(function_arn)) = (text(m, "UUID"), text(m, "FunctionArn")) else {
            out.skip(i, || "no UUID and FunctionArn".into());
            continue;
        };
        let event_source_arn = text(m, "EventSourceArn").unwrap_or_default();
        let function = parse_arn(&function_arn);
        let table = stream_arn(&event_source_arn).map(|(_, name)| name.to_string());
        out.records.event_source_mappings.push(EventSourceMapping {
            account: ctx.account(function.map(|p| p.account)),
            region: ctx.region(function.map(|p| p.region)),
            uuid,
            function_arn,
            event_source_arn,
            state: text(m, "State"),
            state_transition_reason: text(m, "StateTransitionReason"),
            batch_size: count(m, "BatchSize"),
            last_processing_result: text(m, "LastProcessingResult"),
            last_modified_ms: time(m, "LastModified"),
            starting_position: text(m, "StartingPosition"),
            table,
            source: ctx.source(None),
        });
    }
    out.records.listings.push(Listing {
        kind: ctx.kind,
        account: ctx.account(None),
        region: ctx.region(None),
        truncated: get(v, "NextMarker").is_some(),
        source: ctx.source(None),
    });
    let on_tables = out
        .records
        .event_source_mappings
        .iter()
        .filter(|m| m.table.is_some())
        .count() as u64;
    out.detail = (on_tables > 0).then(|| {
        format!(
            "{} on DynamoDB streams",
            crate::ingest::thousands(on_tables)
        )
    });
    out
}
