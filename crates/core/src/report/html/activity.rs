//! Practice 1: DynamoDB activity from CloudTrail, as the overview and timeline.

use crate::charts::timeline::timeline_svg;
use crate::ingest::thousands;
use crate::report::html::{number, text, time, Cell, Html, Table};
use crate::report::Report;
use crate::Count;

pub fn render(report: &Report, out: &mut Html) {
    let ov = &report.overview;
    let trail_files = report
        .inputs
        .files
        .iter()
        .filter(|f| f.kind.is_cloudtrail() && f.events_added > 0)
        .count() as u64;
    out.based_on(&format!(
        "Based on the CloudTrail events loaded: {} events from {} CloudTrail files{}.",
        thousands(ov.events),
        thousands(trail_files),
        if report.settings.filters.is_empty() {
            ""
        } else {
            ", after the report's filters (see the evidence manifest)"
        }
    ));
    if ov.events == 0 {
        out.no_data(
            report,
            "activity",
            "no CloudTrail event is within the filters",
        );
        return;
    }
    let span = match (&ov.time_first, &ov.time_last) {
        (Some(first), Some(last)) => format!("{first} to {last} ({})", ov.span_label),
        _ => "-".to_string(),
    };
    out.figures(&[
        ("Events", thousands(ov.events)),
        ("Duplicates dropped", thousands(ov.duplicates_dropped)),
        ("Time span", span),
    ]);
    out.raw("<h3>Events over time</h3>\n");
    out.para(&format!("Events per {}.", ov.bucket_label));
    out.svg(&timeline_svg(ov, 960, 220));
    out.raw("\n");
    // The chart's figures as a table too: readable without the picture and in print.
    let busiest: Vec<Vec<Cell>> = ov
        .buckets
        .iter()
        .filter(|b| b.count > 0)
        .map(|b| vec![Cell::Time(Some(b.start_ms)), Cell::Count(b.count)])
        .collect();
    out.table(&Table {
        id: "activity-buckets",
        caption: "Events per time bucket (empty buckets left out)",
        columns: &[time("Bucket start (UTC)"), number("Events")],
        rows: busiest,
    });
    let counts = |counts: &[Count]| -> Vec<Vec<Cell>> {
        counts
            .iter()
            .map(|c| vec![Cell::Code(c.name.clone()), Cell::Count(c.count)])
            .collect()
    };
    out.table(&Table {
        id: "activity-accounts",
        caption: "Accounts",
        columns: &[text("Account"), number("Events")],
        rows: counts(&ov.accounts),
    });
    out.table(&Table {
        id: "activity-regions",
        caption: "Regions",
        columns: &[text("Region"), number("Events")],
        rows: counts(&ov.regions),
    });
    out.table(&Table {
        id: "activity-sources",
        caption: "Event sources",
        columns: &[text("Event source"), number("Events")],
        rows: counts(&ov.event_sources),
    });
}
