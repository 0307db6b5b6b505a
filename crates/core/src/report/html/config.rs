//! Practice 4: configuration history from AWS Config.

use crate::report::html::Html;
use crate::report::{PendingSection, Report};

pub fn render(report: &Report, out: &mut Html) {
    out.based_on(
        "Based on AWS Config configuration items of DynamoDB tables (history files, snapshots, notifications, get-resource-config-history), in time order with the changes between neighbours.",
    );
    // filled by analysis::config_history
    let PendingSection {} = report.config;
    out.no_data(
        report,
        "config",
        "this version of ddb-lens does not analyse configuration history yet",
    );
}
