//! Practice 2: the KMS key usage behind table encryption.

use crate::report::html::Html;
use crate::report::{PendingSection, Report};

pub fn render(report: &Report, out: &mut Html) {
    out.based_on(
        "Based on kms.amazonaws.com CloudTrail events whose encryption context names a DynamoDB table, and on KMS describe-key and list-aliases for the kind of each key.",
    );
    // filled by analysis::kms
    let PendingSection {} = report.kms;
    out.no_data(
        report,
        "kms",
        "this version of ddb-lens does not analyse KMS key usage yet",
    );
}
