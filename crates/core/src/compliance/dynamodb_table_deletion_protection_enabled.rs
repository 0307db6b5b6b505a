//! `dynamodb-table-deletion-protection-enabled` (Security Hub DynamoDB.6).
//!
//! ## What it does
//! Passes a table with deletion protection enabled; fails one without.
//!
//! ## Why is this bad?
//! Without deletion protection, one `DeleteTable` call (a mistaken script, a compromised role)
//! removes the table and its stream at once.
//!
//! ## Example
//! `describe-table` with `"DeletionProtectionEnabled": false` (or without the field, as
//! descriptions from before the feature are) fails; `true` passes.
//!
//! ## References
//! See [`META`]'s references.

use super::{deleted, evidence_of, CheckInput, CheckMeta, Severity, Verdict, DESCRIBE_TABLE};

pub static META: CheckMeta = CheckMeta {
    id: "dynamodb-table-deletion-protection-enabled",
    config_identifier: Some("DYNAMODB_TABLE_DELETION_PROTECTION_ENABLED"),
    config_aliases: &[],
    security_hub: Some("DynamoDB.6"),
    title: "DynamoDB table has deletion protection enabled",
    severity: Severity::Medium,
    rationale: "Deletion protection makes DeleteTable fail until it is turned off, so a table \
        cannot be removed by one mistaken or malicious call.",
    remediation: "Enable deletion protection: `aws dynamodb update-table --table-name TABLE \
        --deletion-protection-enabled`.",
    references: &[
        "https://docs.aws.amazon.com/config/latest/developerguide/dynamodb-table-deletion-protection-enabled.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html#dynamodb-6",
        "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithTables.Basics.html#WorkingWithTables.Basics.DeletionProtection",
    ],
    parameters: &[],
    notes: &[],
};

pub fn evaluate(input: &CheckInput<'_>) -> Verdict {
    if let Some(verdict) = deleted(input) {
        return verdict;
    }
    match &input.state.deletion_protection {
        Some(fact) if fact.value => {
            Verdict::pass("Deletion protection is enabled.", evidence_of(fact))
        }
        Some(fact) => Verdict::fail("Deletion protection is disabled.", evidence_of(fact)),
        None => Verdict::needs(
            DESCRIBE_TABLE,
            format!(
                "No loaded export states the table's deletion protection: needs {DESCRIBE_TABLE}."
            ),
            Vec::new(),
        ),
    }
}
