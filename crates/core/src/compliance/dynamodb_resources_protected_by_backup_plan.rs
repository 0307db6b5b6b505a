//! `dynamodb-resources-protected-by-backup-plan` (Security Hub DynamoDB.4).
//!
//! ## What it does
//! Passes a table that AWS Backup lists as protected (`backup list-protected-resources`);
//! fails one that a complete listing of its account and region leaves out.
//!
//! ## Why is this bad?
//! See `dynamodb-in-backup-plan`: without a backup plan a table has no scheduled, retained,
//! separately stored backups.
//!
//! ## Example
//! As for `dynamodb-in-backup-plan`.
//!
//! ## References
//! See [`META`]'s references.

use super::{backup_verdict, deleted, CheckInput, CheckMeta, ParameterDoc, Severity, Verdict};

pub static META: CheckMeta = CheckMeta {
    id: "dynamodb-resources-protected-by-backup-plan",
    config_identifier: Some("DYNAMODB_RESOURCES_PROTECTED_BY_BACKUP_PLAN"),
    config_aliases: &[],
    security_hub: Some("DynamoDB.4"),
    title: "DynamoDB table is protected by an AWS Backup plan",
    severity: Severity::Medium,
    rationale: "A backup plan takes scheduled backups, keeps them for a set time and can copy \
        them to another account or region, so a table survives its own deletion or a lost \
        account.",
    remediation: "Assign the table to a backup plan in AWS Backup; for Security Hub's \
        backupVaultLockCheck, keep its backups in a vault with Vault Lock.",
    references: &[
        "https://docs.aws.amazon.com/config/latest/developerguide/dynamodb-resources-protected-by-backup-plan.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html#dynamodb-4",
    ],
    parameters: &[ParameterDoc {
        name: "backupVaultLockCheck, crossRegionList, crossAccountList, minRetentionDays, maxRetentionDays, resourceTags, resourceId",
        description: "Not evaluated: they need the backup plans, vaults and recovery points, \
            which ddb-lens does not read.",
    }],
    notes: &[
        "Evaluated from `list-protected-resources` exactly as dynamodb-in-backup-plan, so the two \
         agree here; AWS's rule also checks the vault lock, copies and retention its parameters \
         ask for, so with parameters set AWS may fail a table that passes here.",
    ],
};

pub fn evaluate(input: &CheckInput<'_>) -> Verdict {
    if let Some(verdict) = deleted(input) {
        return verdict;
    }
    backup_verdict(input)
}
