//! Rule `cloudtrail-logging-stopped`: see [`DOC`].

use super::{per_resource, Context, Finding, Rule, RuleMeta, Select, Severity, Technique};
use crate::model::Event;

pub const DOC: &str = r#"## What it does
Finds CloudTrail trails stopped: `StopLogging` calls that succeeded, one finding per trail
(named by the request's `name`, a trail name or ARN).

## Why is this bad?
A stopped trail records nothing: no table deleted, no export, no key disabled will be in its
logs from then on. Stopping the trail is the first thing an intruder who knows AWS does, and
everything that follows is invisible to this report.

## Example
```json
{"eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging",
 "requestParameters": {"name": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail"}}
```

## Known problems
Any trail counts, not only those logging DynamoDB: the event does not say what the trail logged.

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "cloudtrail-logging-stopped",
        title: "CloudTrail trail stopped logging",
        severity: Severity::High,
        technique: Some(Technique {
            id: "T1562.008",
            name: "Impair Defenses: Disable or Modify Cloud Logs",
        }),
        remediation: "Start the trail again (start-logging) and look for what happened while it was off in other sources (CloudTrail event history keeps 90 days of management events).",
        references: &[
            "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StopLogging.html",
            "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html",
        ],
        doc: DOC,
        select: Select::succeeded(&["cloudtrail.amazonaws.com"], &["StopLogging"]),
    },
    run,
};

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    per_resource(cx, &RULE.meta, events, &["name"], "Trail", |_| "stopped")
}
