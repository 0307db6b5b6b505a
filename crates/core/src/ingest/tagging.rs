//! Resource Groups Tagging API `get-resources`: tags of every tagged resource; the DynamoDB
//! tables among them become table observations.

use serde_json::Value;

use crate::ingest::dynamodb::observation;
use crate::ingest::exports::{tables_detail, Ctx, Out};
use crate::ingest::value::{get, items, table_arn, tags, text};
use crate::model::inventory::TableFacts;

pub(crate) fn get_resources(v: &Value, ctx: &Ctx<'_>) -> Out {
    let mut out = Out::new("resource");
    let mut tables = 0;
    for (i, mapping) in items(v, "ResourceTagMappingList").iter().enumerate() {
        out.count += 1;
        let Some(arn) = text(mapping, "ResourceARN") else {
            out.skip(i, || "no ResourceARN".into());
            continue;
        };
        let Some((_, name)) = table_arn(&arn) else {
            continue;
        };
        let Some(tag_map) = get(mapping, "Tags").map_or(Some(Default::default()), tags) else {
            out.skip(i, || format!("{arn}: Tags is not a list of Key and Value"));
            continue;
        };
        tables += 1;
        let facts = TableFacts {
            tags: Some(tag_map),
            ..TableFacts::default()
        };
        let obs = observation(ctx, name, Some(&arn), facts, None);
        out.records.table_observations.push(obs);
    }
    out.detail = tables_detail(tables);
    out
}
