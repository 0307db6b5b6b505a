//! The report at a glance, first: what an auditor reads before anything else. The findings
//! of critical and high severity, each check's pass rate beside AWS Config's, the tag policy's
//! coverage and the evidence gaps, every figure taken from the section that details it.

use crate::ingest::thousands;
use crate::report::html::compliance::share;
use crate::report::html::findings::severity_cell;
use crate::report::html::{number, text, Cell, Html, Table};
use crate::report::Report;
use crate::rules::Severity;

/// Findings of critical or high severity listed here; the rest are counted.
const FINDINGS_LISTED: usize = 10;

pub fn render(report: &Report, out: &mut Html) {
    out.based_on(
        "Each figure here is taken from the section that details it, below: the findings, compliance, tags and evidence gaps sections.",
    );
    let mut figures = vec![
        ("CloudTrail events", thousands(report.inputs.totals.events)),
        ("Tables", thousands(report.tables.len() as u64)),
        ("Findings", thousands(report.findings.len() as u64)),
    ];
    for severity in [Severity::Critical, Severity::High] {
        let n = count_of(report, severity);
        if n > 0 {
            figures.push((severity.label(), thousands(n)));
        }
    }
    let coverage = &report.tags.coverage;
    if coverage.tables > 0 {
        figures.push((
            "Tables with every required tag",
            format!(
                "{} of {} whose tags are known ({:.0}%)",
                thousands(coverage.compliant.count),
                thousands(coverage.compliant.of),
                coverage.compliant.percent()
            ),
        ));
    }
    figures.push((
        "Hours without CloudTrail",
        format!(
            "{} of {}",
            thousands(report.gaps.hours_without_events),
            thousands(report.gaps.hours_in_span)
        ),
    ));
    figures.push((
        "Checks lacking an export",
        thousands(report.gaps.insufficient_data.len() as u64),
    ));
    out.figures(&figures);

    out.raw("<h3>Critical and high findings</h3>\n");
    let serious: Vec<_> = report
        .findings
        .iter()
        .filter(|f| matches!(f.severity, Severity::Critical | Severity::High))
        .collect();
    if serious.is_empty() {
        out.para(&format!(
            "None: of the {} findings, none is critical or high.",
            thousands(report.findings.len() as u64)
        ));
    } else {
        let rows = serious
            .iter()
            .take(FINDINGS_LISTED)
            .map(|f| {
                vec![
                    severity_cell(f.severity),
                    Cell::Text(f.summary.clone()),
                    Cell::Count(f.count),
                    Cell::Code(f.rule_id.clone()),
                ]
            })
            .collect();
        out.table(&Table {
            id: "summary-findings",
            caption: "Critical and high findings",
            columns: &[
                text("Severity"),
                text("Finding"),
                number("Events"),
                text("Rule"),
            ],
            rows,
        });
        if serious.len() > FINDINGS_LISTED {
            out.para(&format!(
                "And {} more critical or high findings under Findings.",
                thousands((serious.len() - FINDINGS_LISTED) as u64)
            ));
        }
    }

    out.raw("<h3>Compliance by check</h3>\n");
    let compliance = &report.compliance;
    if compliance.rows.is_empty() {
        out.para("No table is known from the exports loaded, so no check ran: see Compliance.");
    } else {
        let rows = compliance
            .summaries
            .iter()
            .map(|s| {
                let title = compliance
                    .checks
                    .iter()
                    .find(|c| c.id == s.check_id)
                    .map(|c| c.title.clone())
                    .unwrap_or_default();
                vec![
                    Cell::Code(s.check_id.clone()),
                    Cell::Text(title),
                    Cell::Text(share(s.pass_percent, s.pass, s.evaluated)),
                    Cell::Count(s.insufficient_data),
                    Cell::Text(if s.config_rules.is_empty() {
                        "no rule loaded".to_string()
                    } else {
                        share(
                            s.config_percent,
                            s.config_compliant,
                            s.config_compliant + s.config_non_compliant,
                        )
                    }),
                ]
            })
            .collect();
        out.table(&Table {
            id: "summary-compliance",
            caption: "Compliance by check",
            columns: &[
                text("Check"),
                text("Passing condition"),
                text("ddb-lens: tables passing"),
                number("Insufficient data"),
                text("AWS Config: compliant"),
            ],
            rows,
        });
    }
}

fn count_of(report: &Report, severity: Severity) -> u64 {
    report
        .findings
        .iter()
        .filter(|f| f.severity == severity)
        .count() as u64
}
