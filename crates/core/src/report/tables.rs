//! The tables section: the merged inventory ([`crate::analysis::inventory`]), one row per
//! table, each field with the file that said it and when.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analysis::inventory::{EncryptionState, Inventory, SourceRef, Sourced, TableRow};
use crate::model::inventory::{
    BackupProtection, KinesisDestination, Replica, ScalingTarget, StreamSetting, TtlSetting,
};
use crate::report::settings::EventFilter;

/// An inventory row as the report holds it: [`TableRow`] with its CloudTrail files counted
/// rather than listed (a busy table is named by most of a month's log files; the manifest
/// lists them all).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableEntry {
    /// Empty when no source told it.
    pub account: String,
    /// Empty when no source told it.
    pub region: String,
    pub name: String,
    pub arn: Option<Sourced<String>>,
    pub status: Option<Sourced<String>>,
    pub billing_mode: Option<Sourced<String>>,
    pub encryption: Option<Sourced<EncryptionState>>,
    pub pitr: Option<Sourced<bool>>,
    pub deletion_protection: Option<Sourced<bool>>,
    pub stream: Option<Sourced<StreamSetting>>,
    pub ttl: Option<Sourced<TtlSetting>>,
    pub replicas: Option<Sourced<Vec<Replica>>>,
    pub tags: Option<Sourced<BTreeMap<String, String>>>,
    pub kinesis_destinations: Option<Sourced<Vec<KinesisDestination>>>,
    pub resource_policy: Option<Sourced<String>>,
    pub item_count: Option<Sourced<u64>>,
    pub size_bytes: Option<Sourced<u64>>,
    pub created_ms: Option<Sourced<i64>>,
    pub autoscaling: Option<Sourced<Vec<ScalingTarget>>>,
    pub backup: Option<Sourced<BackupProtection>>,
    /// CloudTrail events that name the table.
    pub cloudtrail_events: u64,
    /// CloudTrail files holding those events.
    pub cloudtrail_files: u64,
    /// AWS Config items for the table.
    pub config_items: u64,
    /// Every file other than CloudTrail's that mentions the table, sorted by name.
    pub sources: Vec<SourceRef>,
}

impl TableEntry {
    /// The latest status says the table was deleted.
    pub fn is_deleted(&self) -> bool {
        self.status.as_ref().is_some_and(|s| s.value == "DELETED")
    }
}

/// The rows of `inventory` whose account and region the filters admit (an unknown account or
/// region is admitted), and its notes.
pub fn compute(inventory: Inventory, filter: &EventFilter) -> (Vec<TableEntry>, Vec<String>) {
    let rows = inventory
        .tables
        .into_iter()
        .filter(|t| filter.admits_scope(&t.account, &t.region))
        .map(entry)
        .collect();
    (rows, inventory.notes)
}

fn entry(row: TableRow) -> TableEntry {
    // Every field named, so a field added to the inventory stops this compiling until the
    // report carries it too.
    let TableRow {
        account,
        region,
        name,
        arn,
        status,
        billing_mode,
        encryption,
        pitr,
        deletion_protection,
        stream,
        ttl,
        replicas,
        tags,
        kinesis_destinations,
        resource_policy,
        item_count,
        size_bytes,
        created_ms,
        autoscaling,
        backup,
        cloudtrail_events,
        config_items,
        sources,
    } = row;
    let (trail, sources): (Vec<SourceRef>, Vec<SourceRef>) =
        sources.into_iter().partition(|s| s.kind.is_cloudtrail());
    TableEntry {
        account,
        region,
        name,
        arn,
        status,
        billing_mode,
        encryption,
        pitr,
        deletion_protection,
        stream,
        ttl,
        replicas,
        tags,
        kinesis_destinations,
        resource_policy,
        item_count,
        size_bytes,
        created_ms,
        autoscaling,
        backup,
        cloudtrail_events,
        cloudtrail_files: trail.len() as u64,
        config_items,
        sources,
    }
}
