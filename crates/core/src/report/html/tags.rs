//! Practice 6: tag coverage against the tag policy.

use crate::report::html::Html;
use crate::report::{PendingSection, Report};

pub fn render(report: &Report, out: &mut Html) {
    let keys: Vec<&str> = report
        .settings
        .tag_policy
        .keys
        .iter()
        .map(|k| k.key.as_str())
        .collect();
    out.based_on(&format!(
        "Based on DynamoDB list-tags-of-resource, tagging get-resources and AWS Config items, measured against the tag policy (required keys: {}).",
        if keys.is_empty() { "none".to_string() } else { keys.join(", ") }
    ));
    // filled by analysis::tags
    let PendingSection {} = report.tags;
    out.no_data(
        report,
        "tags",
        "this version of ddb-lens does not measure tag coverage yet",
    );
}
