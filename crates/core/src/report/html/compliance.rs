//! Practice 5: compliance, as ddb-lens evaluates it and as AWS Config recorded it, side by
//! side: the tables-by-checks matrix, per-check percentages, disagreements and the checks'
//! own metadata.

use std::borrow::Cow;

use crate::analysis::compliance::{Agreement, CheckInfo, Compliance, ConfigVerdict};
use crate::analysis::table_state::Evidence;
use crate::charts::compliance::compliance_svg;
use crate::compliance::Status;
use crate::ingest::thousands;
use crate::model::inventory::ComplianceType;
use crate::report::html::{number, text, time, Cell, Column, Html, SortAs, Table};
use crate::report::Report;
use crate::time::format_iso_ms;

pub fn render(report: &Report, out: &mut Html) {
    out.based_on(
        "Based on the table inventory (describe-table, continuous backups, tags, scaling targets, backup coverage, Lambda triggers, or AWS Config items) for ddb-lens's own checks of the DynamoDB managed rules, and on AWS Config's rule and compliance exports for its verdicts. Every table gets PASS, FAIL, INSUFFICIENT (an export would decide; it is named) or N/A from every check, with its reason and evidence.",
    );
    let c = &report.compliance;
    if c.rows.is_empty() && c.imported_rules.is_empty() {
        out.no_data(
            report,
            "compliance",
            "no loaded export describes a table or holds an AWS Config rule",
        );
        return;
    }
    if let Some(missing) = report
        .gaps
        .insufficient_data
        .iter()
        .find(|m| m.check == "compliance")
    {
        let needs: Vec<&str> = missing.missing.iter().map(|n| n.what.as_str()).collect();
        out.element(
            "p",
            &[("class", "no-data")],
            &format!(
                "AWS Config's own verdicts are not loaded, so only ddb-lens's are shown: needs {}.",
                needs.join(", and ")
            ),
        );
        out.raw("\n");
    }
    let count = |status: Status| -> u64 {
        c.rows
            .iter()
            .flat_map(|r| &r.cells)
            .filter(|cell| cell.verdict.status == status)
            .count() as u64
    };
    out.figures(&[
        ("Tables", thousands(c.rows.len() as u64)),
        ("Checks", thousands(c.checks.len() as u64)),
        ("PASS", thousands(count(Status::Pass))),
        ("FAIL", thousands(count(Status::Fail))),
        ("INSUFFICIENT", thousands(count(Status::InsufficientData))),
        ("N/A", thousands(count(Status::NotApplicable))),
        (
            "AWS Config rules loaded",
            thousands(c.imported_rules.len() as u64),
        ),
        ("Disagreements", thousands(c.disagreements.len() as u64)),
    ]);
    parameters(report, out);
    summaries(c, out);
    matrix(c, out);
    disagreements(c, out);
    verdicts(c, out);
    imported(c, out);
    design_differences(c, out);
    checks(c, out);
}

fn parameters(report: &Report, out: &mut Html) {
    let c = &report.compliance;
    out.raw("<h3>Parameters</h3>\n<dl class=\"settings\">");
    let list = |items: &[String], empty: &str| -> String {
        if items.is_empty() {
            empty.to_string()
        } else {
            items.join(", ")
        }
    };
    let required: Vec<String> = c
        .params
        .required_tags
        .iter()
        .map(|k| {
            if k.allowed_values.is_empty() {
                k.key.clone()
            } else {
                format!("{} ({})", k.key, k.allowed_values.join(" | "))
            }
        })
        .collect();
    let a = &c.params.autoscaling;
    let bounds: Vec<String> = [
        (
            "minProvisionedReadCapacity",
            a.min_provisioned_read_capacity.map(|v| v.to_string()),
        ),
        (
            "maxProvisionedReadCapacity",
            a.max_provisioned_read_capacity.map(|v| v.to_string()),
        ),
        (
            "targetReadUtilization",
            a.target_read_utilization.map(|v| v.to_string()),
        ),
        (
            "minProvisionedWriteCapacity",
            a.min_provisioned_write_capacity.map(|v| v.to_string()),
        ),
        (
            "maxProvisionedWriteCapacity",
            a.max_provisioned_write_capacity.map(|v| v.to_string()),
        ),
        (
            "targetWriteUtilization",
            a.target_write_utilization.map(|v| v.to_string()),
        ),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.map(|v| format!("{name}={v}")))
    .collect();
    let items = [
        (
            "kmsKeyArns (dynamodb-table-encrypted-kms)",
            list(&c.params.kms_key_arns, "any AWS KMS key"),
        ),
        (
            "Required tags (required-tags, from the tag policy)",
            list(
                &required,
                "none: any tag passes, as Security Hub DynamoDB.5",
            ),
        ),
        (
            "Tables that need a stream consumer (ddb-lens-stream-consumer)",
            list(
                &c.params.stream_consumer_required,
                "none: N/A for every table",
            ),
        ),
        (
            "Auto scaling bounds (dynamodb-autoscaling-enabled)",
            list(&bounds, "none"),
        ),
    ];
    for (name, value) in items {
        out.element("dt", &[], name);
        out.element("dd", &[], &value);
    }
    out.raw("</dl>\n");
    for note in &c.param_notes {
        out.note(note);
    }
}

/// "66.7% (2 of 3)" or "-" when nothing was decided.
/// "67.0% (2 of 3)", or "-" when nothing was decided.
pub(super) fn share(percent: Option<f64>, part: u64, whole: u64) -> String {
    match percent {
        Some(p) => format!("{p:.1}% ({} of {})", thousands(part), thousands(whole)),
        None => "-".to_string(),
    }
}

fn control(check: Option<&CheckInfo>) -> String {
    check
        .and_then(|k| k.security_hub.clone())
        .unwrap_or_else(|| "-".to_string())
}

fn summaries(c: &Compliance, out: &mut Html) {
    out.raw("<h3>Per check</h3>\n");
    out.para(
        "The share of tables passing each check, of those it could decide (PASS or FAIL): tables with insufficient data or where the check does not apply are counted apart, never as passing. AWS Config's bar uses its latest evaluation of the same tables.",
    );
    if !c.summaries.is_empty() {
        out.svg(&compliance_svg(c, 960));
        out.raw("\n");
    }
    let rows = c
        .summaries
        .iter()
        .map(|s| {
            let info = c.checks.iter().find(|k| k.id == s.check_id);
            vec![
                Cell::Code(s.check_id.clone()),
                Cell::Code(control(info)),
                Cell::Text(info.map(|k| k.severity.label()).unwrap_or("-").to_string()),
                Cell::Count(s.pass),
                Cell::Count(s.fail),
                Cell::Count(s.insufficient_data),
                Cell::Count(s.not_applicable),
                Cell::Text(share(s.pass_percent, s.pass, s.evaluated)),
                Cell::Text(share(
                    s.config_percent,
                    s.config_compliant,
                    s.config_compliant + s.config_non_compliant,
                )),
                Cell::Ids(s.config_rules.clone()),
                Cell::Count(s.agree),
                Cell::Count(s.disagree),
            ]
        })
        .collect();
    out.table(&Table {
        id: "compliance-checks",
        caption: "Verdicts per check",
        columns: &[
            text("Check"),
            text("Control"),
            text("Severity"),
            number("PASS"),
            number("FAIL"),
            number("INSUFFICIENT"),
            number("N/A"),
            text("ddb-lens passing"),
            text("AWS Config compliant"),
            text("AWS Config rules"),
            number("Agree"),
            number("Disagree"),
        ],
        rows,
    });
}

/// The short form of a verdict in the matrix, and its class.
fn status_short(status: Status) -> (&'static str, &'static str) {
    match status {
        Status::Pass => ("PASS", "verdict verdict-pass"),
        Status::Fail => ("FAIL", "verdict verdict-fail"),
        Status::InsufficientData => ("INSUFFICIENT", "verdict verdict-insufficient"),
        Status::NotApplicable => ("N/A", "verdict verdict-na"),
    }
}

fn config_label(compliance: &ComplianceType) -> Cow<'_, str> {
    match compliance {
        ComplianceType::Other(text) if text.is_empty() => Cow::Borrowed("(no verdict)"),
        other => Cow::Borrowed(other.as_aws()),
    }
}

/// AWS Config's verdict in a matrix cell: a tick for COMPLIANT, a cross for NON_COMPLIANT.
fn config_short(compliance: &ComplianceType) -> Cow<'_, str> {
    match compliance {
        ComplianceType::Compliant => Cow::Borrowed("\u{2714}"),
        ComplianceType::NonCompliant => Cow::Borrowed("\u{2718}"),
        ComplianceType::NotApplicable => Cow::Borrowed("N/A"),
        ComplianceType::InsufficientData => Cow::Borrowed("INSUFFICIENT"),
        other => config_label(other),
    }
}

fn config_line(config: &ConfigVerdict) -> String {
    let at = config
        .ordering_ms
        .or(config.recorded_ms)
        .map(|ms| format!(" ({})", format_iso_ms(ms)))
        .unwrap_or_default();
    format!(
        "{}: {}{at}",
        config.rule_name,
        config_label(&config.compliance)
    )
}

fn matrix(c: &Compliance, out: &mut Html) {
    out.raw("<h3>Compliance matrix</h3>\n");
    out.para(
        "Tables by checks: ddb-lens's verdict (PASS, FAIL, INSUFFICIENT: an export would decide, N/A: the check does not apply), and under it AWS Config's latest where it evaluated the same table (Config \u{2714} compliant, Config \u{2718} non-compliant; outlined and marked \u{2260} when the two disagree). Hover a cell for the reason; every reason is in the verdicts below.",
    );
    let mut columns: Vec<Column> = vec![text("Table")];
    columns.extend(c.checks.iter().map(|k| Column {
        title: Cow::Owned(match &k.security_hub {
            Some(control) => format!("{} ({control})", k.id),
            None => k.id.clone(),
        }),
        sort: SortAs::Text,
    }));
    columns.push(number("PASS"));
    columns.push(number("FAIL"));
    columns.push(text("AWS Config overall"));
    let rows = c
        .rows
        .iter()
        .map(|row| {
            let mut table = row.table.label();
            if row.deleted {
                table.push_str(" (deleted)");
            }
            let mut cells = vec![Cell::Code(table)];
            cells.extend(row.cells.iter().map(|cell| {
                let (short, class) = status_short(cell.verdict.status);
                let mut lines = vec![short.to_string()];
                if let Some(latest) = cell.config.first() {
                    let mark = if cell.agreement == Agreement::Disagree {
                        " \u{2260}"
                    } else {
                        ""
                    };
                    lines.push(format!("Config {}{mark}", config_short(&latest.compliance)));
                }
                let class = if cell.agreement == Agreement::Disagree {
                    match cell.verdict.status {
                        Status::Pass => "verdict verdict-pass verdict-disagree",
                        _ => "verdict verdict-fail verdict-disagree",
                    }
                } else {
                    class
                };
                Cell::Verdict {
                    lines,
                    class,
                    title: cell.verdict.reason.clone(),
                }
            }));
            cells.push(Cell::Count(row.pass));
            cells.push(Cell::Count(row.fail));
            cells.push(Cell::Text(
                row.config_overall
                    .as_ref()
                    .map(|o| config_label(o).into_owned())
                    .unwrap_or_else(|| "-".to_string()),
            ));
            cells
        })
        .collect();
    out.raw("<div class=\"matrix\">\n");
    out.table(&Table {
        id: "compliance-matrix",
        caption: "Tables by checks",
        columns: &columns,
        rows,
    });
    out.raw("</div>\n");
}

fn disagreements(c: &Compliance, out: &mut Html) {
    out.raw("<h3>Where ddb-lens and AWS Config disagree</h3>\n");
    let rows = c
        .disagreements
        .iter()
        .map(|d| {
            vec![
                Cell::Code(d.table.label()),
                Cell::Code(d.check_id.clone()),
                Cell::Code(d.rule_name.clone()),
                Cell::Status {
                    text: d.ddb_lens.label().to_string(),
                    class: if d.ddb_lens == Status::Pass {
                        "status-ok"
                    } else {
                        "status-error"
                    },
                },
                Cell::Text(config_label(&d.config).into_owned()),
                Cell::Text(d.ddb_lens_reason.clone()),
                Cell::Text(d.config_annotation.clone().unwrap_or_default()),
                Cell::Text(d.note.clone()),
            ]
        })
        .collect();
    out.table(&Table {
        id: "compliance-disagreements",
        caption: "Disagreements, with what may explain them",
        columns: &[
            text("Table"),
            text("Check"),
            text("AWS Config rule"),
            text("ddb-lens"),
            text("AWS Config"),
            text("ddb-lens's reason"),
            text("AWS Config's annotation"),
            text("What may explain it"),
        ],
        rows,
    });
}

fn evidence_lines(evidence: &[Evidence]) -> Cell {
    Cell::CodeLines(
        evidence
            .iter()
            .map(|e| match e.at_ms {
                Some(ms) => format!("{} ({})", e.file, format_iso_ms(ms)),
                None => e.file.clone(),
            })
            .collect(),
    )
}

fn verdicts(c: &Compliance, out: &mut Html) {
    // FAIL and INSUFFICIENT need a reader's attention: shown. PASS and N/A are folded away
    // (still in the page, the JSON and compliance.csv), so the section stays readable.
    let attention = |status: Status| matches!(status, Status::Fail | Status::InsufficientData);
    out.raw("<h3>Verdicts that need attention</h3>\n");
    out.table(&Table {
        id: "compliance-verdicts",
        caption: "FAIL and INSUFFICIENT verdicts, with their reason and evidence",
        columns: VERDICT_COLUMNS,
        rows: verdict_rows(c, attention),
    });
    let others = verdict_rows(c, |s| !attention(s));
    if !others.is_empty() {
        let summary = format!(
            "The other {} verdicts (PASS and N/A), with their reason and evidence",
            thousands(others.len() as u64)
        );
        out.folded(&summary, |out| {
            out.table(&Table {
                id: "compliance-verdicts-other",
                caption: "PASS and N/A verdicts",
                columns: VERDICT_COLUMNS,
                rows: others,
            });
        });
    }
}

const VERDICT_COLUMNS: &[Column] = &[
    text("Table"),
    text("Check"),
    text("Control"),
    text("Verdict"),
    text("Reason"),
    text("Evidence (file, as of)"),
    text("AWS Config (latest per rule)"),
    text("Comparison"),
];

fn verdict_rows(c: &Compliance, keep: impl Fn(Status) -> bool) -> Vec<Vec<Cell>> {
    c.rows
        .iter()
        .flat_map(|row| {
            row.cells
                .iter()
                .filter(|cell| keep(cell.verdict.status))
                .map(move |cell| {
                    let info = c.checks.iter().find(|k| k.id == cell.check_id);
                    let (short, class) = status_short(cell.verdict.status);
                    let mut reason = cell.verdict.reason.clone();
                    if let Some(needs) = &cell.verdict.needs {
                        reason.push_str(&format!(" Needs: {needs}."));
                    }
                    vec![
                        Cell::Code(row.table.label()),
                        Cell::Code(cell.check_id.clone()),
                        Cell::Code(control(info)),
                        Cell::Verdict {
                            lines: vec![short.to_string()],
                            class,
                            title: String::new(),
                        },
                        Cell::Text(reason),
                        evidence_lines(&cell.verdict.evidence),
                        Cell::Lines(cell.config.iter().map(config_line).collect()),
                        Cell::Text(agreement_label(cell.agreement).to_string()),
                    ]
                })
        })
        .collect()
}

/// How the two verdicts compare, in words.
pub fn agreement_label(agreement: Agreement) -> &'static str {
    match agreement {
        Agreement::Agree => "agree",
        Agreement::Disagree => "disagree",
        Agreement::DdbLensOnly => "only ddb-lens decided",
        Agreement::ConfigOnly => "only AWS Config decided",
        Agreement::Neither => "neither decided",
    }
}

fn imported(c: &Compliance, out: &mut Html) {
    out.raw("<h3>AWS Config rules and evaluations loaded</h3>\n");
    let rows = c
        .imported_rules
        .iter()
        .map(|r| {
            let scope = format!(
                "{} {}",
                if r.account.is_empty() {
                    "?"
                } else {
                    &r.account
                },
                if r.region.is_empty() { "?" } else { &r.region }
            );
            vec![
                Cell::Code(r.rule_name.clone()),
                Cell::Text(scope),
                Cell::Code(r.check_id.clone().unwrap_or_else(|| "-".to_string())),
                Cell::Code(r.source_identifier.clone().unwrap_or_default()),
                Cell::Text(r.state.clone().unwrap_or_default()),
                Cell::Lines(
                    r.input_parameters
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect(),
                ),
                Cell::Text(
                    r.summary
                        .as_ref()
                        .map(|s| config_label(s).into_owned())
                        .unwrap_or_else(|| "-".to_string()),
                ),
                Cell::Count(r.compliant),
                Cell::Count(r.non_compliant),
                Cell::Count(r.not_applicable),
                Cell::Count(r.insufficient_data),
            ]
        })
        .collect();
    out.table(&Table {
        id: "compliance-rules",
        caption: "AWS Config rules, with the ddb-lens check that evaluates the same thing",
        columns: &[
            text("Rule"),
            text("Account and region"),
            text("ddb-lens check"),
            text("Source identifier"),
            text("State"),
            text("Parameters"),
            text("Overall"),
            number("Compliant"),
            number("Non-compliant"),
            number("Not applicable"),
            number("Insufficient data"),
        ],
        rows,
    });
    let rows: Vec<Vec<Cell>> = c
        .imported_rules
        .iter()
        .flat_map(|r| {
            r.evaluations.iter().map(move |e| {
                vec![
                    Cell::Code(r.rule_name.clone()),
                    Cell::Code(match &e.table {
                        Some(table) => table.label(),
                        None => format!("{} {}", e.resource_type, e.resource_id),
                    }),
                    Cell::Text(config_label(&e.compliance).into_owned()),
                    Cell::Time(e.ordering_ms.or(e.recorded_ms)),
                    Cell::Text(e.annotation.clone().unwrap_or_default()),
                    evidence_lines(std::slice::from_ref(&e.evidence)),
                ]
            })
        })
        .collect();
    let summary = format!(
        "AWS Config's latest evaluation of each resource ({})",
        thousands(rows.len() as u64)
    );
    out.folded(&summary, |out| {
        out.table(&Table {
            id: "compliance-evaluations",
            caption: "AWS Config's latest evaluation of each resource, per rule",
            columns: &[
                text("Rule"),
                text("Resource"),
                text("Compliance"),
                time("Configuration recorded (UTC)"),
                text("Annotation"),
                text("Evidence"),
            ],
            rows,
        })
    });
}

fn design_differences(c: &Compliance, out: &mut Html) {
    out.raw("<h3>Where checks differ by design</h3>\n");
    let rows = c
        .design_differences
        .iter()
        .map(|d| {
            vec![
                Cell::Ids(d.checks.clone()),
                Cell::Text(d.explanation.clone()),
                if d.tables.is_empty() {
                    Cell::Text("none in this report".to_string())
                } else {
                    Cell::Ids(d.tables.iter().map(|t| t.label()).collect())
                },
            ]
        })
        .collect();
    out.table(&Table {
        id: "compliance-design",
        caption: "Checks that judge the same table differently on purpose",
        columns: &[text("Checks"), text("Why"), text("Tables where it shows")],
        rows,
    });
}

fn checks(c: &Compliance, out: &mut Html) {
    out.raw("<h3>The checks</h3>\n");
    let summary = format!(
        "What each of the {} checks verifies, why it matters and how to pass",
        c.checks.len()
    );
    out.folded(&summary, |out| {
        for k in &c.checks {
            out.raw("<dl class=\"settings check\">");
            let mut id = k.id.clone();
            if let Some(identifier) = &k.config_identifier {
                id.push_str(&format!(" (AWS Config {identifier})"));
            }
            let mut items: Vec<(&str, Vec<String>)> = vec![
                ("Check", vec![id]),
                ("Control", vec![control(Some(k))]),
                ("Passes when", vec![k.title.clone()]),
                ("Severity", vec![k.severity.label().to_string()]),
                ("Why it matters", vec![k.rationale.clone()]),
                ("Remediation", vec![k.remediation.clone()]),
            ];
            if !k.parameters.is_empty() {
                items.push((
                    "Parameters",
                    k.parameters
                        .iter()
                        .map(|(name, description)| format!("{name}: {description}"))
                        .collect(),
                ));
            }
            if !k.notes.is_empty() {
                items.push(("Notes", k.notes.clone()));
            }
            items.push(("References", k.references.clone()));
            for (name, lines) in items {
                out.element("dt", &[], name);
                out.raw("<dd>");
                for (i, line) in lines.iter().enumerate() {
                    if i > 0 {
                        out.raw("<br>");
                    }
                    out.text(line);
                }
                out.raw("</dd>");
            }
            out.raw("</dl>\n");
        }
    });
}
