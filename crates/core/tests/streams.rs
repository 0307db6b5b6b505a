//! The streams page over the posture estate (tests/fixtures/posture/estate): stream status and
//! view type per table, Lambda triggers matched by stream ARN, tables without a stream,
//! streams without a consumer, and stream changes from AWS Config and CloudTrail.

mod posture_support;

use ddb_lens_core::analysis::streams::{
    streams, ChangeOrigin, Consumer, StreamChangeKind, StreamStatus, Streams, TableStreams,
};
use ddb_lens_core::{Limits, Loader};

fn estate_streams() -> Streams {
    streams(posture_support::estate().model())
}

fn table<'s>(s: &'s Streams, name: &str) -> &'s TableStreams {
    s.tables
        .iter()
        .find(|t| t.table.name == name)
        .unwrap_or_else(|| panic!("no table {name}"))
}

#[test]
fn stream_status_and_view_type_per_table() {
    let s = estate_streams();
    let names: Vec<&str> = s.tables.iter().map(|t| t.table.name.as_str()).collect();
    // Account, region, name order; scratch only in CloudTrail, legacy only in Config.
    assert_eq!(
        names,
        ["archive", "audit", "ledger", "legacy", "scratch", "sessions", "catalog"]
    );
    let ledger = table(&s, "ledger");
    assert_eq!(ledger.stream, StreamStatus::On);
    assert_eq!(ledger.view_type.as_deref(), Some("NEW_AND_OLD_IMAGES"));
    assert_eq!(
        ledger.stream_label.as_deref(),
        Some("2026-04-01T08:00:12.345")
    );
    let evidence = ledger.stream_evidence.as_ref().unwrap();
    assert!(evidence.file.ends_with("tables/ledger/describe-table.json"));
    // describe-table has no time of its own: the collector manifest's.
    assert_eq!(evidence.at_ms, Some(1_775_822_400_000));
    assert_eq!(table(&s, "audit").stream, StreamStatus::Off);
    assert_eq!(table(&s, "scratch").stream, StreamStatus::Unknown);
    assert_eq!(table(&s, "catalog").view_type.as_deref(), Some("NEW_IMAGE"));
}

#[test]
fn triggers_are_matched_by_stream_arn_with_their_state() {
    let s = estate_streams();
    let ledger = table(&s, "ledger");
    let triggers: Vec<(&str, bool, Option<bool>)> = ledger
        .triggers
        .iter()
        .map(|t| (t.function_name.as_str(), t.active, t.on_current_stream))
        .collect();
    // The v1 indexer still reads the stream the table had before its view type changed.
    assert_eq!(
        triggers,
        [
            ("ledger-indexer", true, Some(true)),
            ("ledger-indexer-v1", true, Some(false))
        ]
    );
    let indexer = &ledger.triggers[0];
    assert_eq!(indexer.batch_size, Some(100));
    assert_eq!(indexer.last_processing_result.as_deref(), Some("OK"));
    assert_eq!(indexer.last_modified_ms, Some(1_775_030_700_000));
    assert_eq!(indexer.state.as_deref(), Some("Enabled"));
    assert_eq!(ledger.consumer, Consumer::Active);
    assert_eq!(
        ledger.consumer_reason,
        "1 active Lambda trigger reads the stream."
    );

    let sessions = table(&s, "sessions");
    let expirer = &sessions.triggers[0];
    assert_eq!(expirer.function_name, "session-expirer:live");
    assert!(!expirer.active && expirer.problem);
    assert_eq!(sessions.consumer, Consumer::None);
    assert!(sessions
        .consumer_evidence
        .as_ref()
        .unwrap()
        .file
        .ends_with("lambda/list-event-source-mappings.json"));

    // The SQS mapping is not a stream trigger; the ghost table's is, on a table no export
    // describes.
    let other: Vec<&str> = s
        .other_triggers
        .iter()
        .map(|t| t.function_name.as_str())
        .collect();
    assert_eq!(other, ["ghost-reader"]);
    assert_eq!(s.totals.triggers, 4);
    assert_eq!(s.totals.triggers_with_problems, 1);
}

#[test]
fn coverage_lists_need_proof() {
    let s = estate_streams();
    let names = |list: &[ddb_lens_core::analysis::table_state::TableRef]| {
        list.iter().map(|t| t.name.clone()).collect::<Vec<_>>()
    };
    // legacy (deleted per Config) and scratch (gone from list-tables) are not listed.
    assert_eq!(names(&s.without_stream), ["archive", "audit"]);
    assert_eq!(names(&s.without_consumer), ["sessions"]);
    // catalog's region has no trigger listing: unknown, not "none".
    let catalog = table(&s, "catalog");
    assert_eq!(catalog.consumer, Consumer::Unknown);
    assert!(catalog
        .consumer_reason
        .contains("needs lambda list-event-source-mappings"));
    assert!(table(&s, "legacy").deleted && table(&s, "scratch").deleted);
    assert_eq!(table(&s, "scratch").consumer, Consumer::NotApplicable);
    assert_eq!(s.totals.consumer_active, 1);
    assert_eq!(s.totals.consumer_none, 1);
    assert_eq!(s.totals.consumer_unknown, 1);
}

#[test]
fn changes_over_time_from_config_and_cloudtrail() {
    let s = estate_streams();
    let changes: Vec<(&str, StreamChangeKind, ChangeOrigin, &str)> = s
        .changes
        .iter()
        .map(|c| (c.table.name.as_str(), c.kind, c.origin, c.sentence.as_str()))
        .collect();
    use ChangeOrigin::*;
    use StreamChangeKind::*;
    assert_eq!(
        changes,
        [
            (
                "audit",
                TriggerCreated,
                CloudTrail,
                "Lambda trigger audit-shipper created (batch size 50)"
            ),
            (
                "ledger",
                StreamOn,
                CloudTrail,
                "stream turned on (NEW_AND_OLD_IMAGES)"
            ),
            (
                "ledger",
                ViewTypeChanged,
                ConfigItem,
                "stream view type changed from KEYS_ONLY to NEW_AND_OLD_IMAGES"
            ),
            (
                "ledger",
                TriggerCreated,
                CloudTrail,
                "Lambda trigger ledger-indexer created (batch size 100)"
            ),
            // Named only by UUID: stream and function from the call that created it.
            (
                "audit",
                TriggerDeleted,
                CloudTrail,
                "Lambda trigger audit-shipper deleted"
            ),
            ("audit", StreamOff, CloudTrail, "stream turned off"),
            (
                "sessions",
                TriggerUpdated,
                CloudTrail,
                "Lambda trigger session-expirer:live updated: disabled"
            ),
            (
                "scratch",
                StreamOn,
                CloudTrail,
                "table created with a stream (NEW_IMAGE)"
            ),
        ]
    );
    // The failed UpdateTable on sessions changed nothing and is not listed.
    assert!(!s
        .changes
        .iter()
        .any(|c| c.table.name == "sessions" && c.kind == StreamOff));
    let on = &s.changes[1];
    assert_eq!(
        on.actor.as_deref(),
        Some("arn:aws:sts::444455556666:assumed-role/Admin/alice")
    );
    assert_eq!(on.event_name.as_deref(), Some("UpdateTable"));
    assert_eq!(on.view_type.as_deref(), Some("NEW_AND_OLD_IMAGES"));
    assert_eq!(on.evidence.kind, "CloudTrail UpdateTable");
    // Each table carries its own.
    assert_eq!(table(&s, "ledger").changes.len(), 3);
    assert_eq!(table(&s, "audit").changes.len(), 3);
}

#[test]
fn same_input_same_output() {
    let a = serde_json::to_string(&estate_streams()).unwrap();
    let b = serde_json::to_string(&estate_streams()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn the_sample_has_streams_and_their_triggers() {
    let mut loader = Loader::new(Limits::default());
    for (name, bytes) in ddb_lens_gen::sample_files() {
        loader.ingest(&name, &bytes);
    }
    let s = streams(loader.model());
    let t = &s.totals;
    assert_eq!(t.tables, 40);
    assert!(t.stream_on > 0 && t.stream_off > 0);
    // The generator lists a trigger on each stream its Lambda functions poll, some disabled
    // after failing; the listing proves the other streams have none.
    assert!(t.triggers > 0 && t.triggers_with_problems > 0);
    assert!(t.consumer_active > 0 && t.consumer_none > 0);
    assert_eq!(t.consumer_unknown, 0);
    assert_eq!(
        t.consumer_active + t.consumer_none,
        t.stream_on - deleted_with_stream(&s)
    );
    assert!(s.other_triggers.is_empty());
    assert!(s
        .changes
        .iter()
        .any(|c| c.origin == ChangeOrigin::CloudTrail && c.kind == StreamChangeKind::StreamOn));
}

fn deleted_with_stream(s: &Streams) -> u64 {
    s.tables
        .iter()
        .filter(|t| t.deleted && t.stream == StreamStatus::On)
        .count() as u64
}
