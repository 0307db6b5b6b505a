//! `required-tags` (Security Hub DynamoDB.5).
//!
//! ## What it does
//! Passes a table that has every required tag key, each with one of its allowed values where
//! values are given, under the tag page's policy rules (case sensitivity, `*` wildcards); fails one that lacks a key or has a value not allowed. With no required
//! keys set it follows Security Hub DynamoDB.5's default: a table passes with at least one
//! tag of its own (keys starting `aws:` are AWS's, not the user's).
//!
//! ## Why is this bad?
//! Tags carry ownership, cost centre, data classification and environment: an untagged table
//! has no owner to ask and no policy that applies by tag (ABAC, backup plans by tag).
//!
//! ## Example
//! Required `team` with allowed values `payments, search`: `{"team": "payments"}` passes,
//! `{"team": "ads"}` and `{}` fail.
//!
//! ## References
//! See [`META`]'s references.

use super::{deleted, evidence_of, CheckInput, CheckMeta, ParameterDoc, Severity, Verdict};

pub static META: CheckMeta = CheckMeta {
    id: "required-tags",
    config_identifier: Some("REQUIRED_TAGS"),
    config_aliases: &["tagged-dynamodb-table"],
    security_hub: Some("DynamoDB.5"),
    title: "DynamoDB table has the required tags with allowed values",
    severity: Severity::Low,
    rationale: "Tags identify a table's owner, cost centre, environment and data \
        classification; tag-based access control and backup plans select tables by them.",
    remediation: "Tag the table: `aws dynamodb tag-resource --resource-arn ARN --tags \
        Key=team,Value=payments`.",
    references: &[
        "https://docs.aws.amazon.com/config/latest/developerguide/required-tags.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html#dynamodb-5",
        "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Tagging.html",
    ],
    parameters: &[ParameterDoc {
        name: "tag1Key..tag6Key, tag1Value..tag6Value (required-tags); requiredTagKeys (DynamoDB.5)",
        description: "Required tag keys, each with optional comma-separated allowed values. \
            Empty: at least one tag, as Security Hub DynamoDB.5 by default.",
    }],
    notes: &[
        "AWS's required-tags takes at most six keys and needs at least one; Security Hub's \
         DynamoDB.5 (rule tagged-dynamodb-table) takes keys without values and by default \
         passes any tagged table. Both are matched to this check.",
    ],
};

const NEEDS: &str =
    "DynamoDB list-tags-of-resource, Resource Groups Tagging get-resources or an AWS Config item of the table";

pub fn evaluate(input: &CheckInput<'_>) -> Verdict {
    if let Some(verdict) = deleted(input) {
        return verdict;
    }
    let Some(fact) = &input.state.tags else {
        return Verdict::needs(
            NEEDS,
            format!("No loaded export lists the table's tags: needs {NEEDS}."),
            Vec::new(),
        );
    };
    let tags = &fact.value;
    let required = &input.params.required_tags;
    if required.is_empty() {
        let own = tags.keys().filter(|k| !k.starts_with("aws:")).count();
        return if own > 0 {
            Verdict::pass(
                format!(
                    "The table has {own} tag{} and no tag keys are required.",
                    if own == 1 { "" } else { "s" }
                ),
                evidence_of(fact),
            )
        } else {
            Verdict::fail("The table has no tags.", evidence_of(fact))
        };
    }
    let mut problems = Vec::new();
    for required in required {
        let found: Vec<(&String, &String)> = tags
            .iter()
            .filter(|(k, _)| required.matches_key(k))
            .collect();
        if found.is_empty() {
            problems.push(format!("tag `{}` is missing", required.key));
        } else if !found.iter().any(|(_, v)| required.allows(v)) {
            let (key, value) = found[0];
            problems.push(format!(
                "tag `{key}` is `{value}`, not one of {}",
                required.allowed_values.join(", ")
            ));
        }
    }
    if problems.is_empty() {
        Verdict::pass(
            "The table has every required tag with an allowed value.",
            evidence_of(fact),
        )
    } else {
        Verdict::fail(
            format!("The table's {}.", problems.join("; ")),
            evidence_of(fact),
        )
    }
}
