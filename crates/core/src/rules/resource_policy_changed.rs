//! Rule `ddb-resource-policy-changed`: see [`DOC`].

use super::{group_by, table_key, Context, Finding, Rule, RuleMeta, Select, Severity, Technique};
use crate::model::Event;

pub const DOC: &str = r#"## What it does
Finds resource-based policies put on or deleted from DynamoDB tables and streams:
`PutResourcePolicy` and `DeleteResourcePolicy` calls that succeeded. One finding per table.

## Why is this bad?
A table's resource policy decides who, in this account or others, may read and write it,
independently of IAM identity policies. Any change to it changes who can reach the data; a
deletion can also remove explicit denies that protected the table. Policies that let in other
accounts or everyone are reported on their own by `ddb-resource-policy-grants-external`.

## Example
```json
{"eventSource": "dynamodb.amazonaws.com", "eventName": "DeleteResourcePolicy",
 "requestParameters": {"resourceArn": "arn:aws:dynamodb:eu-west-1:111122223333:table/Orders"}}
```

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "ddb-resource-policy-changed",
        title: "Resource policy of a DynamoDB table changed or deleted",
        severity: Severity::Medium,
        technique: Some(Technique {
            id: "T1098",
            name: "Account Manipulation",
        }),
        remediation: "Review the table's current policy (get-resource-policy) against what the change request approved; keep resource policies in infrastructure as code so drift stands out.",
        references: &[
            "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutResourcePolicy.html",
            "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteResourcePolicy.html",
            "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/access-control-resource-based.html",
        ],
        doc: DOC,
        select: Select::succeeded(
            &["dynamodb.amazonaws.com"],
            &["PutResourcePolicy", "DeleteResourcePolicy"],
        ),
    },
    run,
};

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    let deletes = |group: &[&Event]| {
        group
            .iter()
            .filter(|e| cx.model.str(e.event_name) == "DeleteResourcePolicy")
            .count()
    };
    let by_table = group_by(cx, events, table_key);
    let mut findings = Vec::new();
    for (table, g) in by_table {
        let members: Vec<&Event> = events
            .iter()
            .copied()
            .filter(|e| table_key(e) == table)
            .collect();
        let deleted = deletes(&members);
        let put = members.len() - deleted;
        let what = match (put, deleted) {
            (0, _) => "was deleted".to_string(),
            (_, 0) => "was put".to_string(),
            _ => "was put and deleted".to_string(),
        };
        let summary = format!(
            "The resource policy of table {} {what} {} {}.",
            g.tables_text(),
            g.by_whom(),
            g.when()
        );
        findings.push(g.finish(&RULE.meta, summary));
    }
    findings
}
