//! The findings of the detection rules.

use crate::report::html::Html;
use crate::report::Report;

pub fn render(report: &Report, out: &mut Html) {
    out.based_on("Based on the detection rules run over the CloudTrail events loaded.");
    // filled by rules: a table of severity, title, count, first and last seen, principals,
    // tables and evidence events per finding.
    if let Some(finding) = report.findings.first() {
        match *finding {}
    }
    out.no_data(
        report,
        "findings",
        "this version of ddb-lens runs no detection rules yet",
    );
}
