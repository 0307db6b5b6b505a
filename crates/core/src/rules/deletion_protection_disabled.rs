//! Rule `ddb-deletion-protection-disabled`: see [`DOC`].

use super::{per_table, Context, Finding, Rule, RuleMeta, Select, Severity, Technique};
use crate::model::Event;

pub const DOC: &str = r#"## What it does
Finds deletion protection switched off on a DynamoDB table: `UpdateTable` calls that succeeded
with `deletionProtectionEnabled` false in the request. One finding per table.

## Why is this bad?
Deletion protection makes `DeleteTable` fail until someone deliberately turns it off. Turning
it off is the step just before a table can be deleted, so it is worth knowing who did it and
whether a deletion followed (see `ddb-table-deleted`).

## Example
```json
{"eventSource": "dynamodb.amazonaws.com", "eventName": "UpdateTable",
 "requestParameters": {"tableName": "Orders", "deletionProtectionEnabled": false}}
```

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "ddb-deletion-protection-disabled",
        title: "Deletion protection disabled on a DynamoDB table",
        severity: Severity::Medium,
        technique: Some(Technique {
            id: "T1485",
            name: "Data Destruction",
        }),
        remediation: "Turn deletion protection back on unless the table is being retired on purpose; restrict dynamodb:UpdateTable on production tables.",
        references: &[
            "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html",
            "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithTables.Basics.html",
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
                .field("deletionProtectionEnabled")
                .flag()
                == Some(false)
        })
        .collect();
    per_table(
        cx,
        &RULE.meta,
        &disabled,
        "had deletion protection disabled",
    )
}
