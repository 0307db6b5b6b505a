//! Rule `ddb-table-deleted`: see [`DOC`].

use super::{per_table, Context, Finding, Rule, RuleMeta, Select, Severity, Technique};
use crate::model::Event;

pub const DOC: &str = r#"## What it does
Finds DynamoDB tables deleted (`DeleteTable` calls that succeeded), one finding per table.

## Why is this bad?
Deleting a table destroys its items, its streams and its on-demand point-in-time recovery
history at once. An intruder, a ransom crew or a mistaken script run against production
all look like this. Only on-demand backups and AWS Backup recovery points outlive the table.

## Example
```json
{"eventSource": "dynamodb.amazonaws.com", "eventName": "DeleteTable",
 "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/Admin/ana"},
 "requestParameters": {"tableName": "Orders"},
 "responseElements": {"tableDescription": {"tableName": "Orders", "tableStatus": "DELETING"}}}
```

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "ddb-table-deleted",
        title: "DynamoDB table deleted",
        severity: Severity::High,
        technique: Some(Technique {
            id: "T1485",
            name: "Data Destruction",
        }),
        remediation: "Confirm the deletion was planned; if not, restore the table from its latest on-demand backup or AWS Backup recovery point, and enable deletion protection on tables that must stay.",
        references: &[
            "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteTable.html",
            "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/logging-using-cloudtrail.html",
        ],
        doc: DOC,
        select: Select::succeeded(&["dynamodb.amazonaws.com"], &["DeleteTable"]),
    },
    run,
};

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    per_table(cx, &RULE.meta, events, "was deleted")
}
