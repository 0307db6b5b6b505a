//! The compliance page: AWS Config's recorded evaluations and ddb-lens's own checks
//! ([`crate::compliance`]) over every table, side by side.
//!
//! - (a) [`Compliance::imported_rules`]: each Config rule loaded (from `describe-config-rules`,
//!   or named by an evaluation), with the latest evaluation per resource (by ordering time,
//!   then recorded time, then load order) and its counts;
//! - (b) every check's [`Verdict`] on every table;
//! - (c) where a Config rule maps to a check (by its source identifier, `DYNAMODB_PITR_ENABLED`,
//!   or failing that by its name, which Security Hub and conformance packs prefix and suffix),
//!   both verdicts in one [`Cell`] and every PASS/FAIL conflict in
//!   [`Compliance::disagreements`], with what may explain it;
//! - (d) the tables-by-checks matrix ([`Compliance::rows`]) and per-check percentages with
//!   their numerators and denominators ([`Compliance::summaries`]), which
//!   [`crate::charts::compliance`] draws;
//! - where checks differ by design (the AWS owned key passes one encryption rule and fails the
//!   other), [`Compliance::design_differences`] says so with the tables concerned.
//!
//! Parameters the user leaves unset are taken from a loaded Config rule of the same check, so
//! both sides judge by the same parameters; [`Compliance::param_notes`] says which.
//!
//! ```
//! use ddb_lens_core::analysis::compliance::compliance;
//! use ddb_lens_core::compliance::Params;
//! let c = compliance(&ddb_lens_core::Model::default(), &Params::default());
//! assert_eq!(c.checks.len(), 9);
//! assert!(c.rows.is_empty());
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analysis::streams::streams_of;
use crate::analysis::table_state::{table_states, Evidence, TableRef};
use crate::analysis::tags::RequiredKey;
use crate::compliance::registry::CHECKS;
use crate::compliance::{CheckInput, CheckMeta, Params, Severity, Status, Verdict};
use crate::model::inventory::{ComplianceType, ConfigEvaluation, EncryptionKind};
use crate::model::Model;

/// A check's metadata, owned, for the report's JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInfo {
    pub id: String,
    pub config_identifier: Option<String>,
    pub config_aliases: Vec<String>,
    pub security_hub: Option<String>,
    pub title: String,
    pub severity: Severity,
    pub rationale: String,
    pub remediation: String,
    pub references: Vec<String>,
    /// (name, description).
    pub parameters: Vec<(String, String)>,
    pub notes: Vec<String>,
}

impl CheckInfo {
    pub fn of(meta: &CheckMeta) -> CheckInfo {
        let owned = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
        CheckInfo {
            id: meta.id.to_string(),
            config_identifier: meta.config_identifier.map(str::to_string),
            config_aliases: owned(meta.config_aliases),
            security_hub: meta.security_hub.map(str::to_string),
            title: meta.title.to_string(),
            severity: meta.severity,
            rationale: meta.rationale.to_string(),
            remediation: meta.remediation.to_string(),
            references: owned(meta.references),
            parameters: meta
                .parameters
                .iter()
                .map(|p| (p.name.to_string(), p.description.to_string()))
                .collect(),
            notes: owned(meta.notes),
        }
    }
}

/// One evaluation AWS Config recorded.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ConfigVerdict {
    pub rule_name: String,
    pub compliance: ComplianceType,
    /// When the evaluated configuration was recorded.
    pub ordering_ms: Option<i64>,
    pub recorded_ms: Option<i64>,
    pub invoked_ms: Option<i64>,
    pub annotation: Option<String>,
    pub evidence: Evidence,
}

/// How ddb-lens's verdict and AWS Config's compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Agreement {
    /// Both decided (PASS/FAIL, COMPLIANT/NON_COMPLIANT) the same way.
    Agree,
    /// Both decided, differently.
    Disagree,
    /// Only ddb-lens decided.
    DdbLensOnly,
    /// Only AWS Config decided.
    ConfigOnly,
    /// Neither decided.
    Neither,
}

/// One table × check: ddb-lens's verdict and AWS Config's, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    pub check_id: String,
    pub verdict: Verdict,
    /// The latest evaluation of each Config rule mapped to the check, by rule name.
    pub config: Vec<ConfigVerdict>,
    pub agreement: Agreement,
}

/// One row of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRow {
    pub table: TableRef,
    pub deleted: bool,
    /// In the order of [`Compliance::checks`].
    pub cells: Vec<Cell>,
    /// The table's overall compliance as `describe-compliance-by-resource` gave it.
    pub config_overall: Option<ComplianceType>,
    pub pass: u64,
    pub fail: u64,
}

/// One check's totals over all tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckSummary {
    pub check_id: String,
    pub pass: u64,
    pub fail: u64,
    pub insufficient_data: u64,
    pub not_applicable: u64,
    /// `pass + fail`: the denominator.
    pub evaluated: u64,
    /// `pass / evaluated`, in percent to one decimal; `None` when nothing was evaluated.
    pub pass_percent: Option<f64>,
    /// The Config rules mapped to the check.
    pub config_rules: Vec<String>,
    /// Over the latest evaluations of the tables in the matrix.
    pub config_compliant: u64,
    pub config_non_compliant: u64,
    pub config_percent: Option<f64>,
    pub agree: u64,
    pub disagree: u64,
}

/// One evaluation of an imported rule, the latest for its resource.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ImportedEvaluation {
    pub resource_type: String,
    pub resource_id: String,
    pub account: String,
    pub region: String,
    pub compliance: ComplianceType,
    pub ordering_ms: Option<i64>,
    pub recorded_ms: Option<i64>,
    pub invoked_ms: Option<i64>,
    pub annotation: Option<String>,
    pub evidence: Evidence,
    /// The table in the matrix this evaluation is about.
    pub table: Option<TableRef>,
}

/// One AWS Config rule as loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedRule {
    pub rule_name: String,
    pub account: String,
    pub region: String,
    /// The ddb-lens check evaluating the same thing.
    pub check_id: Option<String>,
    pub source_identifier: Option<String>,
    pub owner: Option<String>,
    pub description: Option<String>,
    pub input_parameters: BTreeMap<String, String>,
    pub state: Option<String>,
    /// The `describe-config-rules` record; `None` when only evaluations name the rule.
    pub evidence: Option<Evidence>,
    /// `describe-compliance-by-config-rule`'s overall result.
    pub summary: Option<ComplianceType>,
    /// Latest per resource, by resource type and ID.
    pub evaluations: Vec<ImportedEvaluation>,
    pub compliant: u64,
    pub non_compliant: u64,
    pub not_applicable: u64,
    pub insufficient_data: u64,
}

/// A table where ddb-lens and AWS Config decided differently.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Disagreement {
    pub table: TableRef,
    pub check_id: String,
    pub rule_name: String,
    pub ddb_lens: Status,
    pub config: ComplianceType,
    pub ddb_lens_reason: String,
    pub config_annotation: Option<String>,
    /// What may explain it: which side saw the newer state, parameters, known differences.
    pub note: String,
}

/// Checks that judge the same table differently by design.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesignDifference {
    pub checks: Vec<String>,
    pub explanation: String,
    /// The tables where it shows in this load.
    pub tables: Vec<TableRef>,
}

/// The compliance page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Compliance {
    /// In registry order: the matrix's columns.
    pub checks: Vec<CheckInfo>,
    /// The parameters the checks ran with.
    pub params: Params,
    /// Which parameters came from loaded Config rules.
    pub param_notes: Vec<String>,
    /// By account, region and table name.
    pub rows: Vec<TableRow>,
    /// In the order of `checks`.
    pub summaries: Vec<CheckSummary>,
    /// By rule name, account and region.
    pub imported_rules: Vec<ImportedRule>,
    pub disagreements: Vec<Disagreement>,
    pub design_differences: Vec<DesignDifference>,
}

/// The ddb-lens check a Config rule evaluates the same thing as: by source identifier, else
/// by name (`dynamodb-pitr-enabled`, `securityhub-dynamodb-pitr-enabled-a1b2c3`,
/// `DynamoDbPitrEnabled`, `dynamodb-pitr-enabled-conformance-pack-x`).
pub fn check_for_rule(rule_name: &str, source_identifier: Option<&str>) -> Option<&'static str> {
    if let Some(identifier) = source_identifier {
        if let Some(check) = CHECKS
            .iter()
            .find(|c| c.meta.config_identifier == Some(identifier))
        {
            return Some(check.meta.id);
        }
    }
    let squash = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let name = squash(rule_name);
    CHECKS
        .iter()
        .flat_map(|c| {
            std::iter::once(c.meta.id)
                .chain(c.meta.config_aliases.iter().copied())
                .map(move |alias| (squash(alias), c.meta.id))
        })
        .filter(|(alias, _)| name.contains(alias.as_str()))
        .max_by_key(|(alias, _)| alias.len())
        .map(|(_, id)| id)
}

fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| ((part * 1000 + whole / 2) / whole) as f64 / 10.0)
}

fn decided(c: &ComplianceType) -> Option<bool> {
    match c {
        ComplianceType::Compliant => Some(true),
        ComplianceType::NonCompliant => Some(false),
        _ => None,
    }
}

/// The compliance page from everything loaded, with the user's `params`.
pub fn compliance(model: &Model, params: &Params) -> Compliance {
    let states = table_states(model);
    let streams = streams_of(model, &states);
    let mut rules = imported_rules(model);
    let (params, param_notes) = effective_params(params, &rules);

    // Attach each latest evaluation to its table.
    for rule in &mut rules {
        for e in &mut rule.evaluations {
            if e.resource_type == "AWS::DynamoDB::Table" {
                e.table = states
                    .iter()
                    .find(|s| s.table.matches(&e.account, &e.region, &e.resource_id))
                    .map(|s| s.table.clone());
            }
        }
    }

    let mut rows = Vec::new();
    let mut disagreements = Vec::new();
    for (state, table_streams) in states.iter().zip(&streams.tables) {
        let input = CheckInput {
            state,
            streams: Some(table_streams),
            params: &params,
        };
        let mut cells = Vec::new();
        for check in &CHECKS {
            let verdict = (check.evaluate)(&input);
            let mut config: Vec<ConfigVerdict> = rules
                .iter()
                .filter(|r| r.check_id.as_deref() == Some(check.meta.id))
                .flat_map(|r| {
                    r.evaluations
                        .iter()
                        .filter(|e| e.table.as_ref() == Some(&state.table))
                        .map(|e| ConfigVerdict {
                            rule_name: r.rule_name.clone(),
                            compliance: e.compliance.clone(),
                            ordering_ms: e.ordering_ms,
                            recorded_ms: e.recorded_ms,
                            invoked_ms: e.invoked_ms,
                            annotation: e.annotation.clone(),
                            evidence: e.evidence.clone(),
                        })
                })
                .collect();
            config.sort();
            let ours = match verdict.status {
                Status::Pass => Some(true),
                Status::Fail => Some(false),
                _ => None,
            };
            let theirs: Vec<(&ConfigVerdict, bool)> = config
                .iter()
                .filter_map(|c| decided(&c.compliance).map(|d| (c, d)))
                .collect();
            let agreement = match (ours, theirs.is_empty()) {
                (Some(ours), false) => {
                    if theirs.iter().all(|(_, d)| *d == ours) {
                        Agreement::Agree
                    } else {
                        Agreement::Disagree
                    }
                }
                (Some(_), true) => Agreement::DdbLensOnly,
                (None, false) => Agreement::ConfigOnly,
                (None, true) => Agreement::Neither,
            };
            if let Some(ours) = ours {
                for (c, _) in theirs.iter().filter(|(_, d)| *d != ours) {
                    disagreements.push(Disagreement {
                        table: state.table.clone(),
                        check_id: check.meta.id.to_string(),
                        rule_name: c.rule_name.clone(),
                        ddb_lens: verdict.status,
                        config: c.compliance.clone(),
                        ddb_lens_reason: verdict.reason.clone(),
                        config_annotation: c.annotation.clone(),
                        note: disagreement_note(&verdict, c, check.meta, &rules),
                    });
                }
            }
            cells.push(Cell {
                check_id: check.meta.id.to_string(),
                verdict,
                config,
                agreement,
            });
        }
        let config_overall = model
            .records
            .compliance_summaries
            .iter()
            .filter(|s| {
                s.resource_type.as_deref() == Some("AWS::DynamoDB::Table")
                    && s.resource_id
                        .as_deref()
                        .is_some_and(|id| state.table.matches(&s.account, &s.region, id))
            })
            .max_by_key(|s| s.source.observed_at_ms.unwrap_or(i64::MAX))
            .map(|s| s.compliance.clone());
        rows.push(TableRow {
            table: state.table.clone(),
            deleted: state.deleted.is_some(),
            pass: cells
                .iter()
                .filter(|c| c.verdict.status == Status::Pass)
                .count() as u64,
            fail: cells
                .iter()
                .filter(|c| c.verdict.status == Status::Fail)
                .count() as u64,
            cells,
            config_overall,
        });
    }
    disagreements.sort();

    let summaries = CHECKS
        .iter()
        .enumerate()
        .map(|(i, check)| {
            let cells = rows.iter().map(|r| &r.cells[i]);
            let count = |status: Status| {
                cells.clone().filter(|c| c.verdict.status == status).count() as u64
            };
            let (pass, fail) = (count(Status::Pass), count(Status::Fail));
            let latest_config = cells.clone().filter_map(|c| c.config.first());
            let config_compliant = latest_config
                .clone()
                .filter(|c| c.compliance == ComplianceType::Compliant)
                .count() as u64;
            let config_non_compliant = latest_config
                .filter(|c| c.compliance == ComplianceType::NonCompliant)
                .count() as u64;
            let mut config_rules: Vec<String> = rules
                .iter()
                .filter(|r| r.check_id.as_deref() == Some(check.meta.id))
                .map(|r| r.rule_name.clone())
                .collect();
            config_rules.sort();
            config_rules.dedup();
            CheckSummary {
                check_id: check.meta.id.to_string(),
                pass,
                fail,
                insufficient_data: count(Status::InsufficientData),
                not_applicable: count(Status::NotApplicable),
                evaluated: pass + fail,
                pass_percent: percent(pass, pass + fail),
                config_rules,
                config_compliant,
                config_non_compliant,
                config_percent: percent(config_compliant, config_compliant + config_non_compliant),
                agree: cells
                    .clone()
                    .filter(|c| c.agreement == Agreement::Agree)
                    .count() as u64,
                disagree: cells.filter(|c| c.agreement == Agreement::Disagree).count() as u64,
            }
        })
        .collect();

    let design_differences = design_differences(&rows, &states);
    Compliance {
        checks: CHECKS.iter().map(|c| CheckInfo::of(c.meta)).collect(),
        params,
        param_notes,
        rows,
        summaries,
        imported_rules: rules,
        disagreements,
        design_differences,
    }
}

/// (rule name, account, region, resource type, resource ID).
type EvaluationKey = (String, String, String, String, String);

/// Every Config rule loaded or named by an evaluation, with its latest evaluations.
fn imported_rules(model: &Model) -> Vec<ImportedRule> {
    let records = &model.records;
    let mut rules: Vec<ImportedRule> = Vec::new();
    for r in &records.config_rules {
        // The same rule from several files: the later file's record wins.
        rules
            .retain(|x| !(x.rule_name == r.name && x.account == r.account && x.region == r.region));
        rules.push(ImportedRule {
            rule_name: r.name.clone(),
            account: r.account.clone(),
            region: r.region.clone(),
            check_id: check_for_rule(&r.name, r.source_identifier.as_deref()).map(str::to_string),
            source_identifier: r.source_identifier.clone(),
            owner: r.owner.clone(),
            description: r.description.clone(),
            input_parameters: r.input_parameters.clone(),
            state: r.state.clone(),
            evidence: Some(Evidence::of(model, &r.source)),
            summary: None,
            evaluations: Vec::new(),
            compliant: 0,
            non_compliant: 0,
            not_applicable: 0,
            insufficient_data: 0,
        });
    }
    let same = |a: &str, b: &str| a.is_empty() || b.is_empty() || a == b;
    // Latest evaluation per (rule, account, region, resource type, resource ID).
    let mut latest: BTreeMap<EvaluationKey, (&ConfigEvaluation, usize)> = BTreeMap::new();
    for (seq, e) in records.config_evaluations.iter().enumerate() {
        let key = (
            e.rule_name.clone(),
            e.account.clone(),
            e.region.clone(),
            e.resource_type.clone(),
            e.resource_id.clone(),
        );
        let rank = |e: &ConfigEvaluation, seq: usize| {
            (
                e.ordering_ms.or(e.recorded_ms).unwrap_or(i64::MIN),
                e.recorded_ms.unwrap_or(i64::MIN),
                seq,
            )
        };
        let newer = latest
            .get(&key)
            .is_none_or(|(old, old_seq)| rank(e, seq) >= rank(old, *old_seq));
        if newer {
            latest.insert(key, (e, seq));
        }
    }
    for (e, _) in latest.into_values() {
        let index = match rules.iter().position(|r| {
            r.rule_name == e.rule_name && same(&r.account, &e.account) && same(&r.region, &e.region)
        }) {
            Some(i) => i,
            None => {
                rules.push(ImportedRule {
                    rule_name: e.rule_name.clone(),
                    account: e.account.clone(),
                    region: e.region.clone(),
                    check_id: check_for_rule(&e.rule_name, None).map(str::to_string),
                    source_identifier: None,
                    owner: None,
                    description: None,
                    input_parameters: BTreeMap::new(),
                    state: None,
                    evidence: None,
                    summary: None,
                    evaluations: Vec::new(),
                    compliant: 0,
                    non_compliant: 0,
                    not_applicable: 0,
                    insufficient_data: 0,
                });
                rules.len() - 1
            }
        };
        let rule = &mut rules[index];
        match e.compliance {
            ComplianceType::Compliant => rule.compliant += 1,
            ComplianceType::NonCompliant => rule.non_compliant += 1,
            ComplianceType::NotApplicable => rule.not_applicable += 1,
            ComplianceType::InsufficientData => rule.insufficient_data += 1,
            ComplianceType::Other(_) => {}
        }
        rule.evaluations.push(ImportedEvaluation {
            resource_type: e.resource_type.clone(),
            resource_id: e.resource_id.clone(),
            account: e.account.clone(),
            region: e.region.clone(),
            compliance: e.compliance.clone(),
            ordering_ms: e.ordering_ms,
            recorded_ms: e.recorded_ms,
            invoked_ms: e.invoked_ms,
            annotation: e.annotation.clone(),
            evidence: Evidence::of(model, &e.source),
            table: None,
        });
    }
    for s in &records.compliance_summaries {
        let Some(name) = &s.rule_name else { continue };
        if let Some(rule) = rules.iter_mut().find(|r| {
            &r.rule_name == name && same(&r.account, &s.account) && same(&r.region, &s.region)
        }) {
            rule.summary = Some(s.compliance.clone());
        }
    }
    for rule in &mut rules {
        rule.evaluations.sort();
    }
    rules.sort_by(|a, b| {
        (&a.rule_name, &a.account, &a.region).cmp(&(&b.rule_name, &b.account, &b.region))
    });
    rules
}

/// The user's parameters, with those left unset taken from a loaded Config rule of the same
/// check (the first by name, account and region).
fn effective_params(user: &Params, rules: &[ImportedRule]) -> (Params, Vec<String>) {
    let mut params = user.clone();
    let mut notes = Vec::new();
    let rule_of = |check: &str| {
        rules
            .iter()
            .find(|r| r.check_id.as_deref() == Some(check) && !r.input_parameters.is_empty())
    };
    if params.kms_key_arns.is_empty() {
        if let Some(rule) = rule_of("dynamodb-table-encrypted-kms") {
            if let Some(arns) = rule.input_parameters.get("kmsKeyArns") {
                params.kms_key_arns = arns
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
                notes.push(format!(
                    "kmsKeyArns taken from AWS Config rule {}.",
                    rule.rule_name
                ));
            }
        }
    }
    if params.required_tags.is_empty() {
        if let Some(rule) = rule_of("required-tags") {
            let p = &rule.input_parameters;
            let mut required = Vec::new();
            for n in 1..=6 {
                if let Some(key) = p
                    .get(&format!("tag{n}Key"))
                    .filter(|k| !k.trim().is_empty())
                {
                    let values = p
                        .get(&format!("tag{n}Value"))
                        .map(|v| {
                            v.split(',')
                                .map(str::trim)
                                .filter(|s| !s.is_empty())
                                .map(str::to_string)
                                .collect()
                        })
                        .unwrap_or_default();
                    let mut key = RequiredKey::new(key.trim());
                    key.allowed_values = values;
                    required.push(key);
                }
            }
            if let Some(keys) = p.get("requiredTagKeys") {
                for key in keys.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    required.push(RequiredKey::new(key));
                }
            }
            if !required.is_empty() {
                params.required_tags = required;
                notes.push(format!(
                    "Required tags taken from AWS Config rule {}.",
                    rule.rule_name
                ));
            }
        }
    }
    if params.autoscaling == Default::default() {
        if let Some(rule) = rule_of("dynamodb-autoscaling-enabled") {
            let p = &rule.input_parameters;
            let int = |k: &str| p.get(k).and_then(|v| v.trim().parse::<u64>().ok());
            let float = |k: &str| p.get(k).and_then(|v| v.trim().parse::<f64>().ok());
            let a = &mut params.autoscaling;
            a.min_provisioned_read_capacity = int("minProvisionedReadCapacity");
            a.max_provisioned_read_capacity = int("maxProvisionedReadCapacity");
            a.target_read_utilization = float("targetReadUtilization");
            a.min_provisioned_write_capacity = int("minProvisionedWriteCapacity");
            a.max_provisioned_write_capacity = int("maxProvisionedWriteCapacity");
            a.target_write_utilization = float("targetWriteUtilization");
            if params.autoscaling != Default::default() {
                notes.push(format!(
                    "Auto scaling parameters taken from AWS Config rule {}.",
                    rule.rule_name
                ));
            }
        }
    }
    (params, notes)
}

/// What may explain a disagreement, in a sentence or two.
fn disagreement_note(
    verdict: &Verdict,
    config: &ConfigVerdict,
    meta: &CheckMeta,
    rules: &[ImportedRule],
) -> String {
    let mut parts = Vec::new();
    let ours = verdict.evidence.iter().filter_map(|e| e.at_ms).max();
    let theirs = config.ordering_ms.or(config.recorded_ms);
    match (ours, theirs) {
        (Some(ours), Some(theirs)) if ours > theirs => parts.push(format!(
            "ddb-lens's evidence ({}) is newer than the configuration AWS Config evaluated ({}): the table may have changed since.",
            crate::time::format_iso_ms(ours),
            crate::time::format_iso_ms(theirs)
        )),
        (Some(ours), Some(theirs)) if ours < theirs => parts.push(format!(
            "AWS Config evaluated a newer configuration ({}) than ddb-lens's evidence ({}): a later export may agree.",
            crate::time::format_iso_ms(theirs),
            crate::time::format_iso_ms(ours)
        )),
        (None, Some(theirs)) if !verdict.evidence.is_empty() => parts.push(format!(
            "AWS Config evaluated the configuration recorded at {}; ddb-lens's evidence is a CLI \
             output with no time of its own (the collector's collector.json would date it), so \
             which side saw the newer state is unknown.",
            crate::time::format_iso_ms(theirs)
        )),
        _ => {}
    }
    if let Some(rule) = rules
        .iter()
        .find(|r| r.rule_name == config.rule_name && !r.input_parameters.is_empty())
    {
        let params: Vec<String> = rule
            .input_parameters
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        parts.push(format!("The Config rule runs with {}.", params.join(", ")));
    }
    if let Some(note) = meta.notes.first() {
        parts.push(note.to_string());
    }
    if parts.is_empty() {
        "Both sides looked at the same kind of record; compare the evidence.".to_string()
    } else {
        parts.join(" ")
    }
}

fn design_differences(
    rows: &[TableRow],
    states: &[crate::analysis::table_state::TableState],
) -> Vec<DesignDifference> {
    let column = |id: &str| CHECKS.iter().position(|c| c.meta.id == id);
    let status_at = |row: &TableRow, id: &str| column(id).map(|i| row.cells[i].verdict.status);
    let aws_owned: Vec<TableRef> = rows
        .iter()
        .zip(states)
        .filter(|(row, state)| {
            state
                .encryption
                .as_ref()
                .is_some_and(|e| e.value.kind == EncryptionKind::AwsOwned)
                && status_at(row, "dynamodb-table-encryption-enabled") == Some(Status::Pass)
                && status_at(row, "dynamodb-table-encrypted-kms") == Some(Status::Fail)
        })
        .map(|(row, _)| row.table.clone())
        .collect();
    let on_demand: Vec<TableRef> = rows
        .iter()
        .zip(states)
        .filter(|(row, state)| {
            state
                .billing_mode
                .as_ref()
                .is_some_and(|m| m.value == "PAY_PER_REQUEST")
                && status_at(row, "dynamodb-autoscaling-enabled") == Some(Status::Pass)
        })
        .map(|(row, _)| row.table.clone())
        .collect();
    vec![
        DesignDifference {
            checks: vec![
                "dynamodb-table-encryption-enabled".into(),
                "dynamodb-table-encrypted-kms".into(),
            ],
            explanation:
                "Every DynamoDB table is encrypted at rest. A table with the AWS owned key \
                passes dynamodb-table-encryption-enabled (it is encrypted) and fails \
                dynamodb-table-encrypted-kms (its key is not an AWS KMS key the account controls)."
                    .into(),
            tables: aws_owned,
        },
        DesignDifference {
            checks: vec!["dynamodb-autoscaling-enabled".into()],
            explanation: "An on-demand table passes dynamodb-autoscaling-enabled without any auto \
                scaling target: on-demand capacity follows demand by itself."
                .into(),
            tables: on_demand,
        },
        DesignDifference {
            checks: vec![
                "dynamodb-in-backup-plan".into(),
                "dynamodb-resources-protected-by-backup-plan".into(),
            ],
            explanation:
                "AWS's two backup rules differ: dynamodb-resources-protected-by-backup-plan \
                (Security Hub DynamoDB.4) can also require a locked vault, copies to other \
                regions or accounts and retention limits. ddb-lens evaluates both from \
                list-protected-resources, which shows tables AWS Backup has backed up, so here \
                they agree."
                    .into(),
            tables: Vec::new(),
        },
        DesignDifference {
            checks: vec!["required-tags".into()],
            explanation: "AWS Config's required-tags needs at least one required key; Security \
                Hub's DynamoDB.5 passes any tagged table unless requiredTagKeys is set. With no \
                required keys ddb-lens follows DynamoDB.5."
                .into(),
            tables: Vec::new(),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_map_by_identifier_then_name() {
        assert_eq!(
            check_for_rule("anything", Some("DYNAMODB_PITR_ENABLED")),
            Some("dynamodb-pitr-enabled")
        );
        assert_eq!(
            check_for_rule("securityhub-dynamodb-pitr-enabled-a1b2c3", None),
            Some("dynamodb-pitr-enabled")
        );
        assert_eq!(
            check_for_rule("DynamoDbAutoscalingEnabled", None),
            Some("dynamodb-autoscaling-enabled")
        );
        assert_eq!(
            check_for_rule("securityhub-tagged-dynamodb-table-9f8e7d", None),
            Some("required-tags")
        );
        assert_eq!(
            check_for_rule("dynamodb-resources-protected-by-backup-plan", None),
            Some("dynamodb-resources-protected-by-backup-plan")
        );
        assert_eq!(
            check_for_rule("dynamodb-throughput-limit-check", None),
            None
        );
    }

    #[test]
    fn percentages_round_to_a_tenth() {
        assert_eq!(percent(1, 3), Some(33.3));
        assert_eq!(percent(2, 3), Some(66.7));
        assert_eq!(percent(0, 0), None);
    }
}
