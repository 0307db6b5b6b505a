//! Per-symbol memos for analyses that make one pass over every event.
//!
//! A million events carry a few hundred distinct event names, sources and table sets. Judging a
//! string (a binary search in the operation table, a match against a list of names, splitting
//! a table set) once per distinct symbol instead of once per event keeps a pass over a large
//! log close to the cost of reading the events.
//!
//! Memos are indexed by [`Sym`], so they are valid for one [`Model`] only.

use rustc_hash::FxHashMap;

use crate::analysis::operations::{classify, Plane, DAX_SOURCE, DYNAMODB_SOURCE, STREAMS_SOURCE};
use crate::model::{Event, Model, Sym};

/// A value computed once per symbol: `values[sym]` once judged.
pub(crate) struct SymMemo<T: Copy> {
    values: Vec<Option<T>>,
}

impl<T: Copy> SymMemo<T> {
    pub(crate) fn new(model: &Model) -> Self {
        SymMemo {
            values: vec![None; model.strings.len()],
        }
    }

    /// `judge(text of sym)`, computed on the first call for `sym` and remembered.
    #[inline]
    pub(crate) fn get(&mut self, model: &Model, sym: Sym, judge: impl FnOnce(&str) -> T) -> T {
        match self.values.get_mut(sym.0 as usize) {
            Some(Some(value)) => *value,
            Some(slot) => {
                let value = judge(model.str(sym));
                *slot = Some(value);
                value
            }
            // A symbol from another model: judged, never remembered.
            None => judge(model.str(sym)),
        }
    }
}

impl SymMemo<()> {
    /// Whether `sym` is seen for the first time; remembers it. A symbol from another model is
    /// always new.
    #[inline]
    pub(crate) fn first_sight(&mut self, sym: Sym) -> bool {
        match self.values.get_mut(sym.0 as usize) {
            Some(slot) => slot.replace(()).is_none(),
            None => true,
        }
    }
}

/// The services an analysis tells apart by `eventSource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    DynamoDb,
    Streams,
    Dax,
    Kms,
    CloudTrail,
    Other,
}

/// The eventSource of AWS KMS.
pub(crate) const KMS_SOURCE: &str = "kms.amazonaws.com";
/// The eventSource of CloudTrail's own API.
pub(crate) const CLOUDTRAIL_SOURCE: &str = "cloudtrail.amazonaws.com";

/// Source and plane of events, each judged once per symbol.
pub(crate) struct Classifier {
    sources: SymMemo<Source>,
    dynamodb: SymMemo<Option<Plane>>,
    streams: SymMemo<Option<Plane>>,
}

impl Classifier {
    pub(crate) fn new(model: &Model) -> Self {
        Classifier {
            sources: SymMemo::new(model),
            dynamodb: SymMemo::new(model),
            streams: SymMemo::new(model),
        }
    }

    #[inline]
    pub(crate) fn source(&mut self, model: &Model, event: &Event) -> Source {
        self.sources
            .get(model, event.event_source, |source| match source {
                DYNAMODB_SOURCE => Source::DynamoDb,
                STREAMS_SOURCE => Source::Streams,
                DAX_SOURCE => Source::Dax,
                KMS_SOURCE => Source::Kms,
                CLOUDTRAIL_SOURCE => Source::CloudTrail,
                _ => Source::Other,
            })
    }

    /// [`classify`] of the event, memoised by event name per source.
    #[inline]
    pub(crate) fn plane(&mut self, model: &Model, event: &Event) -> Option<Plane> {
        match self.source(model, event) {
            Source::DynamoDb => self.dynamodb.get(model, event.event_name, |name| {
                classify(DYNAMODB_SOURCE, name)
            }),
            Source::Streams => self.streams.get(model, event.event_name, |name| {
                classify(STREAMS_SOURCE, name)
            }),
            Source::Dax => Some(Plane::Dax),
            _ => None,
        }
    }
}

/// Table names numbered in order of first sight, and each table-set symbol split once.
pub(crate) struct TableIndex<'m> {
    pub(crate) names: Vec<&'m str>,
    by_name: FxHashMap<&'m str, u32>,
    /// For a table-set symbol, its range in `flat`.
    sets: SymMemo<(u32, u32)>,
    flat: Vec<u32>,
}

impl<'m> TableIndex<'m> {
    pub(crate) fn new(model: &'m Model) -> Self {
        TableIndex {
            names: Vec::new(),
            by_name: FxHashMap::default(),
            sets: SymMemo::new(model),
            flat: Vec::new(),
        }
    }

    /// The number of a table name, adding it if new.
    pub(crate) fn id(&mut self, name: &'m str) -> u32 {
        if let Some(&id) = self.by_name.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name);
        self.by_name.insert(name, id);
        id
    }

    /// The number of a table name already seen.
    pub(crate) fn lookup(&self, name: &str) -> Option<u32> {
        self.by_name.get(name).copied()
    }

    /// The numbers of the tables in the table set `set` (empty for [`Sym::EMPTY`]).
    #[inline]
    pub(crate) fn tables(&mut self, model: &'m Model, set: Sym) -> &[u32] {
        if set.is_empty() {
            return &[];
        }
        let (start, len) = match self.sets.values.get(set.0 as usize).copied().flatten() {
            Some(range) => range,
            None => {
                let start = self.flat.len() as u32;
                for name in crate::ingest::tables::split_tables(model.str(set)) {
                    let id = self.id(name);
                    if !self.flat[start as usize..].contains(&id) {
                        self.flat.push(id);
                    }
                }
                let range = (start, self.flat.len() as u32 - start);
                if let Some(slot) = self.sets.values.get_mut(set.0 as usize) {
                    *slot = Some(range);
                }
                range
            }
        };
        &self.flat[start as usize..(start + len) as usize]
    }
}

/// The order of every timeline in the analyses: time, then load order (source file, position
/// in it), so events at the same millisecond come out the same way on every run.
pub(crate) fn time_order(event: &Event) -> (i64, u32, u32) {
    (event.time_ms, event.file, event.record_index)
}

/// The evidence reference of an event, as the rules give theirs: a view reads its full JSON
/// again from its file.
pub(crate) fn event_ref(event: &Event) -> crate::rules::EventRef {
    crate::rules::EventRef {
        time_ms: event.time_ms,
        file: event.file,
        record_index: event.record_index,
    }
}
