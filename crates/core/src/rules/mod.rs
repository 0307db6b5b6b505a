//! Detections: a catalogue of rules over the loaded CloudTrail events, each finding what a
//! defender of DynamoDB wants to hear about (a table deleted, recovery switched off, data
//! leaving, logging blinded).
//!
//! Every rule is one file holding its metadata as data ([`RuleMeta`]: id, title, severity,
//! MITRE ATT&CK technique, remediation, references, the events it reads) and its documentation
//! as a `const DOC` with the headings `## What it does`, `## Why is this bad?`, `## Example`
//! and `## References`, so the page, the report and `docs/rules.md` ([`catalogue_markdown`])
//! all render it from one place. [`registry::RULES`] is the one list of rules.
//!
//! [`run_all`] reads the events once: each rule names the event sources and names it reads
//! ([`Select`]), resolved to symbols up front, so a million events cost one pass of integer
//! compares; only a rule's candidate events (usually a handful) have their request parameters
//! parsed ([`crate::model::Model::detail_json`]).
//!
//! ```
//! use ddb_lens_core::{rules, Limits, Loader};
//! let mut loader = Loader::new(Limits::default());
//! loader.ingest(
//!     "one.json",
//!     br#"{"Records":[{"eventVersion":"1.08","eventTime":"2026-01-02T03:04:05Z",
//!         "eventSource":"dynamodb.amazonaws.com","eventName":"DeleteTable","awsRegion":"eu-west-1",
//!         "userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/ana"},
//!         "requestParameters":{"tableName":"Orders"},
//!         "eventID":"11111111-2222-3333-4444-555555555555","recipientAccountId":"111122223333"}]}"#,
//! );
//! let findings = rules::run_all(loader.model());
//! assert_eq!(findings.len(), 1);
//! assert_eq!(findings[0].rule_id, "ddb-table-deleted");
//! assert_eq!(findings[0].tables, ["Orders"]);
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

use crate::analysis::tags::TagPolicy;
use crate::model::{Event, Model, Sym};
use crate::time::format_iso_ms;

mod catalogue;
mod params;
mod policy;
pub mod registry;

mod access_denied_burst;
mod backup_deleted;
mod cloudtrail_data_events_dropped;
mod cloudtrail_logging_stopped;
mod cloudtrail_trail_deleted;
mod cloudtrail_trail_updated;
mod config_delivery_channel_deleted;
mod config_recorder_stopped;
mod config_rule_deleted;
mod deletion_protection_disabled;
mod export_to_other_account;
mod first_export_by_principal;
mod first_scan_by_principal;
mod kinesis_destination_disabled;
mod kms_table_key;
mod kms_table_key_deletion_scheduled;
mod kms_table_key_disabled;
mod kms_table_key_grant_revoked;
mod kms_table_key_policy_changed;
mod pitr_disabled;
mod required_tag_removed;
mod resource_policy_changed;
mod resource_policy_grants_external;
mod root_user_activity;
mod stream_disabled;
mod table_deleted;
mod table_exported;
mod table_restored;
mod ttl_changed;

pub use catalogue::{catalogue_markdown, REQUIRED_HEADINGS};
pub use registry::RULES;

/// How urgent a finding is. Sorted most severe first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    #[default]
    Info,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Severity::Critical => "Critical",
            Severity::High => "High",
            Severity::Medium => "Medium",
            Severity::Low => "Low",
            Severity::Info => "Info",
        }
    }
}

/// A MITRE ATT&CK (Enterprise) technique or sub-technique.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Technique {
    /// `T1485` or `T1562.008`.
    pub id: &'static str,
    pub name: &'static str,
}

impl Technique {
    /// `https://attack.mitre.org/techniques/T1562/008/`.
    pub fn url(&self) -> String {
        format!(
            "https://attack.mitre.org/techniques/{}/",
            self.id.replace('.', "/")
        )
    }
}

/// Whether a rule reads calls that succeeded, failed (an `errorCode`), or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Any,
    /// No errorCode: the change happened. Most rules: a denied DeleteTable deleted nothing.
    Succeeded,
    Failed,
}

/// The events a rule reads, as cheap symbol tests done once per event in [`run_all`]'s pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Select {
    /// eventSource values, e.g. `dynamodb.amazonaws.com`.
    pub sources: &'static [&'static str],
    /// eventName values; empty: any name.
    pub names: &'static [&'static str],
    pub outcome: Outcome,
    /// userIdentity.type values; empty: any.
    pub identity_types: &'static [&'static str],
}

impl Select {
    /// Successful calls named `names` to `source`.
    pub const fn succeeded(
        source: &'static [&'static str],
        names: &'static [&'static str],
    ) -> Self {
        Select {
            sources: source,
            names,
            outcome: Outcome::Succeeded,
            identity_types: &[],
        }
    }
}

/// A rule's metadata: everything the catalogue, the page and the report show about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleMeta {
    /// Stable id, also the rule's fixture folder: `ddb-table-deleted`.
    pub id: &'static str,
    /// What a finding means, as a statement: "DynamoDB table deleted".
    pub title: &'static str,
    pub severity: Severity,
    pub technique: Option<Technique>,
    /// What to do when it fires, in a sentence or two.
    pub remediation: &'static str,
    /// Where to read more (AWS documentation first).
    pub references: &'static [&'static str],
    /// The rule's documentation in Markdown: `## What it does`, `## Why is this bad?`,
    /// `## Example`, optionally `## Known problems`, and `## References` last (the renderer
    /// lists [`RuleMeta::references`] under it).
    pub doc: &'static str,
    pub select: Select,
}

/// One rule: its metadata and the function that turns its candidate events into findings.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub meta: RuleMeta,
    /// Gets the events [`RuleMeta::select`] picked, in load order.
    pub run: fn(&Context<'_>, &[&Event]) -> Vec<Finding>,
}

/// Knobs some rules take; the page may change them (the tags page sets the required keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSettings {
    /// The tag policy whose keys must not be removed from DynamoDB tables: the tags page's
    /// policy, so a key counts as it does there (case-sensitive unless the policy says not).
    pub required_tags: TagPolicy,
    /// A burst of AccessDenied is at least this many denied DynamoDB calls by one principal...
    pub denied_burst_count: u32,
    /// ...within this many milliseconds.
    pub denied_burst_window_ms: i64,
    /// "First time" rules (first Scan, first export) treat this long a start of the loaded
    /// logs as the baseline of what principals normally do.
    pub baseline_ms: i64,
}

impl Default for RuleSettings {
    fn default() -> Self {
        RuleSettings {
            required_tags: TagPolicy::default(),
            denied_burst_count: 10,
            denied_burst_window_ms: 5 * 60 * 1000,
            baseline_ms: 24 * 3600 * 1000,
        }
    }
}

/// Where an evidence event is: enough for a view to read its full JSON again from its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EventRef {
    pub time_ms: i64,
    /// Index into [`Model::files`].
    pub file: u32,
    pub record_index: u32,
}

/// Evidence refs kept per finding; [`Finding::count`] counts them all.
pub const MAX_EVIDENCE: usize = 1000;

/// What a rule found: a group of events (by table, principal or resource, as the rule says).
///
/// Every string here except `rule_id`, `severity` and `title` comes from the loaded files and
/// is hostile: escape it wherever it is rendered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: String,
    pub severity: Severity,
    /// The rule's title.
    pub title: String,
    /// One sentence on this finding: what, where, by whom, when.
    pub summary: String,
    /// Events behind the finding.
    pub count: u64,
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
    /// Acting principals (ARNs as CloudTrail gives them), sorted.
    pub principals: Vec<String>,
    /// DynamoDB tables concerned, sorted.
    pub tables: Vec<String>,
    /// Other resources concerned (trails, KMS keys, recorders, buckets, backups), sorted.
    pub resources: Vec<String>,
    /// Accounts the events were recorded in, sorted.
    pub accounts: Vec<String>,
    /// Regions the events were recorded in, sorted.
    pub regions: Vec<String>,
    /// The events, earliest first, at most [`MAX_EVIDENCE`] of them.
    pub evidence: Vec<EventRef>,
}

/// Read-only facts every rule may use, computed in [`run_all`]'s pass.
pub struct Context<'m> {
    pub model: &'m Model,
    pub settings: &'m RuleSettings,
    /// Earliest and latest event time of any kind in the model (0 when there are none).
    pub first_event_ms: i64,
    pub last_event_ms: i64,
    /// KMS keys seen protecting DynamoDB tables, by key id (see [`key_id`]): from KMS events
    /// whose encryption context names a table, and from the `sSEDescription` of CreateTable,
    /// UpdateTable and restore responses.
    pub table_keys: BTreeMap<String, BTreeSet<String>>,
}

impl<'m> Context<'m> {
    /// The request and response of a notable event, parsed on demand; `Null`s when absent.
    pub fn detail(&self, event: &Event) -> params::Detail {
        params::Detail::of(self.model, event)
    }

    /// An accumulator of evidence bound to this model.
    pub fn group(&self) -> Group<'m> {
        Group::new(self.model)
    }

    /// The tables a KMS key protects, if it is known to protect any.
    pub fn tables_of_key(&self, key: &str) -> Option<&BTreeSet<String>> {
        self.table_keys.get(key_id(key)).filter(|t| !t.is_empty())
    }
}

/// The comparable part of a KMS key reference: the key id of a key ARN
/// (`arn:aws:kms:r:a:key/ID` → `ID`), or the text itself (a bare key id; aliases stay aliases:
/// resolving them needs inventory the events do not carry).
pub fn key_id(key: &str) -> &str {
    match key.find(":key/") {
        Some(at) if key.starts_with("arn:") => &key[at + 5..],
        _ => key,
    }
}

/// The end of the baseline of the "first time" rules: the earliest loaded event plus
/// [`RuleSettings::baseline_ms`].
pub fn baseline_end(cx: &Context<'_>) -> i64 {
    cx.first_event_ms.saturating_add(cx.settings.baseline_ms)
}

/// Every rule over `model` with the default settings.
pub fn run_all(model: &Model) -> Vec<Finding> {
    run_all_with(model, &RuleSettings::default())
}

/// Every rule over `model` with `settings`.
pub fn run_all_with(model: &Model, settings: &RuleSettings) -> Vec<Finding> {
    run_rules(model, settings, RULES)
}

/// A rule's [`Select`] as symbols of this model.
struct Compiled {
    sources: Vec<Sym>,
    outcome: Outcome,
    identity_types: Vec<Sym>,
}

impl Compiled {
    fn accepts(&self, e: &Event) -> bool {
        self.sources.contains(&e.event_source)
            && match self.outcome {
                Outcome::Any => true,
                Outcome::Succeeded => e.error_code.is_empty(),
                Outcome::Failed => !e.error_code.is_empty(),
            }
            && (self.identity_types.is_empty() || self.identity_types.contains(&e.identity_type))
    }
}

/// `rules` over `model`, findings sorted by severity, rule id, first seen, then the rest.
///
/// One pass over the events: each event name symbol maps to a bit set of the rules that read
/// it (rules that read any name are checked apart), so the per-event cost is a table lookup and
/// a few integer compares, whatever the number of rules.
pub fn run_rules(model: &Model, settings: &RuleSettings, rules: &[Rule]) -> Vec<Finding> {
    const BITS: usize = u128::BITS as usize;
    if rules.len() > BITS {
        // More rules than the bit set holds: a pass per 128 rules.
        let mut findings: Vec<Finding> = rules
            .chunks(BITS)
            .flat_map(|chunk| run_rules(model, settings, chunk))
            .collect();
        findings.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
        return findings;
    }
    let lookup = |text: &str| model.strings.lookup(text);
    let mut by_name: Vec<u128> = Vec::new();
    let mut any_name: Vec<usize> = Vec::new();
    let mut compiled: Vec<Option<Compiled>> = Vec::with_capacity(rules.len());
    for (index, rule) in rules.iter().enumerate() {
        let select = &rule.meta.select;
        let sources: Vec<Sym> = select.sources.iter().filter_map(|s| lookup(s)).collect();
        let names: Vec<Sym> = select.names.iter().filter_map(|s| lookup(s)).collect();
        let identity_types: Vec<Sym> = select
            .identity_types
            .iter()
            .filter_map(|s| lookup(s))
            .collect();
        // A rule whose sources, names or identity types never occur in this model has nothing
        // to read (and an empty list must not then mean "any").
        if sources.is_empty()
            || (!select.names.is_empty() && names.is_empty())
            || (!select.identity_types.is_empty() && identity_types.is_empty())
        {
            compiled.push(None);
            continue;
        }
        if select.names.is_empty() {
            any_name.push(index);
        }
        for name in names {
            let slot = name.0 as usize;
            if by_name.len() <= slot {
                by_name.resize(slot + 1, 0);
            }
            by_name[slot] |= 1u128 << index;
        }
        compiled.push(Some(Compiled {
            sources,
            outcome: select.outcome,
            identity_types,
        }));
    }

    let kms = lookup("kms.amazonaws.com");
    let dynamodb = lookup("dynamodb.amazonaws.com");
    let sse_names: Vec<Sym> = [
        "CreateTable",
        "UpdateTable",
        "RestoreTableFromBackup",
        "RestoreTableToPointInTime",
    ]
    .iter()
    .filter_map(|s| lookup(s))
    .collect();

    let mut candidates: Vec<Vec<&Event>> = vec![Vec::new(); rules.len()];
    let (mut first, mut last) = (i64::MAX, i64::MIN);
    let mut key_tables: FxHashSet<(Sym, Sym)> = FxHashSet::default();
    let mut last_pair = (Sym::EMPTY, Sym::EMPTY);
    let mut sse_events: Vec<&Event> = Vec::new();
    for e in &model.events_unsorted {
        first = first.min(e.time_ms);
        last = last.max(e.time_ms);
        if Some(e.event_source) == kms && !e.table.is_empty() && !e.key.is_empty() {
            // DynamoDB's KMS calls come in runs for the same key and table: skip the hash
            // when the pair repeats.
            let pair = (e.key, e.table);
            if pair != last_pair {
                key_tables.insert(pair);
                last_pair = pair;
            }
        } else if Some(e.event_source) == dynamodb
            && e.error_code.is_empty()
            && sse_names.contains(&e.event_name)
        {
            sse_events.push(e);
        }
        let mut mask = by_name.get(e.event_name.0 as usize).copied().unwrap_or(0);
        while mask != 0 {
            let index = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            if compiled[index].as_ref().is_some_and(|c| c.accepts(e)) {
                candidates[index].push(e);
            }
        }
        for &index in &any_name {
            if compiled[index].as_ref().is_some_and(|c| c.accepts(e)) {
                candidates[index].push(e);
            }
        }
    }
    if first > last {
        (first, last) = (0, 0);
    }

    let mut table_keys: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (key, tables) in key_tables {
        let entry = table_keys
            .entry(key_id(model.str(key)).to_string())
            .or_default();
        entry.extend(crate::ingest::tables::split_tables(model.str(tables)).map(String::from));
    }
    for e in sse_events {
        let detail = params::Detail::of(model, e);
        let description = detail.response().field("tableDescription");
        let key = description
            .at(&["sSEDescription", "kMSMasterKeyArn"])
            .text()
            .or_else(|| {
                detail
                    .request()
                    .at(&["sSESpecification", "kMSMasterKeyId"])
                    .text()
            });
        let Some(key) = key.filter(|k| !k.is_empty()) else {
            continue;
        };
        let table = description.field("tableName").text().unwrap_or_default();
        let entry = table_keys.entry(key_id(key).to_string()).or_default();
        if table.is_empty() {
            entry.extend(model.tables(e).map(String::from));
        } else {
            entry.insert(table.to_string());
        }
    }

    let cx = Context {
        model,
        settings,
        first_event_ms: first,
        last_event_ms: last,
        table_keys,
    };
    let mut findings: Vec<Finding> = rules
        .iter()
        .zip(&candidates)
        .filter(|(_, events)| !events.is_empty())
        .flat_map(|(rule, events)| (rule.run)(&cx, events))
        .collect();
    findings.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    findings
}

#[allow(clippy::type_complexity)]
fn sort_key(
    f: &Finding,
) -> (
    Severity,
    &str,
    i64,
    &[String],
    &[String],
    &[String],
    i64,
    u64,
    &str,
) {
    (
        f.severity,
        &f.rule_id,
        f.first_seen_ms,
        &f.tables,
        &f.principals,
        &f.resources,
        f.last_seen_ms,
        f.count,
        &f.summary,
    )
}

/// Collects the events of one finding and what they name; [`Group::finish`] makes the finding.
pub struct Group<'m> {
    model: &'m Model,
    refs: Vec<EventRef>,
    first_ms: i64,
    last_ms: i64,
    principals: BTreeSet<&'m str>,
    tables: BTreeSet<String>,
    resources: BTreeSet<String>,
    accounts: BTreeSet<&'m str>,
    regions: BTreeSet<&'m str>,
}

impl<'m> Group<'m> {
    pub fn new(model: &'m Model) -> Self {
        Group {
            model,
            refs: Vec::new(),
            first_ms: i64::MAX,
            last_ms: i64::MIN,
            principals: BTreeSet::new(),
            tables: BTreeSet::new(),
            resources: BTreeSet::new(),
            accounts: BTreeSet::new(),
            regions: BTreeSet::new(),
        }
    }

    /// Adds an event with its principal, account and the tables it names.
    pub fn add(&mut self, e: &Event) {
        self.add_event_only(e);
        self.tables.extend(self.model.tables(e).map(String::from));
    }

    /// Adds an event with its principal and account, not its tables (for rules that name the
    /// tables themselves).
    pub fn add_event_only(&mut self, e: &Event) {
        self.refs.push(EventRef {
            time_ms: e.time_ms,
            file: e.file,
            record_index: e.record_index,
        });
        self.first_ms = self.first_ms.min(e.time_ms);
        self.last_ms = self.last_ms.max(e.time_ms);
        let principal = self.model.str(e.principal);
        if !principal.is_empty() {
            self.principals.insert(principal);
        }
        let account = self.model.str(e.account);
        if !account.is_empty() {
            self.accounts.insert(account);
        }
        let region = self.model.str(e.region);
        if !region.is_empty() {
            self.regions.insert(region);
        }
    }

    pub fn add_table(&mut self, table: &str) {
        if !table.is_empty() {
            self.tables.insert(table.to_string());
        }
    }

    pub fn add_resource(&mut self, resource: &str) {
        if !resource.is_empty() {
            self.resources.insert(resource.to_string());
        }
    }

    pub fn count(&self) -> u64 {
        self.refs.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.refs.is_empty()
    }

    pub fn tables(&self) -> &BTreeSet<String> {
        &self.tables
    }

    pub fn resources(&self) -> &BTreeSet<String> {
        &self.resources
    }

    /// "Orders" or "Orders, Payments" or "an unknown table".
    pub fn tables_text(&self) -> String {
        list_text(self.tables.iter().map(String::as_str), "an unknown table")
    }

    pub fn resources_text(&self, none: &str) -> String {
        list_text(self.resources.iter().map(String::as_str), none)
    }

    /// "by arn:…/ana" or "by 3 principals (arn:…/ana, …)" or "by an unknown principal".
    pub fn by_whom(&self) -> String {
        match self.principals.len() {
            0 => "by an unknown principal".into(),
            1 => format!(
                "by {}",
                self.principals.iter().next().copied().unwrap_or("")
            ),
            n => format!(
                "by {n} principals ({})",
                list_text(self.principals.iter().copied(), "")
            ),
        }
    }

    /// "at 2026-03-02T10:00:00Z" or "3 times between … and …".
    pub fn when(&self) -> String {
        let first = format_iso_ms(self.first_ms);
        match self.refs.len() {
            0 => String::new(),
            1 => format!("at {first}"),
            n if self.first_ms == self.last_ms => format!("{n} times at {first}"),
            n => format!(
                "{n} times between {first} and {}",
                format_iso_ms(self.last_ms)
            ),
        }
    }

    /// "at 2026-03-02T10:00:00Z" or "between … and …", for sentences that give the count
    /// themselves.
    pub fn span(&self) -> String {
        let first = format_iso_ms(self.first_ms);
        if self.refs.is_empty() {
            String::new()
        } else if self.first_ms == self.last_ms {
            format!("at {first}")
        } else {
            format!("between {first} and {}", format_iso_ms(self.last_ms))
        }
    }

    /// The finding, evidence sorted earliest first and capped at [`MAX_EVIDENCE`].
    pub fn finish(mut self, meta: &RuleMeta, summary: String) -> Finding {
        self.refs.sort_unstable();
        let count = self.refs.len() as u64;
        self.refs.truncate(MAX_EVIDENCE);
        let (first, last) = if self.refs.is_empty() {
            (0, 0)
        } else {
            (self.first_ms, self.last_ms)
        };
        Finding {
            rule_id: meta.id.to_string(),
            severity: meta.severity,
            title: meta.title.to_string(),
            summary,
            count,
            first_seen_ms: first,
            last_seen_ms: last,
            principals: self.principals.into_iter().map(String::from).collect(),
            tables: self.tables.into_iter().collect(),
            resources: self.resources.into_iter().collect(),
            accounts: self.accounts.into_iter().map(String::from).collect(),
            regions: self.regions.into_iter().map(String::from).collect(),
            evidence: self.refs,
        }
    }
}

/// "a", "a and b", "a, b and c"; the first five then "and N more"; `none` when empty.
pub fn list_text<'a>(items: impl Iterator<Item = &'a str>, none: &str) -> String {
    let items: Vec<&str> = items.collect();
    const SHOWN: usize = 5;
    match items.len() {
        0 => none.to_string(),
        1 => items[0].to_string(),
        n if n <= SHOWN => format!("{} and {}", items[..n - 1].join(", "), items[n - 1]),
        n => {
            let mut text = items[..SHOWN].join(", ");
            let _ = write!(text, " and {} more", n - SHOWN);
            text
        }
    }
}

/// Groups `events` by a key, one [`Group`] per key, each event added with [`Group::add`].
pub fn group_by<'m, K: Ord>(
    cx: &Context<'m>,
    events: &[&Event],
    mut key: impl FnMut(&Event) -> K,
) -> BTreeMap<K, Group<'m>> {
    let mut groups: BTreeMap<K, Group<'m>> = BTreeMap::new();
    for e in events {
        groups.entry(key(e)).or_insert_with(|| cx.group()).add(e);
    }
    groups
}

/// What per-table findings are grouped by: account, region and the event's table set, so
/// tables of the same name in two accounts or regions stay apart.
pub type TableKey = (Sym, Sym, Sym);

pub fn table_key(e: &Event) -> TableKey {
    (e.account, e.region, e.table)
}

/// For the simplest rules: one finding per table set the events name, with `what` as the
/// sentence's verb phrase: "Table Orders was deleted by … at …".
pub fn per_table(cx: &Context<'_>, meta: &RuleMeta, events: &[&Event], what: &str) -> Vec<Finding> {
    group_by(cx, events, table_key)
        .into_values()
        .map(|g| {
            let summary = format!(
                "Table {} {what} {} {}.",
                g.tables_text(),
                g.by_whom(),
                g.when()
            );
            g.finish(meta, summary)
        })
        .collect()
}

/// For rules on named resources (trails, recorders, rules): one finding per resource named by
/// the first of `fields` present in the request (ARNs and bare names of the same resource
/// together), with the sentence "{noun} {name} was {verb(event name)} by … at …", the verbs in
/// the order they first happened.
pub fn per_resource(
    cx: &Context<'_>,
    meta: &RuleMeta,
    events: &[&Event],
    fields: &[&str],
    noun: &str,
    verb: fn(&str) -> &'static str,
) -> Vec<Finding> {
    let mut sorted = events.to_vec();
    sorted.sort_by_key(|e| (e.time_ms, e.file, e.record_index));
    let mut groups: BTreeMap<String, (Group<'_>, Vec<&'static str>)> = BTreeMap::new();
    for e in sorted {
        let detail = cx.detail(e);
        let request = detail.request();
        let name = fields
            .iter()
            .find_map(|f| request.field(f).text().filter(|t| !t.is_empty()))
            .unwrap_or_default();
        let (group, verbs) = groups
            .entry(params::short_name(name).to_string())
            .or_insert_with(|| (cx.group(), Vec::new()));
        group.add(e);
        group.add_resource(name);
        let done = verb(cx.model.str(e.event_name));
        if !verbs.contains(&done) {
            verbs.push(done);
        }
    }
    groups
        .into_iter()
        .map(|(name, (g, verbs))| {
            let name = if name.is_empty() {
                "(name not recorded)".to_string()
            } else {
                name
            };
            let summary = format!(
                "{noun} {name} was {} {} {}.",
                list_text(verbs.into_iter(), "changed"),
                g.by_whom(),
                g.when()
            );
            g.finish(meta, summary)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ids_compare_arns_and_bare_ids() {
        let id = "1234abcd-12ab-34cd-56ef-1234567890ab";
        assert_eq!(
            key_id(&format!("arn:aws:kms:eu-west-1:111122223333:key/{id}")),
            id
        );
        assert_eq!(key_id(id), id);
        assert_eq!(key_id("alias/orders"), "alias/orders");
        assert_eq!(
            key_id("arn:aws:kms:eu-west-1:111122223333:alias/orders"),
            "arn:aws:kms:eu-west-1:111122223333:alias/orders"
        );
    }

    #[test]
    fn lists_read_as_sentences() {
        let text = |items: &[&str]| list_text(items.iter().copied(), "none");
        assert_eq!(text(&[]), "none");
        assert_eq!(text(&["a"]), "a");
        assert_eq!(text(&["a", "b", "c"]), "a, b and c");
        assert_eq!(
            text(&["a", "b", "c", "d", "e", "f", "g"]),
            "a, b, c, d, e and 2 more"
        );
    }

    #[test]
    fn techniques_link_to_attack() {
        let t = Technique {
            id: "T1562.008",
            name: "Impair Defenses: Disable or Modify Cloud Logs",
        };
        assert_eq!(t.url(), "https://attack.mitre.org/techniques/T1562/008/");
    }

    #[test]
    fn more_rules_than_the_bit_set_holds_still_all_run() {
        let mut loader = crate::Loader::new(crate::Limits::default());
        loader.ingest(
            "t.json",
            br#"{"Records":[{"eventTime":"2026-01-02T03:04:05Z","eventSource":"dynamodb.amazonaws.com",
                "eventName":"DeleteTable","requestParameters":{"tableName":"Orders"},
                "eventID":"11111111-2222-3333-4444-555555555555"}]}"#,
        );
        let many: Vec<Rule> = std::iter::repeat_n(registry::rule("ddb-table-deleted"), 130)
            .flatten()
            .copied()
            .collect();
        let findings = run_rules(loader.model(), &RuleSettings::default(), &many);
        assert_eq!(findings.len(), 130);
    }

    #[test]
    fn an_empty_model_gives_nothing() {
        assert!(run_all(&Model::default()).is_empty());
    }
}
