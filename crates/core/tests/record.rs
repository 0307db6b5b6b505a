//! `record_json` reads back exactly the record ingest numbered, in every CloudTrail shape: each
//! event loaded from a fixture finds its own JSON (same eventName, eventTime and eventID) through
//! its `record_index`, skipped records included in the numbering.

use std::io::Write;
use std::path::Path;

use ddb_lens_core::ingest::record::{record_json, RecordError};
use ddb_lens_core::{Limits, Loader};

fn fixture(path: &str) -> Vec<u8> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// Loads `bytes` and checks every event's record against the event; returns the event count.
fn every_event_finds_its_record(name: &str, bytes: &[u8]) -> usize {
    let mut loader = Loader::new(Limits::default());
    let report = loader.ingest(name, bytes);
    assert!(report.events_added > 0, "{name}: {report:?}");
    let model = loader.model();
    for event in &model.events_unsorted {
        let text = record_json(name, bytes, event.record_index)
            .unwrap_or_else(|err| panic!("{name} record {}: {err}", event.record_index));
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            value["eventName"].as_str(),
            Some(model.str(event.event_name)),
            "{name} record {}",
            event.record_index
        );
        assert_eq!(
            value["eventSource"].as_str(),
            Some(model.str(event.event_source))
        );
        let time = value["eventTime"].as_str().unwrap();
        assert_eq!(
            ddb_lens_core::time::parse_iso_ms(time),
            Some(event.time_ms),
            "{name} record {}",
            event.record_index
        );
        assert!(
            text.contains("\n  \"eventName\": "),
            "pretty-printed: {text}"
        );
    }
    model.events_unsorted.len()
}

#[test]
fn delivered_log() {
    assert_eq!(
        every_event_finds_its_record("d.json", &fixture("cloudtrail/delivered.json")),
        3
    );
}

#[test]
fn delivered_log_gzip() {
    let bytes = gzip(&fixture("cloudtrail/delivered.json"));
    assert_eq!(every_event_finds_its_record("d.json.gz", &bytes), 3);
}

#[test]
fn records_with_skipped_records_keep_their_numbers() {
    // Records 0 and 1 are skipped at ingest (not an object; eventTime a number); 2 and 3 load
    // and keep their positions in the file.
    let bytes = br#"{"Records":[
        "not an event",
        {"eventTime":17,"eventSource":"dynamodb.amazonaws.com","eventName":"GetItem"},
        {"eventTime":"2026-03-01T00:00:00Z","eventSource":"dynamodb.amazonaws.com",
         "eventName":"Scan","eventID":"00000000-0000-4000-8000-000000000002"},
        {"eventTime":"2026-03-01T00:00:01Z","eventSource":"dynamodb.amazonaws.com",
         "eventName":"Query","eventID":"00000000-0000-4000-8000-000000000003"}]}"#;
    let mut loader = Loader::new(Limits::default());
    let report = loader.ingest("w.json", bytes);
    assert_eq!(report.records_skipped, 2, "{report:?}");
    let numbers: Vec<u32> = loader
        .model()
        .events_unsorted
        .iter()
        .map(|e| e.record_index)
        .collect();
    assert_eq!(numbers, [2, 3]);
    assert_eq!(every_event_finds_its_record("w.json", bytes), 2);
    every_event_finds_its_record("wrong-types.json", &fixture("cloudtrail/wrong-types.json"));
}

#[test]
fn bare_array() {
    every_event_finds_its_record("a.json", &fixture("cloudtrail/bare-array.json"));
}

#[test]
fn bare_array_with_a_non_event_element() {
    let bytes = br#"[ "not an event",
        {"eventTime":"2026-03-01T00:00:00Z","eventSource":"dynamodb.amazonaws.com",
         "eventName":"Scan","eventID":"00000000-0000-4000-8000-000000000001"} ]"#;
    assert_eq!(every_event_finds_its_record("a.json", bytes), 1);
    let text = record_json("a.json", bytes, 1).unwrap();
    assert!(text.contains("00000000-0000-4000-8000-000000000001"));
    assert_eq!(record_json("a.json", bytes, 0).unwrap(), "\"not an event\"");
}

#[test]
fn lookup_events_read_the_event_inside_the_string() {
    let bytes = fixture("cloudtrail/lookup-events.json");
    every_event_finds_its_record("l.json", &bytes);
    let text = record_json("l.json", &bytes, 0).unwrap();
    // The record is the CloudTrailEvent's JSON, not the lookup entry around it.
    assert!(!text.contains("\"CloudTrailEvent\""), "{text}");
    assert!(
        text.starts_with("{\n  \"eventVersion\": \"1.08\""),
        "{text}"
    );
}

#[test]
fn single_event() {
    let bytes = fixture("cloudtrail/single-event.json");
    assert_eq!(every_event_finds_its_record("s.json", &bytes), 1);
    assert!(matches!(
        record_json("s.json", &bytes, 1),
        Err(RecordError::NoSuchRecord { records: 1, .. })
    ));
}

#[test]
fn tables_fixture() {
    every_event_finds_its_record("t.json", &fixture("cloudtrail/tables.json"));
}

#[test]
fn byte_order_mark_and_non_utf8_text() {
    let mut bytes =
        b"\xEF\xBB\xBF{\"Records\":[{\"eventName\":\"GetItem\",\"userAgent\":\"a".to_vec();
    bytes.extend_from_slice(b"\xFF\xFEb\"}]}");
    let text = record_json("bom.json", &bytes, 0).unwrap();
    assert_eq!(
        text,
        "{\n  \"eventName\": \"GetItem\",\n  \"userAgent\": \"a\u{FFFD}\u{FFFD}b\"\n}"
    );
}

#[test]
fn errors_name_the_file_and_the_problem() {
    let log = br#"{"Records":[{"eventName":"A"},{"eventName":"B"}]}"#;
    let err = record_json("two.json", log, 2).unwrap_err();
    assert_eq!(err.to_string(), "two.json has no record 3 (it holds 2)");

    let err = record_json("x.json.gz", b"\x1f\x8b\x08\x00", 0).unwrap_err();
    assert!(
        matches!(err, RecordError::Decompress { .. }),
        "{err:?}: {err}"
    );
    assert!(
        err.to_string().starts_with("x.json.gz: truncated gzip"),
        "{err}"
    );

    let err = record_json("cut.json", br#"{"Records":[{"eventName":"A"}"#, 0).unwrap_err();
    assert!(matches!(err, RecordError::Json { .. }), "{err:?}");

    let err = record_json("n.json", b"42", 0).unwrap_err();
    assert!(matches!(err, RecordError::NotCloudTrail { .. }), "{err:?}");

    let lookup = br#"{"Events":[{"CloudTrailEvent":"{not json"},{"CloudTrailEvent":7}]}"#;
    let err = record_json("l.json", lookup, 0).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("l.json: record 1's CloudTrailEvent is not a JSON text"),
        "{err}"
    );
    assert!(matches!(
        record_json("l.json", lookup, 1),
        Err(RecordError::BadLookupEvent { .. })
    ));
}

#[test]
fn a_large_log_reads_only_what_it_needs_and_gets_the_last_record() {
    let records: Vec<String> = (0..5000)
        .map(|i| {
            format!(
                r#"{{"eventTime":"2026-03-01T00:00:00Z","eventSource":"dynamodb.amazonaws.com","eventName":"GetItem","eventID":"00000000-0000-4000-8000-{i:012}"}}"#
            )
        })
        .collect();
    let bytes = format!("{{\"Records\":[{}]}}", records.join(",")).into_bytes();
    let text = record_json("big.json", &bytes, 4999).unwrap();
    assert!(text.contains("00000000-0000-4000-8000-000000004999"));
}
