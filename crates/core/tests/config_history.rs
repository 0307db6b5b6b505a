//! Configuration history over the posture estate: items in capture order, field-level diffs,
//! duplicates across exports, related CloudTrail calls, deletions, the chart; and the sample.

mod posture_support;

use ddb_lens_core::analysis::config_history::{
    config_history, ChangeCategory, ChangeField, ConfigHistory, TableHistory,
};
use ddb_lens_core::charts::config_changes::config_changes_svg;
use ddb_lens_core::{Limits, Loader};

fn estate_history() -> ConfigHistory {
    config_history(posture_support::estate().model())
}

fn table<'h>(h: &'h ConfigHistory, name: &str) -> &'h TableHistory {
    h.tables.iter().find(|t| t.table.name == name).unwrap()
}

#[test]
fn items_in_capture_order_with_readable_diffs() {
    let h = estate_history();
    let names: Vec<&str> = h.tables.iter().map(|t| t.table.name.as_str()).collect();
    assert_eq!(names, ["ledger", "legacy"]);
    let ledger = table(&h, "ledger");
    // get-resource-config-history lists newest first; the page reads oldest first.
    let statuses: Vec<&str> = ledger.items.iter().map(|i| i.status.as_str()).collect();
    assert_eq!(statuses, ["ResourceDiscovered", "OK", "OK"]);
    let sentences: Vec<Vec<&str>> = ledger
        .items
        .iter()
        .map(|i| i.changes.iter().map(|c| c.sentence.as_str()).collect())
        .collect();
    assert_eq!(
        sentences,
        [
            vec!["AWS Config first recorded the table (created or newly discovered)"],
            vec!["point-in-time recovery turned on", "tag `env` added (prod)"],
            vec![
                "encryption changed from AWS owned key to customer managed key \
                 arn:aws:kms:us-east-1:444455556666:key/5a1d0c3e-7b2f-4e8a-9c6d-1f0e2d3c4b5a",
                "deletion protection turned on",
                "stream view type changed from KEYS_ONLY to NEW_AND_OLD_IMAGES",
            ],
        ]
    );
    let pitr = &ledger.items[1].changes[0];
    assert_eq!(pitr.field, ChangeField::Pitr);
    assert_eq!(
        (pitr.before.as_deref(), pitr.after.as_deref()),
        (Some("off"), Some("on"))
    );
    let tag = &ledger.items[1].changes[1];
    assert_eq!(
        (
            tag.field,
            tag.key.as_deref(),
            tag.before.as_deref(),
            tag.after.as_deref()
        ),
        (ChangeField::Tags, Some("env"), None, Some("prod"))
    );
    assert_eq!(ledger.change_count, 6);
    assert_eq!(ledger.deleted_ms, None);
}

#[test]
fn one_item_delivered_twice_is_one_row() {
    let h = estate_history();
    let last = table(&h, "ledger").items.last().unwrap();
    assert!(last
        .evidence
        .file
        .ends_with("config/resource-history/ledger.json"));
    assert_eq!(last.also_in.len(), 1);
    assert!(last.also_in[0].contains("/ConfigHistory/"));
    assert_eq!(h.item_count, 5);
}

#[test]
fn related_events_are_found_by_event_id() {
    let h = estate_history();
    let ledger = table(&h, "ledger");
    let pitr_call = &ledger.items[1].related_events[0];
    let event = pitr_call.event.as_ref().unwrap();
    assert_eq!(event.event_name, "UpdateContinuousBackups");
    assert_eq!(
        event.principal,
        "arn:aws:sts::444455556666:assumed-role/Admin/alice"
    );
    assert!(event.file.contains("/CloudTrail/"));
    let last = &ledger.items[2].related_events;
    assert_eq!(
        last.iter()
            .map(|r| (
                r.event_id.as_str(),
                r.event.as_ref().map(|e| e.event_name.as_str())
            ))
            .collect::<Vec<_>>(),
        [
            ("7d8e9f0a-1b2c-4d3e-9f4a-5b6c7d8e9f0a", Some("UpdateTable")),
            // Named by the item, not in any loaded log: reported as text.
            ("99999999-0000-4000-8000-000000000000", None),
        ]
    );
    assert_eq!((h.related_events_found, h.related_event_count), (2, 3));
}

#[test]
fn deletions_end_a_history() {
    let h = estate_history();
    let legacy = table(&h, "legacy");
    assert_eq!(legacy.items.len(), 2);
    assert!(
        legacy.items[0].changes.is_empty(),
        "first item, nothing before it"
    );
    assert_eq!(legacy.items[1].changes[0].field, ChangeField::Deleted);
    assert_eq!(legacy.items[1].changes[0].sentence, "table deleted");
    assert_eq!(legacy.deleted_ms, Some(1_773_576_000_000));
    assert_eq!(h.deletion_count, 1);
}

#[test]
fn chart_buckets_count_changes_by_category() {
    let h = estate_history();
    assert_eq!(h.change_count, 7);
    let total: u64 = h.buckets.iter().flat_map(|b| b.counts).sum();
    assert_eq!(total, 7);
    let by_category = |category: ChangeCategory| -> u64 {
        let i = ChangeCategory::ALL
            .iter()
            .position(|c| *c == category)
            .unwrap();
        h.buckets.iter().map(|b| b.counts[i]).sum()
    };
    assert_eq!(by_category(ChangeCategory::CreatedOrDeleted), 2);
    assert_eq!(by_category(ChangeCategory::Pitr), 1);
    assert_eq!(by_category(ChangeCategory::Encryption), 1);
    assert_eq!(by_category(ChangeCategory::Stream), 1);
    // Buckets are contiguous and evenly sized.
    for pair in h.buckets.windows(2) {
        assert_eq!(pair[1].start_ms - pair[0].start_ms, h.bucket_secs * 1000);
    }
    let svg = config_changes_svg(&h, 720, 240);
    assert!(svg.contains("7 changes"), "{svg}");
    assert_eq!(svg, config_changes_svg(&estate_history(), 720, 240));
}

#[test]
fn the_sample_has_a_history_with_its_calls() {
    let mut loader = Loader::new(Limits::default());
    for (name, bytes) in ddb_lens_gen::sample_files() {
        loader.ingest(&name, &bytes);
    }
    let h = config_history(loader.model());
    assert_eq!(h.tables.len(), 40);
    // The generator's Config items name the CloudTrail record of their change: all found.
    assert!(h.related_event_count > 0);
    assert_eq!(h.related_events_found, h.related_event_count);
    assert!(h.deletion_count > 0);
    // Its history starts mid-way: a first item's change is read from its call.
    let from_calls = h
        .tables
        .iter()
        .flat_map(|t| &t.items)
        .flat_map(|i| &i.changes)
        .filter(|c| c.from_event.is_some())
        .count();
    assert!(from_calls > 0);
    assert!(!h.buckets.is_empty());
}
