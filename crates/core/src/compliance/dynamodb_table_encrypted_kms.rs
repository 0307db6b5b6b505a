//! `dynamodb-table-encrypted-kms`.
//!
//! ## What it does
//! Passes a table encrypted with an AWS KMS key (AWS managed or customer managed), and, when
//! `kmsKeyArns` is set, only with one of those keys; fails a table with the AWS owned key or
//! with a key not in the list.
//!
//! ## Why is this bad?
//! With the AWS owned key, the account cannot see or control the key: no CloudTrail record of
//! its use, no key policy, no way to revoke access. A KMS key gives both.
//!
//! ## Example
//! No `SSEDescription` (the AWS owned key) fails; `"SSEType": "KMS"` with
//! `"KMSMasterKeyArn": "arn:aws:kms:...:key/..."` passes, or fails when `kmsKeyArns` does not
//! list that ARN.
//!
//! ## References
//! See [`META`]'s references.

use super::{
    deleted, evidence_of, CheckInput, CheckMeta, ParameterDoc, Severity, Verdict, DESCRIBE_TABLE,
};
use crate::analysis::config_history::encryption_text;
use crate::model::inventory::EncryptionKind;

pub static META: CheckMeta = CheckMeta {
    id: "dynamodb-table-encrypted-kms",
    config_identifier: Some("DYNAMODB_TABLE_ENCRYPTED_KMS"),
    config_aliases: &[],
    security_hub: None,
    title: "DynamoDB table is encrypted with an AWS KMS key (one of kmsKeyArns, when set)",
    severity: Severity::Medium,
    rationale: "A KMS key puts the table's encryption under the account's control: its key \
        policy decides who can use it, CloudTrail logs every use, and disabling it cuts off \
        access to the data.",
    remediation: "Switch the table to a KMS key: `aws dynamodb update-table --table-name TABLE \
        --sse-specification Enabled=true,SSEType=KMS,KMSMasterKeyId=KEY`.",
    references: &[
        "https://docs.aws.amazon.com/config/latest/developerguide/dynamodb-table-encrypted-kms.html",
        "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html",
    ],
    parameters: &[ParameterDoc {
        name: "kmsKeyArns",
        description: "Comma-separated ARNs of the KMS keys a table may be encrypted with; \
            empty: any KMS key.",
    }],
    notes: &[
        "A table with the AWS owned key fails here and passes dynamodb-table-encryption-enabled, \
         by design of the two rules.",
    ],
};

/// The same key: equal ARNs, or the key ID of one ending the other (a parameter may hold a
/// key ID; aliases are not resolved).
fn same_key(allowed: &str, key_arn: &str) -> bool {
    let id = |s: &str| s.rsplit_once("key/").map_or(s, |(_, id)| id).to_string();
    allowed == key_arn || id(allowed) == id(key_arn)
}

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
        return Verdict::fail(
            "The table is encrypted with the AWS owned key, not an AWS KMS key.",
            evidence_of(fact),
        );
    }
    let allowed = &input.params.kms_key_arns;
    if allowed.is_empty() {
        return Verdict::pass(
            format!("The table is encrypted with the {}.", encryption_text(e)),
            evidence_of(fact),
        );
    }
    match &e.key_arn {
        Some(arn) if allowed.iter().any(|a| same_key(a, arn)) => Verdict::pass(
            format!("The table's KMS key {arn} is one of kmsKeyArns."),
            evidence_of(fact),
        ),
        Some(arn) => Verdict::fail(
            format!("The table's KMS key {arn} is not in kmsKeyArns."),
            evidence_of(fact),
        ),
        None => Verdict::needs(
            "DynamoDB describe-table",
            "The table uses a KMS key, but the loaded export does not say which, so kmsKeyArns \
             cannot be checked: needs DynamoDB describe-table.",
            evidence_of(fact),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_by_arn_or_id() {
        let arn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        assert!(same_key(arn, arn));
        assert!(same_key("1234abcd-12ab-34cd-56ef-1234567890ab", arn));
        assert!(!same_key(
            "arn:aws:kms:eu-west-1:111122223333:key/other",
            arn
        ));
    }
}
