//! Data-plane visibility against our fixtures: per-table verdicts and their windows, and what
//! each trail change did to DynamoDB data events (basic and advanced selectors), then on the
//! generated sample.

use std::path::Path;

use ddb_lens_core::analysis::visibility::{
    visibility, DataVisibility, ReadWrite, TrailChange, TrailEffect, Visibility,
    NO_DATA_EVENTS_FLAG,
};
use ddb_lens_core::{Limits, Loader};

fn load(paths: &[&str]) -> Loader {
    let mut loader = Loader::new(Limits::default());
    for path in paths {
        let full = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(path);
        let bytes = std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()));
        let report = loader.ingest(path, &bytes);
        assert!(report.warnings.is_empty(), "{path}: {:?}", report.warnings);
    }
    loader
}

fn table<'v>(
    seen: &'v Visibility,
    name: &str,
) -> &'v ddb_lens_core::analysis::visibility::TableVisibility {
    seen.tables
        .iter()
        .find(|t| t.table == name)
        .unwrap_or_else(|| panic!("no table {name} in {:?}", seen.tables))
}

const HOUR: i64 = 3_600_000;
/// 2026-03-02T00:00:00Z.
const MARCH_2: i64 = 1_772_409_600_000;

#[test]
fn tables_with_data_events_control_plane_only_and_none() {
    let loader = load(&["visibility/tables.json"]);
    let seen = visibility(
        loader.model(),
        &["archive".to_string(), "orders".to_string()],
    );
    let names: Vec<&str> = seen.tables.iter().map(|t| t.table.as_str()).collect();
    assert_eq!(
        names,
        ["archive", "audit", "events", "order-lines", "orders"]
    );

    let orders = table(&seen, "orders");
    assert_eq!(orders.status, DataVisibility::DataEvents);
    assert_eq!(orders.flag, None);
    assert!(orders.in_inventory);
    assert_eq!(
        (
            orders.control_plane_events,
            orders.data_read_events,
            orders.data_write_events
        ),
        (1, 1, 2)
    );
    assert_eq!(orders.first_data_event_ms, Some(MARCH_2 + 10 * HOUR));
    assert_eq!(orders.last_data_event_ms, Some(MARCH_2 + 12 * HOUR));
    assert_eq!(orders.first_event_ms, Some(MARCH_2 + 9 * HOUR));
    // The batch write counts for both its tables.
    assert_eq!(table(&seen, "order-lines").data_write_events, 1);

    // Control plane only: flagged with the exact message, against its own account's window,
    // and the KMS call that shows the table was used is noted.
    let audit = table(&seen, "audit");
    assert_eq!(audit.status, DataVisibility::ControlPlaneOnly);
    assert_eq!(audit.flag.as_deref(), Some(NO_DATA_EVENTS_FLAG));
    assert_eq!(
        NO_DATA_EVENTS_FLAG,
        "no data events in the loaded logs: is data-event logging on for this table?"
    );
    assert_eq!(audit.control_plane_events, 2);
    assert_eq!(audit.kms_events, 1);
    assert!(
        audit.note.as_deref().unwrap_or("").contains("1 KMS call"),
        "{:?}",
        audit.note
    );
    assert_eq!(audit.log_windows.len(), 1);
    let window = &audit.log_windows[0];
    assert_eq!(
        (window.account.as_str(), window.region.as_str()),
        ("444455556666", "us-east-1")
    );
    assert_eq!(window.events, 3);
    assert_eq!(
        window.label,
        "444455556666 us-east-1: 2026-03-03T08:00:00Z to 2026-03-03T09:00:00Z (1 hour)"
    );
    assert_eq!(seen.tables_flagged, 1);

    // Streams only: not flagged (no control-plane activity), said so.
    let events = table(&seen, "events");
    assert_eq!(events.status, DataVisibility::OtherEventsOnly);
    assert_eq!(events.flag, None);
    assert_eq!(events.streams_events, 1);

    // Known from inventory only: no events, read against the whole logs' window.
    let archive = table(&seen, "archive");
    assert_eq!(archive.status, DataVisibility::NoEvents);
    assert_eq!(archive.flag, None);
    assert!(archive.in_inventory);
    let logs = seen.logs.as_ref().expect("a window");
    assert_eq!(archive.log_windows, vec![logs.clone()]);
    assert_eq!(logs.first_ms, MARCH_2 + 9 * HOUR);
    assert_eq!(logs.last_ms, MARCH_2 + 2 * 24 * HOUR + 13 * HOUR);
    assert_eq!(logs.events, 9);
    assert_eq!(
        logs.label,
        "2026-03-02T09:00:00Z to 2026-03-04T13:00:00Z (2 days 4 hours)"
    );
    assert!(seen.trail_changes.is_empty());
}

fn effects(changes: &[TrailChange]) -> Vec<(&str, TrailEffect, bool)> {
    changes
        .iter()
        .map(|c| {
            (
                c.event_name.as_str(),
                c.effect,
                c.drops_dynamodb_data_events,
            )
        })
        .collect()
}

#[test]
fn basic_selectors_stop_start_update_and_delete() {
    let loader = load(&["visibility/trail-basic.json"]);
    let seen = visibility(loader.model(), &[]);
    use TrailEffect::*;
    assert_eq!(
        effects(&seen.trail_changes),
        [
            ("CreateTrail", TrailCreated, false),
            ("StartLogging", LoggingStarted, false),
            ("PutEventSelectors", LogsAllTables, false),
            // Only S3 left: DynamoDB data events dropped.
            ("PutEventSelectors", LogsNoTables, true),
            // One table's writes, after none: keeps some, drops nothing.
            ("PutEventSelectors", LogsSomeTables, false),
            ("PutEventSelectors", LogsNoTables, true),
            ("StopLogging", LoggingStopped, true),
            ("StartLogging", LoggingStarted, false),
            ("UpdateTrail", TrailUpdated, true),
            ("DeleteTrail", Failed, false),
            ("DeleteTrail", TrailDeleted, true),
        ]
    );
    assert_eq!(seen.trail_changes_dropping, 5);
    let changes = &seen.trail_changes;
    assert!(changes.windows(2).all(|w| w[0].time_ms <= w[1].time_ms));
    assert_eq!(
        changes[0].trail,
        "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main"
    );
    assert!(
        changes[1].description.contains("(no DynamoDB data events)"),
        "{}",
        changes[1].description
    );

    let all = &changes[2];
    assert_eq!(all.selectors.len(), 1);
    assert!(all.selectors[0].all_tables);
    assert!(!all.selectors[0].advanced);
    assert_eq!(
        all.selectors[0].description,
        "every table (reads and writes)"
    );
    assert!(changes[3]
        .description
        .contains("now logs no DynamoDB data events"));

    let some = &changes[4];
    assert_eq!(some.selectors[0].tables, ["orders"]);
    assert_eq!(some.selectors[0].read_write, ReadWrite::WriteOnly);
    assert_eq!(some.selectors[0].description, "table orders (writes only)");
    assert!(some.excludes_kms_events);
    assert!(!some.drops_management_events);

    // The Stratus-style selector: management events off, empty data resources.
    let blind = &changes[5];
    assert!(blind.drops_management_events);
    assert!(blind
        .description
        .contains("Management events are no longer logged"));

    let update = &changes[8];
    assert!(
        update.description.contains("isMultiRegionTrail = false"),
        "{}",
        update.description
    );
    assert!(update
        .description
        .contains("s3BucketName = elsewhere-bucket"));
    assert_eq!(changes[9].error_code, "TrailNotFoundException");
    assert!(changes[9].description.contains("nothing changed"));
    assert_eq!(changes[6].source_ip, "203.0.113.66");
    assert_eq!(changes[6].evidence.record_index, 6);
}

#[test]
fn advanced_selectors_keep_narrow_and_drop() {
    let loader = load(&["visibility/trail-advanced.json"]);
    let seen = visibility(loader.model(), &[]);
    use TrailEffect::*;
    assert_eq!(
        effects(&seen.trail_changes),
        [
            ("PutEventSelectors", LogsAllTables, false),
            // Every table → one table: narrowed.
            ("PutEventSelectors", LogsSomeTables, true),
            ("PutEventSelectors", LogsNoTables, true),
            ("PutEventSelectors", LogsSomeTables, false),
            ("PutEventSelectors", LogsAllTables, false),
        ]
    );
    let changes = &seen.trail_changes;
    let all = &changes[0].selectors[0];
    assert!(all.advanced && all.all_tables);
    assert_eq!(all.name, "All DynamoDB tables");
    assert_eq!(all.filters, ["resources.ARN StartsWith arn:aws:dynamodb"]);
    assert_eq!(changes[1].selectors[0].tables, ["orders"]);
    assert!(
        changes[1].description.contains("narrows"),
        "{}",
        changes[1].description
    );

    let filtered = &changes[3];
    assert!(filtered.excludes_kms_events);
    let selector = &filtered.selectors[0];
    assert!(!selector.all_tables);
    assert_eq!(selector.read_write, ReadWrite::WriteOnly);
    assert_eq!(
        selector.description,
        "resources.ARN NotStartsWith arn:aws:dynamodb:eu-west-1:111122223333:table/audit (writes only)"
    );
    assert!(changes[4].drops_management_events);
    assert!(!changes[4].drops_dynamodb_data_events);
    assert_eq!(
        changes[4].trail,
        "arn:aws:cloudtrail:us-east-1:111122223333:trail/org"
    );
}

#[test]
fn output_is_deterministic_and_serialises() {
    let loader = load(&["visibility/tables.json", "visibility/trail-basic.json"]);
    let a = visibility(loader.model(), &["archive".to_string()]);
    let b = visibility(loader.model(), &["archive".to_string()]);
    assert_eq!(a, b);
    let json = serde_json::to_string(&a).unwrap();
    let back: Visibility = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
    assert!(json.contains("\"status\":\"control_plane_only\""));
}

#[test]
fn empty_model() {
    let loader = Loader::new(Limits::default());
    let seen = visibility(loader.model(), &["t".to_string()]);
    assert_eq!(seen.logs, None);
    assert_eq!(seen.tables.len(), 1);
    assert!(seen.tables[0].log_windows.is_empty());
}

#[test]
fn generated_sample() {
    let mut loader = Loader::new(Limits::default());
    for (name, bytes) in ddb_lens_gen::sample_files() {
        loader.ingest(&name, &bytes);
    }
    let seen = visibility(loader.model(), &[]);
    assert!(seen.tables.len() >= 20, "{} tables", seen.tables.len());
    let with_data = seen
        .tables
        .iter()
        .filter(|t| t.status == DataVisibility::DataEvents)
        .count();
    assert!(with_data >= 10, "{with_data} tables with data events");
    for t in &seen.tables {
        assert_eq!(
            t.flag.is_some(),
            t.status == DataVisibility::ControlPlaneOnly
        );
        assert!(!t.log_windows.is_empty(), "{}", t.table);
        if let (Some(first), Some(last)) = (t.first_data_event_ms, t.last_data_event_ms) {
            assert!(first <= last);
            assert!(t.data_read_events + t.data_write_events > 0);
        }
    }
    let logs = seen.logs.as_ref().expect("events loaded");
    assert!(logs.last_ms - logs.first_ms >= 2 * 24 * HOUR);
    // The sample's trail incidents, in time order: the trail updated, stopped and started,
    // its selectors dropping DynamoDB data events then logging every table again, an old
    // trail deleted (the rule tests cover the details).
    let effects: Vec<TrailEffect> = seen.trail_changes.iter().map(|c| c.effect).collect();
    for effect in [
        TrailEffect::TrailUpdated,
        TrailEffect::LoggingStopped,
        TrailEffect::LoggingStarted,
        TrailEffect::LogsNoTables,
        TrailEffect::LogsAllTables,
        TrailEffect::TrailDeleted,
    ] {
        assert!(effects.contains(&effect), "{effect:?} not in {effects:?}");
    }
    let dropped = seen
        .trail_changes
        .iter()
        .position(|c| c.effect == TrailEffect::LogsNoTables)
        .unwrap();
    assert!(seen.trail_changes[dropped].drops_dynamodb_data_events);
    assert!(seen.trail_changes[dropped + 1..]
        .iter()
        .any(|c| c.effect == TrailEffect::LogsAllTables));
    // Tables with control-plane events only: a restored table and an idle one.
    assert!(seen
        .tables
        .iter()
        .any(|t| t.status == DataVisibility::ControlPlaneOnly));
}
