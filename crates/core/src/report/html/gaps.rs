//! The gaps of the evidence, stated plainly.

use crate::ingest::thousands;
use crate::report::html::{number, text, time, Cell, Html, Table};
use crate::report::Report;

pub fn render(report: &Report, out: &mut Html) {
    let gaps = &report.gaps;
    out.based_on(
        "Based on the times of the CloudTrail events loaded, the account and region folders of the other exports' paths and the accounts and regions of the tables they describe, and the kinds of export loaded.",
    );

    out.raw("<h3>Hours without CloudTrail events</h3>\n");
    if gaps.hours_in_span == 0 {
        out.para("No CloudTrail event is loaded, so no hour is covered.");
    } else {
        out.para(&format!(
            "{} of the {} whole UTC hours from the first event to the last have no CloudTrail event{}.",
            thousands(gaps.hours_without_events),
            thousands(gaps.hours_in_span),
            if gaps.hours_without_events == 0 {
                ""
            } else {
                ": either nothing happened then or logs for those hours were not loaded"
            }
        ));
        let rows = gaps
            .hour_ranges_without_events
            .iter()
            .map(|r| {
                vec![
                    Cell::Time(Some(r.start_ms)),
                    Cell::Time(Some(r.end_ms)),
                    Cell::Count(r.hours),
                ]
            })
            .collect();
        out.table(&Table {
            id: "gaps-hours",
            caption: "Hours without CloudTrail events",
            columns: &[time("From (UTC)"), time("To (UTC)"), number("Hours")],
            rows,
        });
    }

    out.raw("<h3>Accounts and regions without CloudTrail</h3>\n");
    let rows = gaps
        .scopes_without_cloudtrail
        .iter()
        .map(|s| {
            let mut seen = s.seen_in.clone();
            if s.seen_in_total > s.seen_in.len() as u64 {
                seen.push(format!(
                    "and {} more",
                    thousands(s.seen_in_total - s.seen_in.len() as u64)
                ));
            }
            vec![
                Cell::Code(s.account.clone()),
                Cell::Text(if s.region.is_empty() {
                    "(any region)".to_string()
                } else {
                    s.region.clone()
                }),
                Cell::Lines(seen),
            ]
        })
        .collect();
    out.table(&Table {
        id: "gaps-scopes",
        caption: "Accounts and regions named by other exports with no CloudTrail event loaded",
        columns: &[text("Account"), text("Region"), text("Named by")],
        rows,
    });

    out.raw("<h3>Missing exports: checks with insufficient data</h3>\n");
    let rows = gaps
        .insufficient_data
        .iter()
        .map(|m| {
            vec![
                Cell::Text(m.title.clone()),
                Cell::Code(m.check.clone()),
                Cell::Text("insufficient data".to_string()),
                Cell::Lines(m.missing.iter().map(|n| n.what.clone()).collect()),
            ]
        })
        .collect();
    out.table(&Table {
        id: "gaps-exports",
        caption: "Checks that read \"insufficient data\" and the exports they need",
        columns: &[
            text("Check"),
            text("Id"),
            text("Verdict"),
            text("Needs (not loaded)"),
        ],
        rows,
    });
}
