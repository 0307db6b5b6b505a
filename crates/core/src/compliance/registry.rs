//! The one list of compliance checks, in the order the page shows them.

use super::{
    ddb_lens_stream_consumer, dynamodb_autoscaling_enabled, dynamodb_in_backup_plan,
    dynamodb_pitr_enabled, dynamodb_resources_protected_by_backup_plan,
    dynamodb_table_deletion_protection_enabled, dynamodb_table_encrypted_kms,
    dynamodb_table_encryption_enabled, required_tags, Check,
};

pub static CHECKS: [Check; 9] = [
    Check {
        meta: &dynamodb_pitr_enabled::META,
        evaluate: dynamodb_pitr_enabled::evaluate,
    },
    Check {
        meta: &dynamodb_table_deletion_protection_enabled::META,
        evaluate: dynamodb_table_deletion_protection_enabled::evaluate,
    },
    Check {
        meta: &dynamodb_table_encryption_enabled::META,
        evaluate: dynamodb_table_encryption_enabled::evaluate,
    },
    Check {
        meta: &dynamodb_table_encrypted_kms::META,
        evaluate: dynamodb_table_encrypted_kms::evaluate,
    },
    Check {
        meta: &dynamodb_autoscaling_enabled::META,
        evaluate: dynamodb_autoscaling_enabled::evaluate,
    },
    Check {
        meta: &dynamodb_in_backup_plan::META,
        evaluate: dynamodb_in_backup_plan::evaluate,
    },
    Check {
        meta: &dynamodb_resources_protected_by_backup_plan::META,
        evaluate: dynamodb_resources_protected_by_backup_plan::evaluate,
    },
    Check {
        meta: &required_tags::META,
        evaluate: required_tags::evaluate,
    },
    Check {
        meta: &ddb_lens_stream_consumer::META,
        evaluate: ddb_lens_stream_consumer::evaluate,
    },
];

/// The check with this id.
pub fn find(id: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.meta.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_metadata_complete() {
        let mut ids: Vec<&str> = CHECKS.iter().map(|c| c.meta.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CHECKS.len());
        for c in &CHECKS {
            let m = c.meta;
            assert!(!m.title.is_empty() && !m.rationale.is_empty(), "{}", m.id);
            assert!(
                !m.remediation.is_empty() && !m.references.is_empty(),
                "{}",
                m.id
            );
            assert!(m.title.starts_with("DynamoDB table"), "{}", m.id);
            if let Some(identifier) = m.config_identifier {
                assert_eq!(identifier.to_ascii_lowercase().replace('_', "-"), m.id);
            }
        }
    }
}
