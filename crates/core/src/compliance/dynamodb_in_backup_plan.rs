//! `dynamodb-in-backup-plan`.
//!
//! ## What it does
//! Passes a table that AWS Backup lists as protected (`backup list-protected-resources`);
//! fails one that a complete listing of its account and region leaves out.
//!
//! ## Why is this bad?
//! A table outside every backup plan has no scheduled, retained, separately stored backup:
//! point-in-time recovery alone is lost with the table's account or region.
//!
//! ## Example
//! A `list-protected-resources` output with `"ResourceArn":
//! "arn:aws:dynamodb:eu-west-1:111122223333:table/orders"` passes `orders`; the same listing
//! without it fails it.
//!
//! ## References
//! See [`META`]'s references.

use super::{backup_verdict, deleted, CheckInput, CheckMeta, Severity, Verdict};

pub static META: CheckMeta = CheckMeta {
    id: "dynamodb-in-backup-plan",
    config_identifier: Some("DYNAMODB_IN_BACKUP_PLAN"),
    config_aliases: &[],
    security_hub: None,
    title: "DynamoDB table is in an AWS Backup plan",
    severity: Severity::Medium,
    rationale: "A backup plan takes scheduled backups, keeps them for a set time and can copy \
        them to another account or region, so a table survives its own deletion or a lost \
        account.",
    remediation: "Assign the table to a backup plan (a resource assignment by ARN, by tag, or \
        for all DynamoDB tables) in AWS Backup.",
    references: &[
        "https://docs.aws.amazon.com/config/latest/developerguide/dynamodb-in-backup-plan.html",
        "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_ListProtectedResources.html",
    ],
    parameters: &[],
    notes: &[
        "ddb-lens reads `list-protected-resources`, which lists tables AWS Backup has backed up, \
         not backup plan assignments: a table assigned to a plan that has not run yet fails \
         here, and a table backed up on demand, in no plan, passes.",
    ],
};

pub fn evaluate(input: &CheckInput<'_>) -> Verdict {
    if let Some(verdict) = deleted(input) {
        return verdict;
    }
    backup_verdict(input)
}
