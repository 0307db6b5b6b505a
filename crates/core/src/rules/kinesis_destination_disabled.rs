//! Rule `ddb-kinesis-destination-disabled`: see [`DOC`].

use std::collections::BTreeMap;

use super::{table_key, Context, Finding, Rule, RuleMeta, Select, Severity};
use crate::model::Event;

pub const DOC: &str = r#"## What it does
Finds Kinesis Data Streams destinations switched off on DynamoDB tables:
`DisableKinesisStreamingDestination` calls that succeeded. One finding per table, naming the
Kinesis streams.

## Why is this bad?
Kinesis streaming copies every item change of the table into a Kinesis data stream, where it
typically feeds analytics, replication or an audit archive. Disabling it stops that copy
without touching the table; whatever relied on the change feed goes quiet.

## Example
```json
{"eventSource": "dynamodb.amazonaws.com", "eventName": "DisableKinesisStreamingDestination",
 "requestParameters": {"tableName": "Orders",
   "streamArn": "arn:aws:kinesis:eu-west-1:111122223333:stream/orders-changes"}}
```

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "ddb-kinesis-destination-disabled",
        title: "Kinesis streaming destination disabled on a DynamoDB table",
        severity: Severity::Medium,
        technique: None,
        remediation: "Check what consumed the Kinesis stream and re-enable the destination if it is still needed (enable-kinesis-streaming-destination).",
        references: &[
            "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DisableKinesisStreamingDestination.html",
            "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/kds.html",
        ],
        doc: DOC,
        select: Select::succeeded(
            &["dynamodb.amazonaws.com"],
            &["DisableKinesisStreamingDestination"],
        ),
    },
    run,
};

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    let mut groups = BTreeMap::new();
    for &e in events {
        let detail = cx.detail(e);
        let group = groups.entry(table_key(e)).or_insert_with(|| cx.group());
        group.add(e);
        group.add_resource(detail.request().field("streamArn").text_or_empty());
    }
    groups
        .into_values()
        .map(|g| {
            let summary = format!(
                "Table {} stopped streaming to {} {} {}.",
                g.tables_text(),
                g.resources_text("its Kinesis stream"),
                g.by_whom(),
                g.when()
            );
            g.finish(&RULE.meta, summary)
        })
        .collect()
}
