//! Rule `ddb-resource-policy-grants-external`: see [`DOC`].

use std::collections::{BTreeMap, BTreeSet};

use super::params::arn_account;
use super::policy::external_grants;
use super::{list_text, table_key, Context, Finding, Rule, RuleMeta, Select, Severity, Technique};
use crate::model::Event;

pub const DOC: &str = r#"## What it does
Finds resource-based policies put on DynamoDB tables or streams that allow another AWS account
or everyone (`"Principal": "*"`, `{"AWS": "*"}`, or `NotPrincipal` with `Allow`):
`PutResourcePolicy` calls that succeeded, their `policy` document read statement by statement.
The owning account is the one in `resourceArn` (else the event's account). One finding per
table, naming the outside principals and whether a `Condition` may narrow them.

## Why is this bad?
Such a policy lets principals outside the account read or change the table without any IAM
identity policy of the account being involved, and without a trace in the account's
identity-based access reviews. A wildcard principal is the classic data-exposure mistake; a
grant to an unknown account is a classic way to keep access after an intrusion.

## Example
```json
{"eventSource": "dynamodb.amazonaws.com", "eventName": "PutResourcePolicy",
 "requestParameters": {"resourceArn": "arn:aws:dynamodb:eu-west-1:111122223333:table/Orders",
   "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"},\"Action\":\"dynamodb:Scan\",\"Resource\":\"*\"}]}"}}
```

## Known problems
Conditions are not evaluated: a `*` principal limited by `aws:PrincipalOrgID` is still
reported, marked as conditional. Grants to service principals are not reported.

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "ddb-resource-policy-grants-external",
        title: "DynamoDB resource policy grants access to another account or everyone",
        severity: Severity::High,
        technique: Some(Technique {
            id: "T1537",
            name: "Transfer Data to Cloud Account",
        }),
        remediation: "Check that each outside account is a known partner and the access is approved; remove wildcard principals or bind them with aws:PrincipalOrgID or aws:SourceAccount conditions.",
        references: &[
            "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/access-control-resource-based.html",
            "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutResourcePolicy.html",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
        ],
        doc: DOC,
        select: Select::succeeded(&["dynamodb.amazonaws.com"], &["PutResourcePolicy"]),
    },
    run,
};

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    let mut groups = BTreeMap::new();
    let mut grantees: BTreeMap<_, BTreeSet<String>> = BTreeMap::new();
    for &e in events {
        let detail = cx.detail(e);
        let request = detail.request();
        let resource = request.field("resourceArn").text_or_empty();
        let own = arn_account(resource).unwrap_or_else(|| cx.model.str(e.account));
        let Some(grants) = request
            .field("policy")
            .text()
            .and_then(|policy| external_grants(policy, own))
        else {
            continue;
        };
        if grants.is_empty() {
            continue;
        }
        groups
            .entry(table_key(e))
            .or_insert_with(|| cx.group())
            .add(e);
        grantees
            .entry(table_key(e))
            .or_default()
            .extend(grants.into_iter().map(|g| {
                let who = if g.principal == "*" {
                    "everyone (*)".to_string()
                } else {
                    g.principal
                };
                if g.conditional {
                    format!("{who} under a condition")
                } else {
                    who
                }
            }));
    }
    groups
        .into_iter()
        .map(|(table, g)| {
            let who = grantees
                .get(&table)
                .map(|set| list_text(set.iter().map(String::as_str), ""))
                .unwrap_or_default();
            let summary = format!(
                "The resource policy of table {} was set to allow {who}, {} {}.",
                g.tables_text(),
                g.by_whom(),
                g.when()
            );
            g.finish(&RULE.meta, summary)
        })
        .collect()
}
