//! Rule `ddb-root-user-activity`: see [`DOC`].

use super::{group_by, Context, Finding, Outcome, Rule, RuleMeta, Select, Severity, Technique};
use crate::model::Event;

pub const DOC: &str = r#"## What it does
Finds the root user of an account calling DynamoDB or DynamoDB Streams (`userIdentity.type`
`Root`), whether the calls succeeded or not. One finding per root user (that is, per account).

## Why is this bad?
The root user cannot be limited by IAM policies and should be used only for the few tasks that
need it, none of which involves DynamoDB. Root activity on tables means either poor practice
(shared root credentials) or a compromised root account; both need attention.

## Example
```json
{"eventSource": "dynamodb.amazonaws.com", "eventName": "DescribeTable",
 "userIdentity": {"type": "Root", "principalId": "111122223333",
   "arn": "arn:aws:iam::111122223333:root", "accountId": "111122223333"},
 "requestParameters": {"tableName": "Orders"}}
```

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "ddb-root-user-activity",
        title: "Root user used DynamoDB",
        severity: Severity::High,
        technique: Some(Technique {
            id: "T1078.004",
            name: "Valid Accounts: Cloud Accounts",
        }),
        remediation: "Confirm who used the root credentials and why; enable MFA on the root user, remove its access keys, and do table work through IAM roles.",
        references: &[
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html",
        ],
        doc: DOC,
        select: Select {
            sources: &["dynamodb.amazonaws.com", "streams.dynamodb.amazonaws.com"],
            names: &[],
            outcome: Outcome::Any,
            identity_types: &["Root"],
        },
    },
    run,
};

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    group_by(cx, events, |e| (e.account, e.principal))
        .into_values()
        .map(|g| {
            let who = g.by_whom();
            let summary = format!(
                "The root user ({}) called DynamoDB on {} {}.",
                who.strip_prefix("by ").unwrap_or(&who),
                g.tables_text(),
                g.when()
            );
            g.finish(&RULE.meta, summary)
        })
        .collect()
}
