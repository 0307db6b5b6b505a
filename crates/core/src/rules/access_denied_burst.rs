//! Rule `ddb-access-denied-burst`: see [`DOC`].

use std::collections::BTreeMap;

use super::{Context, Finding, Outcome, Rule, RuleMeta, Select, Severity, Technique};
use crate::model::Event;

pub const DOC: &str = r#"## What it does
Finds bursts of denied DynamoDB calls by one principal: at least
`RuleSettings::denied_burst_count` (default 10) calls to DynamoDB or DynamoDB Streams whose
`errorCode` starts with `AccessDenied` or ends with `UnauthorizedOperation`, by the same
principal within `RuleSettings::denied_burst_window_ms` (default 5 minutes). One finding per
principal; its events are every denied call that falls in such a window.

## Why is this bad?
Working software rarely gets denied; a principal that suddenly collects denial after denial
is usually probing what its credentials can reach: stolen keys being tried against every
table, or an enumeration tool walking the API.

## Example
Twelve of these within two minutes, for different tables:
```json
{"eventSource": "dynamodb.amazonaws.com", "eventName": "Scan", "errorCode": "AccessDeniedException",
 "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/old-ci"},
 "requestParameters": {"tableName": "Payments"}}
```

## Known problems
A misconfigured deployment can produce the same pattern; the principal and the tables tell
them apart.

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "ddb-access-denied-burst",
        title: "Burst of access-denied DynamoDB calls by one principal",
        severity: Severity::Medium,
        technique: Some(Technique {
            id: "T1580",
            name: "Cloud Infrastructure Discovery",
        }),
        remediation: "Find out whose credentials these are and whether the calls are theirs; if not, deactivate the credentials and review what else the principal did.",
        references: &[
            "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/logging-using-cloudtrail.html",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html",
        ],
        doc: DOC,
        select: Select {
            sources: &["dynamodb.amazonaws.com", "streams.dynamodb.amazonaws.com"],
            names: &[],
            outcome: Outcome::Failed,
            identity_types: &[],
        },
    },
    run,
};

fn is_denial(code: &str) -> bool {
    code.starts_with("AccessDenied") || code.ends_with("UnauthorizedOperation")
}

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    let settings = cx.settings;
    let threshold = settings.denied_burst_count.max(1) as usize;
    let mut by_principal: BTreeMap<_, Vec<&Event>> = BTreeMap::new();
    for &e in events {
        if is_denial(cx.model.str(e.error_code)) {
            by_principal.entry(e.principal).or_default().push(e);
        }
    }
    let mut findings = Vec::new();
    for mut denied in by_principal.into_values() {
        if denied.len() < threshold {
            continue;
        }
        denied.sort_by_key(|e| (e.time_ms, e.file, e.record_index));
        // Two pointers: every window of `threshold` or more denials within the window span
        // marks its events; `marked` remembers how far marking got so each event is marked
        // once.
        let mut group = cx.group();
        let (mut left, mut marked) = (0usize, 0usize);
        for right in 0..denied.len() {
            while denied[right].time_ms - denied[left].time_ms > settings.denied_burst_window_ms {
                left += 1;
            }
            if right + 1 - left >= threshold {
                for e in &denied[marked.max(left)..=right] {
                    group.add(e);
                }
                marked = right + 1;
            }
        }
        if group.is_empty() {
            continue;
        }
        let who = group.by_whom();
        let who = who.strip_prefix("by ").unwrap_or(&who).to_string();
        let summary = format!(
            "{who} was denied DynamoDB calls {}, in bursts of at least {threshold} within {}, on {}.",
            group.when(),
            crate::time::span_label(settings.denied_burst_window_ms),
            group.tables_text(),
        );
        findings.push(group.finish(&RULE.meta, summary));
    }
    findings
}
