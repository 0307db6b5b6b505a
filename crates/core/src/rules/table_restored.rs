//! Rule `ddb-table-restored`: see [`DOC`].

use std::collections::{BTreeMap, BTreeSet};

use super::{list_text, Context, Finding, Rule, RuleMeta, Select, Severity};
use crate::ingest::cloudtrail::table_from_arn;
use crate::model::Event;

pub const DOC: &str = r#"## What it does
Finds DynamoDB tables restored into new tables: `RestoreTableFromBackup` and
`RestoreTableToPointInTime` calls that succeeded. One finding per source and target table.

## Why is this bad?
A restore copies all of a table's data into a new table, which may carry different access
(no resource policy, a different key, other IAM conditions on its name). Restores are rare
outside incident recovery and tests, so an unexpected one may be data being copied out of
reach of the controls on the original, or someone rolling a table back to hide changes.

## Example
```json
{"eventSource": "dynamodb.amazonaws.com", "eventName": "RestoreTableToPointInTime",
 "requestParameters": {"sourceTableName": "Orders", "targetTableName": "orders-copy",
   "useLatestRestorableTime": true}}
```

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "ddb-table-restored",
        title: "DynamoDB table restored from a backup or a point in time",
        severity: Severity::Medium,
        technique: None,
        remediation: "Confirm the restore was requested (incident recovery, a test); check who can read the new table and delete it when it is no longer needed.",
        references: &[
            "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_RestoreTableFromBackup.html",
            "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_RestoreTableToPointInTime.html",
        ],
        doc: DOC,
        select: Select::succeeded(
            &["dynamodb.amazonaws.com"],
            &["RestoreTableFromBackup", "RestoreTableToPointInTime"],
        ),
    },
    run,
};

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    let mut groups = BTreeMap::new();
    let mut kinds: BTreeMap<_, BTreeSet<&str>> = BTreeMap::new();
    for &e in events {
        let detail = cx.detail(e);
        let request = detail.request();
        let source = request
            .field("sourceTableName")
            .text()
            .or_else(|| {
                request
                    .field("sourceTableArn")
                    .text()
                    .and_then(table_from_arn)
            })
            .or_else(|| request.field("backupArn").text().and_then(table_from_arn))
            .unwrap_or_default()
            .to_string();
        let target = request.field("targetTableName").text_or_empty().to_string();
        let how = if cx.model.str(e.event_name) == "RestoreTableFromBackup" {
            "a backup"
        } else {
            "a point in time"
        };
        let key = (e.account, e.region, source, target);
        kinds.entry(key.clone()).or_default().insert(how);
        let group = groups.entry(key.clone()).or_insert_with(|| cx.group());
        group.add(e);
        group.add_table(&key.2);
        group.add_table(&key.3);
    }
    groups
        .into_iter()
        .map(|(key, g)| {
            let (_, _, source, target) = &key;
            let name = |t: &str| {
                if t.is_empty() {
                    "an unknown table".to_string()
                } else {
                    t.to_string()
                }
            };
            let how = kinds
                .get(&key)
                .map(|k| list_text(k.iter().copied(), "a backup"))
                .unwrap_or_default();
            let summary = format!(
                "Table {} was restored from {how} into {} {} {}.",
                name(source),
                name(target),
                g.by_whom(),
                g.when()
            );
            g.finish(&RULE.meta, summary)
        })
        .collect()
}
