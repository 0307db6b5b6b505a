//! `dynamodb-table-encryption-enabled`.
//!
//! ## What it does
//! Passes a table encrypted at rest whose encryption status is enabled (or enabling); fails one
//! whose KMS encryption is in any other state (`UPDATING`, `INACCESSIBLE`, ...).
//!
//! ## Why is this bad?
//! A table whose KMS key is inaccessible cannot be read; one whose encryption is not enabled
//! is not protected the way the account's policy expects.
//!
//! ## Example
//! A table with the AWS owned key (no `SSEDescription`) passes: DynamoDB encrypts every
//! table at rest. `"SSEDescription": {"Status": "ENABLED", "SSEType": "KMS", ...}` passes;
//! `"Status": "INACCESSIBLE"` fails.
//!
//! ## References
//! See [`META`]'s references.

use super::{deleted, evidence_of, CheckInput, CheckMeta, Severity, Verdict, DESCRIBE_TABLE};
use crate::analysis::config_history::encryption_text;
use crate::model::inventory::EncryptionKind;

pub static META: CheckMeta = CheckMeta {
    id: "dynamodb-table-encryption-enabled",
    config_identifier: Some("DYNAMODB_TABLE_ENCRYPTION_ENABLED"),
    config_aliases: &[],
    security_hub: None,
    title: "DynamoDB table is encrypted at rest with its encryption enabled",
    severity: Severity::Medium,
    rationale: "Encryption at rest protects the table's data, indexes, streams and backups on \
        disk; a KMS key that is disabled or inaccessible makes the table unreadable.",
    remediation: "Keep the table's KMS key enabled and accessible to DynamoDB, or switch the \
        table to the AWS owned or AWS managed key with `aws dynamodb update-table \
        --sse-specification`.",
    references: &[
        "https://docs.aws.amazon.com/config/latest/developerguide/dynamodb-table-encryption-enabled.html",
        "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html",
    ],
    parameters: &[],
    notes: &[
        "Every DynamoDB table is encrypted at rest: a table with the AWS owned key passes here \
         and fails dynamodb-table-encrypted-kms, by design of the two rules.",
    ],
};

pub fn evaluate(input: &CheckInput<'_>) -> Verdict {
    if let Some(verdict) = deleted(input) {
        return verdict;
    }
    let Some(fact) = &input.state.encryption else {
        return Verdict::needs(
            DESCRIBE_TABLE,
            format!("No loaded export describes the table's encryption: needs {DESCRIBE_TABLE}."),
            Vec::new(),
        );
    };
    let e = &fact.value;
    if e.kind == EncryptionKind::AwsOwned {
        return Verdict::pass(
            "The table is encrypted at rest with the AWS owned key.",
            evidence_of(fact),
        );
    }
    match e.status.as_deref() {
        None | Some("ENABLED" | "ENABLING") => Verdict::pass(
            format!(
                "The table is encrypted at rest with the {}.",
                encryption_text(e)
            ),
            evidence_of(fact),
        ),
        Some(status) => Verdict::fail(
            format!(
                "The table's encryption with the {} has status {status}, not ENABLED.",
                encryption_text(e)
            ),
            evidence_of(fact),
        ),
    }
}
