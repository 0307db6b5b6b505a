//! Rule `kms-table-key-deletion-scheduled`: see [`DOC`].

use super::kms_table_key::{findings, protects_a_table};
use super::{Context, Finding, Rule, RuleMeta, Select, Severity, Technique};
use crate::model::Event;

pub const DOC: &str = concat!(
    r#"## What it does
Finds KMS keys that protect DynamoDB tables scheduled for deletion: `ScheduleKeyDeletion`
calls that succeeded on such a key, with the pending window. One finding per key, naming the
tables it protects.

"#,
    protects_a_table!(),
    r#"

## Why is this bad?
Once the key is deleted, every table it protects, and every backup made under it, can never
be decrypted again: the data is gone for good. During the pending window (7 to 30 days) the
key is already unusable, so the tables stop working at once.

## Example
```json
{"eventSource": "kms.amazonaws.com", "eventName": "ScheduleKeyDeletion",
 "requestParameters": {"keyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "pendingWindowInDays": 7}}
```

## Known problems
A key named only by an alias is not matched.

## References
"#
);

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "kms-table-key-deletion-scheduled",
        title: "KMS key protecting a DynamoDB table scheduled for deletion",
        severity: Severity::Critical,
        technique: Some(Technique {
            id: "T1485",
            name: "Data Destruction",
        }),
        remediation: "Cancel the deletion now (cancel-key-deletion, then enable-key): after the pending window the tables and their backups cannot be decrypted ever again.",
        references: &[
            "https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html",
            "https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html",
            "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html",
        ],
        doc: DOC,
        select: Select::succeeded(&["kms.amazonaws.com"], &["ScheduleKeyDeletion"]),
    },
    run,
};

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    findings(
        cx,
        &RULE.meta,
        events,
        "was scheduled for deletion",
        |detail| {
            let days = detail
                .request()
                .field("pendingWindowInDays")
                .number()
                .or_else(|| detail.response().field("pendingWindowInDays").number())?;
            Some(format!("pending window {days} days"))
        },
    )
}
