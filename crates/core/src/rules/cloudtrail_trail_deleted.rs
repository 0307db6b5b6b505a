//! Rule `cloudtrail-trail-deleted`: see [`DOC`].

use super::{per_resource, Context, Finding, Rule, RuleMeta, Select, Severity, Technique};
use crate::model::Event;

pub const DOC: &str = r#"## What it does
Finds CloudTrail trails deleted: `DeleteTrail` calls that succeeded, one finding per trail.

## Why is this bad?
Deleting a trail stops its logging for good and removes its configuration (selectors, bucket,
encryption), so DynamoDB activity after it is no longer recorded. Logs already delivered stay
in the bucket.

## Example
```json
{"eventSource": "cloudtrail.amazonaws.com", "eventName": "DeleteTrail",
 "requestParameters": {"name": "data-events-trail"}}
```

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "cloudtrail-trail-deleted",
        title: "CloudTrail trail deleted",
        severity: Severity::High,
        technique: Some(Technique {
            id: "T1562.008",
            name: "Impair Defenses: Disable or Modify Cloud Logs",
        }),
        remediation: "Recreate the trail from its infrastructure-as-code definition, and prevent deletion with an SCP denying cloudtrail:DeleteTrail outside the security account.",
        references: &[
            "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DeleteTrail.html",
            "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html",
        ],
        doc: DOC,
        select: Select::succeeded(&["cloudtrail.amazonaws.com"], &["DeleteTrail"]),
    },
    run,
};

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    per_resource(cx, &RULE.meta, events, &["name"], "Trail", |_| "deleted")
}
