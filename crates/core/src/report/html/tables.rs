//! The table inventory, merged from every source.

use crate::report::html::Html;
use crate::report::Report;

pub fn render(report: &Report, out: &mut Html) {
    out.based_on(
        "Based on DynamoDB list-tables, describe-table and the per-table exports, and AWS Config items; each value says which source gave it.",
    );
    // filled by analysis::inventory: one row per table (account, region, name, encryption,
    // PITR, deletion protection, stream, TTL, tags, backup, sources).
    if let Some(table) = report.tables.first() {
        match *table {}
    }
    out.no_data(
        report,
        "tables",
        "this version of ddb-lens does not build the table inventory yet",
    );
}
