//! The activity analysis: time order with deterministic ties, every filter dimension, faceted
//! counts, the timeline, rows, and the per-table and per-principal summaries; then the same
//! queries checked against a brute-force filter over the built-in sample.

use ddb_lens_core::analysis::activity::{
    matching, principal_summaries, query, query_with_matching, rows, rows_at, table_summaries,
    ActivityIndex, ActivityPlane, ErrorFilter, Filter, UNKNOWN_TABLE,
};
use ddb_lens_core::{Limits, Loader, Model};

const ALICE: &str = "arn:aws:sts::111122223333:assumed-role/DataAdmin/alice";
const BOB: &str = "arn:aws:iam::111122223333:user/bob";

/// A CloudTrail record. `params` is the requestParameters JSON. (One argument per field reads
/// best in the fixture table below.)
#[allow(clippy::too_many_arguments)]
fn record(
    id: u32,
    time: &str,
    source: &str,
    name: &str,
    who: &str,
    ip: &str,
    params: &str,
    error: Option<&str>,
) -> String {
    let error = error
        .map(|code| format!(r#","errorCode":"{code}","errorMessage":"no""#))
        .unwrap_or_default();
    format!(
        r#"{{"eventVersion":"1.08","userIdentity":{{"type":"AssumedRole","arn":"{who}","accountId":"111122223333"}},
        "eventTime":"{time}","eventSource":"{source}","eventName":"{name}","awsRegion":"eu-west-1",
        "sourceIPAddress":"{ip}","userAgent":"aws-cli/2.15.0","requestParameters":{params},"responseElements":null{error},
        "eventID":"00000000-0000-4000-8000-{id:012}","eventType":"AwsApiCall","recipientAccountId":"111122223333"}}"#
    )
}

const D: &str = "dynamodb.amazonaws.com";

/// Two files; the second has an event at the same time as one of the first (tie by file).
fn fixture() -> Loader {
    let orders = r#"{"tableName":"orders"}"#;
    let file_a = [
        record(
            1,
            "2026-03-01T10:00:00Z",
            D,
            "GetItem",
            ALICE,
            "192.0.2.1",
            orders,
            None,
        ),
        record(
            2,
            "2026-03-01T09:00:00Z",
            D,
            "UpdateTable",
            ALICE,
            "192.0.2.1",
            orders,
            None,
        ),
        record(
            3,
            "2026-03-01T11:00:00Z",
            D,
            "DeleteTable",
            BOB,
            "198.51.100.7",
            r#"{"tableName":"customers"}"#,
            Some("AccessDenied"),
        ),
        record(
            4,
            "2026-03-01T10:00:00Z",
            D,
            "BatchWriteItem",
            BOB,
            "198.51.100.7",
            r#"{"requestItems":{"orders":[{}],"customers":[{}]}}"#,
            None,
        ),
        record(
            5,
            "2026-03-01T12:00:00Z",
            D,
            "ListTables",
            ALICE,
            "192.0.2.1",
            "null",
            None,
        ),
        record(
            6,
            "2026-03-01T12:30:00Z",
            "kms.amazonaws.com",
            "Decrypt",
            "dynamodb.amazonaws.com",
            "dynamodb.amazonaws.com",
            r#"{"encryptionContext":{"aws:dynamodb:tableName":"orders","aws:dynamodb:subscriberId":"111122223333"}}"#,
            None,
        ),
        record(
            7,
            "2026-03-01T13:00:00Z",
            "s3.amazonaws.com",
            "GetObject",
            BOB,
            "198.51.100.7",
            r#"{"bucketName":"b"}"#,
            None,
        ),
        record(
            8,
            "2026-03-01T13:30:00Z",
            D,
            "DescribeTable",
            BOB,
            "198.51.100.7",
            orders,
            None,
        ),
        record(
            9,
            "2026-03-01T14:00:00Z",
            D,
            "GetRecords",
            ALICE,
            "192.0.2.1",
            r#"{"shardIterator":"arn:aws:dynamodb:eu-west-1:111122223333:table/orders/stream/2026|1|AAA"}"#,
            None,
        ),
    ];
    let file_b = [
        record(
            10,
            "2026-03-01T10:00:00Z",
            D,
            "PutItem",
            ALICE,
            "192.0.2.1",
            orders,
            Some("ConditionalCheckFailedException"),
        ),
        record(
            11,
            "2026-03-01T09:30:00Z",
            D,
            "UpdateContinuousBackups",
            BOB,
            "198.51.100.7",
            orders,
            None,
        ),
    ];
    let mut loader = Loader::new(Limits::default());
    for (name, records) in [("a.json", &file_a[..]), ("b.json", &file_b[..])] {
        let bytes = format!("{{\"Records\":[{}]}}", records.join(","));
        let report = loader.ingest(name, bytes.as_bytes());
        assert_eq!(report.records_skipped, 0, "{report:?}");
    }
    loader
}

fn names(model: &Model, index: &ActivityIndex, filter: &Filter) -> Vec<String> {
    rows(model, index, filter, 0, 1000)
        .into_iter()
        .map(|row| row.event_name)
        .collect()
}

#[test]
fn time_order_breaks_ties_by_file_then_record() {
    let loader = fixture();
    let model = loader.model();
    let index = ActivityIndex::build(model);
    assert_eq!(index.len(), 11);
    assert!(index.covers(model));
    assert_eq!(
        names(model, &index, &Filter::default()),
        [
            "UpdateTable",
            "UpdateContinuousBackups",
            // 10:00: file a record 0, file a record 3, file b record 0.
            "GetItem",
            "BatchWriteItem",
            "PutItem",
            "DeleteTable",
            "ListTables",
            "Decrypt",
            "GetObject",
            "DescribeTable",
            "GetRecords",
        ]
    );
    let all = rows(model, &index, &Filter::default(), 0, 100);
    assert_eq!(all[4].file_name, "b.json");
    assert_eq!(all[4].record_index, 0);
    assert_eq!(all[4].position, 4);
    assert_eq!(all[3].tables, ["customers", "orders"]);
    assert_eq!(all[3].plane, ActivityPlane::Write);
    assert_eq!(all[0].time, "2026-03-01T09:00:00Z");
}

#[test]
fn each_dimension_filters() {
    let loader = fixture();
    let model = loader.model();
    let index = ActivityIndex::build(model);
    let q = |filter: Filter| names(model, &index, &filter);

    // A multi-table event matches either table; KMS events count for the table they protect.
    assert_eq!(
        q(Filter {
            tables: vec!["customers".into()],
            ..Filter::default()
        }),
        ["BatchWriteItem", "DeleteTable"]
    );
    let orders = q(Filter {
        tables: vec!["orders".into()],
        ..Filter::default()
    });
    assert!(orders.contains(&"Decrypt".to_string()), "{orders:?}");
    assert!(orders.contains(&"GetRecords".to_string()), "{orders:?}");
    assert_eq!(orders.len(), 8, "{orders:?}");
    // The unknown table: DynamoDB events naming none, not other services' events.
    assert_eq!(
        q(Filter {
            tables: vec![UNKNOWN_TABLE.into()],
            ..Filter::default()
        }),
        ["ListTables"]
    );
    assert_eq!(
        q(Filter {
            principals: vec![BOB.into()],
            planes: vec![ActivityPlane::Control],
            ..Filter::default()
        }),
        ["UpdateContinuousBackups", "DeleteTable", "DescribeTable"]
    );
    assert_eq!(
        q(Filter {
            event_names: vec!["PutItem".into(), "GetItem".into()],
            ..Filter::default()
        }),
        ["GetItem", "PutItem"]
    );
    assert_eq!(
        q(Filter {
            source_ips: vec!["dynamodb.amazonaws.com".into()],
            ..Filter::default()
        }),
        ["Decrypt"]
    );
    assert_eq!(
        q(Filter {
            errors: ErrorFilter::Errors,
            ..Filter::default()
        }),
        ["PutItem", "DeleteTable"]
    );
    assert_eq!(
        q(Filter {
            error_codes: vec!["AccessDenied".into()],
            ..Filter::default()
        }),
        ["DeleteTable"]
    );
    assert_eq!(
        q(Filter {
            errors: ErrorFilter::NoErrors,
            planes: vec![ActivityPlane::Write],
            ..Filter::default()
        }),
        ["BatchWriteItem"]
    );
    assert_eq!(
        q(Filter {
            planes: vec![ActivityPlane::Streams, ActivityPlane::Other],
            ..Filter::default()
        }),
        ["Decrypt", "GetObject", "GetRecords"]
    );
    // [from, to): 10:00 included, 12:00 excluded.
    assert_eq!(
        q(Filter {
            from_ms: ddb_lens_core::time::parse_iso_ms("2026-03-01T10:00:00Z"),
            to_ms: ddb_lens_core::time::parse_iso_ms("2026-03-01T12:00:00Z"),
            ..Filter::default()
        }),
        ["GetItem", "BatchWriteItem", "PutItem", "DeleteTable"]
    );
    // A value never loaded matches nothing.
    assert!(q(Filter {
        principals: vec!["nobody".into()],
        ..Filter::default()
    })
    .is_empty());
}

#[test]
fn summary_counts_timeline_and_faceted_counts() {
    let loader = fixture();
    let model = loader.model();
    let index = ActivityIndex::build(model);
    let filter = Filter {
        tables: vec!["orders".into()],
        errors: ErrorFilter::NoErrors,
        ..Filter::default()
    };
    let summary = query(model, &index, &filter);
    assert_eq!(summary.total_events, 11);
    assert_eq!(summary.events, 7);
    assert_eq!(summary.errors, 0);
    assert_eq!(summary.planes.control, 3, "{:?}", summary.planes);
    assert_eq!(summary.planes.read, 1);
    assert_eq!(summary.planes.write, 1);
    assert_eq!(summary.planes.streams, 1);
    assert_eq!(summary.planes.other, 1);
    assert_eq!(
        summary.events,
        summary.buckets.iter().map(|b| b.total()).sum::<u64>()
    );
    // 09:00..14:00 → 5-minute buckets (the smallest keeping the span under 240 buckets).
    assert_eq!(summary.bucket_label, "5 minutes");
    assert_eq!(summary.buckets.len(), 61);
    assert_eq!(
        summary.first_ms,
        ddb_lens_core::time::parse_iso_ms("2026-03-01T09:00:00Z")
    );

    let facet = |f: &ddb_lens_core::analysis::activity::Facet, name: &str| {
        f.values.iter().find(|c| c.name == name).map(|c| c.count)
    };
    // The tables facet ignores the table selection, keeps the errors one: customers has
    // BatchWriteItem (no error) and DeleteTable (an error).
    assert_eq!(facet(&summary.facets.tables, "customers"), Some(1));
    assert_eq!(facet(&summary.facets.tables, "orders"), Some(7));
    assert_eq!(facet(&summary.facets.tables, UNKNOWN_TABLE), Some(1));
    assert_eq!(facet(&summary.facets.tables, "b"), None);
    // The errors facet ignores the errors selection: orders has one failed PutItem.
    assert_eq!(facet(&summary.facets.errors, "error"), Some(1));
    assert_eq!(facet(&summary.facets.errors, "no_error"), Some(7));
    assert_eq!(
        facet(
            &summary.facets.error_codes,
            "ConditionalCheckFailedException"
        ),
        None,
        "error codes are counted under the errors selection (no errors)"
    );
    // GetItem, UpdateTable, GetRecords (the failed PutItem is not kept).
    assert_eq!(facet(&summary.facets.principals, ALICE), Some(3));
    assert_eq!(facet(&summary.facets.planes, "control"), Some(3));
    assert_eq!(summary.facets.tables.distinct, 3);

    // Facets of an empty selection are plain counts.
    let all = query(model, &index, &Filter::default());
    assert_eq!(all.events, 11);
    assert_eq!(facet(&all.facets.error_codes, "AccessDenied"), Some(1));
    assert_eq!(all.facets.event_names.values.len(), 11);
    assert_eq!(all.facets.event_names.values[0].count, 1);
    assert_eq!(all.facets.event_names.values[0].name, "BatchWriteItem");
    assert_eq!(
        facet(&all.facets.principals, "dynamodb.amazonaws.com"),
        Some(1)
    );
}

#[test]
fn timeline_span_follows_the_filter_range_within_the_data() {
    let loader = fixture();
    let model = loader.model();
    let index = ActivityIndex::build(model);
    let t = |text: &str| ddb_lens_core::time::parse_iso_ms(text).unwrap();
    let zoomed = query(
        model,
        &index,
        &Filter {
            from_ms: Some(t("2026-03-01T10:00:00Z")),
            to_ms: Some(t("2026-03-01T10:30:00Z")),
            ..Filter::default()
        },
    );
    assert_eq!(zoomed.events, 3);
    assert_eq!(zoomed.bucket_label, "1 minute");
    assert_eq!(zoomed.buckets.len(), 30);
    assert_eq!(zoomed.buckets[0].start_ms, t("2026-03-01T10:00:00Z"));
    assert_eq!(zoomed.buckets[0].read, 1);
    assert_eq!(zoomed.buckets[0].write, 1);
    assert_eq!(
        zoomed.buckets[0].errors, 1,
        "the failed PutItem is in errors only"
    );
    // A range wider than the data is clamped to it.
    let wide = query(
        model,
        &index,
        &Filter {
            from_ms: Some(0),
            to_ms: Some(i64::MAX),
            ..Filter::default()
        },
    );
    assert_eq!(wide.buckets[0].start_ms, t("2026-03-01T09:00:00Z"));
    assert_eq!(wide.bucket_label, "5 minutes");
    assert_eq!(wide.buckets.len(), 61);
    // Nothing matches: no buckets, and the summary says where the data is.
    let none = query(
        model,
        &index,
        &Filter {
            principals: vec!["nobody".into()],
            ..Filter::default()
        },
    );
    assert_eq!(none.events, 0);
    assert!(none.buckets.is_empty());
    assert_eq!(none.data_first_ms, Some(t("2026-03-01T09:00:00Z")));
    assert_eq!(none.data_last_ms, Some(t("2026-03-01T14:00:00Z")));
}

#[test]
fn rows_page_through_the_list() {
    let loader = fixture();
    let model = loader.model();
    let index = ActivityIndex::build(model);
    let filter = Filter::default();
    let all = rows(model, &index, &filter, 0, 100);
    let page = rows(model, &index, &filter, 3, 4);
    assert_eq!(page, all[3..7]);
    assert_eq!(page[0].position, 3);
    assert!(rows(model, &index, &filter, 11, 5).is_empty());
    assert!(rows(model, &index, &filter, u64::MAX, 5).is_empty());
    let list = matching(model, &index, &filter);
    assert_eq!(rows_at(model, &index, &list, 3, 4), page);
    let (summary, from_query) = query_with_matching(model, &index, &filter);
    assert_eq!(from_query, list);
    assert_eq!(summary, query(model, &index, &filter));
    assert_eq!(rows_at(model, &index, &list, 9, 100), all[9..]);
    assert!(rows_at(model, &index, &list, u64::MAX, usize::MAX).is_empty());
    let decrypt = all.iter().find(|r| r.event_name == "Decrypt").unwrap();
    assert_eq!(decrypt.tables, ["orders"]);
    assert_eq!(decrypt.plane, ActivityPlane::Other);
    assert_eq!(decrypt.source_ip, "dynamodb.amazonaws.com");
    let s3 = all.iter().find(|r| r.event_name == "GetObject").unwrap();
    assert!(s3.tables.is_empty());
}

#[test]
fn table_summaries_count_planes_principals_and_the_last_change() {
    let loader = fixture();
    let model = loader.model();
    let tables = table_summaries(model);
    let names: Vec<&str> = tables.iter().map(|t| t.table.as_str()).collect();
    assert_eq!(names, ["customers", "orders", UNKNOWN_TABLE]);
    let orders = &tables[1];
    assert_eq!(orders.events, 8);
    assert_eq!(orders.planes.control, 3);
    assert_eq!(orders.planes.write, 2);
    assert_eq!(orders.planes.other, 1);
    assert_eq!(orders.errors, 1);
    assert_eq!(orders.principals, 3);
    assert_eq!(orders.top_principals[0].name, ALICE);
    // UpdateContinuousBackups (09:30) is the latest change: DescribeTable (13:30) reads.
    let change = orders.last_change.as_ref().unwrap();
    assert_eq!(change.event_name, "UpdateContinuousBackups");
    assert_eq!(change.principal, BOB);
    assert_eq!((change.file, change.record_index), (1, 1));
    // customers: the DeleteTable failed, so it changed nothing.
    assert_eq!(tables[0].last_change, None);
    assert_eq!(tables[0].errors, 1);
    assert_eq!(tables[2].events, 1);
}

#[test]
fn principal_summaries_list_tables_operations_ips_and_agents() {
    let loader = fixture();
    let model = loader.model();
    let principals = principal_summaries(model);
    let names: Vec<&str> = principals.iter().map(|p| p.principal.as_str()).collect();
    // Byte order: arn:aws:iam before arn:aws:sts.
    assert_eq!(names, [BOB, ALICE, "dynamodb.amazonaws.com"]);
    let bob = &principals[0];
    assert_eq!(bob.events, 5);
    assert_eq!(bob.errors, 1);
    assert_eq!(bob.identity_type, "AssumedRole");
    assert_eq!(bob.tables_distinct, 2);
    assert_eq!(bob.tables[0].name, "orders");
    assert_eq!(bob.tables[0].count, 3);
    assert_eq!(bob.operations_distinct, 5);
    assert_eq!(bob.source_ips[0].name, "198.51.100.7");
    assert_eq!(bob.user_agents[0].name, "aws-cli/2.15.0");
    assert_eq!(bob.planes.other, 1);
    let alice = &principals[1];
    assert_eq!(
        alice
            .tables
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["orders", UNKNOWN_TABLE]
    );
}

// ---- the sample, against a brute-force filter ------------------------------------------------

fn sample() -> Loader {
    let mut loader = Loader::new(Limits::default());
    for (name, bytes) in ddb_lens_gen::sample_files() {
        loader.ingest(&name, &bytes);
    }
    loader
}

/// The filter written the obvious way, one event at a time.
fn brute_force(model: &Model, filter: &Filter) -> Vec<usize> {
    let mut kept: Vec<usize> = (0..model.events_unsorted.len())
        .filter(|&i| {
            let e = &model.events_unsorted[i];
            let plane = ActivityPlane::of(model.str(e.event_source), model.str(e.event_name));
            let tables: Vec<&str> = model.tables(e).collect();
            let table_ok = filter.tables.is_empty()
                || filter.tables.iter().any(|t| {
                    tables.contains(&t.as_str())
                        || (t == UNKNOWN_TABLE
                            && tables.is_empty()
                            && plane != ActivityPlane::Other)
                });
            let one = |values: &[String], sym| {
                values.is_empty() || values.iter().any(|v| v == model.str(sym))
            };
            let error = !e.error_code.is_empty();
            filter.from_ms.is_none_or(|from| e.time_ms >= from)
                && filter.to_ms.is_none_or(|to| e.time_ms < to)
                && table_ok
                && one(&filter.principals, e.principal)
                && one(&filter.event_names, e.event_name)
                && one(&filter.source_ips, e.source_ip)
                && one(&filter.error_codes, e.error_code)
                && match filter.errors {
                    ErrorFilter::All => true,
                    ErrorFilter::Errors => error,
                    ErrorFilter::NoErrors => !error,
                }
                && (filter.planes.is_empty() || filter.planes.contains(&plane))
        })
        .collect();
    kept.sort_by_key(|&i| {
        let e = &model.events_unsorted[i];
        (e.time_ms, e.file, e.record_index)
    });
    kept
}

#[test]
fn sample_queries_agree_with_brute_force() {
    let loader = sample();
    let model = loader.model();
    let index = ActivityIndex::build(model);
    let all = query(model, &index, &Filter::default());
    assert!(all.events > 1000, "{}", all.events);
    let top = |facet: &ddb_lens_core::analysis::activity::Facet, n: usize| -> Vec<String> {
        facet
            .values
            .iter()
            .take(n)
            .map(|c| c.name.clone())
            .collect()
    };
    let tables = top(&all.facets.tables, 3);
    let principals = top(&all.facets.principals, 2);
    let names = top(&all.facets.event_names, 4);
    let ips = top(&all.facets.source_ips, 2);
    let codes = top(&all.facets.error_codes, 2);
    assert!(!codes.is_empty(), "the sample has errors");
    let mid = (all.data_first_ms.unwrap() + all.data_last_ms.unwrap()) / 2;
    let filters = [
        Filter::default(),
        Filter {
            tables: tables.clone(),
            ..Filter::default()
        },
        Filter {
            tables: vec![tables[0].clone()],
            errors: ErrorFilter::Errors,
            ..Filter::default()
        },
        Filter {
            tables: vec![UNKNOWN_TABLE.into()],
            ..Filter::default()
        },
        Filter {
            principals: principals.clone(),
            planes: vec![ActivityPlane::Read, ActivityPlane::Write],
            ..Filter::default()
        },
        Filter {
            event_names: names,
            errors: ErrorFilter::NoErrors,
            ..Filter::default()
        },
        Filter {
            source_ips: ips,
            from_ms: Some(mid),
            ..Filter::default()
        },
        Filter {
            error_codes: codes,
            to_ms: Some(mid),
            ..Filter::default()
        },
        Filter {
            planes: vec![ActivityPlane::Control],
            from_ms: Some(mid - 3_600_000),
            to_ms: Some(mid + 3_600_000),
            ..Filter::default()
        },
        Filter {
            planes: vec![ActivityPlane::Other, ActivityPlane::Streams],
            tables: vec![tables[1].clone()],
            ..Filter::default()
        },
    ];
    for filter in &filters {
        let expected = brute_force(model, filter);
        let summary = query(model, &index, filter);
        assert_eq!(summary.events, expected.len() as u64, "{filter:?}");
        assert_eq!(
            summary.buckets.iter().map(|b| b.total()).sum::<u64>(),
            summary.events,
            "{filter:?}"
        );
        let got = rows(model, &index, filter, 0, usize::MAX);
        let got: Vec<(u32, u32)> = got.iter().map(|r| (r.file, r.record_index)).collect();
        let want: Vec<(u32, u32)> = expected
            .iter()
            .map(|&i| {
                let e = &model.events_unsorted[i];
                (e.file, e.record_index)
            })
            .collect();
        assert_eq!(got, want, "{filter:?}");
        // Each facet value's count is the brute-force count with that value selected instead.
        if let Some(first) = summary.facets.tables.values.first() {
            let alt = Filter {
                tables: vec![first.name.clone()],
                ..filter.clone()
            };
            assert_eq!(
                brute_force(model, &alt).len() as u64,
                first.count,
                "{alt:?}"
            );
        }
        if let Some(first) = summary.facets.principals.values.first() {
            let alt = Filter {
                principals: vec![first.name.clone()],
                ..filter.clone()
            };
            assert_eq!(
                brute_force(model, &alt).len() as u64,
                first.count,
                "{alt:?}"
            );
        }
        for value in &summary.facets.planes.values {
            let plane = ActivityPlane::from_key(&value.name).unwrap();
            let alt = Filter {
                planes: vec![plane],
                ..filter.clone()
            };
            assert_eq!(
                brute_force(model, &alt).len() as u64,
                value.count,
                "{alt:?}"
            );
        }
    }
}

#[test]
fn sample_summaries_add_up() {
    let loader = sample();
    let model = loader.model();
    let index = ActivityIndex::build(model);
    let all = query(model, &index, &Filter::default());
    let principals = principal_summaries(model);
    assert_eq!(principals.iter().map(|p| p.events).sum::<u64>(), all.events);
    let tables = table_summaries(model);
    for table in &tables {
        let filter = Filter {
            tables: vec![table.table.clone()],
            ..Filter::default()
        };
        let summary = query(model, &index, &filter);
        assert_eq!(summary.events, table.events, "{}", table.table);
        assert_eq!(summary.errors, table.errors, "{}", table.table);
        assert_eq!(summary.planes, table.planes, "{}", table.table);
    }
    assert!(tables.iter().any(|t| t.last_change.is_some()));
}

/// What the browser test (`tests/e2e/activity.test.mjs`) must see on the sample, computed here
/// by the core natively so that test is not checking the page against itself. Kept in
/// `tests/e2e/expected/activity-sample.json`; when the sample changes, this test fails and
/// `UPDATE_EXPECTED=1 cargo test -p ddb-lens-core --test activity` rewrites the file.
#[test]
fn sample_expectations_for_the_browser_test() {
    let files = ddb_lens_gen::sample_files();
    let mut loader = Loader::new(Limits::default());
    for (name, bytes) in &files {
        loader.ingest(name, bytes);
    }
    let model = loader.model();
    let index = ActivityIndex::build(model);
    let all = query(model, &index, &Filter::default());
    let table = all.facets.tables.values[0].name.clone();
    let by_table = Filter {
        tables: vec![table.clone()],
        ..Filter::default()
    };
    let table_events = query(model, &index, &by_table).events;
    let with_errors = Filter {
        errors: ErrorFilter::Errors,
        ..by_table
    };
    let errors = query(model, &index, &with_errors);
    assert!(
        errors.events > 0,
        "the sample's busiest table has failed calls"
    );
    let first_error = &rows(model, &index, &with_errors, 0, 1)[0];
    let record_of = |row: &ddb_lens_core::analysis::activity::ActivityRow| {
        let bytes = &files
            .iter()
            .find(|(name, _)| *name == row.file_name)
            .expect("the row's file")
            .1;
        let text =
            ddb_lens_core::ingest::record::record_json(&row.file_name, bytes, row.record_index)
                .unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        value["eventID"].as_str().unwrap().to_string()
    };
    let last = &rows(model, &index, &Filter::default(), all.events - 1, 1)[0];
    let expected = serde_json::json!({
        "note": "Written by crates/core/tests/activity.rs (sample_expectations_for_the_browser_test) from the core's own query of the built-in sample.",
        "events": all.events,
        "table": table,
        "table_events": table_events,
        "table_error_events": errors.events,
        "first_error": {
            "event_name": first_error.event_name,
            "time": first_error.time,
            "error_code": first_error.error_code,
            "event_id": record_of(first_error),
        },
        "last": {
            "event_name": last.event_name,
            "time": last.time,
            "event_id": record_of(last),
        },
    });
    let text = serde_json::to_string_pretty(&expected).unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/e2e/expected/activity-sample.json");
    if std::env::var_os("UPDATE_EXPECTED").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        committed,
        text,
        "{} is out of date: rerun with UPDATE_EXPECTED=1",
        path.display()
    );
}
