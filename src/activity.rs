//! The activity view's state: the filter, the worker's answers to it, the rows fetched so far and
//! the event whose JSON is open, as signals; and the requests that fill them.
//!
//! Every request carries an id and every answer repeats it. A query's id also names the rows
//! that belong to its filter: a new filter (or a new load) takes a new id, so answers still in
//! flight for the old one are dropped when they arrive, never shown. Rows come in blocks of
//! [`BLOCK_ROWS`], fetched as the list scrolls to them and forgotten when far away, so a million
//! events never live in the page.

use std::collections::{BTreeMap, BTreeSet};

use ddb_lens_core::analysis::activity::{
    ActivityRow, ActivitySummary, Filter, PrincipalSummary, TableSummary,
};
use leptos::prelude::*;

use crate::protocol::{Activity, Command, Summaries};

/// Rows per `rows` request.
pub const BLOCK_ROWS: u64 = 100;
/// Blocks kept at most; the farthest from the one asked for go first.
const KEPT_BLOCKS: usize = 40;

/// The answer to the current query, as the views read it.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryResult {
    pub summary: ActivitySummary,
    pub timeline_svg: String,
    /// The worker's time for the query and chart.
    pub elapsed_ms: f64,
}

/// The event shown in full.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordPanel {
    Closed,
    Loading(Box<ActivityRow>),
    Loaded(Box<ActivityRow>, String),
    Failed(Box<ActivityRow>, String),
}

impl RecordPanel {
    pub fn row(&self) -> Option<&ActivityRow> {
        match self {
            RecordPanel::Closed => None,
            RecordPanel::Loading(row)
            | RecordPanel::Loaded(row, _)
            | RecordPanel::Failed(row, _) => Some(row),
        }
    }
}

/// The activity view's signals. `Copy`, like [`crate::session::Session`] which owns it.
#[derive(Clone, Copy)]
pub struct ActivityState {
    pub filter: RwSignal<Filter>,
    /// The answer to the latest query; `None` until it arrives.
    pub result: RwSignal<Option<QueryResult>>,
    /// Events the current filter keeps, once known (from the query or a page of rows).
    pub total: RwSignal<Option<u64>>,
    /// Blocks of rows of the current filter, by block number.
    pub blocks: RwSignal<BTreeMap<u64, Vec<ActivityRow>>>,
    pub record: RwSignal<RecordPanel>,
    pub tables: RwSignal<Option<Vec<TableSummary>>>,
    pub principals: RwSignal<Option<Vec<PrincipalSummary>>>,
    /// The id of the current query (and of its rows).
    query_id: StoredValue<u64>,
    record_id: StoredValue<u64>,
    summaries_id: StoredValue<u64>,
    next_id: StoredValue<u64>,
    /// Blocks asked for under the current query id, answered or not.
    requested: StoredValue<BTreeSet<u64>>,
    /// Loads finished so far, and the load each answer belongs to: a view that opens after a
    /// load asks again only for what is stale.
    loads: StoredValue<u64>,
    query_load: StoredValue<Option<u64>>,
    summaries_load: StoredValue<Option<u64>>,
    /// Whether the activity view is shown (it asks for answers only then).
    pub shown: StoredValue<bool>,
}

impl Default for ActivityState {
    fn default() -> Self {
        ActivityState::new()
    }
}

impl ActivityState {
    pub fn new() -> ActivityState {
        ActivityState {
            filter: RwSignal::new(Filter::default()),
            result: RwSignal::new(None),
            total: RwSignal::new(None),
            blocks: RwSignal::new(BTreeMap::new()),
            record: RwSignal::new(RecordPanel::Closed),
            tables: RwSignal::new(None),
            principals: RwSignal::new(None),
            query_id: StoredValue::new(0),
            record_id: StoredValue::new(0),
            summaries_id: StoredValue::new(0),
            next_id: StoredValue::new(0),
            requested: StoredValue::new(BTreeSet::new()),
            loads: StoredValue::new(0),
            query_load: StoredValue::new(None),
            summaries_load: StoredValue::new(None),
            shown: StoredValue::new(false),
        }
    }

    fn new_id(self) -> u64 {
        let id = self.next_id.get_value() + 1;
        self.next_id.set_value(id);
        id
    }

    /// Changes the filter and asks for its answer.
    pub fn update_filter(self, send: impl Fn(&Command), change: impl FnOnce(&mut Filter)) {
        self.filter.update(change);
        self.run_query(send);
    }

    /// Asks for the current filter's summary and drops everything of the previous one.
    pub fn run_query(self, send: impl Fn(&Command)) {
        let id = self.new_id();
        self.query_id.set_value(id);
        self.query_load.set_value(Some(self.loads.get_value()));
        self.requested.update_value(BTreeSet::clear);
        self.blocks.set(BTreeMap::new());
        self.total.set(None);
        send(&Command::Query {
            id,
            filter: self.filter.get_untracked(),
        });
    }

    /// Asks for what the view shows and is stale: the query's answer and the summaries of the
    /// events loaded now.
    pub fn refresh(self, send: impl Fn(&Command)) {
        let loads = Some(self.loads.get_value());
        if self.query_load.get_value() != loads {
            self.run_query(&send);
        }
        if self.summaries_load.get_value() != loads {
            let id = self.new_id();
            self.summaries_id.set_value(id);
            self.summaries_load.set_value(loads);
            send(&Command::Summaries { id });
        }
    }

    /// Fetches the blocks that hold rows `first..=last` and are not asked for yet.
    pub fn want_rows(self, first: u64, last: u64, send: impl Fn(&Command)) {
        let id = self.query_id.get_value();
        for block in first / BLOCK_ROWS..=last / BLOCK_ROWS {
            if self.requested.with_value(|r| r.contains(&block)) {
                continue;
            }
            self.requested.update_value(|r| {
                r.insert(block);
            });
            send(&Command::Rows {
                id,
                filter: self.filter.get_untracked(),
                offset: block * BLOCK_ROWS,
                limit: BLOCK_ROWS,
            });
        }
    }

    /// The id answers to the current query (and its rows) must carry.
    pub fn query_id(self) -> u64 {
        self.query_id.get_value()
    }

    /// The id the answer to the last `record` request must carry.
    pub fn record_id(self) -> u64 {
        self.record_id.get_value()
    }

    /// Row `position` of the current filter, if fetched.
    pub fn row(self, position: u64) -> Option<ActivityRow> {
        self.blocks.with(|blocks| {
            blocks
                .get(&(position / BLOCK_ROWS))
                .and_then(|rows| rows.get((position % BLOCK_ROWS) as usize))
                .cloned()
        })
    }

    /// Opens an event's full JSON: asks the worker to read it again from its file.
    pub fn open_record(self, row: ActivityRow, send: impl Fn(&Command)) {
        let id = self.new_id();
        self.record_id.set_value(id);
        send(&Command::Record {
            id,
            file: row.file,
            record_index: row.record_index,
        });
        self.record.set(RecordPanel::Loading(Box::new(row)));
    }

    pub fn close_record(self) {
        self.record_id.set_value(0);
        self.record.set(RecordPanel::Closed);
    }

    /// A load finished: what was shown is stale.
    pub fn loaded(self) {
        self.loads.update_value(|n| *n += 1);
        self.close_record();
    }

    /// Everything was cleared.
    pub fn reset(self) {
        self.loaded();
        self.query_id.set_value(0);
        self.result.set(None);
        self.total.set(None);
        self.blocks.set(BTreeMap::new());
        self.requested.update_value(BTreeSet::clear);
        self.tables.set(None);
        self.principals.set(None);
        self.query_load.set_value(None);
        self.summaries_load.set_value(None);
    }

    /// A query's answer: kept if it answers the latest query.
    pub fn on_activity(self, activity: Activity) {
        if activity.id != self.query_id.get_value() {
            return;
        }
        self.total.set(Some(activity.summary.events));
        self.result.set(Some(QueryResult {
            summary: activity.summary,
            timeline_svg: activity.timeline_svg,
            elapsed_ms: activity.elapsed_ms,
        }));
    }

    /// A page of rows: kept if it belongs to the current query.
    pub fn on_rows(self, id: u64, offset: u64, total: u64, rows: Vec<ActivityRow>) {
        if id != self.query_id.get_value() {
            return;
        }
        let block = offset / BLOCK_ROWS;
        if self.total.get_untracked() != Some(total) {
            self.total.set(Some(total));
        }
        self.blocks.update(|blocks| {
            blocks.insert(block, rows);
            // Forget the blocks farthest from this one: scrolling far and back asks again.
            while blocks.len() > KEPT_BLOCKS {
                let farthest = blocks
                    .keys()
                    .copied()
                    .max_by_key(|&b| b.abs_diff(block))
                    .unwrap_or(block);
                blocks.remove(&farthest);
                self.requested.update_value(|r| {
                    r.remove(&farthest);
                });
            }
        });
    }

    pub fn on_record(self, id: u64, result: Result<String, String>) {
        if id != self.record_id.get_value() {
            return;
        }
        let Some(row) = self.record.with_untracked(|panel| panel.row().cloned()) else {
            return;
        };
        self.record.set(match result {
            Ok(json) => RecordPanel::Loaded(Box::new(row), json),
            Err(error) => RecordPanel::Failed(Box::new(row), error),
        });
    }

    pub fn on_summaries(self, summaries: Summaries) {
        if summaries.id != self.summaries_id.get_value() {
            return;
        }
        self.tables.set(Some(summaries.tables));
        self.principals.set(Some(summaries.principals));
    }
}
