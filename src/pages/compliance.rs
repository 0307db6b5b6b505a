//! The compliance view: each check's pass rate (numerator over the tables it could decide, and
//! a core-drawn chart), the tables-by-checks matrix, each verdict's reason and evidence, AWS
//! Config's own verdicts beside ddb-lens's with the disagreements explained, the checks that
//! differ by design, and where the parameters came from.

use ddb_lens_core::analysis::compliance::{Agreement, Compliance, TableRow};
use ddb_lens_core::charts::compliance::compliance_svg;
use ddb_lens_core::compliance::{Status, Verdict};
use ddb_lens_core::model::inventory::ComplianceType;
use ddb_lens_core::report::Report;
use ddb_lens_core::time::format_iso_ms;
use leptos::prelude::*;

use crate::components::{Cell, Column, DataTable, Folded, TableData};
use crate::pages::posture::{missing_exports, EmptySection};
use crate::session::Session;

const CHART_WIDTH: u32 = 900;

/// The compliance section of a report.
pub fn compliance_of(report: &Report) -> Option<Compliance> {
    Some(report.compliance.clone())
}

/// The pill of a status: its text and class.
pub fn status_pill(status: Status) -> (&'static str, &'static str) {
    match status {
        Status::Pass => ("PASS", "pill-pass"),
        Status::Fail => ("FAIL", "pill-fail"),
        Status::InsufficientData => ("INSUFFICIENT", "pill-insufficient"),
        Status::NotApplicable => ("N/A", "pill-na"),
    }
}

fn config_class(c: &ComplianceType) -> &'static str {
    match c {
        ComplianceType::Compliant => "pill-pass",
        ComplianceType::NonCompliant => "pill-fail",
        ComplianceType::InsufficientData => "pill-insufficient",
        ComplianceType::NotApplicable | ComplianceType::Other(_) => "pill-na",
    }
}

fn agreement_label(a: Agreement) -> (&'static str, Option<&'static str>) {
    match a {
        Agreement::Agree => ("agree", Some("pill-pass")),
        Agreement::Disagree => ("DISAGREE", Some("pill-fail")),
        Agreement::DdbLensOnly => ("ddb-lens only", None),
        Agreement::ConfigOnly => ("Config only", None),
        Agreement::Neither => ("neither decided", None),
    }
}

/// "3 of 4 (75%)", or "none decided".
fn fraction(n: u64, of: u64, percent: Option<f64>) -> String {
    match percent {
        // Rounded half away from zero, as the e2e test (Math.round) and readers expect.
        Some(p) if of > 0 => format!("{n} of {of} ({}%)", p.round()),
        _ => "none decided".to_string(),
    }
}

fn verdict_title(v: &Verdict) -> String {
    match &v.needs {
        Some(needs) => format!("{} (needs {needs})", v.reason),
        None => v.reason.clone(),
    }
}

/// One row per check: ddb-lens's counts and pass rate, and AWS Config's.
pub fn checks_table(compliance: &Compliance) -> TableData {
    TableData {
        columns: vec![
            Column::text("Check"),
            Column::text("Title"),
            Column::text("Severity"),
            Column::number("Pass"),
            Column::number("Fail"),
            Column::number("Insufficient"),
            Column::number("N/A"),
            Column::number("ddb-lens pass rate"),
            Column::text("Config rules"),
            Column::number("Config compliant"),
            Column::number("Agree"),
            Column::number("Disagree"),
        ],
        rows: compliance
            .summaries
            .iter()
            .map(|s| {
                let info = compliance.checks.iter().find(|c| c.id == s.check_id);
                let config_decided = s.config_compliant + s.config_non_compliant;
                let disagree = Cell::count(s.disagree);
                vec![
                    Cell::text(s.check_id.clone()),
                    Cell::text(info.map(|c| c.title.clone()).unwrap_or_default())
                        .with_title(info.map(|c| c.rationale.clone()).unwrap_or_default()),
                    Cell::text(info.map(|c| c.severity.label()).unwrap_or_default()),
                    Cell::count(s.pass),
                    Cell::count(s.fail),
                    Cell::count(s.insufficient_data),
                    Cell::count(s.not_applicable),
                    Cell::number(
                        s.pass_percent.unwrap_or(-1.0),
                        fraction(s.pass, s.evaluated, s.pass_percent),
                    ),
                    Cell::text(s.config_rules.join(", ")),
                    Cell::number(
                        s.config_percent.unwrap_or(-1.0),
                        fraction(s.config_compliant, config_decided, s.config_percent),
                    ),
                    Cell::count(s.agree),
                    if s.disagree > 0 {
                        disagree.with_class("pill-fail")
                    } else {
                        disagree
                    },
                ]
            })
            .collect(),
    }
}

/// Tables by checks: a pill per verdict, its reason as the tooltip.
pub fn matrix_table(compliance: &Compliance) -> TableData {
    let mut columns = vec![Column::text("Table")];
    columns.extend(compliance.checks.iter().map(|c| Column::text(c.id.clone())));
    columns.push(Column::number("Pass"));
    columns.push(Column::number("Fail"));
    TableData {
        columns,
        rows: compliance
            .rows
            .iter()
            .map(|r| {
                let mut row = vec![Cell::text(if r.deleted {
                    format!("{} (deleted)", r.table.label())
                } else {
                    r.table.label()
                })];
                row.extend(r.cells.iter().map(|c| {
                    let (text, class) = status_pill(c.verdict.status);
                    Cell::text(text)
                        .with_class(class)
                        .with_title(verdict_title(&c.verdict))
                }));
                row.push(Cell::count(r.pass));
                row.push(Cell::count(r.fail));
                row
            })
            .collect(),
    }
}

/// ddb-lens's verdict and every AWS Config verdict beside it, where Config has one.
pub fn side_by_side_table(compliance: &Compliance) -> TableData {
    TableData {
        columns: vec![
            Column::text("Table"),
            Column::text("Check"),
            Column::text("ddb-lens"),
            Column::text("Config rule"),
            Column::text("Config"),
            Column::text("Agreement"),
            Column::text("Config annotation"),
            Column::text("Config recorded (UTC)"),
        ],
        rows: compliance
            .rows
            .iter()
            .flat_map(|r| {
                r.cells.iter().flat_map(move |c| {
                    c.config.iter().map(move |v| {
                        let (text, class) = status_pill(c.verdict.status);
                        let (agreement, agreement_class) = agreement_label(c.agreement);
                        let agreement = Cell::text(agreement);
                        vec![
                            Cell::text(r.table.label()),
                            Cell::text(c.check_id.clone()),
                            Cell::text(text)
                                .with_class(class)
                                .with_title(verdict_title(&c.verdict)),
                            Cell::text(v.rule_name.clone()),
                            Cell::text(v.compliance.as_aws().to_string())
                                .with_class(config_class(&v.compliance)),
                            match agreement_class {
                                Some(class) => agreement.with_class(class),
                                None => agreement,
                            },
                            Cell::text(v.annotation.clone().unwrap_or_default()),
                            Cell::time(v.recorded_ms.or(v.ordering_ms)),
                        ]
                    })
                })
            })
            .collect(),
    }
}

#[component]
fn TableVerdicts(row: TableRow, titles: Vec<(String, String)>) -> impl IntoView {
    let name = row.table.label();
    let summary = view! {
        <strong>{name}</strong>
        <span class="finding-meta">{format!(" · {} pass, {} fail", row.pass, row.fail)}</span>
        {row.config_overall.as_ref().map(|c| view! { " " <span class=config_class(c)>{format!("Config: {}", c.as_aws())}</span> })}
    };
    let data_table = row.table.name.clone();
    view! {
        <Folded class="compliance-table" data_table=data_table summary=summary>
            <ul class="verdicts">
                {row.cells.iter().map(|c| {
                    let (text, class) = status_pill(c.verdict.status);
                    let title = titles.iter().find(|(id, _)| *id == c.check_id).map(|(_, t)| t.clone()).unwrap_or_default();
                    view! {
                        <li class="verdict" data-check=c.check_id.clone() class:disagree=c.agreement == Agreement::Disagree>
                            <span class=class>{text}</span>" "
                            <strong>{c.check_id.clone()}</strong>
                            <span class="hint">{format!(" {title}")}</span>
                            <p class="verdict-reason">{c.verdict.reason.clone()}
                                {c.verdict.needs.as_ref().map(|n| format!(" Needs: {n}."))}</p>
                            {(!c.verdict.evidence.is_empty()).then(|| view! {
                                <p class="hint wrap">{"Evidence: "}{c.verdict.evidence.iter().map(|e| format!(
                                    "{} ({}{})", e.file, e.kind, e.at_ms.map(|ms| format!(", {}", format_iso_ms(ms))).unwrap_or_default()
                                )).collect::<Vec<_>>().join("; ")}</p>
                            })}
                            {c.config.iter().map(|v| view! {
                                <p class="config-verdict">
                                    {format!("AWS Config {}: ", v.rule_name)}
                                    <span class=config_class(&v.compliance)>{v.compliance.as_aws().to_string()}</span>
                                    {v.annotation.as_ref().map(|a| format!(" {a}"))}
                                </p>
                            }).collect_view()}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </Folded>
    }
}

/// The section itself, from its data.
#[component]
pub fn ComplianceView(
    compliance: Compliance,
    #[prop(optional)] needs: Vec<String>,
) -> impl IntoView {
    if compliance.rows.is_empty() && compliance.imported_rules.is_empty() {
        return view! { <EmptySection what="No DynamoDB tables or AWS Config evaluations are loaded.".to_string() needs=needs /> }.into_any();
    }
    // Charts are drawn by the core, which escapes every string it draws.
    let chart = compliance_svg(&compliance, CHART_WIDTH);
    let titles: Vec<(String, String)> = compliance
        .checks
        .iter()
        .map(|c| (c.id.clone(), c.title.clone()))
        .collect();
    let params = &compliance.params;
    let mut parameters = vec![format!(
        "dynamodb-table-encrypted-kms kmsKeyArns: {}",
        if params.kms_key_arns.is_empty() {
            "any KMS key".to_string()
        } else {
            params.kms_key_arns.join(", ")
        }
    )];
    parameters.push(format!(
        "required-tags: {}",
        if params.required_tags.is_empty() {
            "at least one tag".to_string()
        } else {
            params
                .required_tags
                .iter()
                .map(|k| {
                    if k.allowed_values.is_empty() {
                        k.key.clone()
                    } else {
                        format!("{}={}", k.key, k.allowed_values.join("|"))
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
    ));
    parameters.push(format!(
        "ddb-lens-stream-consumer: {}",
        if params.stream_consumer_required.is_empty() {
            "no table required".to_string()
        } else {
            params.stream_consumer_required.join(", ")
        }
    ));
    let (checks, matrix, side) = (
        checks_table(&compliance),
        matrix_table(&compliance),
        side_by_side_table(&compliance),
    );
    let disagreements = compliance.disagreements.clone();
    view! {
        <p id="compliance-summary">{format!(
            "{} tables against {} checks; {} AWS Config rules loaded; {} disagreements with AWS Config.",
            compliance.rows.len(), compliance.checks.len(), compliance.imported_rules.len(), compliance.disagreements.len()
        )}</p>
        <figure class="chart">
            <div id="compliance-chart" inner_html=chart></div>
            <figcaption>"Share of decided tables passing each check (ddb-lens, and AWS Config where loaded)"</figcaption>
        </figure>
        <DataTable id="compliance-checks" caption="Checks".to_string() data=Signal::stored(checks) />
        <h3>"Tables by checks"</h3>
        <p class="hint">"Hover a verdict for its reason; open a table below for every reason and its evidence."</p>
        <DataTable id="compliance-matrix" caption="Tables by checks".to_string() data=Signal::stored(matrix) />
        <div class="compliance-tables">
            {compliance.rows.iter().cloned().map(|r| view! { <TableVerdicts row=r titles=titles.clone() /> }).collect_view()}
        </div>
        <h3>"ddb-lens and AWS Config side by side"</h3>
        {if compliance.imported_rules.is_empty() {
            view! { <p class="hint">"No AWS Config rules are loaded (config describe-config-rules and compliance-details exports)."</p> }.into_any()
        } else {
            view! { <DataTable id="compliance-config" caption="ddb-lens and AWS Config verdicts".to_string() data=Signal::stored(side) /> }.into_any()
        }}
        {(!disagreements.is_empty()).then(|| view! {
            <h4>"Disagreements"</h4>
            <ul id="disagreements" class="disagreements">
                {disagreements.into_iter().map(|d| {
                    let (text, class) = status_pill(d.ddb_lens);
                    view! {
                        <li class="disagree">
                            <strong>{format!("{} · {}", d.table.label(), d.check_id)}</strong>": ddb-lens "
                            <span class=class>{text}</span>" (" {d.ddb_lens_reason.clone()} "), AWS Config " {d.rule_name.clone()} " "
                            <span class=config_class(&d.config)>{d.config.as_aws().to_string()}</span>
                            {d.config_annotation.as_ref().map(|a| format!(" ({a})"))}
                            <p class="hint">{d.note.clone()}</p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
        <h3>"Different by design"</h3>
        <ul id="design-differences">
            {compliance.design_differences.iter().map(|d| view! {
                <li>
                    <strong>{d.checks.join(" and ")}</strong>": "{d.explanation.clone()}
                    {(!d.tables.is_empty()).then(|| format!(" Here: {}.", d.tables.iter().map(|t| t.label()).collect::<Vec<_>>().join(", ")))}
                </li>
            }).collect_view()}
        </ul>
        <h3>"Parameters"</h3>
        <ul id="compliance-params">{parameters.into_iter().map(|p| view! { <li class="wrap">{p}</li> }).collect_view()}</ul>
        {(!compliance.param_notes.is_empty()).then(|| view! {
            <ul id="param-notes" class="notes">{compliance.param_notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
        })}
    }
    .into_any()
}

/// `#compliance-view`.
#[component]
pub fn CompliancePage() -> impl IntoView {
    let session = expect_context::<Session>();
    view! {
        <main id="compliance-view" class="page">
            <section class="panel" aria-labelledby="compliance-title">
                <h2 id="compliance-title">"Compliance"</h2>
                {move || match session.report.get() {
                    None => view! { <crate::components::NoReport /> }.into_any(),
                    Some(shown) => {
                        let mut checks: Vec<&str> = vec!["compliance"];
                        checks.extend(ddb_lens_core::compliance::registry::CHECKS.iter().map(|c| c.meta.id));
                        let needs = missing_exports(&shown.report, &checks);
                        match compliance_of(&shown.report) {
                            Some(c) => view! { <ComplianceView compliance=c needs=needs /> }.into_any(),
                            None => view! { <EmptySection what="This report has no compliance section.".to_string() needs=needs /> }.into_any(),
                        }
                    }
                }}
            </section>
        </main>
    }
}
