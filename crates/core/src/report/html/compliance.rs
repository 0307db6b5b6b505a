//! Practice 5: compliance, as AWS Config recorded it and as ddb-lens evaluates it, and the
//! tables-by-rules matrix.

use crate::report::html::Html;
use crate::report::{PendingSection, Report};

pub fn render(report: &Report, out: &mut Html) {
    out.based_on(
        "Based on AWS Config's compliance exports for its verdicts, and on the table inventory for ddb-lens's own evaluation of the DynamoDB managed rules; every table gets PASS, FAIL or \"insufficient data\" with its reason.",
    );
    // filled by analysis::compliance: per-rule results, the two verdicts side by side, and
    // the tables-by-rules matrix below.
    let PendingSection {} = report.compliance;
    out.no_data(
        report,
        "compliance",
        "this version of ddb-lens does not evaluate compliance yet",
    );
    out.raw("<h3>Compliance matrix</h3>\n");
    out.para("Tables by rules: no evaluation in this report.");
}
