//! Rule `config-recorder-stopped`: see [`DOC`].

use super::{per_resource, Context, Finding, Rule, RuleMeta, Select, Severity, Technique};
use crate::model::Event;

pub const DOC: &str = r#"## What it does
Finds AWS Config configuration recorders stopped or deleted: `StopConfigurationRecorder` and
`DeleteConfigurationRecorder` calls that succeeded, one finding per recorder (named by
`configurationRecorderName`).

## Why is this bad?
The recorder is what captures each table's configuration over time (encryption, PITR, deletion
protection, streams, tags) and feeds every Config rule. Stopped, it records no further
change: a table can be made public or unprotected and Config will neither record it nor
evaluate it.

## Example
```json
{"eventSource": "config.amazonaws.com", "eventName": "StopConfigurationRecorder",
 "requestParameters": {"configurationRecorderName": "default"}}
```

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "config-recorder-stopped",
        title: "AWS Config recorder stopped or deleted",
        severity: Severity::High,
        technique: Some(Technique {
            id: "T1562.008",
            name: "Impair Defenses: Disable or Modify Cloud Logs",
        }),
        remediation: "Start the recorder again (start-configuration-recorder, or recreate it) and check the configuration of DynamoDB tables for changes made while it was off.",
        references: &[
            "https://docs.aws.amazon.com/config/latest/APIReference/API_StopConfigurationRecorder.html",
            "https://docs.aws.amazon.com/config/latest/APIReference/API_DeleteConfigurationRecorder.html",
        ],
        doc: DOC,
        select: Select::succeeded(
            &["config.amazonaws.com"],
            &["StopConfigurationRecorder", "DeleteConfigurationRecorder"],
        ),
    },
    run,
};

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    per_resource(
        cx,
        &RULE.meta,
        events,
        &["configurationRecorderName"],
        "Configuration recorder",
        |name| {
            if name == "DeleteConfigurationRecorder" {
                "deleted"
            } else {
                "stopped"
            }
        },
    )
}
