//! Rule `cloudtrail-trail-updated`: see [`DOC`].

use std::collections::{BTreeMap, BTreeSet};

use super::params::short_name;
use super::{list_text, Context, Finding, Rule, RuleMeta, Select, Severity, Technique};
use crate::model::Event;

pub const DOC: &str = r#"## What it does
Finds CloudTrail trails reconfigured: `UpdateTrail` calls that succeeded, one finding per
trail, listing the settings the requests changed (a new bucket, log file validation or
multi-region turned off, a new KMS key, ...).

## Why is this bad?
`UpdateTrail` can blind a trail without stopping it: send its logs to a bucket the intruder
controls, turn off log file validation so edits go unnoticed, make a multi-region trail
single-region, or drop global service events. It is also routine maintenance, hence the low
severity: read the changed settings.

## Example
```json
{"eventSource": "cloudtrail.amazonaws.com", "eventName": "UpdateTrail",
 "requestParameters": {"name": "org-trail", "s3BucketName": "logs-4455", "enableLogFileValidation": false}}
```

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "cloudtrail-trail-updated",
        title: "CloudTrail trail settings changed",
        severity: Severity::Low,
        technique: Some(Technique {
            id: "T1562.008",
            name: "Impair Defenses: Disable or Modify Cloud Logs",
        }),
        remediation: "Check the changed settings against the trail's definition: the bucket must be the log archive's, validation and multi-region on, the KMS key the approved one.",
        references: &[
            "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_UpdateTrail.html",
        ],
        doc: DOC,
        select: Select::succeeded(&["cloudtrail.amazonaws.com"], &["UpdateTrail"]),
    },
    run,
};

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    let mut groups = BTreeMap::new();
    let mut changes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for &e in events {
        let detail = cx.detail(e);
        let request = detail.request();
        let name = request.field("name").text_or_empty();
        let key = short_name(name).to_string();
        let group = groups.entry(key.clone()).or_insert_with(|| cx.group());
        group.add(e);
        group.add_resource(name);
        let set = changes.entry(key).or_default();
        for (field, value) in request.entries() {
            if field.eq_ignore_ascii_case("name") {
                continue;
            }
            set.insert(match (value.flag(), value.text()) {
                (Some(b), _) => format!("{field}={b}"),
                (None, Some(text)) => format!("{field}={text}"),
                _ => field.to_string(),
            });
        }
    }
    groups
        .into_iter()
        .map(|(name, g)| {
            let set = changes.get(&name).cloned().unwrap_or_default();
            let what = if set.is_empty() {
                String::new()
            } else {
                format!(" ({})", list_text(set.iter().map(String::as_str), ""))
            };
            let name = if name.is_empty() {
                "(name not recorded)".into()
            } else {
                name
            };
            let summary = format!(
                "Trail {name} was updated{what} {} {}.",
                g.by_whom(),
                g.when()
            );
            g.finish(&RULE.meta, summary)
        })
        .collect()
}
