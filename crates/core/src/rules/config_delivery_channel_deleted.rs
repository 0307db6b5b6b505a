//! Rule `config-delivery-channel-deleted`: see [`DOC`].

use super::{per_resource, Context, Finding, Rule, RuleMeta, Select, Severity, Technique};
use crate::model::Event;

pub const DOC: &str = r#"## What it does
Finds AWS Config delivery channels deleted: `DeleteDeliveryChannel` calls that succeeded, one
finding per channel (named by `deliveryChannelName`).

## Why is this bad?
The delivery channel sends configuration history and snapshots to S3 (the files this report
reads) and change notifications to SNS. Without it, nothing recorded leaves Config: history
files stop, and so does every alert built on them.

## Example
```json
{"eventSource": "config.amazonaws.com", "eventName": "DeleteDeliveryChannel",
 "requestParameters": {"deliveryChannelName": "default"}}
```

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "config-delivery-channel-deleted",
        title: "AWS Config delivery channel deleted",
        severity: Severity::Medium,
        technique: Some(Technique {
            id: "T1562.008",
            name: "Impair Defenses: Disable or Modify Cloud Logs",
        }),
        remediation: "Recreate the delivery channel to the log archive bucket (put-delivery-channel) and restart the recorder, which stops when its channel goes.",
        references: &[
            "https://docs.aws.amazon.com/config/latest/APIReference/API_DeleteDeliveryChannel.html",
        ],
        doc: DOC,
        select: Select::succeeded(&["config.amazonaws.com"], &["DeleteDeliveryChannel"]),
    },
    run,
};

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    per_resource(
        cx,
        &RULE.meta,
        events,
        &["deliveryChannelName"],
        "Delivery channel",
        |_| "deleted",
    )
}
