//! The report: everything ddb-lens found, as one versioned model, and its three exports.
//!
//! [`build`] turns the model and the file list into a [`Report`]; [`to_json`], [`html::render`]
//! and [`csv::write_all`] write it out. The page and the CLI call the same functions, so the same
//! files and settings give byte-identical exports wherever they are made. The schema is
//! documented in `docs/report-schema.md`.
//!
//! ```
//! use ddb_lens_core::report::{self, ReportSettings};
//! use ddb_lens_core::{Limits, Loader};
//!
//! let bytes = br#"{"Records":[{"eventTime":"2026-01-02T03:04:05Z","eventID":"e1",
//!     "eventSource":"dynamodb.amazonaws.com","eventName":"ListTables","awsRegion":"eu-west-1"}]}"#;
//! let mut loader = Loader::new(Limits::default());
//! loader.ingest("trail.json", bytes);
//! loader.set_sha256(0, report::sha256_hex(bytes));
//! let made = report::build(loader.model(), loader.reports(), &ReportSettings::default());
//! let json = report::to_json(&made);
//! assert_eq!(report::from_json(&json).unwrap(), made);
//! assert!(report::verify_fingerprint(&made));
//! assert!(report::html::render(&made).starts_with("<!DOCTYPE html>"));
//! ```
//!
//! Adding a section (an analysis merged on main): give its field in [`Report`] the analysis'
//! type, fill it in [`build`], write `html/<section>.rs` and list it in [`html::SECTIONS`], and
//! give its CSV rows in [`csv`] if it has a file there.

pub mod csv;
pub mod findings;
pub mod gaps;
pub mod html;
pub mod settings;
pub mod tables;
pub mod tags;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::analysis::compliance::{compliance_of, Compliance};
use crate::analysis::config_history::{config_history, ConfigHistory};
use crate::analysis::inventory::{inventory, Inventory};
use crate::analysis::kms::{kms_usage, KeyKind, KeyManager, KmsUsage};
use crate::analysis::overview::{overview_where, Overview};
use crate::analysis::streams::{streams_of, Streams};
use crate::analysis::table_state::table_states_of;
use crate::analysis::visibility::{visibility, Visibility};
use crate::ingest::{FileReport, Totals};
use crate::model::inventory::EncryptionKind;
use crate::model::Model;
use crate::rules::EventRef;
use crate::time::parse_iso_ms;

pub use findings::{Evidence, Finding, RuleInfo};
pub use gaps::Gaps;
pub use settings::{ComplianceSettings, Filters, ReportSettings, RuleSettings, TagPolicy};
pub use tables::TableEntry;
pub use tags::TagsSection;

/// The schema this build writes and reads. The number changes when a field is removed,
/// renamed or changes meaning; adding a field does not change it (docs/report-schema.md).
pub const SCHEMA: &str = "ddb-lens-report/1";

/// Everything a report holds: each export (JSON, HTML, CSV) is a function of this alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: String,
    pub generator: Generator,
    /// SHA-256 (lowercase hex) of the compact JSON of this report with this field empty.
    pub fingerprint_sha256: String,
    pub report_time: ReportTime,
    /// The evidence manifest: every input file and the totals.
    pub inputs: Inputs,
    /// The settings the report was made with, normalised ([`ReportSettings::normalised`]).
    pub settings: ReportSettings,
    /// Events over time, accounts, regions and event sources (after the filters).
    pub overview: Overview,
    /// What the evidence does not cover.
    pub gaps: Gaps,
    /// What the detection rules found (within the filters), sorted by severity, rule id, first
    /// seen, then tables, principals and resources.
    pub findings: Vec<Finding>,
    /// Every rule that ran, in catalogue order, with its metadata and how many findings it
    /// gave: what a finding means, and the checks that found nothing.
    pub rules: Vec<RuleInfo>,
    /// The merged table inventory (within the filters' accounts and regions), sorted by
    /// account, region and name.
    pub tables: Vec<TableEntry>,
    /// What the inventory could not merge, in sentences, sorted.
    pub table_notes: Vec<String>,
    /// KMS key usage behind table encryption, and what the logs can see of each table.
    pub kms: KmsSection,
    /// Streams, their Lambda triggers and their changes.
    pub streams: Streams,
    /// Each table's AWS Config items with their diffs, and the changes chart's buckets.
    pub config: ConfigHistory,
    /// ddb-lens's checks and AWS Config's evaluations, side by side, with the checks'
    /// metadata so the section reads without the exports.
    pub compliance: Compliance,
    /// Tag coverage against `settings.tag_policy`, and the history of the required tags.
    pub tags: TagsSection,
}

/// An item of a list section whose analysis is not merged yet. It has no values, so such a list
/// is always empty (`[]`), and code over it (`match *item {}`) stops compiling when the real
/// type replaces it: the compiler lists every place that must now render the real thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PendingItem {}

/// The KMS section: key usage (with DynamoDB's Decrypt-cache note) and data-plane visibility
/// (which tables the logs show data events for, and the trail changes behind it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KmsSection {
    pub usage: KmsUsage,
    pub visibility: Visibility,
    /// The files the section's event references (`evidence.file`) point into, by name: an
    /// index there is a position in this list, so the section reads without the model.
    pub evidence_files: Vec<String>,
}

impl KmsSection {
    /// The section from its analyses over `model`, with every event reference's file index
    /// moved from the model's load order into [`KmsSection::evidence_files`] (sorted by name),
    /// so the JSON does not depend on the order files were loaded in.
    fn new(
        model: &Model,
        inventory: &Inventory,
        mut usage: KmsUsage,
        mut visibility: Visibility,
    ) -> KmsSection {
        with_inventory_kinds(&mut usage, inventory);
        let mut used: Vec<u32> = usage
            .lifecycle
            .iter()
            .map(|e| e.evidence.file)
            .chain(visibility.trail_changes.iter().map(|c| c.evidence.file))
            .collect();
        used.sort_unstable();
        used.dedup();
        let name = |i: u32| model.files.get(i as usize).cloned().unwrap_or_default();
        let mut evidence_files: Vec<String> = used.iter().map(|&i| name(i)).collect();
        evidence_files.sort();
        evidence_files.dedup();
        let position = |i: u32| {
            evidence_files
                .binary_search(&name(i))
                .map_or(u32::MAX, |at| at as u32)
        };
        for e in &mut usage.lifecycle {
            e.evidence.file = position(e.evidence.file);
        }
        for c in &mut visibility.trail_changes {
            c.evidence.file = position(c.evidence.file);
        }
        KmsSection {
            usage,
            visibility,
            evidence_files,
        }
    }

    /// The file name of an event reference of this section ("" when out of range).
    pub fn file(&self, evidence: &EventRef) -> &str {
        self.evidence_files
            .get(evidence.file as usize)
            .map_or("", String::as_str)
    }
}

/// An object section whose analysis is not merged yet: `{}` in JSON.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSection {}

/// What made the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generator {
    /// "ddb-lens".
    pub name: String,
    /// The ddb-lens version, e.g. "0.1.0".
    pub version: String,
}

/// The time the report speaks as of: a setting, else the newest time in the evidence. Never
/// the clock, so a report can be made again byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportTime {
    /// Milliseconds since the epoch (UTC); `None` when not set and no evidence has a time.
    pub time_ms: Option<i64>,
    pub source: ReportTimeSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportTimeSource {
    /// `settings.report_time_ms`.
    Setting,
    /// The latest event time in the model or latest `time_last` of any input file.
    NewestEvidence,
    /// Neither: no setting and no evidence with a time.
    None,
}

/// The evidence manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inputs {
    /// Every input file, in name order (then SHA-256, then size), whatever order it was loaded in.
    pub files: Vec<FileReport>,
    pub totals: Totals,
}

/// Why JSON could not be read back as a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Not JSON, or JSON without a `schema` string: not a ddb-lens report.
    #[error("not a ddb-lens report: {0}")]
    NotAReport(serde_json::Error),
    /// A report of another schema version.
    #[error("report schema {found:?} is not supported by this version (reads {SCHEMA:?})")]
    UnsupportedSchema { found: String },
    /// The right schema, but a field is missing or of the wrong type.
    #[error("invalid ddb-lens report: {0}")]
    Invalid(serde_json::Error),
}

/// The report of `model`, whose files are described by `reports`, under `settings`.
///
/// Deterministic: the same model, file reports and settings give the same report. File order
/// does not matter for the manifest (sorted by name) nor for the overview (counts sorted by
/// count then name); it matters only for which copy of a duplicated event counts, which the
/// per-file `events_added` and `duplicates` show (commit files in name order, as the CLI does,
/// for byte-identical reports when files share events).
pub fn build(model: &Model, reports: &[FileReport], settings: &ReportSettings) -> Report {
    let mut report = build_unsigned(model, reports, settings);
    report.fingerprint_sha256 = sha256_hex(compact_json(&report).as_bytes());
    report
}

/// [`build`]'s report as compact JSON, for the page's worker to post: the report the page reads
/// back with [`from_json`] is exactly [`build`]'s. One serialization does for the fingerprint and
/// the text (the signed text is the unsigned one with the hash put in), where `build` then
/// [`to_json`] clone the report and serialize it twice; on 1M events in wasm that was a fifth
/// of the time the analyses add to a load.
pub fn build_compact_json(
    model: &Model,
    reports: &[FileReport],
    settings: &ReportSettings,
) -> String {
    let unsigned = compact_json(&build_unsigned(model, reports, settings));
    sign_compact(&unsigned)
}

/// Puts the fingerprint of `unsigned` (compact JSON of a report whose fingerprint is empty) in
/// its `fingerprint_sha256`. That field follows `schema` and `generator`, which hold no string
/// from an export, so its first occurrence is the report's own.
fn sign_compact(unsigned: &str) -> String {
    const EMPTY: &str = "\"fingerprint_sha256\":\"\"";
    let Some(at) = unsigned.find(EMPTY) else {
        // Unreachable: every report has the field. An unsigned report then fails verification.
        return unsigned.to_string();
    };
    let hash = sha256_hex(unsigned.as_bytes());
    let mut signed = String::with_capacity(unsigned.len() + hash.len());
    signed.push_str(&unsigned[..at + EMPTY.len() - 1]);
    signed.push_str(&hash);
    signed.push_str(&unsigned[at + EMPTY.len() - 1..]);
    signed
}

fn build_unsigned(model: &Model, reports: &[FileReport], settings: &ReportSettings) -> Report {
    let settings = settings.normalised();
    let mut files = reports.to_vec();
    files.sort_by(|a, b| {
        a.name
            .cmp(&b.name)
            .then_with(|| a.sha256.cmp(&b.sha256))
            .then_with(|| a.size_bytes.cmp(&b.size_bytes))
    });
    let totals = Totals::of(&files);
    let filter = settings.filters.compile(model);
    let overview = overview_where(model, totals.duplicates_dropped, |e| filter.admits(e));
    let report_time = report_time(model, &files, settings.report_time_ms);
    let (findings, rules) = findings::compute(model, &settings.rule_settings(), &filter);
    // The inventory is the costliest shared input: made once, read by every section that
    // speaks of tables (the tables section takes it last).
    let inventory = inventory(model);
    let states = table_states_of(model, &inventory);
    let streams = streams_of(model, &states);
    let compliance = compliance_of(model, &states, &streams, &settings.compliance_params());
    let kms = KmsSection::new(
        model,
        &inventory,
        kms_usage(model, &key_facts(model, &inventory)),
        visibility(model, &described_tables(&inventory)),
    );
    let config = config_history(model);
    let tags = tags::compute(model, &inventory, &settings.tag_policy, &filter);
    let (tables, table_notes) = tables::compute(inventory, &filter);
    let gaps = gaps::compute(model, &files, &filter, &tables);
    Report {
        schema: SCHEMA.to_string(),
        generator: Generator {
            name: "ddb-lens".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        fingerprint_sha256: String::new(),
        report_time,
        inputs: Inputs { files, totals },
        settings,
        overview,
        gaps,
        findings,
        rules,
        tables,
        table_notes,
        kms,
        streams,
        config,
        compliance,
        tags,
    }
}

/// What the exports say of KMS keys, for the KMS section's key kinds: describe-key's
/// `KeyManager`, and the inventory's resolution of each table's key (which also reads the
/// alias lists). Sorted by ARN, first statement kept, so the result does not depend on order.
fn key_facts(model: &Model, inventory: &Inventory) -> Vec<(String, KeyManager)> {
    let from_keys = model
        .records
        .kms_keys
        .iter()
        .filter_map(|k| Some((k.arn.clone()?, k.manager?)));
    let from_tables = inventory.tables.iter().filter_map(|row| {
        let encryption = &row.encryption.as_ref()?.value;
        let manager = match encryption.kind {
            EncryptionKind::AwsManaged => KeyManager::Aws,
            EncryptionKind::CustomerManaged => KeyManager::Customer,
            EncryptionKind::AwsOwned | EncryptionKind::Unknown => return None,
        };
        Some((encryption.key_arn.clone()?, manager))
    });
    let mut facts: Vec<(String, KeyManager)> = from_keys.chain(from_tables).collect();
    facts.sort_by(|a, b| a.0.cmp(&b.0));
    facts.dedup_by(|later, first| later.0 == first.0);
    facts
}

/// Each table's key kind as the inventory states it (describe-table or a Config item, resolved
/// against the KMS exports), over what the logs alone suggest: the logs can only infer the AWS
/// owned key from an absence of KMS calls, and a table's latest description is stronger than its
/// history. The KMS section names tables by name alone, so the inventory's rows of that name
/// must agree; where they do not, or the inventory says only "a KMS key" while the logs tell
/// which manager, the logs' verdict stays. What the logs said is kept in the evidence.
fn with_inventory_kinds(usage: &mut KmsUsage, inventory: &Inventory) {
    for table in &mut usage.tables {
        let mut stated = inventory
            .tables
            .iter()
            .filter(|row| row.name == table.table)
            .filter_map(|row| row.encryption.as_ref());
        let Some(first) = stated.next() else { continue };
        if stated.any(|other| other.value.kind != first.value.kind) {
            continue;
        }
        let kind = match first.value.kind {
            EncryptionKind::AwsOwned => KeyKind::AwsOwned,
            EncryptionKind::AwsManaged => KeyKind::AwsManaged,
            EncryptionKind::CustomerManaged => KeyKind::CustomerManaged,
            EncryptionKind::Unknown => KeyKind::AwsOrCustomerManaged,
        };
        let logs_more_specific = kind == KeyKind::AwsOrCustomerManaged
            && matches!(table.kind, KeyKind::AwsManaged | KeyKind::CustomerManaged);
        if logs_more_specific {
            continue;
        }
        let mut evidence = format!("the inventory ({}): {}", first.file, first.value.reason);
        if table.kind != kind {
            evidence.push_str(&format!(
                "; the logs alone suggested {} ({})",
                table.kind.label(),
                table.kind_evidence
            ));
        }
        table.kind = kind;
        table.kind_evidence = evidence;
    }
}

/// The names of the tables an export other than CloudTrail describes or lists, for the
/// visibility of tables no event names.
fn described_tables(inventory: &Inventory) -> Vec<String> {
    let mut names: Vec<String> = inventory
        .tables
        .iter()
        .filter(|row| !row.cloudtrail_only())
        .map(|row| row.name.clone())
        .collect();
    names.sort();
    names.dedup();
    names
}

fn report_time(model: &Model, files: &[FileReport], setting: Option<i64>) -> ReportTime {
    if let Some(time_ms) = setting {
        return ReportTime {
            time_ms: Some(time_ms),
            source: ReportTimeSource::Setting,
        };
    }
    let newest_event = model.events_unsorted.iter().map(|e| e.time_ms).max();
    let newest_file = files
        .iter()
        .filter_map(|f| f.time_last.as_deref().and_then(parse_iso_ms))
        .max();
    match newest_event.max(newest_file) {
        Some(time_ms) => ReportTime {
            time_ms: Some(time_ms),
            source: ReportTimeSource::NewestEvidence,
        },
        None => ReportTime {
            time_ms: None,
            source: ReportTimeSource::None,
        },
    }
}

/// SHA-256 of `bytes` as lowercase hex: what the manifest records for each input file.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let mut hasher = Sha256::new();
    // In 64 KiB pieces, not in one call: V8 runs a wasm function's first calls in its baseline
    // compiler and cannot switch a call already running to optimised code. One call over a 15 MB
    // report stayed baseline to the end (830 ms in the page's worker on 1M events); in pieces,
    // the compression function is optimised after the first few and the whole takes ~100 ms.
    // Natively it makes no difference.
    for piece in bytes.chunks(SHA256_PIECE_BYTES) {
        hasher.update(piece);
    }
    hex(&hasher.finalize())
}

const SHA256_PIECE_BYTES: usize = 64 * 1024;

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// The report's fingerprint: SHA-256 (hex) of its compact JSON with `fingerprint_sha256`
/// empty. Keys are in struct order and maps sorted, so the JSON, and the hash, is canonical.
pub fn fingerprint(report: &Report) -> String {
    let mut unsigned = report.clone();
    unsigned.fingerprint_sha256.clear();
    sha256_hex(compact_json(&unsigned).as_bytes())
}

/// Whether `report`'s fingerprint matches its content (e.g. a re-opened JSON report not edited).
pub fn verify_fingerprint(report: &Report) -> bool {
    fingerprint(report) == report.fingerprint_sha256
}

/// The report as pretty JSON (two-space indent, keys in struct order, maps sorted, a final
/// newline): byte-identical for the same report.
pub fn to_json(report: &Report) -> String {
    match serde_json::to_string_pretty(report) {
        Ok(mut text) => {
            text.push('\n');
            text
        }
        // Unreachable: every map in a report has string keys and serde_json writes non-finite
        // floats as null. Still an honest document if it ever happened.
        Err(err) => format!("{{\"error\":{:?}}}\n", err.to_string()),
    }
}

fn compact_json(report: &Report) -> String {
    serde_json::to_string(report).unwrap_or_default()
}

/// Reads a JSON report back (the page's "open a report"), refusing other schema versions.
pub fn from_json(text: &str) -> Result<Report, ReportError> {
    #[derive(Deserialize)]
    struct Head {
        schema: String,
    }
    // The whole report first: a report the page's worker just built is read in one pass. The
    // head is read only to say why a document is not one.
    match serde_json::from_str::<Report>(text) {
        Ok(report) if report.schema == SCHEMA => Ok(report),
        Ok(report) => Err(ReportError::UnsupportedSchema {
            found: report.schema,
        }),
        Err(invalid) => {
            let head: Head = serde_json::from_str(text).map_err(ReportError::NotAReport)?;
            if head.schema != SCHEMA {
                return Err(ReportError::UnsupportedSchema { found: head.schema });
            }
            Err(ReportError::Invalid(invalid))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_vectors() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // FIPS 180-2's million "a": many pieces, the last one short.
        assert_eq!(
            sha256_hex(&[b'a'; 1_000_000]),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
    }

    #[test]
    fn empty_report_reads_back_and_verifies() {
        let report = build(&Model::default(), &[], &ReportSettings::default());
        assert_eq!(report.report_time.source, ReportTimeSource::None);
        let json = to_json(&report);
        assert!(json.contains("\"findings\": []"), "{json}");
        assert!(json.contains("\"kms\": {"), "{json}");
        let back = from_json(&json).unwrap();
        assert_eq!(back, report);
        assert!(verify_fingerprint(&back));
        let mut edited = back;
        edited.overview.events = 1;
        assert!(!verify_fingerprint(&edited));
    }

    #[test]
    fn other_schemas_and_non_reports_are_refused() {
        let report = build(&Model::default(), &[], &ReportSettings::default());
        let json = to_json(&report).replace(SCHEMA, "ddb-lens-report/99");
        assert!(matches!(
            from_json(&json),
            Err(ReportError::UnsupportedSchema { found }) if found == "ddb-lens-report/99"
        ));
        assert!(matches!(
            from_json("{\"Records\":[]}"),
            Err(ReportError::NotAReport(_))
        ));
        assert!(matches!(
            from_json(&format!("{{\"schema\":\"{SCHEMA}\"}}")),
            Err(ReportError::Invalid(_))
        ));
    }

    #[test]
    fn pending_sections_hold_nothing() {
        assert!(serde_json::from_str::<Vec<PendingItem>>("[1]").is_err());
        assert_eq!(
            serde_json::to_string(&PendingSection::default()).unwrap(),
            "{}"
        );
    }
}
