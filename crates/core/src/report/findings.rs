//! The findings section: what the detection rules found, each with evidence a reader can find
//! in the manifest, and the catalogue of the rules that ran, so a JSON report re-opened
//! without ddb-lens's rule list (another version, another reader) still says what every
//! finding means and what to do about it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::Model;
use crate::report::settings::EventFilter;
use crate::rules::{self, Severity};

/// A [`rules::Finding`] as the report holds it: the same fields, with each evidence event
/// named by its file's name rather than the model's load-order index, which differs between
/// the page and the CLI and means nothing outside the session that loaded the files.
///
/// Every string here except `rule_id`, `severity` and `title` comes from the loaded files and
/// is hostile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The rule's id; its entry in [`super::Report::rules`] has the rest of its metadata.
    pub rule_id: String,
    pub severity: Severity,
    /// The rule's title.
    pub title: String,
    /// One sentence: what, where, by whom, when.
    pub summary: String,
    /// Events behind the finding (all of them; `evidence` keeps the first
    /// [`rules::MAX_EVIDENCE`]).
    pub count: u64,
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
    /// Sorted.
    pub principals: Vec<String>,
    /// DynamoDB tables concerned, sorted.
    pub tables: Vec<String>,
    /// Other resources concerned (trails, keys, recorders, buckets, backups), sorted.
    pub resources: Vec<String>,
    /// Sorted.
    pub accounts: Vec<String>,
    /// Sorted.
    pub regions: Vec<String>,
    /// The events, earliest first (then by file name and record).
    pub evidence: Vec<Evidence>,
}

/// One event behind a finding, where a reader finds it: the file (as named in the manifest)
/// and the record's position in it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Evidence {
    pub time_ms: i64,
    /// The file's name as in `inputs.files`.
    pub file: String,
    /// 0-based position of the record in its file (`Records`, the event array, or
    /// lookup-events' `Events`); the manifest's warnings count records from 1.
    pub record_index: u32,
}

/// A rule's catalogue entry, as the report carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleInfo {
    pub id: String,
    /// The condition it reports, as a statement.
    pub title: String,
    pub severity: Severity,
    pub technique: Option<AttackTechnique>,
    /// What to do when it fires.
    pub remediation: String,
    /// Where to read more.
    pub references: Vec<String>,
    /// Markdown: `## What it does`, `## Why is this bad?`, `## Example`, optionally
    /// `## Known problems`, and `## References` (listed in `references`).
    pub doc: String,
    /// Findings it gave in this report.
    pub findings: u64,
}

/// A MITRE ATT&CK technique.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttackTechnique {
    /// `T1485` or `T1562.008`.
    pub id: String,
    pub name: String,
    pub url: String,
}

/// The findings of every rule over `model`, those within `filter`, and the catalogue.
///
/// Rules read the whole model (a baseline or a burst needs the events around it). A finding
/// is listed when its time span meets the filters' time range and, where it names any, one of
/// its accounts and one of its regions are within the filters; it is then listed whole.
pub fn compute(
    model: &Model,
    settings: &rules::RuleSettings,
    filter: &EventFilter,
) -> (Vec<Finding>, Vec<RuleInfo>) {
    let found = rules::run_all_with(model, settings);
    let mut per_rule: BTreeMap<String, u64> = BTreeMap::new();
    let findings: Vec<Finding> = found
        .into_iter()
        .filter(|f| admitted(f, filter))
        .map(|f| {
            *per_rule.entry(f.rule_id.clone()).or_default() += 1;
            resolve(model, f)
        })
        .collect();
    let catalogue = rules::RULES
        .iter()
        .map(|rule| {
            let m = &rule.meta;
            RuleInfo {
                id: m.id.to_string(),
                title: m.title.to_string(),
                severity: m.severity,
                technique: m.technique.map(|t| AttackTechnique {
                    id: t.id.to_string(),
                    name: t.name.to_string(),
                    url: t.url(),
                }),
                remediation: m.remediation.to_string(),
                references: m.references.iter().map(|r| r.to_string()).collect(),
                doc: m.doc.to_string(),
                findings: per_rule.get(m.id).copied().unwrap_or(0),
            }
        })
        .collect();
    (findings, catalogue)
}

fn admitted(f: &rules::Finding, filter: &EventFilter) -> bool {
    let any_or_none = |names: &[String], admits: &dyn Fn(&str) -> bool| {
        names.is_empty() || names.iter().any(|n| admits(n))
    };
    filter.admits_span(f.first_seen_ms, f.last_seen_ms)
        && any_or_none(&f.accounts, &|a| filter.admits_scope(a, ""))
        && any_or_none(&f.regions, &|r| filter.admits_scope("", r))
}

/// `f` with its evidence named by file, re-sorted so the order does not depend on load order.
fn resolve(model: &Model, f: rules::Finding) -> Finding {
    let mut evidence: Vec<Evidence> = f
        .evidence
        .iter()
        .map(|r| Evidence {
            time_ms: r.time_ms,
            file: model
                .files
                .get(r.file as usize)
                .cloned()
                .unwrap_or_default(),
            record_index: r.record_index,
        })
        .collect();
    evidence.sort();
    Finding {
        rule_id: f.rule_id,
        severity: f.severity,
        title: f.title,
        summary: f.summary,
        count: f.count,
        first_seen_ms: f.first_seen_ms,
        last_seen_ms: f.last_seen_ms,
        principals: f.principals,
        tables: f.tables,
        resources: f.resources,
        accounts: f.accounts,
        regions: f.regions,
        evidence,
    }
}
