//! Rule `ddb-table-exported`: see [`DOC`].

use std::collections::BTreeMap;

use super::{table_key, Context, Finding, Rule, RuleMeta, Select, Severity, Technique};
use crate::model::Event;

pub const DOC: &str = r#"## What it does
Finds DynamoDB tables exported to Amazon S3: `ExportTableToPointInTime` calls that succeeded
(full and incremental exports). One finding per table, naming the buckets.

## Why is this bad?
An export writes a complete copy of the table to S3 without a single read against the table,
so it consumes no capacity, triggers no throttling and leaves no data-plane events. The copy
then lives under the bucket's access controls, not the table's. It is the quietest way to take
all of a table.

## Example
```json
{"eventSource": "dynamodb.amazonaws.com", "eventName": "ExportTableToPointInTime",
 "requestParameters": {"tableArn": "arn:aws:dynamodb:eu-west-1:111122223333:table/Orders",
   "s3Bucket": "analytics-exports", "exportFormat": "DYNAMODB_JSON"}}
```

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "ddb-table-exported",
        title: "DynamoDB table exported to S3",
        severity: Severity::Medium,
        technique: Some(Technique {
            id: "T1213.006",
            name: "Data from Information Repositories: Databases",
        }),
        remediation: "Confirm the export was expected and the bucket is the approved destination with the right access and encryption; limit dynamodb:ExportTableToPointInTime to the pipelines that need it.",
        references: &[
            "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ExportTableToPointInTime.html",
            "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataExport.HowItWorks.html",
        ],
        doc: DOC,
        select: Select::succeeded(&["dynamodb.amazonaws.com"], &["ExportTableToPointInTime"]),
    },
    run,
};

/// `s3://bucket/prefix` of an export request; empty when the request does not say.
pub(crate) fn destination(cx: &Context<'_>, e: &Event) -> String {
    let detail = cx.detail(e);
    let request = detail.request();
    let bucket = request.field("s3Bucket").text_or_empty();
    if bucket.is_empty() {
        return String::new();
    }
    format!(
        "s3://{bucket}/{}",
        request.field("s3Prefix").text_or_empty()
    )
}

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    let mut groups = BTreeMap::new();
    for &e in events {
        let group = groups.entry(table_key(e)).or_insert_with(|| cx.group());
        group.add(e);
        group.add_resource(&destination(cx, e));
    }
    groups
        .into_values()
        .map(|g| {
            let summary = format!(
                "Table {} was exported to {} {} {}.",
                g.tables_text(),
                g.resources_text("S3"),
                g.by_whom(),
                g.when()
            );
            g.finish(&RULE.meta, summary)
        })
        .collect()
}
