//! The tags section: coverage of the tag policy over the inventory's tables and the history of
//! the required tags ([`crate::analysis::tags`]). The charts are drawn from the coverage when
//! the HTML is written, so the JSON holds the data once.

use serde::{Deserialize, Serialize};

use crate::analysis::inventory::{tag_snapshots, tagged_tables, Inventory};
use crate::analysis::tags::{
    changes_from_events, changes_from_snapshots, coverage, history, TagCoverage, TagHistoryEntry,
    TagPolicy,
};
use crate::model::Model;
use crate::report::settings::EventFilter;

/// Tag coverage and history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TagsSection {
    /// Coverage of `settings.tag_policy` over every table whose tags an export gave.
    pub coverage: TagCoverage,
    /// Tables of the inventory (within the filters, not deleted) whose tags no loaded export
    /// gives: left out of the coverage, whose shares would otherwise count them untagged.
    pub tables_without_tag_data: u64,
    /// Changes to the required tags, oldest first.
    pub history: Vec<TagHistoryEntry>,
}

impl Default for TagsSection {
    fn default() -> Self {
        TagsSection {
            coverage: coverage(&[], &TagPolicy::default()),
            tables_without_tag_data: 0,
            history: Vec::new(),
        }
    }
}

/// The section for `inventory`'s tables within the filters, against `policy`. Coverage is the
/// state as last seen, so only the filters' accounts and regions apply to it; the history's
/// entries are kept when their time, account and region are within the filters.
pub fn compute(
    model: &Model,
    inventory: &Inventory,
    policy: &TagPolicy,
    filter: &EventFilter,
) -> TagsSection {
    let tables: Vec<_> = tagged_tables(inventory)
        .into_iter()
        .filter(|t| filter.admits_scope(&t.account, &t.region))
        .collect();
    let in_scope = inventory
        .tables
        .iter()
        .filter(|t| !t.is_deleted() && filter.admits_scope(&t.account, &t.region))
        .count() as u64;
    let mut changes = changes_from_events(model);
    changes.extend(changes_from_snapshots(&tag_snapshots(model)));
    let history = history(&changes, policy)
        .into_iter()
        .filter(|h| {
            filter.admits_span(h.time_ms, h.time_ms) && filter.admits_scope(&h.account, &h.region)
        })
        .collect();
    TagsSection {
        coverage: coverage(&tables, policy),
        tables_without_tag_data: in_scope.saturating_sub(tables.len() as u64),
        history,
    }
}
