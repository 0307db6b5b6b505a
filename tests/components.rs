//! The loading views in Chromium: mount, feed them reports or worker events, assert on the DOM.
//!
//! Run: `cargo test -p ddb-lens --target wasm32-unknown-unknown --test components`
//! (CHROMEDRIVER=/usr/bin/chromedriver; `.cargo/config.toml` makes wasm-bindgen-test-runner the
//! runner).

use std::sync::Arc;

use ddb_lens::components::{FileTable, LoadStatus, OverviewPanel, TotalsLine};
use ddb_lens::pages::tables::TablesPage;
use ddb_lens::pages::tags::TagsPage;
use ddb_lens::protocol::{Done, Event, Progress, ReportMessage};
use ddb_lens::session::{Analysis, FileRow, Session};
use ddb_lens_core::report::{self, ReportSettings};
use ddb_lens_core::{Count, FileKind, FileReport, FileStatus, Limits, Loader, Overview, Totals};
use leptos::prelude::*;
use wasm_bindgen_test::*;
use web_sys::Element;

mod support;
use support::{all, mount, one, sleep_ms, text};

wasm_bindgen_test_configure!(run_in_browser);

const HOSTILE_NAME: &str = "<img src=x onerror=alert(1)>.json";

fn report(name: &str, status: FileStatus) -> FileReport {
    let mut report = FileReport {
        name: name.to_string(),
        size_bytes: 2_048,
        sha256: None,
        gzip: false,
        uncompressed_bytes: 2_048,
        kind: FileKind::CloudTrailLog,
        summary: "CloudTrail log: 1,000 events".to_string(),
        records: 1_000,
        events_added: 1_000,
        duplicates: 0,
        records_skipped: 0,
        time_first: Some("2026-01-02T03:04:05Z".to_string()),
        time_last: Some("2026-01-02T09:15:00Z".to_string()),
        status,
        message: None,
        warnings: Vec::new(),
    };
    match status {
        FileStatus::Ok => {}
        FileStatus::Warning => {
            report.summary = "CloudTrail log: 1,000 events (1 skipped)".to_string();
            report.events_added = 999;
            report.records_skipped = 1;
            report.warnings = vec!["record 7 skipped: null".to_string()];
        }
        FileStatus::Error => {
            report.kind = FileKind::Unrecognised;
            report.summary = "Not recognised: <b>not JSON</b>".to_string();
            report.records = 0;
            report.events_added = 0;
            report.time_first = None;
            report.time_last = None;
            report.message = Some("<b>not JSON</b>: expected value at line 1".to_string());
        }
    }
    report
}

#[wasm_bindgen_test]
fn file_table_shows_each_outcome_and_renders_names_as_text() {
    let rows = vec![
        FileRow {
            id: 1,
            report: Arc::new(report("a/ok.json", FileStatus::Ok)),
        },
        FileRow {
            id: 2,
            report: Arc::new(report("b/warn.json", FileStatus::Warning)),
        },
        FileRow {
            id: 3,
            report: Arc::new(report(HOSTILE_NAME, FileStatus::Error)),
        },
    ];
    let (container, _guard) = mount(move || view! { <FileTable rows=Signal::stored(rows) /> });

    let trs = all(&container, "#file-table tbody tr.file-row");
    assert_eq!(trs.len(), 3);
    let statuses: Vec<String> = trs
        .iter()
        .map(|tr| tr.get_attribute("data-status").unwrap())
        .collect();
    assert_eq!(statuses, ["ok", "warning", "error"]);

    assert_eq!(text(&trs[0], "td.name"), "a/ok.json");
    assert_eq!(text(&trs[0], "td.size"), "2.0 kB");
    assert_eq!(text(&trs[0], "td.kind"), "CloudTrail log: 1,000 events");
    assert_eq!(text(&trs[0], "td.records"), "1,000");
    assert_eq!(text(&trs[0], "td.time"), "2026-01-02 03:04–09:15 UTC");
    assert_eq!(text(&trs[0], "td.status"), "ok");

    assert_eq!(
        text(&trs[1], "td.status"),
        "1 record skipped: record 7: null"
    );

    // The hostile name and message are text, not markup: no element was created from them.
    assert_eq!(text(&trs[2], "td.name"), HOSTILE_NAME);
    assert_eq!(
        text(&trs[2], "td.status"),
        "<b>not JSON</b>: expected value at line 1"
    );
    assert_eq!(text(&trs[2], "td.kind"), "Unrecognised");
    assert_eq!(text(&trs[2], "td.records"), "—");
    assert!(container.query_selector("img").unwrap().is_none());
    assert!(container.query_selector("b").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn totals_line_follows_its_signal() {
    let totals = RwSignal::new(Totals::default());
    let (container, _guard) = mount(move || view! { <TotalsLine totals=totals /> });
    let line = one(&container, "#totals");
    assert_eq!(line.get_attribute("data-files").as_deref(), Some("0"));

    totals.set(Totals {
        files: 3,
        events: 12_345,
        duplicates_dropped: 5,
        files_with_errors: 1,
        ..Totals::default()
    });
    leptos::task::tick().await;

    assert_eq!(line.get_attribute("data-files").as_deref(), Some("3"));
    assert_eq!(line.get_attribute("data-events").as_deref(), Some("12345"));
    assert_eq!(line.get_attribute("data-duplicates").as_deref(), Some("5"));
    assert_eq!(line.get_attribute("data-errors").as_deref(), Some("1"));
    assert_eq!(
        line.text_content().unwrap().trim(),
        "3 files · 12,345 events · 5 duplicates dropped · 1 file with errors"
    );
}

/// The page's state machine without a worker: the events a load produces, applied in order.
#[wasm_bindgen_test]
async fn a_load_moves_the_status_table_and_totals() {
    let session = Session::new();
    let (container, _guard) = mount(move || {
        provide_context(session);
        view! {
            <LoadStatus />
            <TotalsLine totals=session.totals />
            <FileTable rows=session.rows />
        }
    });
    let status = one(&container, "#load-status");
    assert_eq!(status.get_attribute("data-state").as_deref(), Some("idle"));
    assert!(status.get_attribute("data-elapsed-ms").is_none());

    session.load_sample(); // no worker: the command goes nowhere, the page shows loading
    leptos::task::tick().await;
    assert_eq!(
        status.get_attribute("data-state").as_deref(),
        Some("loading")
    );
    assert!(container
        .query_selector("#cancel-button")
        .unwrap()
        .is_some());

    // Reports arrive in completion order; the table sorts them by name.
    for name in ["c.json", "a.json", HOSTILE_NAME, "b.json"] {
        session.apply(Ok(Event::Files(vec![report(name, FileStatus::Ok)])));
    }
    let progress = Progress {
        files_done: 4,
        files_total: 10,
        bytes_done: 3_100_000,
        bytes_total: 9_000_000,
    };
    let running = Totals {
        files: 4,
        events: 4_000,
        ..Totals::default()
    };
    session.apply(Ok(Event::Progress {
        progress,
        totals: running.clone(),
    }));
    leptos::task::tick().await;
    assert_eq!(
        text(&container, "#progress-text"),
        "4 of 10 files · 3.1 of 9.0 MB"
    );
    let names: Vec<String> = all(&container, "tr.file-row td.name")
        .iter()
        .map(|td| td.text_content().unwrap())
        .collect();
    assert_eq!(names, [HOSTILE_NAME, "a.json", "b.json", "c.json"]);
    assert_eq!(
        one(&container, "#totals")
            .get_attribute("data-events")
            .as_deref(),
        Some("4000")
    );

    session.apply(Ok(Event::Done(Box::new(Done {
        cancelled: true,
        files_not_loaded: 6,
        elapsed_ms: 1234.4,
        index_ms: 34.0,
        totals: running,
        overview: Overview::default(),
        timeline_svg: String::new(),
    }))));
    leptos::task::tick().await;
    assert_eq!(
        status.get_attribute("data-state").as_deref(),
        Some("cancelled")
    );
    assert_eq!(
        status.get_attribute("data-elapsed-ms").as_deref(),
        Some("1234")
    );
    assert!(container
        .query_selector("#cancel-button")
        .unwrap()
        .is_none());
    assert!(text(&container, ".status-message").contains("6 files not loaded"));
    assert!(container.query_selector("img").unwrap().is_none());

    session.clear();
    leptos::task::tick().await;
    assert_eq!(status.get_attribute("data-state").as_deref(), Some("idle"));
    assert!(all(&container, "tr.file-row").is_empty());
}

#[wasm_bindgen_test]
fn overview_shows_counts_and_the_timeline_svg() {
    let overview = Overview {
        events: 1_500,
        duplicates_dropped: 2,
        time_first: Some("2026-01-01T00:00:00Z".to_string()),
        time_last: Some("2026-01-03T04:00:00Z".to_string()),
        span_label: "2 days 4 hours".to_string(),
        accounts: vec![Count {
            name: "111122223333".to_string(),
            count: 1_500,
        }],
        regions: (0..12)
            .map(|i| Count {
                name: format!("region-{i:02}"),
                count: 100 - i,
            })
            .collect(),
        event_sources: vec![Count {
            name: "dynamodb.amazonaws.com".to_string(),
            count: 1_500,
        }],
        bucket_secs: 3600,
        bucket_label: "1 hour".to_string(),
        buckets: Vec::new(),
    };
    let analysis = Analysis {
        overview,
        timeline_svg: r#"<svg width="900" height="260" viewBox="0 0 900 260" xmlns="http://www.w3.org/2000/svg"><rect x="0" y="0" width="10" height="10"/></svg>"#.to_string(),
    };
    let (container, _guard) =
        mount(move || view! { <OverviewPanel analysis=Signal::stored(analysis) /> });

    let svg = one(&container, "#overview #timeline");
    assert_eq!(svg.tag_name().to_lowercase(), "svg");
    assert_eq!(svg.get_attribute("role").as_deref(), Some("img"));
    assert!(svg
        .get_attribute("aria-label")
        .unwrap()
        .contains("events per 1 hour"));
    let overview = one(&container, "#overview");
    let text = overview.text_content().unwrap();
    assert!(text.contains("1,500"), "{text}");
    assert!(text.contains("2 days 4 hours"), "{text}");
    assert!(text.contains("111122223333"), "{text}");
    // Ten regions listed, the other two counted.
    assert_eq!(all(&container, ".count-list li").len(), 1 + 10 + 1);
    assert!(text.contains("and 2 more"), "{text}");
}

#[wasm_bindgen_test]
async fn a_worker_failure_is_shown_with_the_file_it_was_reading() {
    let session = Session::new();
    let (container, _guard) = mount(move || {
        provide_context(session);
        view! { <LoadStatus /> }
    });
    session.load_sample();
    session.apply(Ok(Event::Failed(
        "internal error while reading <i>x</i>.json: boom".to_string(),
    )));
    leptos::task::tick().await;
    let status = one(&container, "#load-status");
    assert_eq!(status.get_attribute("data-state").as_deref(), Some("error"));
    assert_eq!(
        text(&container, ".problem"),
        "the loader stopped on an internal error while reading <i>x</i>.json: boom"
    );
    assert!(container.query_selector("i").unwrap().is_none());
}

/// Between a load's end and its report's arrival a view must not read as "your exports hold
/// nothing": the tag and table views said "0 tables seen" there (and an end-to-end test read it).
#[wasm_bindgen_test]
async fn views_say_the_report_is_being_built_until_it_arrives() {
    let session = Session::new();
    let (container, _guard) = mount(move || {
        provide_context(session);
        view! {
            <TagsPage />
            <TablesPage />
        }
    });
    let said = |container: &Element| -> Vec<String> {
        all(container, ".no-report")
            .iter()
            .map(|p| p.text_content().unwrap())
            .collect()
    };
    let idle = "No report yet: load exports on the Overview, or open a saved report.";
    assert_eq!(said(&container), [idle, idle]);
    assert!(container.query_selector("#tag-summary").unwrap().is_none());

    session.load_sample(); // no worker: the page moves as the events below say
    leptos::task::tick().await;
    let loading = "Loading exports: the report is built when the load ends.";
    assert_eq!(said(&container), [loading, loading]);

    let mut loader = Loader::new(Limits::default());
    for (name, bytes) in ddb_lens_gen::sample_files() {
        loader.ingest(&name, &bytes);
    }
    session.apply(Ok(Event::Done(Box::new(Done {
        cancelled: false,
        files_not_loaded: 0,
        elapsed_ms: 10.0,
        index_ms: 1.0,
        totals: loader.totals(),
        overview: Overview::default(),
        timeline_svg: String::new(),
    }))));
    leptos::task::tick().await;
    let building = "Building the report of the loaded exports\u{2026}";
    assert_eq!(said(&container), [building, building]);
    assert!(container.query_selector("#tag-summary").unwrap().is_none());

    let made = report::build(loader.model(), loader.reports(), &ReportSettings::default());
    session.apply(Ok(Event::Report(Box::new(ReportMessage {
        json: report::to_json(&made),
        build_ms: 5.0,
        hashes_done: 0,
        hashes_total: loader.reports().len() as u64,
    }))));
    leptos::task::tick().await;
    assert!(said(&container).is_empty());
    assert!(
        made.tags.coverage.tables > 0,
        "the sample has tagged tables"
    );
    assert!(
        text(&container, "#tag-summary")
            .starts_with(&format!("{} tables seen", made.tags.coverage.tables)),
        "{}",
        text(&container, "#tag-summary")
    );
    assert_eq!(
        text(&container, "#tables-summary"),
        format!("{} tables.", made.tables.len())
    );
}

/// The worker's warm-up report is read once by the page (warming its reader) and both times
/// land on `#load-status`, where the bench reads them; nothing else on the page changes.
#[wasm_bindgen_test]
async fn the_warm_up_is_read_and_timed_without_touching_the_session() {
    let session = Session::new();
    let (container, _guard) = mount(move || {
        provide_context(session);
        view! { <LoadStatus /> }
    });
    let status = one(&container, "#load-status");
    assert!(status.get_attribute("data-warm-up-ms").is_none());
    let mut loader = Loader::new(Limits::default());
    for (name, bytes) in ddb_lens_gen::sample_files().into_iter().take(5) {
        loader.ingest(&name, &bytes);
    }
    let report_json =
        report::build_compact_json(loader.model(), loader.reports(), &ReportSettings::default());
    session.apply(Ok(Event::WarmedUp {
        elapsed_ms: 412.4,
        report_json,
    }));
    // The page reads it in a task of its own.
    sleep_ms(50).await;
    leptos::task::tick().await;
    assert_eq!(
        status.get_attribute("data-warm-up-ms").as_deref(),
        Some("412")
    );
    let page_ms: f64 = status
        .get_attribute("data-page-warm-up-ms")
        .expect("the page timed its read")
        .parse()
        .unwrap();
    assert!(page_ms >= 0.0);
    assert_eq!(status.get_attribute("data-state").as_deref(), Some("idle"));
    assert!(
        session.report.get_untracked().is_none(),
        "a warm-up report is never shown"
    );
    assert_eq!(session.totals.get_untracked(), Totals::default());
}
