//! Rule `ddb-backup-deleted`: see [`DOC`].

use super::{Context, Finding, Rule, RuleMeta, Select, Severity, Technique};
use crate::ingest::cloudtrail::table_from_arn;
use crate::model::Event;

pub const DOC: &str = r#"## What it does
Finds backups of DynamoDB tables deleted: DynamoDB `DeleteBackup` calls that succeeded, and AWS
Backup `DeleteRecoveryPoint` calls whose `recoveryPointArn` is a DynamoDB backup
(`arn:aws:dynamodb:…:table/NAME/backup/…`). One finding per table.

## Why is this bad?
Backups are what survives a deleted or corrupted table. Deleting them, especially shortly
before a table is deleted or overwritten, removes the way back; ransomware playbooks for cloud
databases do exactly this.

## Example
```json
{"eventSource": "dynamodb.amazonaws.com", "eventName": "DeleteBackup",
 "requestParameters": {"backupArn": "arn:aws:dynamodb:eu-west-1:111122223333:table/Orders/backup/01767225600000-1a2b3c4d"}}
```

## Known problems
AWS Backup recovery points of tables with AWS Backup's advanced DynamoDB features have
`arn:aws:backup:…:recovery-point:…` ARNs that do not name the table; their deletion is not
found here.

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "ddb-backup-deleted",
        title: "DynamoDB table backup deleted",
        severity: Severity::High,
        technique: Some(Technique {
            id: "T1490",
            name: "Inhibit System Recovery",
        }),
        remediation: "Confirm the deletion was part of a retention policy; protect backups with AWS Backup vault lock or an SCP denying dynamodb:DeleteBackup and backup:DeleteRecoveryPoint outside automation.",
        references: &[
            "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteBackup.html",
            "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DeleteRecoveryPoint.html",
        ],
        doc: DOC,
        select: Select::succeeded(
            &["dynamodb.amazonaws.com", "backup.amazonaws.com"],
            &["DeleteBackup", "DeleteRecoveryPoint"],
        ),
    },
    run,
};

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    // Each kept event with the backup it deleted and the table that backup was of.
    let mut kept: Vec<(&Event, String, String)> = Vec::new();
    for &e in events {
        let detail = cx.detail(e);
        let request = detail.request();
        let arn = request
            .field("backupArn")
            .text()
            .or_else(|| request.field("recoveryPointArn").text())
            .unwrap_or_default();
        let table = match table_from_arn(arn) {
            Some(table) => table.to_string(),
            // AWS Backup deletes every kind of resource: keep only DynamoDB's.
            None if cx.model.str(e.event_name) == "DeleteRecoveryPoint" => continue,
            None => cx.model.tables(e).next().unwrap_or_default().to_string(),
        };
        kept.push((e, arn.to_string(), table));
    }
    let mut groups = std::collections::BTreeMap::new();
    for (e, arn, table) in &kept {
        let group = groups
            .entry((e.account, e.region, table.clone()))
            .or_insert_with(|| cx.group());
        group.add_event_only(e);
        group.add_table(table);
        group.add_resource(arn);
    }
    groups
        .into_values()
        .map(|g| {
            let n = g.resources().len();
            let summary = format!(
                "{} of table {} {} deleted {} {}.",
                if n == 1 {
                    "A backup".to_string()
                } else {
                    format!("{n} backups")
                },
                g.tables_text(),
                if n == 1 { "was" } else { "were" },
                g.by_whom(),
                g.span()
            );
            g.finish(&RULE.meta, summary)
        })
        .collect()
}
