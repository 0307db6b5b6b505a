//! The findings view: what the detection rules found, with each finding's evidence events one
//! click away, and the rules that found nothing (so an empty list is read as "checked").

use ddb_lens_core::ingest::thousands;
use ddb_lens_core::report::{Finding, Report, RuleInfo};
use ddb_lens_core::rules::Severity;
use ddb_lens_core::time::format_iso_ms;
use leptos::prelude::*;

use crate::components::{Cell, Column, DataTable, TableData};
use crate::session::Session;

/// Findings shown as cards before "show more".
const CARDS_PER_PAGE: usize = 25;
/// Evidence events listed per finding card (the report keeps up to 1,000).
const EVIDENCE_SHOWN: usize = 20;

fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "critical",
        Severity::High => "high",
        Severity::Medium => "medium",
        Severity::Low => "low",
        Severity::Info => "info",
    }
}

fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "sev-critical",
        Severity::High => "sev-high",
        Severity::Medium => "sev-medium",
        Severity::Low => "sev-low",
        Severity::Info => "sev-info",
    }
}

/// Sorts severity from critical (5) to info (1).
fn severity_rank(severity: Severity) -> f64 {
    match severity {
        Severity::Critical => 5.0,
        Severity::High => 4.0,
        Severity::Medium => 3.0,
        Severity::Low => 2.0,
        Severity::Info => 1.0,
    }
}

/// "a, b and 3 more".
fn some_of(names: &[String], shown: usize) -> String {
    match names.len() {
        0 => String::new(),
        n if n <= shown => names.join(", "),
        n => format!("{} and {} more", names[..shown].join(", "), n - shown),
    }
}

/// Every finding as a sortable row.
pub fn findings_table(findings: &[Finding]) -> TableData {
    TableData {
        columns: vec![
            Column::text("Severity"),
            Column::text("Finding"),
            Column::number("Events"),
            Column::text("First seen (UTC)"),
            Column::text("Last seen (UTC)"),
            Column::text("Principals"),
            Column::text("Tables"),
            Column::text("Rule"),
        ],
        rows: findings
            .iter()
            .map(|f| {
                vec![
                    Cell::number(severity_rank(f.severity), severity_label(f.severity))
                        .with_class(severity_class(f.severity)),
                    Cell::text(f.title.clone()).with_title(f.summary.clone()),
                    Cell::count(f.count),
                    Cell::time(Some(f.first_seen_ms)),
                    Cell::time(Some(f.last_seen_ms)),
                    Cell::text(some_of(&f.principals, 2)).with_title(f.principals.join("\n")),
                    Cell::text(some_of(&f.tables, 3)).with_title(f.tables.join("\n")),
                    Cell::text(f.rule_id.clone()),
                ]
            })
            .collect(),
    }
}

/// Every rule that ran, with how many findings it gave.
pub fn rules_table(rules: &[RuleInfo]) -> TableData {
    TableData {
        columns: vec![
            Column::text("Rule"),
            Column::text("Severity"),
            Column::text("What it finds"),
            Column::text("MITRE ATT&CK"),
            Column::number("Findings"),
        ],
        rows: rules
            .iter()
            .map(|r| {
                vec![
                    Cell::text(r.id.clone()),
                    Cell::number(severity_rank(r.severity), severity_label(r.severity))
                        .with_class(severity_class(r.severity)),
                    Cell::text(r.title.clone()),
                    Cell::text(
                        r.technique
                            .as_ref()
                            .map(|t| format!("{} {}", t.id, t.name))
                            .unwrap_or_default(),
                    ),
                    Cell::count(r.findings),
                ]
            })
            .collect(),
    }
}

/// One finding in full: what, who, which tables, the rule's documentation, the evidence.
#[component]
fn FindingCard(
    /// The finding.
    finding: Finding,
    /// Its rule, for the documentation and remediation.
    rule: Option<RuleInfo>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let evidence_total = finding.count;
    let evidence: Vec<_> = finding
        .evidence
        .iter()
        .take(EVIDENCE_SHOWN)
        .cloned()
        .collect();
    let more = finding.evidence.len().saturating_sub(EVIDENCE_SHOWN);
    let when = if finding.first_seen_ms == finding.last_seen_ms {
        format_iso_ms(finding.first_seen_ms)
    } else {
        format!(
            "{} to {}",
            format_iso_ms(finding.first_seen_ms),
            format_iso_ms(finding.last_seen_ms)
        )
    };
    view! {
        <details class="finding" data-rule=finding.rule_id.clone()>
            <summary>
                <span class=severity_class(finding.severity)>{severity_label(finding.severity)}</span>
                " "
                <strong>{finding.title.clone()}</strong>
                <span class="finding-meta">
                    {format!(" · {} event{} · {when}", thousands(finding.count), if finding.count == 1 { "" } else { "s" })}
                </span>
            </summary>
            <p>{finding.summary.clone()}</p>
            <dl class="finding-facts">
                <dt>"Principals"</dt><dd>{finding.principals.join(", ")}</dd>
                <dt>"Tables"</dt><dd>{if finding.tables.is_empty() { "none named".to_string() } else { finding.tables.join(", ") }}</dd>
                {(!finding.resources.is_empty()).then(|| view! { <dt>"Resources"</dt><dd>{finding.resources.join(", ")}</dd> })}
                <dt>"Accounts, regions"</dt><dd>{format!("{}; {}", finding.accounts.join(", "), finding.regions.join(", "))}</dd>
            </dl>
            {rule.map(|r| view! {
                <div class="rule-doc">
                    {r.technique.as_ref().map(|t| view! { <p>{format!("MITRE ATT&CK: {} {}", t.id, t.name)}</p> })}
                    <p><strong>"Remediation: "</strong>{r.remediation.clone()}</p>
                    <details>
                        <summary>{format!("About the rule {}", r.id)}</summary>
                        <pre class="rule-text">{r.doc.clone()}</pre>
                        <ul>{r.references.iter().map(|u| view! { <li>{u.clone()}</li> }).collect_view()}</ul>
                    </details>
                </div>
            })}
            <h4>{format!("Evidence ({} of {} events listed)", evidence.len(), thousands(evidence_total))}</h4>
            <ul class="evidence">
                {evidence
                    .into_iter()
                    .map(|e| {
                        let label = format!("{} · {} record {}", format_iso_ms(e.time_ms), e.file, e.record_index);
                        let (file, record) = (e.file.clone(), e.record_index);
                        let shown = label.clone();
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="link-button evidence-link"
                                    on:click=move |_| session.show_evidence(shown.clone(), file.clone(), record)
                                >
                                    {label}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
                {(more > 0).then(|| view! { <li>{format!("… {more} more in the JSON report")}</li> })}
            </ul>
        </details>
    }
}

/// `#findings-view`.
#[component]
pub fn FindingsPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let report = move || session.report.get().map(|s| s.report);
    let shown_cards = RwSignal::new(CARDS_PER_PAGE);
    let counts = move |r: &Report| {
        [
            Severity::Critical,
            Severity::High,
            Severity::Medium,
            Severity::Low,
            Severity::Info,
        ]
        .into_iter()
        .map(|s| (s, r.findings.iter().filter(|f| f.severity == s).count()))
        .collect::<Vec<_>>()
    };
    view! {
        <main id="findings-view" class="page">
            <section class="panel" aria-labelledby="findings-title">
                <h2 id="findings-title">"Findings"</h2>
                {move || match report() {
                    None => view! { <crate::components::NoReport /> }.into_any(),
                    Some(r) => {
                        let r2 = r.clone();
                        view! {
                            <p id="findings-summary">
                                {format!("{} findings from {} rules over the loaded CloudTrail events: ", thousands(r.findings.len() as u64), r.rules.len())}
                                {counts(&r).into_iter().map(|(s, n)| view! {
                                    <span class=severity_class(s)>{format!("{n} {}", severity_label(s))}</span>" "
                                }).collect_view()}
                            </p>
                            <DataTable id="findings" caption="Findings".to_string() data=Signal::derive(move || findings_table(&r2.findings)) />
                        }
                        .into_any()
                    }
                }}
            </section>
            {move || session.evidence.get().map(|(label, answer)| view! {
                <section class="panel evidence-panel" aria-labelledby="evidence-title" id="evidence-panel">
                    <div class="section-head">
                        <h2 id="evidence-title">{format!("Evidence: {label}")}</h2>
                        <button type="button" class="button button-quiet" on:click=move |_| session.evidence.set(None)>"Close"</button>
                    </div>
                    {match answer {
                        None => view! { <p>"Reading the event from its file…"</p> }.into_any(),
                        Some(Ok(json)) => view! { <pre id="evidence-json" class="event-json">{json}</pre> }.into_any(),
                        Some(Err(why)) => view! { <p class="policy-problem" role="alert">{why}</p> }.into_any(),
                    }}
                </section>
            })}
            <section class="panel" aria-labelledby="finding-details-title">
                <h2 id="finding-details-title">"Each finding"</h2>
                {move || report().map(|r| {
                    let rule_of = |id: &str| r.rules.iter().find(|rule| rule.id == id).cloned();
                    let total = r.findings.len();
                    let cards = r.findings.iter().take(shown_cards.get()).map(|f| {
                        view! { <FindingCard finding=f.clone() rule=rule_of(&f.rule_id) /> }
                    }).collect_view();
                    view! {
                        <div class="finding-cards">{cards}</div>
                        {(total > shown_cards.get()).then(|| view! {
                            <button type="button" class="button show-more" on:click=move |_| shown_cards.update(|n| *n += CARDS_PER_PAGE)>
                                {format!("Show more ({} not shown)", total - shown_cards.get())}
                            </button>
                        })}
                    }
                })}
            </section>
            <section class="panel" aria-labelledby="rules-title">
                <h2 id="rules-title">"Rules that ran"</h2>
                <p class="hint">"Every detection in the catalogue, including those that found nothing in these logs."</p>
                <DataTable id="rules" caption="Detection rules".to_string() data=Signal::derive(move || report().map(|r| rules_table(&r.rules)).unwrap_or_default()) />
            </section>
        </main>
    }
}
