//! Rule `ddb-pitr-disabled`: see [`DOC`].

use super::{per_table, Context, Finding, Rule, RuleMeta, Select, Severity, Technique};
use crate::model::Event;

pub const DOC: &str = r#"## What it does
Finds point-in-time recovery (PITR) switched off on a DynamoDB table: `UpdateContinuousBackups`
calls that succeeded with `pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled` false
(or, when the request does not say, a response whose `pointInTimeRecoveryStatus` is
`DISABLED`). One finding per table.

## Why is this bad?
PITR is what lets a table be restored to any second of its recovery period (up to 35 days)
after a bad write, a wiped table or ransomware. Turning it off discards that history at once, and is a usual first
step before destroying or corrupting data so that it cannot be recovered.

## Example
```json
{"eventSource": "dynamodb.amazonaws.com", "eventName": "UpdateContinuousBackups",
 "requestParameters": {"tableName": "Orders",
   "pointInTimeRecoverySpecification": {"pointInTimeRecoveryEnabled": false}}}
```

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "ddb-pitr-disabled",
        title: "Point-in-time recovery disabled on a DynamoDB table",
        severity: Severity::High,
        technique: Some(Technique {
            id: "T1490",
            name: "Inhibit System Recovery",
        }),
        remediation: "Re-enable point-in-time recovery on the table and find out why it was turned off; the recovery window restarts from the moment it is enabled again.",
        references: &[
            "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateContinuousBackups.html",
            "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery_Howitworks.html",
        ],
        doc: DOC,
        select: Select::succeeded(&["dynamodb.amazonaws.com"], &["UpdateContinuousBackups"]),
    },
    run,
};

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    let disabled: Vec<&Event> = events
        .iter()
        .copied()
        .filter(|e| {
            let detail = cx.detail(e);
            match detail
                .request()
                .at(&[
                    "pointInTimeRecoverySpecification",
                    "pointInTimeRecoveryEnabled",
                ])
                .flag()
            {
                Some(enabled) => !enabled,
                None => detail
                    .response()
                    .at(&[
                        "continuousBackupsDescription",
                        "pointInTimeRecoveryDescription",
                        "pointInTimeRecoveryStatus",
                    ])
                    .text()
                    .is_some_and(|s| s.eq_ignore_ascii_case("DISABLED")),
            }
        })
        .collect();
    per_table(
        cx,
        &RULE.meta,
        &disabled,
        "had point-in-time recovery disabled",
    )
}
