//! Rule `config-rule-deleted`: see [`DOC`].

use super::{per_resource, Context, Finding, Rule, RuleMeta, Select, Severity, Technique};
use crate::model::Event;

pub const DOC: &str = r#"## What it does
Finds AWS Config rules deleted: `DeleteConfigRule` calls that succeeded, one finding per rule
(named by `configRuleName`), whichever resources the rule evaluated.

## Why is this bad?
Config rules are the standing checks on tables: PITR on, deletion protection on, encryption
with a customer managed key, auto scaling, backup plan coverage. Deleting one stops the
check and drops its compliance history from view, so a table can drift without a
NON_COMPLIANT result ever appearing.

## Example
```json
{"eventSource": "config.amazonaws.com", "eventName": "DeleteConfigRule",
 "requestParameters": {"configRuleName": "dynamodb-pitr-enabled"}}
```

## Known problems
Rules deployed by conformance packs or AWS Security Hub are deleted by those services; their
deletions are reported too, with the service as principal.

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "config-rule-deleted",
        title: "AWS Config rule deleted",
        severity: Severity::Medium,
        technique: Some(Technique {
            id: "T1562.001",
            name: "Impair Defenses: Disable or Modify Tools",
        }),
        remediation: "Recreate the rule (or redeploy its conformance pack) and re-evaluate it; protect rules with an SCP denying config:DeleteConfigRule outside the security team.",
        references: &[
            "https://docs.aws.amazon.com/config/latest/APIReference/API_DeleteConfigRule.html",
            "https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config.html",
        ],
        doc: DOC,
        select: Select::succeeded(&["config.amazonaws.com"], &["DeleteConfigRule"]),
    },
    run,
};

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    per_resource(
        cx,
        &RULE.meta,
        events,
        &["configRuleName"],
        "Config rule",
        |_| "deleted",
    )
}
