//! Practice 3: each table's stream and who consumes it.

use crate::report::html::Html;
use crate::report::{PendingSection, Report};

pub fn render(report: &Report, out: &mut Html) {
    out.based_on(
        "Based on DynamoDB describe-table (or AWS Config items) for each table's stream, Lambda list-event-source-mappings and describe-kinesis-streaming-destination for its consumers, and UpdateTable events for its changes.",
    );
    // filled by analysis::streams
    let PendingSection {} = report.streams;
    out.no_data(
        report,
        "streams",
        "this version of ddb-lens does not analyse streams yet",
    );
}
