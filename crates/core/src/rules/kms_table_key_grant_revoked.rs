//! Rule `kms-table-key-grant-revoked`: see [`DOC`].

use super::kms_table_key::{findings, protects_a_table};
use super::{Context, Finding, Rule, RuleMeta, Select, Severity};
use crate::model::Event;

pub const DOC: &str = concat!(
    r#"## What it does
Finds grants revoked on KMS keys that protect DynamoDB tables: `RevokeGrant` calls that
succeeded on such a key. One finding per key, naming the tables it protects and the grants.

"#,
    protects_a_table!(),
    r#"

## Why is this bad?
DynamoDB uses a grant per table on its key for background work (backups, restores, global
table replication, periodic key checks). Revoking that grant by hand breaks those tasks and
can make the table inaccessible; DynamoDB itself retires its grants with `RetireGrant`, not
`RevokeGrant`.

## Example
```json
{"eventSource": "kms.amazonaws.com", "eventName": "RevokeGrant",
 "requestParameters": {"keyId": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
   "grantId": "0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60"}}
```

## Known problems
A key named only by an alias is not matched. Whether the revoked grant was DynamoDB's is not
known from the event alone.

## References
"#
);

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "kms-table-key-grant-revoked",
        title: "Grant revoked on a KMS key protecting a DynamoDB table",
        severity: Severity::Medium,
        technique: None,
        remediation: "List the key's grants (kms list-grants) and check that each table's DynamoDB grant is still there; an UpdateTable of the table's SSE settings makes DynamoDB create it again.",
        references: &[
            "https://docs.aws.amazon.com/kms/latest/APIReference/API_RevokeGrant.html",
            "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html",
        ],
        doc: DOC,
        select: Select::succeeded(&["kms.amazonaws.com"], &["RevokeGrant"]),
    },
    run,
};

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    findings(cx, &RULE.meta, events, "had a grant revoked", |detail| {
        let grant = detail.request().field("grantId").text()?;
        Some(format!("grant {grant}"))
    })
}
