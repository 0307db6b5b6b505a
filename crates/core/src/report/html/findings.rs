//! The findings of the detection rules: one row per finding with its evidence, what each rule
//! that fired means (its doc, in a `<details>`), and the rules that found nothing.

use std::collections::BTreeMap;

use crate::ingest::thousands;
use crate::report::findings::{Evidence, RuleInfo};
use crate::report::html::{markdown, number, text, time, Cell, Html, Table};
use crate::report::Report;
use crate::rules::{Severity, MAX_EVIDENCE};

/// Evidence events listed per finding in the HTML; the JSON has up to [`MAX_EVIDENCE`].
const EVIDENCE_SHOWN: usize = 20;
/// Principals, tables or resources listed per finding in the HTML; the JSON has them all.
const NAMES_SHOWN: usize = 10;
/// Principals or resources shown as they are; more are folded under their count.
const FOLD_AFTER: usize = 2;

pub fn render(report: &Report, out: &mut Html) {
    out.based_on(&format!(
        "Based on the {} detection rules run over every CloudTrail event loaded ({} events){}.",
        report.rules.len(),
        thousands(report.inputs.totals.events),
        if report.settings.filters.is_empty() {
            ""
        } else {
            "; a finding is listed when its events meet the report's filters, and then whole"
        }
    ));
    if report.inputs.totals.events == 0 {
        out.no_data(report, "findings", "no CloudTrail event is loaded");
        return;
    }
    let fired = report.rules.iter().filter(|r| r.findings > 0).count();
    let mut figures = vec![("Findings", thousands(report.findings.len() as u64))];
    for severity in Severity::ALL {
        let n = report
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count();
        if n > 0 {
            figures.push((severity.label(), thousands(n as u64)));
        }
    }
    figures.push((
        "Rules with findings",
        format!("{fired} of {}", report.rules.len()),
    ));
    out.figures(&figures);
    if report.findings.is_empty() {
        out.para(&format!(
            "None of the {} rules found anything in the events loaded.",
            report.rules.len()
        ));
    }

    let rows = report
        .findings
        .iter()
        .map(|f| {
            let mut scope: Vec<(&'static str, String)> = Vec::new();
            let mut more = Vec::new();
            for (label, plural, names) in [
                ("table", "tables", &f.tables),
                ("on", "resources", &f.resources),
            ] {
                if names.len() <= FOLD_AFTER {
                    scope.extend(names.iter().map(|n| (label, n.clone())));
                } else {
                    more.push((
                        format!("{} {plural}", thousands(names.len() as u64)),
                        capped(names),
                    ));
                }
            }
            scope.extend(f.accounts.iter().map(|a| ("account", a.clone())));
            scope.extend(f.regions.iter().map(|r| ("region", r.clone())));
            let principals = if f.principals.len() <= FOLD_AFTER {
                Cell::CodeLines(f.principals.clone())
            } else {
                Cell::Folded {
                    summary: format!("{} principals", thousands(f.principals.len() as u64)),
                    lines: capped(&f.principals),
                }
            };
            vec![
                severity_cell(f.severity),
                Cell::Linked {
                    anchor: format!("rule-{}", f.rule_id),
                    text: f.title.clone(),
                    detail: f.summary.clone(),
                },
                Cell::Count(f.count),
                Cell::TimeRange(Some(f.first_seen_ms), Some(f.last_seen_ms)),
                principals,
                Cell::Labelled { lines: scope, more },
                evidence_cell(&f.evidence, f.count),
            ]
        })
        .collect();
    out.table(&Table {
        id: "findings-list",
        caption: "Findings, most severe first",
        columns: &[
            text("Severity"),
            text("Finding"),
            number("Events"),
            time("First and last seen (UTC)"),
            text("Principals"),
            text("Tables, resources, where"),
            text("Evidence (file: record)"),
        ],
        rows,
    });
    if !report.findings.is_empty() {
        out.para("Evidence names each event's file as the evidence manifest lists it and the record's position in the file, counted from 1.");
    }

    if fired > 0 {
        out.raw("<h3>What the rules that fired mean</h3>\n");
        for rule in report.rules.iter().filter(|r| r.findings > 0) {
            rule_doc(out, rule);
        }
    }

    let quiet: Vec<Vec<Cell>> = report
        .rules
        .iter()
        .filter(|r| r.findings == 0)
        .map(|r| {
            vec![
                Cell::Code(r.id.clone()),
                Cell::Text(r.title.clone()),
                severity_cell(r.severity),
                Cell::Text(
                    r.technique
                        .as_ref()
                        .map(|t| format!("{} {}", t.id, t.name))
                        .unwrap_or_default(),
                ),
            ]
        })
        .collect();
    if !quiet.is_empty() {
        out.raw("<h3>Rules that found nothing</h3>\n");
        out.table(&Table {
            id: "findings-quiet-rules",
            caption: "Rules run with no finding in the events loaded",
            columns: &[
                text("Rule"),
                text("Reports"),
                text("Severity"),
                text("MITRE ATT&CK"),
            ],
            rows: quiet,
        });
    }
}

/// The first [`NAMES_SHOWN`] of `names`, then "and N more (in the JSON report)".
fn capped(names: &[String]) -> Vec<String> {
    let mut shown: Vec<String> = names.iter().take(NAMES_SHOWN).cloned().collect();
    if names.len() > NAMES_SHOWN {
        shown.push(format!(
            "and {} more (in the JSON report)",
            thousands((names.len() - NAMES_SHOWN) as u64)
        ));
    }
    shown
}

pub(super) fn severity_cell(severity: Severity) -> Cell {
    let rank = Severity::ALL
        .iter()
        .position(|s| *s == severity)
        .unwrap_or(0) as u32;
    Cell::Ranked {
        text: severity.label().to_string(),
        class: match severity {
            Severity::Critical => "sev sev-critical",
            Severity::High => "sev sev-high",
            Severity::Medium => "sev sev-medium",
            Severity::Low => "sev sev-low",
            Severity::Info => "sev sev-info",
        },
        rank,
    }
}

/// The evidence, folded under "N events in M files" when more than one line.
fn evidence_cell(evidence: &[Evidence], count: u64) -> Cell {
    let files = evidence
        .iter()
        .map(|e| e.file.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let summary = format!(
        "{} event{}{}",
        thousands(count),
        if count == 1 { "" } else { "s" },
        match files {
            0 | 1 => String::new(),
            n if evidence.len() as u64 == count => format!(" in {n} files"),
            n => format!(
                ", the first {} in {n} files",
                thousands(evidence.len() as u64)
            ),
        }
    );
    Cell::Folded {
        summary,
        lines: evidence_lines(evidence, count),
    }
}

/// "file: records 3, 5 and 9" per file, in the order the files first appear (the evidence is
/// earliest first), the first [`EVIDENCE_SHOWN`] events, then how many more.
fn evidence_lines(evidence: &[Evidence], count: u64) -> Vec<String> {
    let shown = &evidence[..evidence.len().min(EVIDENCE_SHOWN)];
    let mut order: Vec<&str> = Vec::new();
    let mut records: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for e in shown {
        let list = records.entry(e.file.as_str()).or_default();
        if list.is_empty() {
            order.push(&e.file);
        }
        list.push(u64::from(e.record_index) + 1);
    }
    let mut lines: Vec<String> = order
        .into_iter()
        .map(|file| {
            let mut numbers = records.remove(file).unwrap_or_default();
            numbers.sort_unstable();
            numbers.dedup();
            let list: Vec<String> = numbers.iter().map(|n| n.to_string()).collect();
            format!(
                "{file}: record{} {}",
                if list.len() == 1 { "" } else { "s" },
                list.join(", ")
            )
        })
        .collect();
    let listed = shown.len() as u64;
    if count > listed {
        lines.push(format!(
            "and {} more event{}{}",
            thousands(count - listed),
            if count - listed == 1 { "" } else { "s" },
            if count > MAX_EVIDENCE as u64 {
                format!(
                    " (the JSON report lists the first {})",
                    thousands(MAX_EVIDENCE as u64)
                )
            } else {
                " (listed in the JSON report)".to_string()
            }
        ));
    }
    lines
}

/// A rule's metadata and doc, folded: the findings' titles link here.
fn rule_doc(out: &mut Html, rule: &RuleInfo) {
    let anchor = format!("rule-{}", rule.id);
    out.open("details", &[("id", &anchor), ("class", "rule-doc")]);
    out.raw("<summary>");
    out.text(&rule.title);
    out.raw(" <code>");
    out.text(&rule.id);
    out.raw("</code> · ");
    out.text(&format!(
        "{}, {} finding{}",
        rule.severity.label(),
        thousands(rule.findings),
        if rule.findings == 1 { "" } else { "s" }
    ));
    out.raw("</summary>\n<dl class=\"settings\">");
    out.element("dt", &[], "Severity");
    out.element("dd", &[], rule.severity.label());
    if let Some(t) = &rule.technique {
        out.element("dt", &[], "MITRE ATT&CK");
        out.raw("<dd>");
        out.text(&format!("{} {} ", t.id, t.name));
        out.element("code", &[], &t.url);
        out.raw("</dd>");
    }
    out.element("dt", &[], "Remediation");
    out.element("dd", &[], &rule.remediation);
    out.raw("</dl>\n");
    markdown::render(out, &rule.doc);
    // The doc ends with its "## References" heading; the references follow it.
    out.raw("<ul class=\"compact\">");
    for reference in &rule.references {
        out.raw("<li>");
        out.element("code", &[], reference);
        out.raw("</li>");
    }
    out.raw("</ul>\n</details>\n");
}
