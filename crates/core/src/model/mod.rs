//! The normalised model: compact events whose strings live once in an [`Interner`].
//!
//! Nothing here keeps raw JSON. The other exports' records (tables, Config items, rules, Lambda
//! triggers, KMS keys) are in [`inventory`]. An event is a few integers; its full record can be read again from
//! its source file through [`Event::file`] and [`Event::record_index`] when a view needs it.

mod interner;
pub mod inventory;

pub use interner::{Interner, Sym};

use rustc_hash::FxHashMap;

/// Tri-state for CloudTrail flags that arrive as booleans, as the strings "true"/"false", or not
/// at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Flag {
    #[default]
    Missing,
    False,
    True,
}

/// One CloudTrail event, normalised. Every string field is a [`Sym`]; [`Sym::EMPTY`] means absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// Event time, milliseconds since the Unix epoch (UTC).
    pub time_ms: i64,
    pub event_source: Sym,
    pub event_name: Sym,
    pub region: Sym,
    /// recipientAccountId, else userIdentity.accountId.
    pub account: Sym,
    /// The acting principal: userIdentity.arn, else invokedBy, else principalId, else type.
    pub principal: Sym,
    /// userIdentity.type (IAMUser, AssumedRole, AWSService, Root, ...).
    pub identity_type: Sym,
    /// userIdentity.invokedBy (e.g. dynamodb.amazonaws.com), the service acting for the principal.
    pub invoked_by: Sym,
    /// sourceIPAddress: an IP, or a service name such as dynamodb.amazonaws.com.
    pub source_ip: Sym,
    pub user_agent: Sym,
    pub error_code: Sym,
    /// eventType (AwsApiCall, AwsServiceEvent, AwsConsoleSignIn, AwsCloudTrailInsight, ...).
    pub event_type: Sym,
    /// The DynamoDB tables the event touches, as one symbol for the sorted set (read it with
    /// [`Model::tables`]); empty when ingest found none. See [`crate::ingest::tables`].
    pub table: Sym,
    /// For kms.amazonaws.com events, the KMS key as the event names it (the key ARN from
    /// `resources[]`, else `requestParameters.keyId` as written); empty otherwise.
    pub key: Sym,
    /// For notable events (see [`crate::ingest::detail`]), the JSON text
    /// `{"requestParameters":…,"responseElements":…,"errorMessage":…}`; empty for the bulk
    /// (data-plane reads and writes, KMS cryptographic calls). Read it with
    /// [`Model::detail_json`].
    pub detail: Sym,
    pub read_only: Flag,
    pub management_event: Flag,
    /// Index of the source file in [`Model::files`].
    pub file: u32,
    /// Position of the record within its source file, to read its full JSON again on demand.
    pub record_index: u32,
}

impl Event {
    /// This event with its symbols translated through `remap` (a file's own string table to
    /// the shared one) and its file index set.
    pub fn remapped(&self, remap: &[Sym], file: u32) -> Event {
        let m = |sym: Sym| remap[sym.0 as usize];
        Event {
            event_source: m(self.event_source),
            event_name: m(self.event_name),
            region: m(self.region),
            account: m(self.account),
            principal: m(self.principal),
            identity_type: m(self.identity_type),
            invoked_by: m(self.invoked_by),
            source_ip: m(self.source_ip),
            user_agent: m(self.user_agent),
            error_code: m(self.error_code),
            event_type: m(self.event_type),
            table: m(self.table),
            key: m(self.key),
            detail: m(self.detail),
            file,
            ..*self
        }
    }
}

/// Everything loaded so far: the events and the strings they point to.
#[derive(Debug, Default)]
pub struct Model {
    pub strings: Interner,
    /// Events in load order (not sorted by time: CloudTrail files are not either).
    pub events_unsorted: Vec<Event>,
    /// Source file names, indexed by [`Event::file`] and [`inventory::Source::file`].
    pub files: Vec<String>,
    /// What each file in [`Model::files`] was recognised as.
    pub file_kinds: Vec<crate::ingest::FileKind>,
    /// Everything the non-CloudTrail exports said, in file order (see [`inventory`]).
    pub records: inventory::Records,
    /// The eventID key ([`crate::ingest::cloudtrail::event_id_key`]) of each notable event
    /// (one that keeps its detail) → its index in `events_unsorted`. Config items name the
    /// CloudTrail calls behind them by eventID; only notable events can be such calls, and
    /// they are few, so the index costs little where a key per event would cost 16 bytes each.
    pub notable_event_ids: FxHashMap<u128, u32>,
}

impl Model {
    /// The text of a symbol.
    pub fn str(&self, sym: Sym) -> &str {
        self.strings.get(sym)
    }

    /// The request, response and error message kept for a notable event, parsed on demand;
    /// `None` for events whose detail is not kept. Parse per candidate event, never for all.
    pub fn detail_json(&self, event: &Event) -> Option<serde_json::Value> {
        if event.detail.is_empty() {
            return None;
        }
        serde_json::from_str(self.str(event.detail)).ok()
    }

    /// The notable event (see [`Model::notable_event_ids`]) with this eventID, if loaded.
    pub fn event_by_id(&self, event_id: &str) -> Option<&Event> {
        let key = crate::ingest::cloudtrail::event_id_key(event_id.trim());
        let index = *self.notable_event_ids.get(&key)?;
        self.events_unsorted.get(index as usize)
    }

    /// The DynamoDB tables `event` touches, in name order (none: "unknown table").
    pub fn tables(&self, event: &Event) -> impl Iterator<Item = &str> {
        crate::ingest::tables::split_tables(self.str(event.table))
    }
}
