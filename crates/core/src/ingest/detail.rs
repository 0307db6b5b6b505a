//! Which events keep their request, response and error message, and in what form.
//!
//! Detections, the KMS lifecycle and tag history need a handful of request fields (a PITR
//! switch, a key policy, the tag keys removed), but only on rare events: control-plane calls,
//! trail and recorder changes, key administration. The bulk of a large log, data-plane reads and
//! writes and the KMS calls DynamoDB makes for every cache refresh, keeps no detail, so memory
//! grows with what the report needs and not with the raw JSON. A kept detail is the raw JSON
//! text of `requestParameters`, `responseElements` and `errorMessage` (each `null` when absent),
//! interned, so identical requests (the same `DescribeTable` polled all day) are stored once.
//!
//! ```
//! use ddb_lens_core::ingest::detail::keeps_detail;
//! assert!(keeps_detail("dynamodb.amazonaws.com", "UpdateContinuousBackups"));
//! assert!(!keeps_detail("dynamodb.amazonaws.com", "GetItem"));
//! assert!(!keeps_detail("kms.amazonaws.com", "Decrypt"));
//! assert!(keeps_detail("kms.amazonaws.com", "ScheduleKeyDeletion"));
//! assert!(keeps_detail("kms.amazonaws.com", "DescribeKey"));
//! assert!(keeps_detail("cloudtrail.amazonaws.com", "StopLogging"));
//! assert!(!keeps_detail("dynamodb.amazonaws.com", "DescribeTable"));
//! ```

use serde_json::value::RawValue;

use crate::analysis::operations::{classify, Plane};

/// A part longer than this (a hostile or pathological record) is replaced by
/// `{"truncated":true,"bytes":N}` so one record cannot hold megabytes of the model.
pub const MAX_PART_BYTES: usize = 256 * 1024;

/// Whether events of this source and name keep their detail.
///
/// Reads (`Describe*`, `List*`, `Get*`, ...) do not, but for KMS `DescribeKey`: CloudTrail does
/// not log their responses and their requests name only what ingest already keeps, yet they are
/// a fifth of a typical log. Config's `PutEvaluations`, written by every rule evaluation, is skipped for the same
/// reason.
pub fn keeps_detail(event_source: &str, event_name: &str) -> bool {
    const READS: [&str; 6] = ["Describe", "List", "Get", "BatchGet", "Lookup", "Select"];
    // The one read kept: KMS DescribeKey names the key as the caller wrote it (DynamoDB asks
    // for `alias/aws/dynamodb`) beside the ARN in resources[], which is how the KMS view tells
    // the AWS managed key from a customer managed one. Its few distinct requests intern once.
    if event_source == "kms.amazonaws.com" && event_name == "DescribeKey" {
        return true;
    }
    if READS.iter().any(|prefix| event_name.starts_with(prefix)) || event_name == "PutEvaluations" {
        return false;
    }
    match event_source {
        "dynamodb.amazonaws.com" | "streams.dynamodb.amazonaws.com" => !matches!(
            classify(event_source, event_name),
            Some(Plane::DataRead | Plane::DataWrite | Plane::Streams)
        ),
        "kms.amazonaws.com" => !is_kms_cryptographic(event_name),
        "cloudtrail.amazonaws.com"
        | "config.amazonaws.com"
        | "backup.amazonaws.com"
        | "application-autoscaling.amazonaws.com"
        | "tagging.amazonaws.com" => true,
        // Event source mappings are the Lambda triggers on streams; Invoke is a data event.
        "lambda.amazonaws.com" => event_name.contains("EventSourceMapping"),
        _ => false,
    }
}

/// KMS operations that use a key rather than administer it: DynamoDB calls these for every
/// table-key cache refresh, so they are the bulk of KMS events.
fn is_kms_cryptographic(name: &str) -> bool {
    [
        "Decrypt",
        "Encrypt",
        "GenerateDataKey",
        "ReEncrypt",
        "GenerateRandom",
        "Sign",
        "Verify",
        "GenerateMac",
        "VerifyMac",
        "DeriveSharedSecret",
    ]
    .iter()
    .any(|op| name.starts_with(op))
}

/// The detail text for the parts found, or `None` when there are none.
pub(crate) fn detail_text(
    request: Option<&RawValue>,
    response: Option<&RawValue>,
    error_message: Option<&RawValue>,
) -> Option<String> {
    if request.is_none() && response.is_none() && error_message.is_none() {
        return None;
    }
    let len = [request, response, error_message]
        .iter()
        .map(|p| p.map_or(4, |r| r.get().len().min(MAX_PART_BYTES)))
        .sum::<usize>();
    let mut out = String::with_capacity(len + 64);
    for (i, (name, part)) in [
        ("requestParameters", request),
        ("responseElements", response),
        ("errorMessage", error_message),
    ]
    .into_iter()
    .enumerate()
    {
        out.push_str(if i == 0 { "{\"" } else { ",\"" });
        out.push_str(name);
        out.push_str("\":");
        match part {
            None => out.push_str("null"),
            Some(raw) if raw.get().len() > MAX_PART_BYTES => {
                out.push_str(&format!(
                    "{{\"truncated\":true,\"bytes\":{}}}",
                    raw.get().len()
                ));
            }
            Some(raw) => out.push_str(raw.get()),
        }
    }
    out.push('}');
    Some(out)
}

/// `arn:aws:kms:REGION:ACCOUNT:key/ID` (any partition).
pub(crate) fn is_kms_key_arn(text: &str) -> bool {
    text.starts_with("arn:") && text.contains(":kms:") && text.contains(":key/")
}
