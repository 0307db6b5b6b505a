//! `ddb-lens-stream-consumer`: a ddb-lens check with no AWS counterpart.
//!
//! ## What it does
//! For the tables the user marks as needing one: passes a table whose stream is on with an
//! active Lambda trigger reading it; fails one without a stream, or whose stream provably has
//! no active trigger. Tables not marked are NOT_APPLICABLE.
//!
//! ## Why is this bad?
//! A table that feeds a search index, an audit log or a replica through its stream silently
//! stops feeding it when the stream is turned off or its trigger is disabled or deleted.
//!
//! ## Example
//! `orders` marked: a stream with an `Enabled` mapping in `list-event-source-mappings`
//! passes; the same mapping `Disabled` fails.
//!
//! ## References
//! See [`META`]'s references.

use super::{deleted, CheckInput, CheckMeta, ParameterDoc, Severity, Verdict, DESCRIBE_TABLE};
use crate::analysis::streams::{Consumer, StreamStatus, MAPPINGS_EXPORT};

pub static META: CheckMeta = CheckMeta {
    id: "ddb-lens-stream-consumer",
    config_identifier: None,
    config_aliases: &[],
    security_hub: None,
    title: "DynamoDB table marked as needing a stream consumer has a stream with an active Lambda trigger",
    severity: Severity::Medium,
    rationale: "A table whose changes must reach another system (a search index, an audit \
        trail, a cache) stops feeding it without error when its stream or trigger goes away.",
    remediation: "Enable the stream (`aws dynamodb update-table --stream-specification \
        StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES`) and create or enable the Lambda \
        event source mapping on its current stream ARN.",
    references: &[
        "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html",
    ],
    parameters: &[ParameterDoc {
        name: "tables",
        description: "The tables that need a consumer: names, or account/region/name.",
    }],
    notes: &[
        "Only Lambda triggers are visible in the exports: a consumer using the Kinesis adapter \
         or GetRecords directly is not, so such a table fails here.",
    ],
};

/// Whether the user marked the table: by name, or by `account/region/name`.
fn marked(input: &CheckInput<'_>) -> bool {
    let table = &input.state.table;
    input.params.stream_consumer_required.iter().any(|m| {
        let m = m.trim();
        match m.rsplit_once('/') {
            None => m == table.name,
            Some((prefix, name)) => {
                let (account, region) = prefix.split_once('/').unwrap_or((prefix, ""));
                table.matches(account, region, name)
            }
        }
    })
}

pub fn evaluate(input: &CheckInput<'_>) -> Verdict {
    if let Some(verdict) = deleted(input) {
        return verdict;
    }
    if !marked(input) {
        return Verdict::not_applicable(
            "The table is not marked as needing a stream consumer.",
            Vec::new(),
        );
    }
    let Some(streams) = input.streams else {
        return Verdict::needs(
            DESCRIBE_TABLE,
            format!("No loaded export describes the table's stream: needs {DESCRIBE_TABLE}."),
            Vec::new(),
        );
    };
    let mut evidence: Vec<_> = streams.stream_evidence.iter().cloned().collect();
    match streams.stream {
        StreamStatus::Unknown => {
            return Verdict::needs(
                DESCRIBE_TABLE,
                format!("No loaded export describes the table's stream: needs {DESCRIBE_TABLE}."),
                evidence,
            )
        }
        StreamStatus::Off => {
            return Verdict::fail("The table has no stream for a consumer to read.", evidence)
        }
        StreamStatus::On => {}
    }
    match streams.consumer {
        Consumer::Active => {
            evidence.extend(
                streams
                    .triggers
                    .iter()
                    .filter(|t| t.active && t.on_current_stream != Some(false))
                    .map(|t| t.evidence.clone()),
            );
            evidence.sort();
            evidence.dedup();
            Verdict::pass(streams.consumer_reason.clone(), evidence)
        }
        Consumer::None => {
            evidence.extend(streams.consumer_evidence.iter().cloned());
            Verdict::fail(streams.consumer_reason.clone(), evidence)
        }
        Consumer::Unknown | Consumer::NotApplicable => {
            Verdict::needs(MAPPINGS_EXPORT, streams.consumer_reason.clone(), evidence)
        }
    }
}
