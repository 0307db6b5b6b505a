//! AWS Backup `list-protected-resources`: resources with at least one recovery point; the
//! DynamoDB tables among them are covered by a backup plan or on-demand backups through AWS
//! Backup.

use serde_json::Value;

use crate::ingest::dynamodb::observation;
use crate::ingest::exports::{tables_detail, Ctx, Out};
use crate::ingest::value::{get, items, table_arn, text, time};
use crate::model::inventory::{BackupProtection, Listing, TableFacts};

pub(crate) fn protected_resources(v: &Value, ctx: &Ctx<'_>) -> Out {
    let mut out = Out::new("protected resource");
    let mut tables = 0;
    for (i, resource) in items(v, "Results").iter().enumerate() {
        out.count += 1;
        let Some(arn) = text(resource, "ResourceArn") else {
            out.skip(i, || "no ResourceArn".into());
            continue;
        };
        let Some((_, name)) = table_arn(&arn) else {
            continue;
        };
        tables += 1;
        let facts = TableFacts {
            backup: Some(BackupProtection {
                protected: true,
                last_backup_ms: time(resource, "LastBackupTime"),
                last_backup_vault_arn: text(resource, "LastBackupVaultArn"),
            }),
            ..TableFacts::default()
        };
        out.records
            .table_observations
            .push(observation(ctx, name, Some(&arn), facts, None));
    }
    out.detail = tables_detail(tables);
    out.records.listings.push(Listing {
        kind: ctx.kind,
        account: ctx.account(None),
        region: ctx.region(None),
        truncated: get(v, "NextToken").is_some(),
        source: ctx.source(None),
    });
    out
}
