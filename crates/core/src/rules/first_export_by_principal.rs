//! Rule `ddb-first-export-by-principal`: see [`DOC`].

use std::collections::BTreeMap;

use super::table_exported::destination;
use super::{baseline_end, Context, Finding, Rule, RuleMeta, Select, Severity, Technique};
use crate::model::Event;
use crate::time::format_iso_ms;

pub const DOC: &str = r#"## What it does
Finds principals exporting DynamoDB tables to S3 for the first time in the loaded logs: the
principal's first successful `ExportTableToPointInTime` falls after the baseline, the first 24
hours of the loaded logs (`RuleSettings::baseline_ms`, counted from the earliest event of any
kind). One finding per principal, with all its exports. Logs shorter than the baseline give no
findings.

## Why is this bad?
Exports are usually run by one pipeline role on a schedule. A principal that has never
exported before and suddenly does is the pattern of data theft through export: one API call,
no reads on the table, a full copy in a bucket.

## Example
A developer's role that had never exported, on the third day of the logs:
```json
{"eventSource": "dynamodb.amazonaws.com", "eventName": "ExportTableToPointInTime",
 "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/dev/sam"},
 "requestParameters": {"tableArn": "arn:aws:dynamodb:eu-west-1:111122223333:table/Customers",
   "s3Bucket": "sam-scratch"}}
```

## Known problems
A principal whose earlier exports predate the loaded logs looks new.

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "ddb-first-export-by-principal",
        title: "Principal exported a DynamoDB table for the first time",
        severity: Severity::High,
        technique: Some(Technique {
            id: "T1213.006",
            name: "Data from Information Repositories: Databases",
        }),
        remediation: "Confirm with the principal's owner that the export was intended and the bucket is approved; if not, secure the bucket's copy and revoke the principal's credentials.",
        references: &[
            "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ExportTableToPointInTime.html",
            "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataExport.HowItWorks.html",
        ],
        doc: DOC,
        select: Select::succeeded(&["dynamodb.amazonaws.com"], &["ExportTableToPointInTime"]),
    },
    run,
};

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    let end = baseline_end(cx);
    if cx.last_event_ms < end {
        return Vec::new();
    }
    let mut first_export = BTreeMap::new();
    for e in events {
        let first = first_export.entry(e.principal).or_insert(e.time_ms);
        *first = (*first).min(e.time_ms);
    }
    let mut groups = BTreeMap::new();
    for &e in events {
        if first_export
            .get(&e.principal)
            .is_some_and(|&first| first >= end)
        {
            let group = groups.entry(e.principal).or_insert_with(|| cx.group());
            group.add(e);
            group.add_resource(&destination(cx, e));
        }
    }
    groups
        .into_values()
        .map(|g| {
            let who = g.by_whom();
            let who = who.strip_prefix("by ").unwrap_or(&who);
            let summary = format!(
                "{who}, with no export in the loaded logs before (baseline until {}), exported table {} to {} {}.",
                format_iso_ms(end),
                g.tables_text(),
                g.resources_text("S3"),
                g.when()
            );
            g.finish(&RULE.meta, summary)
        })
        .collect()
}
