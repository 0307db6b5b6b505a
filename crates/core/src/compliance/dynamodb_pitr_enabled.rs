//! `dynamodb-pitr-enabled` (Security Hub DynamoDB.2).
//!
//! ## What it does
//! Passes a table whose point-in-time recovery (continuous backups) is enabled; fails one
//! whose recovery is disabled.
//!
//! ## Why is this bad?
//! Without point-in-time recovery, an accidental or malicious write or delete can only be
//! undone from an on-demand backup, if one exists: everything since it is lost.
//!
//! ## Example
//! `describe-continuous-backups` with `"PointInTimeRecoveryStatus": "DISABLED"` fails;
//! `"ENABLED"` passes. AWS Config items carry the same status in
//! `supplementaryConfiguration.ContinuousBackupsDescription`.
//!
//! ## References
//! See [`META`]'s references.

use super::{deleted, evidence_of, CheckInput, CheckMeta, Severity, Verdict};

pub static META: CheckMeta = CheckMeta {
    id: "dynamodb-pitr-enabled",
    config_identifier: Some("DYNAMODB_PITR_ENABLED"),
    config_aliases: &[],
    security_hub: Some("DynamoDB.2"),
    title: "DynamoDB table has point-in-time recovery enabled",
    severity: Severity::Medium,
    rationale: "Point-in-time recovery lets a table be restored to any second of the last 35 days, \
        undoing accidental or malicious writes and deletes.",
    remediation: "Enable point-in-time recovery: `aws dynamodb update-continuous-backups \
        --table-name TABLE --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true`.",
    references: &[
        "https://docs.aws.amazon.com/config/latest/developerguide/dynamodb-pitr-enabled.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html#dynamodb-2",
        "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery.html",
    ],
    parameters: &[],
    notes: &[],
};

/// The exports that state a table's point-in-time recovery.
const NEEDS: &str = "DynamoDB describe-continuous-backups (or an AWS Config item of the table)";

pub fn evaluate(input: &CheckInput<'_>) -> Verdict {
    if let Some(verdict) = deleted(input) {
        return verdict;
    }
    match &input.state.pitr {
        Some(fact) if fact.value => {
            Verdict::pass("Point-in-time recovery is enabled.", evidence_of(fact))
        }
        Some(fact) => Verdict::fail("Point-in-time recovery is disabled.", evidence_of(fact)),
        None => Verdict::needs(
            NEEDS,
            format!("No loaded export states the table's point-in-time recovery: needs {NEEDS}."),
            Vec::new(),
        ),
    }
}
