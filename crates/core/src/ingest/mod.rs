//! Ingest: a file's name and bytes in, events added to the [`Model`] and a [`FileReport`] out.
//!
//! Flow per file: [`decompress`] (gzip by magic bytes, with a size limit) → [`sniff`] the top-level
//! JSON shape while parsing it in one pass → [`cloudtrail`] records become compact [`Event`]s;
//! other export kinds are recognised and counted by [`sniff`]. A file that fails gets a specific
//! error in its report and adds nothing; a record that fails is skipped, counted and named in the
//! file's warnings; loading always continues with the next file.

/// In a visitor whose value carries nothing from a scalar (or `null`): every scalar visit
/// returns `$value`. Lenient visitors accept any JSON where a shape is expected, so a file of
/// odd types is reported by the record that has them instead of failing to parse.
macro_rules! scalars_are {
    ($value:expr) => {
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
}

mod autoscaling;
mod backup;
pub mod cloudtrail;
mod collector;
mod compliance;
mod config;
pub mod decompress;
pub mod detail;
mod dynamodb;
mod exports;
mod kms;
mod lambda;
pub mod layout;
pub mod record;
pub mod sniff;
pub mod tables;
mod tagging;
pub(crate) mod value;
pub mod wire;

use rustc_hash::FxHashSet;

use serde::{Deserialize, Serialize};

use crate::model::inventory::Records;
use crate::model::{Event, Model, Sym};
use crate::time::format_iso_ms;

/// Limits that protect the page from hostile input.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Stop decompressing (and reject the file) past this many uncompressed bytes.
    pub max_uncompressed_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_uncompressed_bytes: 2 << 30,
        }
    }
}

/// What a file was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// Delivered CloudTrail log `{"Records":[...]}` (also the console's event-history download).
    CloudTrailLog,
    /// A bare JSON array of CloudTrail events.
    CloudTrailEventArray,
    /// One CloudTrail event object.
    CloudTrailEvent,
    /// `aws cloudtrail lookup-events` output: events as JSON strings in `CloudTrailEvent`.
    CloudTrailLookupEvents,
    /// CloudTrail digest file (log file integrity validation): no events.
    CloudTrailDigest,
    ConfigSnapshot,
    ConfigHistory,
    ConfigNotification,
    ConfigSelectResourceConfig,
    ConfigBatchGetResourceConfig,
    ConfigResourceHistory,
    ConfigComplianceDetails,
    ConfigComplianceByResource,
    ConfigComplianceByRule,
    ConfigRules,
    DynamoDbDescribeTable,
    DynamoDbListTables,
    DynamoDbContinuousBackups,
    DynamoDbTimeToLive,
    DynamoDbKinesisDestinations,
    DynamoDbResourcePolicy,
    DynamoDbTags,
    TaggingGetResources,
    LambdaEventSourceMappings,
    KmsDescribeKey,
    KmsListAliases,
    KmsListGrants,
    AutoScalingScalableTargets,
    BackupProtectedResources,
    /// The `collector.json` manifest `collect-exports` writes: when its folder was collected.
    CollectorManifest,
    /// The `collector-errors.log` `collect-exports` writes: the calls it could not make.
    CollectorErrorsLog,
    /// Could not be read or recognised; the report's message says why.
    Unrecognised,
}

impl FileKind {
    /// Whether this kind carries CloudTrail events.
    pub fn is_cloudtrail(self) -> bool {
        matches!(
            self,
            FileKind::CloudTrailLog
                | FileKind::CloudTrailEventArray
                | FileKind::CloudTrailEvent
                | FileKind::CloudTrailLookupEvents
        )
    }

    /// The label shown in the file list.
    pub fn label(self) -> &'static str {
        match self {
            FileKind::CloudTrailLog => "CloudTrail log",
            FileKind::CloudTrailEventArray => "CloudTrail events (array)",
            FileKind::CloudTrailEvent => "CloudTrail event",
            FileKind::CloudTrailLookupEvents => "CloudTrail lookup-events",
            FileKind::CloudTrailDigest => "CloudTrail digest",
            FileKind::ConfigSnapshot => "AWS Config snapshot",
            FileKind::ConfigHistory => "AWS Config history",
            FileKind::ConfigNotification => "AWS Config notification",
            FileKind::ConfigSelectResourceConfig => "AWS Config select-resource-config",
            FileKind::ConfigBatchGetResourceConfig => "AWS Config batch-get-resource-config",
            FileKind::ConfigResourceHistory => "AWS Config get-resource-config-history",
            FileKind::ConfigComplianceDetails => "AWS Config compliance details",
            FileKind::ConfigComplianceByResource => "AWS Config compliance by resource",
            FileKind::ConfigComplianceByRule => "AWS Config compliance by rule",
            FileKind::ConfigRules => "AWS Config rules",
            FileKind::DynamoDbDescribeTable => "DynamoDB describe-table",
            FileKind::DynamoDbListTables => "DynamoDB list-tables",
            FileKind::DynamoDbContinuousBackups => "DynamoDB describe-continuous-backups",
            FileKind::DynamoDbTimeToLive => "DynamoDB describe-time-to-live",
            FileKind::DynamoDbKinesisDestinations => {
                "DynamoDB describe-kinesis-streaming-destination"
            }
            FileKind::DynamoDbResourcePolicy => "DynamoDB get-resource-policy",
            FileKind::DynamoDbTags => "DynamoDB list-tags-of-resource",
            FileKind::TaggingGetResources => "Resource Groups Tagging get-resources",
            FileKind::LambdaEventSourceMappings => "Lambda list-event-source-mappings",
            FileKind::KmsDescribeKey => "KMS describe-key",
            FileKind::KmsListAliases => "KMS list-aliases",
            FileKind::KmsListGrants => "KMS list-grants",
            FileKind::AutoScalingScalableTargets => "Application Auto Scaling scalable targets",
            FileKind::BackupProtectedResources => "AWS Backup protected resources",
            FileKind::CollectorManifest => "ddb-lens collector manifest",
            FileKind::CollectorErrorsLog => "ddb-lens collector errors log",
            FileKind::Unrecognised => "Unrecognised",
        }
    }
}

/// Outcome of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    /// Loaded in full.
    Ok,
    /// Loaded, but some records were skipped; see `warnings`.
    Warning,
    /// Not loaded; see `message`. Nothing from the file was added.
    Error,
}

/// One row of the file list: what a file was and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReport {
    /// The name as the user gave it (a relative path for folders).
    pub name: String,
    pub size_bytes: u64,
    /// SHA-256 of the bytes as given (before any gunzip), lowercase hex; `None` until the caller
    /// hashes them ([`crate::report::sha256_hex`]): the CLI when it reads a file, the page in the
    /// background after loading. Absent in older JSON, hence the default.
    #[serde(default)]
    pub sha256: Option<String>,
    /// Whether the bytes were gzip (by magic bytes, whatever the name says).
    pub gzip: bool,
    pub uncompressed_bytes: u64,
    pub kind: FileKind,
    /// e.g. "CloudTrail log: 1,000 events" or "AWS Config snapshot: 120 configuration items".
    pub summary: String,
    /// Records (events, items, tables...) the file holds, including skipped and duplicate ones.
    pub records: u64,
    /// CloudTrail events added to the model.
    pub events_added: u64,
    /// Events not added because an event with the same eventID was already loaded.
    pub duplicates: u64,
    /// Records skipped because they could not be read; each is named in `warnings`.
    pub records_skipped: u64,
    /// Earliest and latest event time in the file (duplicates included), ISO 8601 UTC.
    pub time_first: Option<String>,
    pub time_last: Option<String>,
    pub status: FileStatus,
    /// Why the file failed or was not recognised.
    pub message: Option<String>,
    /// Per-record problems (at most [`MAX_WARNINGS`] kept; `records_skipped` counts them all).
    pub warnings: Vec<String>,
}

impl FileReport {
    /// The report of a file before anything is known of it: unrecognised, not loaded.
    fn not_loaded(name: &str, size_bytes: u64) -> FileReport {
        FileReport {
            name: name.to_string(),
            size_bytes,
            sha256: None,
            gzip: false,
            uncompressed_bytes: 0,
            kind: FileKind::Unrecognised,
            summary: String::new(),
            records: 0,
            events_added: 0,
            duplicates: 0,
            records_skipped: 0,
            time_first: None,
            time_last: None,
            status: FileStatus::Error,
            message: None,
            warnings: Vec::new(),
        }
    }
}

/// Warnings kept per file; the rest are counted in `records_skipped`.
pub const MAX_WARNINGS: usize = 20;

/// Totals over every file loaded so far.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub files: u64,
    pub files_ok: u64,
    pub files_with_warnings: u64,
    pub files_with_errors: u64,
    pub files_unrecognised: u64,
    pub bytes: u64,
    pub uncompressed_bytes: u64,
    /// Events in the model (duplicates not counted).
    pub events: u64,
    pub duplicates_dropped: u64,
    pub records_skipped: u64,
}

impl Totals {
    /// Counts one more file. The loader and the report both total files this way, so a report
    /// built from a list of file reports agrees with the loader that made them.
    pub fn add(&mut self, report: &FileReport) {
        self.files += 1;
        self.bytes += report.size_bytes;
        self.uncompressed_bytes += report.uncompressed_bytes;
        match report.status {
            FileStatus::Ok => self.files_ok += 1,
            FileStatus::Warning => self.files_with_warnings += 1,
            FileStatus::Error => self.files_with_errors += 1,
        }
        if report.kind == FileKind::Unrecognised {
            self.files_unrecognised += 1;
        }
        self.events += report.events_added;
        self.duplicates_dropped += report.duplicates;
        self.records_skipped += report.records_skipped;
    }

    /// The totals of `reports`.
    pub fn of(reports: &[FileReport]) -> Totals {
        let mut totals = Totals::default();
        for report in reports {
            totals.add(report);
        }
        totals
    }
}

/// Loads files into one [`Model`], dropping events already seen (same eventID).
#[derive(Debug, Default)]
pub struct Loader {
    limits: Limits,
    model: Model,
    /// eventID keys are UUIDs (random bits): FxHash is as good as SipHash here and ~4x cheaper.
    seen_event_ids: FxHashSet<u128>,
    totals: Totals,
    reports: Vec<FileReport>,
}

impl Loader {
    pub fn new(limits: Limits) -> Self {
        Loader {
            limits,
            ..Loader::default()
        }
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    pub fn totals(&self) -> Totals {
        self.totals.clone()
    }

    /// Reports of every file loaded, in load order.
    pub fn reports(&self) -> &[FileReport] {
        &self.reports
    }

    /// Records the SHA-256 (hex) of the bytes of the `index`-th file loaded, computed by the
    /// caller when it has them (see [`FileReport::sha256`]). False when there is no such file.
    pub fn set_sha256(&mut self, index: usize, sha256_hex: String) -> bool {
        match self.reports.get_mut(index) {
            Some(report) => {
                report.sha256 = Some(sha256_hex);
                true
            }
            None => false,
        }
    }

    /// Forget everything loaded.
    pub fn clear(&mut self) {
        *self = Loader::new(self.limits);
    }

    /// Load one file. Never fails: problems are in the returned report.
    pub fn ingest(&mut self, name: &str, bytes: &[u8]) -> FileReport {
        let parsed = parse_file(name, bytes, &self.limits);
        self.commit(parsed)
    }

    /// The limits this loader parses with.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Adds a file parsed by [`parse_file`] (here or on another thread) to the model:
    /// its strings are interned, its events de-duplicated against everything committed before.
    /// Committing files in the same order gives the same model, whoever parsed them.
    pub fn commit(&mut self, parsed: ParsedFile) -> FileReport {
        let mut report = parsed.report;
        if let Some(content) = parsed.content {
            let file_index = self.model.files.len() as u32;
            self.model.files.push(report.name.clone());
            self.model.file_kinds.push(report.kind);
            let remap: Vec<Sym> = content
                .strings
                .iter()
                .map(|text| self.model.strings.intern(text))
                .collect();
            let (mut first, mut last) = (i64::MAX, i64::MIN);
            self.model.events_unsorted.reserve(content.events.len());
            for (event, &id) in content.events.iter().zip(&content.event_ids) {
                // The file's time range covers all its events, duplicates included: it
                // describes the file, whichever copy of an event was counted.
                first = first.min(event.time_ms);
                last = last.max(event.time_ms);
                if !self.seen_event_ids.insert(id) {
                    report.duplicates += 1;
                    continue;
                }
                if !event.detail.is_empty() {
                    let index = self.model.events_unsorted.len() as u32;
                    self.model.notable_event_ids.insert(id, index);
                }
                self.model
                    .events_unsorted
                    .push(event.remapped(&remap, file_index));
                report.events_added += 1;
            }
            if first <= last {
                report.time_first = Some(format_iso_ms(first));
                report.time_last = Some(format_iso_ms(last));
            }
            report.summary = summary(&report, &content.noun, content.detail.as_deref());
            self.model
                .records
                .append_from_file(content.records, file_index);
        }
        self.totals.add(&report);
        self.reports.push(report.clone());
        report
    }
}

/// One file parsed on its own, not yet part of any model: what [`Loader::commit`] needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFile {
    /// The report so far; event counts, duplicates and the time range are filled in at commit.
    pub report: FileReport,
    /// What the file held, when it could be read.
    pub content: Option<ParsedContent>,
}

/// The events of one parsed file, their strings in a table of their own.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedContent {
    pub noun: String,
    pub detail: Option<String>,
    /// The file's distinct strings; the events' symbols index this table.
    pub strings: Vec<String>,
    /// Events whose symbols point into `strings`; `file` is 0.
    pub events: Vec<Event>,
    /// eventID key of each event, for de-duplication at commit.
    pub event_ids: Vec<u128>,
    /// What a non-CloudTrail export held (tables, Config items, rules...); sources' file
    /// index is 0 until commit.
    pub records: Records,
}

impl ParsedFile {
    /// A file the caller could not read at all (moved, deleted or not permitted since it was
    /// picked): it still gets a row and counts in the totals as a file with an error.
    pub fn unreadable(name: &str, size_bytes: u64, reason: &str) -> ParsedFile {
        let message = format!("could not read the file: {reason}");
        let mut report = FileReport::not_loaded(name, size_bytes);
        report.summary = format!("Not loaded: {message}");
        report.message = Some(message);
        ParsedFile {
            report,
            content: None,
        }
    }
}

/// Decompresses and parses one file without touching any shared state, so files can be parsed
/// on several threads or workers and committed in order.
pub fn parse_file(name: &str, bytes: &[u8], limits: &Limits) -> ParsedFile {
    let mut report = FileReport::not_loaded(name, bytes.len() as u64);
    let text = match decompress::decompress(bytes, limits.max_uncompressed_bytes) {
        Ok(decoded) => decoded,
        Err(err) => {
            report.gzip = err.was_gzip();
            report.message = Some(err.to_string());
            report.summary = format!("Not loaded: {err}");
            return ParsedFile {
                report,
                content: None,
            };
        }
    };
    report.gzip = text.gzip;
    report.uncompressed_bytes = text.bytes.len() as u64;

    // The collector's errors log is the one plain-text export.
    if let Some(out) = collector::errors_log(&text.bytes, name) {
        report.kind = FileKind::CollectorErrorsLog;
        report.records = out.count;
        report.records_skipped = out.warnings_total;
        report.warnings = out.warnings;
        report.status = if report.records_skipped > 0 {
            FileStatus::Warning
        } else {
            FileStatus::Ok
        };
        return ParsedFile {
            report,
            content: Some(ParsedContent {
                noun: out.noun.to_string(),
                detail: out.detail,
                strings: Vec::new(),
                events: Vec::new(),
                event_ids: Vec::new(),
                records: out.records,
            }),
        };
    }

    let mut local = Model::default();
    let outcome = sniff::parse(&text.bytes, &mut local, 0);
    // The other exports' records, read once the sniffer has named the kind.
    let outcome = outcome.and_then(|parsed| {
        if parsed.kind.is_cloudtrail() {
            return Ok((parsed, None));
        }
        match exports::parse(parsed.kind, &text.bytes, name) {
            Ok(out) => Ok((parsed, out)),
            Err(message) => Err(sniff::ParseError {
                kind: parsed.kind,
                message,
            }),
        }
    });
    drop(text);
    match outcome {
        Err(err) => {
            // A file that fails adds nothing: its events are dropped with `local`.
            report.kind = err.kind;
            report.summary = match err.kind {
                FileKind::Unrecognised => format!("Not recognised: {}", err.message),
                kind => format!("{}: not loaded: {}", kind.label(), err.message),
            };
            report.message = Some(err.message);
            ParsedFile {
                report,
                content: None,
            }
        }
        Ok((mut parsed, out)) => {
            let mut records = Records::default();
            if let Some(out) = out {
                parsed.records = out.count;
                parsed.noun = out.noun;
                parsed.detail = out.detail;
                parsed.warnings.extend(out.warnings);
                parsed.warnings.truncate(MAX_WARNINGS);
                parsed.warnings_total += out.warnings_total;
                records = out.records;
            }
            report.kind = parsed.kind;
            report.records = parsed.records;
            report.records_skipped = parsed.warnings_total;
            report.warnings = parsed.warnings;
            report.status = if report.records_skipped > 0 {
                FileStatus::Warning
            } else {
                FileStatus::Ok
            };
            let strings = (0..local.strings.len())
                .map(|i| local.strings.get(Sym(i as u32)).to_string())
                .collect();
            ParsedFile {
                report,
                content: Some(ParsedContent {
                    noun: parsed.noun.to_string(),
                    detail: parsed.detail,
                    strings,
                    events: local.events_unsorted,
                    event_ids: parsed.event_ids,
                    records,
                }),
            }
        }
    }
}

/// "CloudTrail log: 1,000 events (3 duplicates dropped, 1 skipped)".
fn summary(report: &FileReport, noun: &str, detail: Option<&str>) -> String {
    let mut text = format!(
        "{}: {} {}",
        report.kind.label(),
        thousands(report.records),
        plural(noun, report.records)
    );
    let mut notes: Vec<String> = detail.map(str::to_string).into_iter().collect();
    if report.duplicates > 0 {
        notes.push(format!(
            "{} duplicates dropped",
            thousands(report.duplicates)
        ));
    }
    if report.records_skipped > 0 {
        notes.push(format!("{} skipped", thousands(report.records_skipped)));
    }
    if !notes.is_empty() {
        text.push_str(&format!(" ({})", notes.join(", ")));
    }
    text
}

fn plural(noun: &str, count: u64) -> String {
    if count == 1 {
        return noun.to_string();
    }
    match noun.strip_suffix('y') {
        Some(stem) if !noun.ends_with("ey") => format!("{stem}ies"),
        _ if noun.ends_with('s') => format!("{noun}es"),
        _ => format!("{noun}s"),
    }
}

/// 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}
