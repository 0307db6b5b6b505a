//! `dynamodb-autoscaling-enabled` (Security Hub DynamoDB.1).
//!
//! ## What it does
//! Passes an on-demand table (it scales with demand by itself) and a provisioned table whose
//! read and write capacity both have an Application Auto Scaling target, as have those of each
//! of its indexes that has any; fails a provisioned table without them. With the optional
//! parameters, the targets' minimum and maximum capacity must also fit.
//!
//! ## Why is this bad?
//! A provisioned table that cannot scale throttles its callers as soon as traffic exceeds
//! what was provisioned, and wastes money when it falls below.
//!
//! ## Example
//! `"BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"}` passes. A provisioned table
//! with `table/orders` targets for `dynamodb:table:ReadCapacityUnits` and
//! `dynamodb:table:WriteCapacityUnits` in `describe-scalable-targets` passes; one with no
//! target in a complete listing of its account and region fails.
//!
//! ## References
//! See [`META`]'s references.

use super::{
    deleted, evidence_of, CheckInput, CheckMeta, ParameterDoc, Severity, Verdict, DESCRIBE_TABLE,
};
use crate::model::inventory::ScalingTarget;

pub static META: CheckMeta = CheckMeta {
    id: "dynamodb-autoscaling-enabled",
    config_identifier: Some("DYNAMODB_AUTOSCALING_ENABLED"),
    config_aliases: &[],
    security_hub: Some("DynamoDB.1"),
    title: "DynamoDB table scales its capacity with demand (on-demand, or provisioned with auto scaling)",
    severity: Severity::Medium,
    rationale: "Capacity that follows demand avoids throttling, which keeps applications \
        available; an on-demand table is limited only by the table quotas.",
    remediation: "Switch the table to on-demand (`aws dynamodb update-table --billing-mode \
        PAY_PER_REQUEST`) or register its read and write capacity, and its indexes', as \
        Application Auto Scaling targets with a target-tracking policy.",
    references: &[
        "https://docs.aws.amazon.com/config/latest/developerguide/dynamodb-autoscaling-enabled.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html#dynamodb-1",
        "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/AutoScaling.html",
    ],
    parameters: &[
        ParameterDoc {
            name: "minProvisionedReadCapacity",
            description: "The table's read capacity target must have at least this minimum.",
        },
        ParameterDoc {
            name: "maxProvisionedReadCapacity",
            description: "The table's read capacity target must have at most this maximum.",
        },
        ParameterDoc {
            name: "targetReadUtilization",
            description: "Target utilization of the read scaling policy (needs the scaling policies).",
        },
        ParameterDoc {
            name: "minProvisionedWriteCapacity",
            description: "The table's write capacity target must have at least this minimum.",
        },
        ParameterDoc {
            name: "maxProvisionedWriteCapacity",
            description: "The table's write capacity target must have at most this maximum.",
        },
        ParameterDoc {
            name: "targetWriteUtilization",
            description: "Target utilization of the write scaling policy (needs the scaling policies).",
        },
    ],
    notes: &[
        "Indexes are checked only when they have a target: the exports ddb-lens reads do not \
         list a table's global secondary indexes, so an index with no target at all is not seen.",
        "A target whose scaling is suspended fails: it does not follow demand.",
        "The target utilization parameters need `application-autoscaling \
         describe-scaling-policies`, which ddb-lens does not read: with them set, a table that \
         would otherwise pass gets INSUFFICIENT_DATA.",
        "How AWS reads the min and max parameters is not documented beyond their names; \
         ddb-lens takes the minimum as a floor and the maximum as a ceiling.",
    ],
};

const NEEDS_TARGETS: &str = "application-autoscaling describe-scalable-targets";

fn has(targets: &[&ScalingTarget], what: &str) -> bool {
    targets.iter().any(|t| t.dimension.ends_with(what))
}

pub fn evaluate(input: &CheckInput<'_>) -> Verdict {
    if let Some(verdict) = deleted(input) {
        return verdict;
    }
    let state = input.state;
    let Some(mode) = &state.billing_mode else {
        return Verdict::needs(
            DESCRIBE_TABLE,
            format!("No loaded export states the table's billing mode: needs {DESCRIBE_TABLE}."),
            Vec::new(),
        );
    };
    if mode.value == "PAY_PER_REQUEST" {
        return Verdict::pass(
            "The table uses on-demand capacity, which scales with demand.",
            evidence_of(mode),
        );
    }
    let Some(targets) = &state.autoscaling else {
        return Verdict::needs(
            NEEDS_TARGETS,
            format!(
                "The table uses provisioned capacity and no loaded export says whether it has \
                 auto scaling: needs {NEEDS_TARGETS} for its account and region."
            ),
            evidence_of(mode),
        );
    };
    let mut evidence = evidence_of(mode);
    evidence.push(targets.evidence.clone());
    let table_targets: Vec<&ScalingTarget> =
        targets.value.iter().filter(|t| t.index.is_none()).collect();
    let mut missing = Vec::new();
    if !has(&table_targets, "ReadCapacityUnits") {
        missing.push("the table's read capacity".to_string());
    }
    if !has(&table_targets, "WriteCapacityUnits") {
        missing.push("the table's write capacity".to_string());
    }
    let mut indexes: Vec<&str> = targets
        .value
        .iter()
        .filter_map(|t| t.index.as_deref())
        .collect();
    indexes.sort_unstable();
    indexes.dedup();
    for index in indexes {
        let of_index: Vec<&ScalingTarget> = targets
            .value
            .iter()
            .filter(|t| t.index.as_deref() == Some(index))
            .collect();
        if !has(&of_index, "ReadCapacityUnits") {
            missing.push(format!("index {index}'s read capacity"));
        }
        if !has(&of_index, "WriteCapacityUnits") {
            missing.push(format!("index {index}'s write capacity"));
        }
    }
    if !missing.is_empty() {
        return Verdict::fail(
            format!(
                "The table uses provisioned capacity without auto scaling on {}.",
                missing.join(", ")
            ),
            evidence,
        );
    }
    if targets.value.iter().any(|t| t.suspended == Some(true)) {
        return Verdict::fail(
            "The table's auto scaling is suspended, so its capacity does not follow demand.",
            evidence,
        );
    }
    let p = &input.params.autoscaling;
    let read = table_targets
        .iter()
        .find(|t| t.dimension.ends_with("ReadCapacityUnits"));
    let write = table_targets
        .iter()
        .find(|t| t.dimension.ends_with("WriteCapacityUnits"));
    let mut unmet = Vec::new();
    for (what, target, min, max) in [
        (
            "read",
            read,
            p.min_provisioned_read_capacity,
            p.max_provisioned_read_capacity,
        ),
        (
            "write",
            write,
            p.min_provisioned_write_capacity,
            p.max_provisioned_write_capacity,
        ),
    ] {
        let Some(target) = target else { continue };
        if let (Some(want), Some(have)) = (min, target.min_capacity) {
            if have < want {
                unmet.push(format!("its {what} minimum is {have}, below {want}"));
            }
        }
        if let (Some(want), Some(have)) = (max, target.max_capacity) {
            if have > want {
                unmet.push(format!("its {what} maximum is {have}, above {want}"));
            }
        }
    }
    if !unmet.is_empty() {
        return Verdict::fail(
            format!("The table has auto scaling, but {}.", unmet.join(" and ")),
            evidence,
        );
    }
    if p.target_read_utilization.is_some() || p.target_write_utilization.is_some() {
        return Verdict::needs(
            "application-autoscaling describe-scaling-policies",
            "The table has auto scaling, but the target utilization parameters need its scaling \
             policies: needs application-autoscaling describe-scaling-policies.",
            evidence,
        );
    }
    Verdict::pass(
        "The table uses provisioned capacity with auto scaling on its read and write capacity.",
        evidence,
    )
}
