//! Rule `kms-table-key-policy-changed`: see [`DOC`].

use super::kms_table_key::{findings, protects_a_table};
use super::{Context, Finding, Rule, RuleMeta, Select, Severity};
use crate::model::Event;

pub const DOC: &str = concat!(
    r#"## What it does
Finds the key policy of a KMS key that protects DynamoDB tables replaced: `PutKeyPolicy`
calls that succeeded on such a key. One finding per key, naming the tables it protects.

"#,
    protects_a_table!(),
    r#"

## Why is this bad?
The key policy decides who can use the key, and so who can read the tables through
DynamoDB, and who can administer (disable, delete) the key. A new policy can lock DynamoDB
out of the key, or let another account or role decrypt table data.

## Example
```json
{"eventSource": "kms.amazonaws.com", "eventName": "PutKeyPolicy",
 "requestParameters": {"keyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "policyName": "default",
   "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[...]}"}}
```

## Known problems
A key named only by an alias is not matched. The new policy is not judged; read it in the
event.

## References
"#
);

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "kms-table-key-policy-changed",
        title: "Key policy of a KMS key protecting a DynamoDB table changed",
        severity: Severity::Medium,
        technique: None,
        remediation: "Compare the new key policy with the approved one; check that DynamoDB (via kms:ViaService) and the table's users keep access and no unexpected principal gained it.",
        references: &[
            "https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html",
            "https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html",
        ],
        doc: DOC,
        select: Select::succeeded(&["kms.amazonaws.com"], &["PutKeyPolicy"]),
    },
    run,
};

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    findings(
        cx,
        &RULE.meta,
        events,
        "had its key policy replaced",
        |_| None,
    )
}
