//! Rule `kms-table-key-disabled`: see [`DOC`].

use super::kms_table_key::{findings, protects_a_table};
use super::{Context, Finding, Rule, RuleMeta, Select, Severity, Technique};
use crate::model::Event;

pub const DOC: &str = concat!(
    r#"## What it does
Finds KMS keys that protect DynamoDB tables being disabled: `DisableKey` calls that succeeded
on such a key. One finding per key, naming the tables it protects.

"#,
    protects_a_table!(),
    r#"

## Why is this bad?
DynamoDB cannot decrypt a table whose customer managed key is disabled: after its cached
table key expires, reads and writes fail, and after seven days of an inaccessible key the
table is archived. Disabling a table's key is a denial-of-service against the table and a
lever for extortion.

## Example
```json
{"eventSource": "kms.amazonaws.com", "eventName": "DisableKey",
 "requestParameters": {"keyId": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}
```

## Known problems
A key named only by an alias (`alias/orders`) is not matched: resolving aliases needs
inventory the events do not carry.

## References
"#
);

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "kms-table-key-disabled",
        title: "KMS key protecting a DynamoDB table disabled",
        severity: Severity::High,
        technique: Some(Technique {
            id: "T1485",
            name: "Data Destruction",
        }),
        remediation: "Re-enable the key (enable-key) before DynamoDB archives the table, then find out who disabled it and why.",
        references: &[
            "https://docs.aws.amazon.com/kms/latest/APIReference/API_DisableKey.html",
            "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html",
        ],
        doc: DOC,
        select: Select::succeeded(&["kms.amazonaws.com"], &["DisableKey"]),
    },
    run,
};

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    findings(cx, &RULE.meta, events, "was disabled", |_| None)
}
