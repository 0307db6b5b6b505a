//! Rule `ddb-export-to-other-account`: see [`DOC`].

use std::collections::{BTreeMap, BTreeSet};

use super::params::arn_account;
use super::table_exported::destination;
use super::{list_text, table_key, Context, Finding, Rule, RuleMeta, Select, Severity, Technique};
use crate::model::Event;

pub const DOC: &str = r#"## What it does
Finds DynamoDB exports to an S3 bucket owned by another account: `ExportTableToPointInTime`
calls that succeeded with `s3BucketOwner` set to an account other than the table's (the account
in `tableArn`, else the event's). One finding per table.

## Why is this bad?
The export hands a full copy of the table to another account, where none of this account's
controls, logs or keys apply any more. Legitimate cross-account exports exist (a data lake
account), which is why the destination account is named: compare it with the approved list.

## Example
```json
{"eventSource": "dynamodb.amazonaws.com", "eventName": "ExportTableToPointInTime",
 "requestParameters": {"tableArn": "arn:aws:dynamodb:eu-west-1:111122223333:table/Orders",
   "s3Bucket": "drop-zone-7", "s3BucketOwner": "444455556666"}}
```

## Known problems
A bucket in another account given without `s3BucketOwner` is not recognised: the request does
not say who owns it.

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "ddb-export-to-other-account",
        title: "DynamoDB table exported to another account's S3 bucket",
        severity: Severity::High,
        technique: Some(Technique {
            id: "T1537",
            name: "Transfer Data to Cloud Account",
        }),
        remediation: "Check the destination account against the approved data-sharing list; if unknown, treat the table's data as exposed and restrict exports with an SCP on s3BucketOwner.",
        references: &[
            "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ExportTableToPointInTime.html",
            "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataExport_Requesting.html",
        ],
        doc: DOC,
        select: Select::succeeded(&["dynamodb.amazonaws.com"], &["ExportTableToPointInTime"]),
    },
    run,
};

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    let mut groups = BTreeMap::new();
    let mut owners: BTreeMap<_, BTreeSet<String>> = BTreeMap::new();
    for &e in events {
        let detail = cx.detail(e);
        let request = detail.request();
        let owner = request.field("s3BucketOwner").text_or_empty();
        let own = request
            .field("tableArn")
            .text()
            .and_then(arn_account)
            .unwrap_or_else(|| cx.model.str(e.account));
        if owner.is_empty() || owner == own {
            continue;
        }
        let group = groups.entry(table_key(e)).or_insert_with(|| cx.group());
        group.add(e);
        group.add_resource(&destination(cx, e));
        owners
            .entry(table_key(e))
            .or_default()
            .insert(owner.to_string());
    }
    groups
        .into_iter()
        .map(|(table, g)| {
            let accounts = owners
                .get(&table)
                .map(|o| list_text(o.iter().map(String::as_str), ""))
                .unwrap_or_default();
            let summary = format!(
                "Table {} was exported to {} owned by account {accounts} {} {}.",
                g.tables_text(),
                g.resources_text("S3"),
                g.by_whom(),
                g.when()
            );
            g.finish(&RULE.meta, summary)
        })
        .collect()
}
