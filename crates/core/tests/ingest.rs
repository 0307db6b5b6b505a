//! Ingest against our own fixtures: every CloudTrail shape, the other export kinds, and every
//! kind of bad input the page must survive. Each bad file gets its own specific error while
//! every other file still loads and is counted exactly.

use std::io::Write;
use std::path::Path;

use ddb_lens_core::{overview, FileKind, FileReport, FileStatus, Limits, Loader};

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

fn load(name: &str, bytes: &[u8]) -> (Loader, FileReport) {
    let mut loader = Loader::new(Limits::default());
    let report = loader.ingest(name, bytes);
    (loader, report)
}

fn names(loader: &Loader) -> Vec<String> {
    let model = loader.model();
    let mut names: Vec<String> = model
        .events_unsorted
        .iter()
        .map(|e| model.str(e.event_name).to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn delivered_log_file() {
    let (loader, report) = load("delivered.json", &fixture("cloudtrail/delivered.json"));
    assert_eq!(report.kind, FileKind::CloudTrailLog);
    assert_eq!(report.status, FileStatus::Ok, "{report:?}");
    assert_eq!((report.records, report.events_added), (3, 3));
    assert_eq!(report.summary, "CloudTrail log: 3 events");
    // Records are not sorted by time; the range is still right.
    assert_eq!(report.time_first.as_deref(), Some("2026-03-02T10:05:00Z"));
    assert_eq!(report.time_last.as_deref(), Some("2026-03-02T10:15:00Z"));
    assert!(!report.gzip);

    let model = loader.model();
    let by_name = |name: &str| {
        *model
            .events_unsorted
            .iter()
            .find(|e| model.str(e.event_name) == name)
            .unwrap()
    };
    let kms = by_name("GenerateDataKey");
    assert_eq!(
        model.str(kms.table),
        "orders",
        "table from the KMS encryption context"
    );
    assert_eq!(model.str(kms.principal), "dynamodb.amazonaws.com");
    assert_eq!(model.str(kms.identity_type), "AWSService");
    assert_eq!(model.str(kms.source_ip), "dynamodb.amazonaws.com");
    let put = by_name("PutItem");
    assert_eq!(
        model.str(put.table),
        "payments-ledger",
        "tableName given as an ARN"
    );
    assert_eq!(put.management_event, ddb_lens_core::model::Flag::False);
    assert_eq!(put.read_only, ddb_lens_core::model::Flag::False);
    let update = by_name("UpdateTable");
    assert_eq!(
        model.str(update.principal),
        "arn:aws:sts::111122223333:assumed-role/DataAdmin/alice"
    );
    assert_eq!(model.str(update.account), "111122223333");
    assert_eq!(model.str(update.region), "eu-west-1");
    assert_eq!(model.str(update.table), "orders");
}

#[test]
fn gzip_is_found_by_magic_bytes_whatever_the_name() {
    let plain = fixture("cloudtrail/delivered.json");
    for name in ["a.json.gz", "a.gz", "a.json", "no-extension"] {
        let (loader, report) = load(name, &gzip(&plain));
        assert!(report.gzip, "{name}");
        assert_eq!(report.uncompressed_bytes, plain.len() as u64);
        assert_eq!(loader.totals().events, 3, "{name}");
    }
}

#[test]
fn bare_array_with_typing_oddities() {
    let (loader, report) = load("bare.json", &fixture("cloudtrail/bare-array.json"));
    assert_eq!(report.kind, FileKind::CloudTrailEventArray);
    assert_eq!(report.status, FileStatus::Ok, "{report:?}");
    assert_eq!(report.events_added, 2);
    let model = loader.model();
    let list = model
        .events_unsorted
        .iter()
        .find(|e| model.str(e.event_name) == "ListTables")
        .unwrap();
    assert_eq!(
        list.read_only,
        ddb_lens_core::model::Flag::True,
        "\"true\" as a string"
    );
    assert_eq!(list.management_event, ddb_lens_core::model::Flag::Missing);
    assert_eq!(
        model.str(list.identity_type),
        "",
        "userIdentity without type"
    );
    assert_eq!(
        model.str(list.principal),
        "arn:aws:iam::111122223333:user/carol"
    );
    let delete = model
        .events_unsorted
        .iter()
        .find(|e| model.str(e.event_name) == "DeleteTable")
        .unwrap();
    assert_eq!(model.str(delete.error_code), "AccessDeniedException");
    assert_eq!(model.str(delete.identity_type), "Root");
    assert_eq!(model.str(delete.table), "sessions-prod");
}

#[test]
fn single_event_object() {
    let (loader, report) = load("one.json", &fixture("cloudtrail/single-event.json"));
    assert_eq!(report.kind, FileKind::CloudTrailEvent);
    assert_eq!(report.events_added, 1);
    assert_eq!(names(&loader), ["GetRecords"]);
    let model = loader.model();
    let event = model.events_unsorted[0];
    assert_eq!(model.str(event.invoked_by), "lambda.amazonaws.com");
    assert_eq!(model.str(event.table), "orders", "from the stream ARN");
}

#[test]
fn lookup_events_output_with_events_as_strings() {
    let (loader, report) = load("lookup.json", &fixture("cloudtrail/lookup-events.json"));
    assert_eq!(report.kind, FileKind::CloudTrailLookupEvents);
    assert_eq!(report.status, FileStatus::Ok, "{report:?}");
    assert_eq!(report.events_added, 2);
    assert_eq!(names(&loader), ["DescribeTable", "UpdateContinuousBackups"]);
    assert_eq!(report.time_first.as_deref(), Some("2026-03-04T17:41:02Z"));
    let model = loader.model();
    assert!(model
        .events_unsorted
        .iter()
        .all(|e| model.str(e.account) == "444455556666"));
}

#[test]
fn wrong_types_skip_the_record_and_say_why() {
    let (loader, report) = load("odd.json", &fixture("cloudtrail/wrong-types.json"));
    assert_eq!(report.status, FileStatus::Warning);
    assert_eq!(report.records, 5);
    assert_eq!(report.events_added, 1);
    assert_eq!(report.records_skipped, 4);
    assert_eq!(
        report.warnings,
        [
            "record 2 skipped: eventTime is a number (1772445600), expected an ISO 8601 string",
            "record 3 skipped: userIdentity is the string \"arn:aws:iam::111122223333:user/eve\", expected an object",
            "record 4 skipped: readOnly is the string \"maybe\", expected true or false",
            "record 5 skipped: the string \"not an event\", not an event object",
        ]
    );
    assert_eq!(report.summary, "CloudTrail log: 5 events (4 skipped)");
    assert_eq!(loader.totals().records_skipped, 4);
}

#[test]
fn same_event_twice_counts_once() {
    let plain = fixture("cloudtrail/delivered.json");
    let mut loader = Loader::new(Limits::default());
    let first = loader.ingest("x.json", &plain);
    let again = loader.ingest("x.json.gz", &gzip(&plain));
    assert_eq!((first.events_added, first.duplicates), (3, 0));
    assert_eq!((again.events_added, again.duplicates), (0, 3));
    assert_eq!(
        again.summary,
        "CloudTrail log: 3 events (3 duplicates dropped)"
    );
    assert_eq!(
        again.time_first, first.time_first,
        "a file of duplicates still shows its time range"
    );
    assert!(again.time_first.is_some());
    let totals = loader.totals();
    assert_eq!((totals.events, totals.duplicates_dropped), (3, 3));
    assert_eq!(loader.model().events_unsorted.len(), 3);
    // The same event twice inside one file counts once too.
    let mut lookup: serde_json::Value =
        serde_json::from_slice(&fixture("cloudtrail/lookup-events.json")).unwrap();
    let events = lookup["Events"].as_array().unwrap().clone();
    lookup["Events"].as_array_mut().unwrap().extend(events);
    let doubled = serde_json::to_vec(&lookup).unwrap();
    let report = loader.ingest("lookup-doubled.json", &doubled);
    assert_eq!(
        (report.records, report.events_added, report.duplicates),
        (4, 2, 2)
    );
    assert_eq!(loader.totals().events, 5);
}

#[test]
fn other_kinds_are_named_with_counts() {
    let cases = [
        (
            "config/snapshot.json",
            FileKind::ConfigSnapshot,
            "AWS Config snapshot: 3 configuration items",
        ),
        (
            "config/history.json",
            FileKind::ConfigHistory,
            "AWS Config history: 1 configuration item",
        ),
        (
            "dynamodb/describe-table.json",
            FileKind::DynamoDbDescribeTable,
            "DynamoDB describe-table: 1 table",
        ),
        (
            "dynamodb/list-tables.json",
            FileKind::DynamoDbListTables,
            "DynamoDB list-tables: 3 tables",
        ),
    ];
    for (path, kind, summary) in cases {
        let (loader, report) = load(path, &fixture(path));
        assert_eq!(report.kind, kind, "{path}");
        assert_eq!(report.status, FileStatus::Ok, "{path}");
        assert!(
            report.summary.starts_with(summary),
            "{path}: {}",
            report.summary
        );
        assert_eq!(loader.totals().events, 0);
    }
    let (_, snapshot) = load("s", &fixture("config/snapshot.json"));
    assert_eq!(
        snapshot.summary,
        "AWS Config snapshot: 3 configuration items (2 DynamoDB tables)"
    );
}

#[test]
fn unrecognised_json_says_why() {
    let (_, report) = load("other.json", &fixture("unrecognised/other-object.json"));
    assert_eq!(report.kind, FileKind::Unrecognised);
    assert_eq!(report.status, FileStatus::Error);
    assert_eq!(
        report.message.as_deref(),
        Some(
            "JSON, but neither CloudTrail records, Config items nor a DynamoDB table \
             (its top-level keys are \"widgets\", \"owner\")"
        )
    );
}

/// One bad input: its name, bytes, and the start of the error it must get.
fn bad_inputs() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let good = fixture("cloudtrail/delivered.json");
    let big: Vec<u8> = {
        let mut text = String::from("{\"Records\":[");
        for i in 0..2000 {
            if i > 0 {
                text.push(',');
            }
            text.push_str(&format!(
                "{{\"eventTime\":\"2026-01-01T00:00:00Z\",\"eventSource\":\"s3.amazonaws.com\",\
                 \"eventName\":\"GetObject\",\"eventID\":\"id-{i}\",\"userAgent\":\"agent {i} {}\"}}",
                i * 7919 % 104_729
            ));
        }
        text.push_str("]}");
        text.into_bytes()
    };
    let truncated_gzip = {
        let full = gzip(&big);
        full[..full.len() / 2].to_vec()
    };
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes();
    let mut latin1 = good.clone();
    let at = latin1.windows(7).position(|w| w == b"aws-cli").unwrap();
    latin1[at] = 0xE9;
    vec![
        ("truncated.json.gz", truncated_gzip, "truncated gzip"),
        (
            "notjson.gz",
            gzip(b"hello, this is a text file\n"),
            "not JSON: it begins \"hello, this is a text",
        ),
        (
            "invalid.json",
            b"{\"Records\":[{\"eventName\" \"x\"}]}".to_vec(),
            "invalid JSON at line 1, column 26: expected `:`",
        ),
        (
            "cut.json",
            good[..good.len() - 40].to_vec(),
            "JSON ends early at line 1",
        ),
        ("empty.json", Vec::new(), "empty file (0 bytes)"),
        ("empty.json.gz", Vec::new(), "empty file (0 bytes)"),
        (
            "string.json",
            b"\"just a string\"".to_vec(),
            "JSON, but a single string",
        ),
        (
            "number.json",
            b"  42 ".to_vec(),
            "JSON, but a single number (42)",
        ),
        (
            "image.json",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
            "a PNG image, not a JSON export",
        ),
        // Nesting is skipped without recursion (serde_json ignores values iteratively), so it
        // cannot overflow the stack; the file still gets a specific message.
        ("deep.json", deep, "a JSON array, but its items are neither"),
        ("latin1.json", latin1, "not UTF-8 text: byte 0xE9 at offset"),
        ("empty-array.json", b"[]".to_vec(), "an empty JSON array"),
        ("whitespace.json", b" \n\t ".to_vec(), "only whitespace"),
    ]
}

#[test]
fn each_bad_input_gets_its_own_error_and_the_rest_still_loads() {
    let mut loader = Loader::new(Limits::default());
    let good = fixture("cloudtrail/delivered.json");
    assert_eq!(loader.ingest("before.json", &good).events_added, 3);
    let bad = bad_inputs();
    for (name, bytes, expected) in &bad {
        let report = loader.ingest(name, bytes);
        assert_eq!(report.status, FileStatus::Error, "{name}: {report:?}");
        let message = report.message.clone().unwrap_or_default();
        assert!(
            message.starts_with(expected),
            "{name}: expected {expected:?}, got {message:?}"
        );
        assert_eq!(report.events_added, 0, "{name}");
    }
    let lookup = fixture("cloudtrail/lookup-events.json");
    assert_eq!(loader.ingest("after.json", &lookup).events_added, 2);
    let totals = loader.totals();
    assert_eq!(totals.files, bad.len() as u64 + 2);
    assert_eq!(totals.files_with_errors, bad.len() as u64);
    assert_eq!(
        totals.events, 5,
        "a failed file adds nothing, and nothing else is lost"
    );
    assert_eq!(loader.model().events_unsorted.len(), 5);
    assert_eq!(overview(&loader).events, 5);
}

#[test]
fn a_failed_file_adds_none_of_the_records_it_read_before_failing() {
    let good = fixture("cloudtrail/delivered.json");
    let mut cut = good.clone();
    cut.truncate(good.len() - 3);
    let (loader, report) = load("cut.json", &cut);
    assert_eq!(report.status, FileStatus::Error);
    assert_eq!(
        report.kind,
        FileKind::CloudTrailLog,
        "it was recognised before it failed"
    );
    assert_eq!(loader.model().events_unsorted.len(), 0);
    // Its events can be loaded later from an intact copy: nothing was marked as seen.
    let mut loader = loader;
    assert_eq!(loader.ingest("whole.json", &good).events_added, 3);
}

#[test]
fn gzip_bomb_stops_at_the_per_file_limit() {
    // 64 MiB of zeros in ~64 KiB of gzip, against a 16 MiB limit; the 2 GiB default is checked
    // the same way (the limit is one number).
    let zeros = vec![b' '; 64 << 20];
    let bomb = gzip(&zeros);
    assert!(bomb.len() < 256 << 10);
    let mut loader = Loader::new(Limits {
        max_uncompressed_bytes: 16 << 20,
    });
    let report = loader.ingest("bomb.json.gz", &bomb);
    assert_eq!(report.status, FileStatus::Error);
    assert_eq!(
        report.message.as_deref(),
        Some("gzip expands past the per-file limit of 16 MiB; stopped (a gzip bomb, or not an export)")
    );
    assert_eq!(Limits::default().max_uncompressed_bytes, 2 << 30);
}

#[test]
fn utf8_bom_is_accepted() {
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend(fixture("cloudtrail/delivered.json"));
    let (_, report) = load("bom.json", &with_bom);
    assert_eq!(report.status, FileStatus::Ok, "{report:?}");
    assert_eq!(report.events_added, 3);
}

#[test]
fn overview_counts_accounts_regions_and_sources() {
    let mut loader = Loader::new(Limits::default());
    for path in [
        "cloudtrail/delivered.json",
        "cloudtrail/bare-array.json",
        "cloudtrail/single-event.json",
        "cloudtrail/lookup-events.json",
    ] {
        loader.ingest(path, &fixture(path));
    }
    let ov = overview(&loader);
    assert_eq!(ov.events, 8);
    assert_eq!(ov.time_first.as_deref(), Some("2026-03-02T10:05:00Z"));
    assert_eq!(ov.time_last.as_deref(), Some("2026-03-04T17:42:02Z"));
    assert_eq!(ov.span_label, "2 days 7 hours");
    let pairs = |v: &[ddb_lens_core::Count]| {
        v.iter()
            .map(|c| (c.name.clone(), c.count))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        pairs(&ov.accounts),
        [
            ("111122223333".to_string(), 6),
            ("444455556666".to_string(), 2)
        ]
    );
    assert_eq!(
        pairs(&ov.regions),
        [
            ("eu-west-1".to_string(), 4),
            ("us-east-1".to_string(), 2),
            ("us-west-2".to_string(), 2)
        ]
    );
    assert_eq!(ov.event_sources[0].name, "dynamodb.amazonaws.com");
    assert_eq!(ov.event_sources[0].count, 7);
    assert_eq!(ov.bucket_label, "15 minutes");
    assert_eq!(ov.buckets.iter().map(|b| b.count).sum::<u64>(), 8);
}

#[test]
fn deep_nesting_inside_a_record_neither_overflows_nor_loses_the_record() {
    let deep = format!(
        "{{\"Records\":[{{\"eventTime\":\"2026-01-01T00:00:00Z\",\"eventSource\":\"dynamodb.amazonaws.com\",\
         \"eventName\":\"PutItem\",\"requestParameters\":{{\"item\":{}1{}}}}}]}}",
        "{\"a\":[".repeat(50_000),
        "]}".repeat(50_000)
    );
    let (_, report) = load("deep-record.json", deep.as_bytes());
    assert_eq!(report.status, FileStatus::Ok, "{report:?}");
    assert_eq!(report.events_added, 1);
}

#[test]
fn an_unreadable_file_is_a_row_and_counts_as_an_error() {
    let mut loader = Loader::new(Limits::default());
    let report = loader.commit(ddb_lens_core::ingest::ParsedFile::unreadable(
        "gone.json.gz",
        1234,
        "NotFoundError: the file was moved",
    ));
    assert_eq!(report.status, FileStatus::Error);
    assert_eq!(
        report.message.as_deref(),
        Some("could not read the file: NotFoundError: the file was moved")
    );
    let totals = loader.totals();
    assert_eq!(
        (totals.files, totals.files_with_errors, totals.bytes),
        (1, 1, 1234)
    );
}

#[test]
fn parsing_on_threads_and_committing_in_order_gives_the_same_model() {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for path in [
        "cloudtrail/delivered.json",
        "cloudtrail/bare-array.json",
        "cloudtrail/lookup-events.json",
        "cloudtrail/wrong-types.json",
        "config/snapshot.json",
    ] {
        files.push((path.to_string(), fixture(path)));
        files.push((format!("{path}.gz"), gzip(&fixture(path))));
    }
    let mut sequential = Loader::new(Limits::default());
    let sequential_reports: Vec<FileReport> =
        files.iter().map(|(n, b)| sequential.ingest(n, b)).collect();

    // Parse in reverse order on other threads, then commit in file order.
    let limits = Limits::default();
    let parsed: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .iter()
            .rev()
            .map(|(n, b)| scope.spawn(|| ddb_lens_core::ingest::parse_file(n, b, &limits)))
            .collect();
        let mut parsed: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        parsed.reverse();
        parsed
    });
    let mut parallel = Loader::new(Limits::default());
    let parallel_reports: Vec<FileReport> =
        parsed.into_iter().map(|p| parallel.commit(p)).collect();
    assert_eq!(parallel_reports, sequential_reports);
    assert_eq!(parallel.totals(), sequential.totals());
    assert_eq!(
        parallel.model().events_unsorted,
        sequential.model().events_unsorted
    );
    assert_eq!(overview(&parallel), overview(&sequential));
}

#[test]
fn tables_from_every_place_cloudtrail_names_them() {
    let (loader, report) = load("tables.json", &fixture("cloudtrail/tables.json"));
    assert_eq!(report.status, FileStatus::Ok, "{report:?}");
    let model = loader.model();
    let tables_of = |name: &str| -> Vec<String> {
        let event = model
            .events_unsorted
            .iter()
            .find(|e| model.str(e.event_name) == name)
            .unwrap_or_else(|| panic!("{name} missing"));
        model.tables(event).map(str::to_string).collect()
    };
    let cases: [(&str, &[&str]); 13] = [
        ("TransactWriteItems", &["orders", "payments-ledger"]),
        ("BatchWriteItem", &["customers", "orders"]),
        ("TransactGetItems", &["customers", "orders"]),
        ("ExecuteStatement", &["sessions-prod"]),
        ("BatchExecuteStatement", &["Music", "customers"]),
        ("ExecuteTransaction", &["orders", "payments-ledger"]),
        ("RestoreTableFromBackup", &["orders", "orders-restored"]),
        ("UpdateGlobalTable", &["customers"]),
        ("GetRecords", &["orders"]),
        ("DescribeExport", &["payments-ledger"]),
        ("GetItem", &["customers"]),
        ("ListTables", &[]),
        ("BatchGetItem", &["customers", "orders"]),
    ];
    for (name, expected) in cases {
        assert_eq!(tables_of(name), expected, "{name}");
    }
}

/// Notable events keep their request, response and error message for the rules; the bulk
/// (data-plane calls, KMS cryptographic calls) keeps none. KMS events name their key.
#[test]
fn notable_events_keep_their_detail_and_kms_events_their_key() {
    let (loader, report) = load("detail.json", &fixture("cloudtrail/detail.json"));
    assert_eq!(report.status, FileStatus::Ok, "{report:?}");
    let model = loader.model();
    let by_name = |name: &str| {
        *model
            .events_unsorted
            .iter()
            .find(|e| model.str(e.event_name) == name)
            .unwrap()
    };

    let pitr = by_name("UpdateContinuousBackups");
    let detail = model.detail_json(&pitr).expect("control-plane detail kept");
    assert_eq!(
        detail["requestParameters"]["pointInTimeRecoverySpecification"]
            ["pointInTimeRecoveryEnabled"],
        serde_json::json!(false)
    );
    assert_eq!(
        detail["responseElements"]["continuousBackupsDescription"]["continuousBackupsStatus"],
        "ENABLED"
    );
    assert!(detail["errorMessage"].is_null());
    assert_eq!(model.tables(&pitr).collect::<Vec<_>>(), ["orders"]);
    assert!(pitr.key.is_empty());

    let get = by_name("GetItem");
    assert!(get.detail.is_empty(), "data-plane events keep no detail");
    assert_eq!(model.tables(&get).collect::<Vec<_>>(), ["orders"]);

    let decrypt = by_name("Decrypt");
    assert!(
        decrypt.detail.is_empty(),
        "KMS cryptographic calls keep no detail"
    );
    assert_eq!(
        model.str(decrypt.key),
        "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    );
    assert_eq!(model.tables(&decrypt).collect::<Vec<_>>(), ["orders"]);

    let schedule = by_name("ScheduleKeyDeletion");
    assert_eq!(
        model.str(schedule.key),
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        "keyId as written when resources[] is absent"
    );
    let detail = model.detail_json(&schedule).unwrap();
    assert_eq!(detail["requestParameters"]["pendingWindowInDays"], 7);

    // Fields before eventSource and eventName: the detail is still kept.
    let stop = by_name("StopLogging");
    let detail = model.detail_json(&stop).unwrap();
    assert_eq!(detail["requestParameters"]["name"], "management-trail");
    assert_eq!(detail["errorMessage"], "Trail not found <b>");
    assert!(detail["responseElements"].is_null());
}

/// The same detail from lookup-events output, where each event is a JSON string.
#[test]
fn lookup_events_keep_detail_too() {
    let text = String::from_utf8(fixture("cloudtrail/detail.json")).unwrap();
    let records: serde_json::Value = serde_json::from_str(&text).unwrap();
    let events: Vec<serde_json::Value> = records["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| serde_json::json!({"EventName": r["eventName"], "CloudTrailEvent": r.to_string()}))
        .collect();
    let lookup = serde_json::json!({ "Events": events }).to_string();
    let (loader, report) = load("lookup.json", lookup.as_bytes());
    assert_eq!(report.kind, FileKind::CloudTrailLookupEvents, "{report:?}");
    let model = loader.model();
    let pitr = model
        .events_unsorted
        .iter()
        .find(|e| model.str(e.event_name) == "UpdateContinuousBackups")
        .unwrap();
    assert_eq!(
        model.detail_json(pitr).unwrap()["requestParameters"]["tableName"],
        "orders"
    );
}

/// A pathological request is cut to a marker instead of held in full.
#[test]
fn oversized_detail_is_truncated_with_its_size() {
    let big = "x".repeat(300 * 1024);
    let file = format!(
        r#"{{"Records":[{{"eventTime":"2026-03-04T09:00:00Z","eventSource":"dynamodb.amazonaws.com",
        "eventName":"UpdateTable","requestParameters":{{"tableName":"t","junk":"{big}"}},
        "eventID":"0a000000-0000-4000-8000-000000000009"}}]}}"#
    );
    let (loader, _) = load("big.json", file.as_bytes());
    let model = loader.model();
    let detail = model.detail_json(&model.events_unsorted[0]).unwrap();
    assert_eq!(detail["requestParameters"]["truncated"], true);
    assert!(detail["requestParameters"]["bytes"].as_u64().unwrap() > 300 * 1024);
    assert_eq!(
        model.tables(&model.events_unsorted[0]).collect::<Vec<_>>(),
        ["t"]
    );
}
