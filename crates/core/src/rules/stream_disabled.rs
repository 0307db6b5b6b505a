//! Rule `ddb-stream-disabled`: see [`DOC`].

use super::{per_table, Context, Finding, Rule, RuleMeta, Select, Severity};
use crate::model::Event;

pub const DOC: &str = r#"## What it does
Finds DynamoDB Streams switched off on a table: `UpdateTable` calls that succeeded with
`streamSpecification.streamEnabled` false. One finding per table.

## Why is this bad?
A table's stream feeds whatever depends on its changes: replicas, search indexes, Lambda
triggers, and often an audit trail of item changes. Disabling it silently stops all of them;
the stream's records are gone 24 hours later, and a new stream starts with a new ARN that
consumers are not reading.

## Example
```json
{"eventSource": "dynamodb.amazonaws.com", "eventName": "UpdateTable",
 "requestParameters": {"tableName": "Orders", "streamSpecification": {"streamEnabled": false}}}
```

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "ddb-stream-disabled",
        title: "DynamoDB stream disabled on a table",
        severity: Severity::Medium,
        technique: None,
        remediation: "Check which consumers (Lambda triggers, replication, audit pipelines) read the stream and re-enable it if they still need it; they must be pointed at the new stream ARN.",
        references: &[
            "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html",
            "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html",
        ],
        doc: DOC,
        select: Select::succeeded(&["dynamodb.amazonaws.com"], &["UpdateTable"]),
    },
    run,
};

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    let disabled: Vec<&Event> = events
        .iter()
        .copied()
        .filter(|e| {
            cx.detail(e)
                .request()
                .at(&["streamSpecification", "streamEnabled"])
                .flag()
                == Some(false)
        })
        .collect();
    per_table(cx, &RULE.meta, &disabled, "had its stream disabled")
}
