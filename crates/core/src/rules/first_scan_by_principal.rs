//! Rule `ddb-first-scan-by-principal`: see [`DOC`].

use std::collections::BTreeMap;

use super::{baseline_end, Context, Finding, Rule, RuleMeta, Select, Severity, Technique};
use crate::model::{Event, Sym};
use crate::time::format_iso_ms;

pub const DOC: &str = r#"## What it does
Finds principals scanning DynamoDB tables they had not scanned before in the loaded logs.

The **baseline** is the start of the loaded logs: from the earliest event of any kind to 24
hours later (`RuleSettings::baseline_ms`). Every successful `Scan` is keyed by (principal,
table). A pair whose first Scan in the loaded logs falls after the baseline is new: the
principal did not scan that table during the baseline, nor at any time before this first
Scan. One finding per principal, over the tables it newly scanned; its events are all that
principal's Scans of those tables. Logs shorter than the baseline give no findings.

## Why is this bad?
Applications read tables by key (`GetItem`, `Query`); a `Scan` reads everything. A principal
that starts scanning tables it never scanned before (a forgotten key, a compromised role, an
engineer's laptop) is how bulk reads of customer data usually look in CloudTrail.

## Example
A role that only ran `Query` on `Orders` during the first day, then on day three:
```json
{"eventSource": "dynamodb.amazonaws.com", "eventName": "Scan",
 "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/reporting/batch"},
 "requestParameters": {"tableName": "Customers"}}
```

## Known problems
Needs DynamoDB data events in the trail (they are off by default). PartiQL `SELECT`s without a
key condition are scans too but are not counted. A principal that scanned a table only before
the loaded logs began looks new.

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "ddb-first-scan-by-principal",
        title: "Principal scanned a DynamoDB table it had not scanned before",
        severity: Severity::Medium,
        technique: Some(Technique {
            id: "T1213.006",
            name: "Data from Information Repositories: Databases",
        }),
        remediation: "Ask the principal's owner whether the scans are expected; if not, revoke its credentials and review what the scanned tables hold.",
        references: &[
            "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Scan.html",
            "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html",
        ],
        doc: DOC,
        select: Select::succeeded(&["dynamodb.amazonaws.com"], &["Scan"]),
    },
    run,
};

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    let end = baseline_end(cx);
    if cx.last_event_ms < end {
        return Vec::new();
    }
    // Keyed by principal and table (with its region: the principal's ARN has the account).
    let mut first_scan: BTreeMap<(Sym, Sym, Sym), i64> = BTreeMap::new();
    for e in events {
        let first = first_scan
            .entry((e.principal, e.region, e.table))
            .or_insert(e.time_ms);
        *first = (*first).min(e.time_ms);
    }
    let mut groups = BTreeMap::new();
    for &e in events {
        let first = first_scan
            .get(&(e.principal, e.region, e.table))
            .copied()
            .unwrap_or(i64::MIN);
        if first >= end {
            groups
                .entry(e.principal)
                .or_insert_with(|| cx.group())
                .add(e);
        }
    }
    groups
        .into_values()
        .map(|g| {
            let who = g.by_whom();
            let who = who.strip_prefix("by ").unwrap_or(&who);
            let summary = format!(
                "{who} scanned {} {} {}, having not scanned {} in the loaded logs before (baseline until {}).",
                if g.tables().len() == 1 { "table" } else { "tables" },
                g.tables_text(),
                g.when(),
                if g.tables().len() == 1 { "it" } else { "them" },
                format_iso_ms(end)
            );
            g.finish(&RULE.meta, summary)
        })
        .collect()
}
