//! The page ↔ worker messages survive a round trip through JS objects, and bad ones are named.
//!
//! Run: `cargo test -p ddb-lens --target wasm32-unknown-unknown --test protocol`

use ddb_lens::protocol::{
    Activity, Command, Done, Event, Progress, ProtocolError, ReportMessage, Summaries,
};
use ddb_lens_core::analysis::activity::{
    ActivityPlane, ActivityRow, ActivitySummary, ErrorFilter, Filter, PrincipalSummary,
    TableSummary,
};
use ddb_lens_core::{FileKind, FileReport, FileStatus, Overview, Totals};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn file(name: &str, text: &str) -> web_sys::File {
    let parts: Array = [JsValue::from_str(text)].into_iter().collect();
    web_sys::File::new_with_str_sequence(&parts, name).unwrap()
}

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        Reflect::set(&object, &JsValue::from_str(key), value).unwrap();
    }
    object.into()
}

#[wasm_bindgen_test]
fn events_round_trip() {
    let report = FileReport {
        name: "AWSLogs/a <b>.json.gz".to_string(),
        size_bytes: 10,
        sha256: None,
        gzip: true,
        uncompressed_bytes: 40,
        kind: FileKind::CloudTrailLog,
        summary: "CloudTrail log: 1 event".to_string(),
        records: 1,
        events_added: 1,
        duplicates: 0,
        records_skipped: 0,
        time_first: Some("2026-01-01T00:00:00Z".to_string()),
        time_last: Some("2026-01-01T00:00:00Z".to_string()),
        status: FileStatus::Ok,
        message: None,
        warnings: Vec::new(),
    };
    let totals = Totals {
        files: 1,
        events: 1,
        ..Totals::default()
    };
    let events = [
        Event::Ready,
        Event::WarmedUp {
            elapsed_ms: 412.5,
            report_json: "{\"schema\":\"x\"}".to_string(),
        },
        Event::Files(vec![report.clone(), report]),
        Event::Progress {
            progress: Progress {
                files_done: 1,
                files_total: 2,
                bytes_done: 10,
                bytes_total: 4_000_000_000,
            },
            totals: totals.clone(),
        },
        Event::Done(Box::new(Done {
            cancelled: true,
            files_not_loaded: 1,
            elapsed_ms: 12.5,
            index_ms: 2.5,
            totals,
            overview: Overview::default(),
            timeline_svg: "<svg></svg>".to_string(),
        })),
        Event::Report(Box::new(ReportMessage {
            json: "{}".to_string(),
            build_ms: 41.5,
            hashes_done: 3,
            hashes_total: 7,
        })),
        Event::Failed("internal error while reading x.json: boom".to_string()),
    ];
    for event in events {
        assert_eq!(Event::from_js(&event.to_js()), Ok(event));
    }
}

#[wasm_bindgen_test]
fn commands_round_trip() {
    let files = vec![file("a.json", "{}"), file("b.json", "[]")];
    let names = vec!["dir/a.json".to_string(), "dir/b.json".to_string()];
    let command = Command::Load {
        files: files.clone(),
        names: names.clone(),
        files_total: 300,
        more: true,
    };
    match Command::from_js(&command.to_js()).unwrap() {
        Command::Load {
            files: got_files,
            names: got_names,
            files_total,
            more,
        } => {
            assert_eq!(got_names, names);
            assert_eq!(got_files.len(), 2);
            assert_eq!(got_files[1].name(), "b.json");
            assert_eq!((files_total, more), (300, true));
        }
        other => panic!("{other:?}"),
    }
    let more = Command::LoadMore {
        files,
        names,
        more: false,
    };
    assert!(matches!(
        Command::from_js(&more.to_js()),
        Ok(Command::LoadMore { more: false, .. })
    ));
    for command in [Command::Sample, Command::Cancel, Command::Clear] {
        let round = Command::from_js(&command.to_js()).unwrap();
        assert_eq!(format!("{round:?}"), format!("{command:?}"));
    }
}

#[wasm_bindgen_test]
fn a_plain_load_is_one_whole_list() {
    let files: Array = [JsValue::from(file("a.json", "{}"))].into_iter().collect();
    let names: Array = [JsValue::from_str("a.json")].into_iter().collect();
    let message = object(&[
        ("type", "load".into()),
        ("files", files.into()),
        ("names", names.into()),
    ]);
    assert!(matches!(
        Command::from_js(&message),
        Ok(Command::Load {
            files_total: 1,
            more: false,
            ..
        })
    ));
}

#[wasm_bindgen_test]
fn bad_messages_are_named() {
    assert_eq!(
        Event::from_js(&object(&[("type", "nope".into())])),
        Err(ProtocolError::UnknownType("nope".to_string()))
    );
    assert_eq!(
        Event::from_js(&JsValue::from_f64(3.0)).map(|_| ()),
        Err(ProtocolError::UnknownType("JsValue(3)".to_string()))
    );
    assert_eq!(
        Event::from_js(&object(&[
            ("type", "files".into()),
            ("reports", "[{\"name\": 1}]".into())
        ]))
        .map_err(|err| matches!(
            err,
            ProtocolError::BadJson {
                field: "reports",
                ..
            }
        )),
        Err(true)
    );
    assert_eq!(
        Command::from_js(&object(&[
            ("type", "load".into()),
            ("files", Array::new().into()),
            ("names", Array::of1(&"x".into()).into())
        ]))
        .map(|_| ()),
        Err(ProtocolError::BadField("names"))
    );
}

#[wasm_bindgen_test]
fn activity_messages_round_trip() {
    let filter = Filter {
        from_ms: Some(1_772_323_200_000),
        tables: vec!["orders".into(), "<b>".into()],
        errors: ErrorFilter::Errors,
        planes: vec![ActivityPlane::Read, ActivityPlane::Other],
        ..Filter::default()
    };
    let commands = [
        Command::Query {
            id: 7,
            filter: filter.clone(),
        },
        Command::Rows {
            id: 7,
            filter,
            offset: 999_900,
            limit: 100,
        },
        Command::Record {
            id: 8,
            file: 3,
            record_index: 4_000_000_000,
        },
        Command::Summaries { id: 9 },
    ];
    for command in commands {
        let round = Command::from_js(&command.to_js()).unwrap();
        assert_eq!(format!("{round:?}"), format!("{command:?}"));
    }
    let row = ActivityRow {
        position: 999_999,
        time_ms: 1,
        time: "1970-01-01T00:00:00.001Z".into(),
        event_source: "dynamodb.amazonaws.com".into(),
        event_name: "Scan".into(),
        plane: ActivityPlane::Read,
        tables: vec!["a".into(), "b".into()],
        principal: "arn:aws:iam::1:user/x".into(),
        source_ip: "192.0.2.1".into(),
        error_code: "AccessDenied".into(),
        user_agent: "ua".into(),
        account: "1".into(),
        region: "eu-west-1".into(),
        file: 2,
        file_name: "AWSLogs/x.json.gz".into(),
        record_index: 5,
    };
    let events = [
        Event::Activity(Box::new(Activity {
            id: 7,
            elapsed_ms: 3.5,
            summary: ActivitySummary {
                events: 10,
                ..ActivitySummary::default()
            },
            timeline_svg: "<svg></svg>".into(),
        })),
        Event::Rows {
            id: 7,
            offset: 999_900,
            total: 1_000_000,
            rows: vec![row],
        },
        Event::Record {
            id: 8,
            result: Ok("{\n  \"eventID\": \"x\"\n}".into()),
        },
        Event::Record {
            id: 8,
            result: Err("gone".into()),
        },
        Event::Summaries(Box::new(Summaries {
            id: 9,
            tables: vec![TableSummary {
                table: "orders".into(),
                events: 1,
                planes: Default::default(),
                errors: 0,
                principals: 1,
                top_principals: Vec::new(),
                first_ms: 0,
                last_ms: 0,
                last_change: None,
            }],
            principals: vec![PrincipalSummary {
                principal: "p".into(),
                identity_type: "IAMUser".into(),
                events: 1,
                errors: 0,
                planes: Default::default(),
                first_ms: 0,
                last_ms: 0,
                tables: Vec::new(),
                tables_distinct: 0,
                operations: Vec::new(),
                operations_distinct: 0,
                source_ips: Vec::new(),
                source_ips_distinct: 0,
                user_agents: Vec::new(),
                user_agents_distinct: 0,
            }],
        })),
    ];
    for event in events {
        assert_eq!(Event::from_js(&event.to_js()), Ok(event));
    }
    // A record number past u32 is refused, not wrapped.
    assert_eq!(
        Command::from_js(&object(&[
            ("type", "record".into()),
            ("id", 1.into()),
            ("file", 0.into()),
            ("record_index", JsValue::from_f64(5e9)),
        ]))
        .map(|_| ()),
        Err(ProtocolError::BadField("record_index"))
    );
}
