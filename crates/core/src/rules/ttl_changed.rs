//! Rule `ddb-ttl-changed`: see [`DOC`].

use std::collections::{BTreeMap, BTreeSet};

use super::{list_text, table_key, Context, Finding, Rule, RuleMeta, Select, Severity, Technique};
use crate::model::Event;

pub const DOC: &str = r#"## What it does
Finds Time to Live (TTL) changed on DynamoDB tables: `UpdateTimeToLive` calls that succeeded,
saying whether TTL was enabled (and on which attribute) or disabled. One finding per table.

## Why is this bad?
With TTL on, DynamoDB deletes every item whose TTL attribute holds a past epoch time, for free
and without a `DeleteItem` in the logs. Enabling TTL on an attribute that holds past timestamps
(a creation date, say; TTL skips only values more than five years old) quietly deletes most of
a table over the next days. Disabling TTL on a
table that relies on it lets data outlive its retention period.

## Example
```json
{"eventSource": "dynamodb.amazonaws.com", "eventName": "UpdateTimeToLive",
 "requestParameters": {"tableName": "Orders",
   "timeToLiveSpecification": {"enabled": true, "attributeName": "createdAt"}}}
```

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "ddb-ttl-changed",
        title: "Time to Live changed on a DynamoDB table",
        severity: Severity::Low,
        technique: Some(Technique {
            id: "T1485",
            name: "Data Destruction",
        }),
        remediation: "Check that the TTL attribute holds expiry times (epoch seconds in the future for live items), not creation or other past dates; items deleted by TTL are recoverable only from backups or PITR.",
        references: &[
            "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html",
            "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html",
        ],
        doc: DOC,
        select: Select::succeeded(&["dynamodb.amazonaws.com"], &["UpdateTimeToLive"]),
    },
    run,
};

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    let mut groups = BTreeMap::new();
    let mut changes: BTreeMap<_, BTreeSet<String>> = BTreeMap::new();
    for &e in events {
        let detail = cx.detail(e);
        let spec = detail.request().field("timeToLiveSpecification");
        let attribute = spec.field("attributeName").text_or_empty();
        let change = match spec.field("enabled").flag() {
            Some(true) if attribute.is_empty() => "enabled".to_string(),
            Some(true) => format!("enabled on attribute {attribute}"),
            Some(false) => "disabled".to_string(),
            None => "changed".to_string(),
        };
        groups
            .entry(table_key(e))
            .or_insert_with(|| cx.group())
            .add(e);
        changes.entry(table_key(e)).or_default().insert(change);
    }
    groups
        .into_iter()
        .map(|(table, g)| {
            let what = changes
                .get(&table)
                .map(|c| list_text(c.iter().map(String::as_str), "changed"))
                .unwrap_or_default();
            let summary = format!(
                "Table {} had Time to Live {what} {} {}.",
                g.tables_text(),
                g.by_whom(),
                g.when()
            );
            g.finish(&RULE.meta, summary)
        })
        .collect()
}
