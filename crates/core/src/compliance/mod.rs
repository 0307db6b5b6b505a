//! ddb-lens's own evaluation of the AWS Config managed rules and Security Hub controls for
//! DynamoDB tables, over what the exports say: one check per file, listed once in
//! [`registry`].
//!
//! A check's id is the AWS managed rule's identifier name (`dynamodb-pitr-enabled`), so the
//! page can set ddb-lens's verdict beside the one AWS Config recorded for the same rule
//! ([`crate::analysis::compliance`]). Its metadata ([`CheckMeta`]) is data: title (the passing
//! condition), severity, rationale, remediation, references and parameters, rendered by the
//! page and the docs from this one place.
//!
//! Every check gives every table a [`Verdict`]: PASS or FAIL with a one-sentence reason and
//! the records it rests on, INSUFFICIENT_DATA naming the export that would decide it, or
//! NOT_APPLICABLE where the rule does not apply (a deleted table, a table the user did not
//! mark). So a percentage always has a true denominator.
//!
//! ```
//! use ddb_lens_core::compliance::registry::CHECKS;
//! assert!(CHECKS.iter().any(|c| c.meta.id == "dynamodb-pitr-enabled"));
//! ```

pub mod ddb_lens_stream_consumer;
pub mod dynamodb_autoscaling_enabled;
pub mod dynamodb_in_backup_plan;
pub mod dynamodb_pitr_enabled;
pub mod dynamodb_resources_protected_by_backup_plan;
pub mod dynamodb_table_deletion_protection_enabled;
pub mod dynamodb_table_encrypted_kms;
pub mod dynamodb_table_encryption_enabled;
pub mod registry;
pub mod required_tags;

use serde::{Deserialize, Serialize};

use crate::analysis::streams::TableStreams;
use crate::analysis::table_state::{Evidence, Fact, TableState};
use crate::analysis::tags::{RequiredKey, TagPolicy};

/// How much a failure matters, as Security Hub rates the control (ddb-lens's own judgement
/// for checks that have no control).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Informational => "Informational",
            Severity::Low => "Low",
            Severity::Medium => "Medium",
            Severity::High => "High",
            Severity::Critical => "Critical",
        }
    }
}

/// A check's verdict on one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    Pass,
    Fail,
    InsufficientData,
    NotApplicable,
}

impl Status {
    /// "PASS", "FAIL", "INSUFFICIENT_DATA", "NOT_APPLICABLE".
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::InsufficientData => "INSUFFICIENT_DATA",
            Status::NotApplicable => "NOT_APPLICABLE",
        }
    }
}

/// One check's verdict on one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub status: Status,
    /// One sentence: why.
    pub reason: String,
    /// For INSUFFICIENT_DATA: the export that would decide ("DynamoDB
    /// describe-continuous-backups").
    pub needs: Option<String>,
    /// The records the verdict rests on.
    pub evidence: Vec<Evidence>,
}

impl Verdict {
    pub fn pass(reason: impl Into<String>, evidence: Vec<Evidence>) -> Verdict {
        Verdict {
            status: Status::Pass,
            reason: reason.into(),
            needs: None,
            evidence,
        }
    }

    pub fn fail(reason: impl Into<String>, evidence: Vec<Evidence>) -> Verdict {
        Verdict {
            status: Status::Fail,
            reason: reason.into(),
            needs: None,
            evidence,
        }
    }

    /// INSUFFICIENT_DATA, naming the export that would decide.
    pub fn needs(export: &str, reason: impl Into<String>, evidence: Vec<Evidence>) -> Verdict {
        Verdict {
            status: Status::InsufficientData,
            reason: reason.into(),
            needs: Some(export.to_string()),
            evidence,
        }
    }

    pub fn not_applicable(reason: impl Into<String>, evidence: Vec<Evidence>) -> Verdict {
        Verdict {
            status: Status::NotApplicable,
            reason: reason.into(),
            needs: None,
            evidence,
        }
    }
}

/// One parameter a check takes, as the AWS rule names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ParameterDoc {
    pub name: &'static str,
    pub description: &'static str,
}

/// What a check is: the page's and the docs' one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CheckMeta {
    /// The AWS managed rule's identifier name (`dynamodb-pitr-enabled`), or `ddb-lens-...` for
    /// ddb-lens's own checks.
    pub id: &'static str,
    /// The managed rule's source identifier (`DYNAMODB_PITR_ENABLED`), which Config rules
    /// carry whatever they are named.
    pub config_identifier: Option<&'static str>,
    /// Other Config rule names that evaluate the same thing (Security Hub's own rules).
    pub config_aliases: &'static [&'static str],
    /// The Security Hub control (`DynamoDB.2`).
    pub security_hub: Option<&'static str>,
    /// The passing condition: "DynamoDB table has point-in-time recovery enabled".
    pub title: &'static str,
    pub severity: Severity,
    /// Why it matters.
    pub rationale: &'static str,
    /// How to pass.
    pub remediation: &'static str,
    pub references: &'static [&'static str],
    pub parameters: &'static [ParameterDoc],
    /// Where ddb-lens's evaluation differs from AWS's, or what it cannot see.
    pub notes: &'static [&'static str],
}

/// What a check reads.
#[derive(Debug, Clone, Copy)]
pub struct CheckInput<'a> {
    pub state: &'a TableState,
    /// The table's stream and consumers ([`crate::analysis::streams`]).
    pub streams: Option<&'a TableStreams>,
    pub params: &'a Params,
}

/// One registered check: its metadata and its evaluation.
#[derive(Clone, Copy)]
pub struct Check {
    pub meta: &'static CheckMeta,
    pub evaluate: fn(&CheckInput<'_>) -> Verdict,
}

impl std::fmt::Debug for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Check").field("id", &self.meta.id).finish()
    }
}

/// `dynamodb-autoscaling-enabled`'s optional parameters, as the AWS rule names them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AutoscalingParams {
    pub min_provisioned_read_capacity: Option<u64>,
    pub max_provisioned_read_capacity: Option<u64>,
    pub target_read_utilization: Option<f64>,
    pub min_provisioned_write_capacity: Option<u64>,
    pub max_provisioned_write_capacity: Option<u64>,
    pub target_write_utilization: Option<f64>,
}

/// The checks' parameters, set by the user (or taken from the loaded Config rules; see
/// [`crate::analysis::compliance`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Params {
    /// `dynamodb-table-encrypted-kms`'s `kmsKeyArns`: the keys a table may use. Empty: any
    /// KMS key.
    pub kms_key_arns: Vec<String>,
    pub autoscaling: AutoscalingParams,
    /// `required-tags`: the tag page's required keys ([`TagPolicy`]), so both pages
    /// judge a tag the same way (case rule, `*` wildcards in allowed values). Empty: Security
    /// Hub DynamoDB.5's default, at least one tag.
    pub required_tags: Vec<RequiredKey>,
    /// `ddb-lens-stream-consumer`: the tables that must have a stream with an active
    /// consumer, each as a name (any account and region) or `account/region/name`.
    pub stream_consumer_required: Vec<String>,
}

impl Params {
    /// These parameters with the tag page's policy as `required-tags`' required keys.
    pub fn with_tag_policy(mut self, policy: &TagPolicy) -> Params {
        self.required_tags = policy.keys.clone();
        self
    }
}

/// NOT_APPLICABLE for a table that no longer exists, as AWS Config reports a deleted resource.
pub fn deleted(input: &CheckInput<'_>) -> Option<Verdict> {
    let deletion = input.state.deleted.as_ref()?;
    Some(Verdict::not_applicable(
        deletion.reason.clone(),
        vec![deletion.evidence.clone()],
    ))
}

/// The evidence of a fact, as a verdict's list.
pub fn evidence_of<T>(fact: &Fact<T>) -> Vec<Evidence> {
    vec![fact.evidence.clone()]
}

/// The exports that state most of a table's settings.
pub const DESCRIBE_TABLE: &str = "DynamoDB describe-table (or an AWS Config item of the table)";

/// The export that shows AWS Backup coverage.
pub const BACKUP_EXPORT: &str = "backup list-protected-resources";

/// The two backup-plan checks' shared evaluation over `list-protected-resources`.
pub fn backup_verdict(input: &CheckInput<'_>) -> Verdict {
    match &input.state.backup {
        Some(fact) if fact.value.protected => {
            let when = fact
                .value
                .last_backup_ms
                .map(|ms| format!(", last backed up {}", crate::time::format_iso_ms(ms)))
                .unwrap_or_default();
            Verdict::pass(
                format!("AWS Backup lists the table as a protected resource{when}."),
                evidence_of(fact),
            )
        }
        Some(fact) => Verdict::fail(
            "AWS Backup's list of protected resources for the table's account and region does \
             not include the table.",
            evidence_of(fact),
        ),
        None => Verdict::needs(
            BACKUP_EXPORT,
            format!(
                "No loaded export says whether AWS Backup protects the table: needs \
                 {BACKUP_EXPORT} for its account and region."
            ),
            Vec::new(),
        ),
    }
}
