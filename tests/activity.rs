//! The activity view in Chromium: the worker's answers (fed straight into the session, no worker)
//! become the count, the chart, the filters' chips and suggestions, a virtualised list and the
//! event's JSON; answers to superseded requests are dropped; export text stays text.
//!
//! Run: `cargo test -p ddb-lens --target wasm32-unknown-unknown --test activity`

mod support;

use ddb_lens::activity::RecordPanel;
use ddb_lens::components::activity_timeline::{input_time, parse_input_time};
use ddb_lens::components::event_list::{
    short_principal, window, MAX_SCROLL_PX, ROW_HEIGHT_PX, VIEWPORT_PX,
};
use ddb_lens::components::{ActivityFilters, EventDetail, EventList};
use ddb_lens::pages::{route_for_hash, ActivityPage};
use ddb_lens::protocol::{Activity, Event};
use ddb_lens::session::Session;
use ddb_lens_core::analysis::activity::{
    ActivityPlane, ActivityRow, ActivitySummary, Facet, Facets, Filter,
};
use ddb_lens_core::{Count, Totals};
use leptos::prelude::*;
use support::{all, click, mount, one, tick};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlInputElement;

wasm_bindgen_test_configure!(run_in_browser);

const HOSTILE: &str = "<img src=x onerror=alert(1)>";

fn row(position: u64) -> ActivityRow {
    ActivityRow {
        position,
        time_ms: 1_772_323_200_000 + position as i64 * 1000,
        time: "2026-03-01T00:00:00Z".to_string(),
        event_source: "dynamodb.amazonaws.com".to_string(),
        event_name: if position == 0 {
            HOSTILE.to_string()
        } else {
            "GetItem".to_string()
        },
        plane: ActivityPlane::Read,
        tables: vec!["orders".to_string()],
        principal: HOSTILE.to_string(),
        source_ip: "192.0.2.1".to_string(),
        error_code: String::new(),
        user_agent: "aws-cli/2".to_string(),
        account: "111122223333".to_string(),
        region: "eu-west-1".to_string(),
        file: 0,
        file_name: "a.json".to_string(),
        record_index: position as u32,
    }
}

fn summary(events: u64) -> ActivitySummary {
    let facet = |values: &[(&str, u64)]| Facet {
        values: values
            .iter()
            .map(|(name, count)| Count {
                name: name.to_string(),
                count: *count,
            })
            .collect(),
        distinct: values.len() as u64,
    };
    ActivitySummary {
        total_events: 1_000_000,
        events,
        facets: Facets {
            tables: facet(&[("orders", 700), (HOSTILE, 5), ("users", 3)]),
            planes: facet(&[("read", 600), ("control", 100)]),
            errors: facet(&[("no_error", 690), ("error", 10)]),
            ..Facets::default()
        },
        ..ActivitySummary::default()
    }
}

/// A session with events loaded, as if a load had finished.
fn loaded_session() -> Session {
    let session = Session::new();
    session.totals.set(Totals {
        events: 1_000_000,
        ..Totals::default()
    });
    session
}

fn answer(session: Session, events: u64) {
    session.apply(Ok(Event::Activity(Box::new(Activity {
        id: session.activity.query_id(),
        elapsed_ms: 12.0,
        summary: summary(events),
        timeline_svg: "<svg width=\"900\" height=\"240\"></svg>".to_string(),
    }))));
}

#[wasm_bindgen_test]
fn the_window_holds_only_the_rows_in_view() {
    let w = window(1_000, 0.0);
    assert_eq!((w.first, w.end), (0, 29));
    assert_eq!(w.content_px, 1_000.0 * ROW_HEIGHT_PX);
    let w = window(1_000, 300.0 * ROW_HEIGHT_PX);
    assert_eq!((w.first, w.end), (288, 329));
    assert_eq!(w.top_px(300), 300.0 * ROW_HEIGHT_PX);
    // A million rows: the scroll range is capped and scaled, the last row still reachable.
    let w = window(1_000_000, MAX_SCROLL_PX);
    assert_eq!(w.content_px, MAX_SCROLL_PX);
    assert_eq!(w.end, 1_000_000);
    assert!(w.end - w.first < 60);
    let scroll_top = MAX_SCROLL_PX - VIEWPORT_PX;
    // The last row's bottom is the viewport's bottom.
    assert_eq!(w.top_px(999_999) + ROW_HEIGHT_PX, scroll_top + VIEWPORT_PX);
    let middle = window(1_000_000, (MAX_SCROLL_PX - VIEWPORT_PX) / 2.0);
    assert!((middle.first as i64 - 500_000).abs() < 100, "{middle:?}");
    assert_eq!(window(0, 500.0).end, 0);
}

#[wasm_bindgen_test]
fn routes_and_time_inputs() {
    assert_eq!(
        short_principal("arn:aws:sts::111122223333:assumed-role/DataAdmin/alice"),
        "DataAdmin/alice"
    );
    assert_eq!(
        short_principal("arn:aws:iam::111122223333:user/bob"),
        "user/bob"
    );
    assert_eq!(short_principal("arn:aws:iam::111122223333:root"), "root");
    assert_eq!(
        short_principal("dynamodb.amazonaws.com"),
        "dynamodb.amazonaws.com"
    );
    assert_eq!(short_principal("arn:broken"), "arn:broken");
    assert_eq!(route_for_hash("").path, "overview");
    assert_eq!(route_for_hash("#sample").path, "overview");
    assert_eq!(route_for_hash("#/activity").path, "activity");
    assert_eq!(route_for_hash("#/activity/x").path, "activity");
    assert_eq!(route_for_hash("#/nope").path, "overview");
    assert_eq!(input_time(1_772_323_200_999), "2026-03-01T00:00:00");
    assert_eq!(
        parse_input_time("2026-03-01T00:00"),
        Some(1_772_323_200_000)
    );
    assert_eq!(
        parse_input_time("2026-03-01T00:00:05"),
        Some(1_772_323_205_000)
    );
    assert_eq!(parse_input_time(""), None);
    assert_eq!(parse_input_time("soon"), None);
}

#[wasm_bindgen_test]
async fn the_page_counts_and_drops_superseded_answers() {
    let session = loaded_session();
    let (container, _guard) = mount(move || {
        provide_context(session);
        view! { <ActivityPage /> }
    });
    // Mounting asked for a query (and the summaries).
    let first = session.activity.query_id();
    assert!(first > 0);
    assert_eq!(
        one(&container, "#activity-count").text_content().unwrap(),
        "Counting…"
    );

    // A filter change supersedes the first query: its late answer is dropped.
    session
        .activity
        .update_filter(|_| {}, |f| f.tables.push("orders".into()));
    let second = session.activity.query_id();
    assert_ne!(first, second);
    session.apply(Ok(Event::Activity(Box::new(Activity {
        id: first,
        elapsed_ms: 1.0,
        summary: summary(999),
        timeline_svg: String::new(),
    }))));
    tick().await;
    assert!(session.activity.result.get_untracked().is_none());

    answer(session, 700);
    tick().await;
    let count = one(&container, "#activity-count");
    assert_eq!(count.get_attribute("data-count").as_deref(), Some("700"));
    assert_eq!(
        count.get_attribute("data-total").as_deref(),
        Some("1000000")
    );
    assert!(count
        .text_content()
        .unwrap()
        .starts_with("700 of 1,000,000 events"));
    assert_eq!(all(&container, "#activity-timeline").len(), 1);
}

#[wasm_bindgen_test]
async fn filters_show_facets_and_edit_the_filter() {
    let session = loaded_session();
    let (container, _guard) = mount(move || {
        provide_context(session);
        view! { <ActivityFilters /> }
    });
    answer(session, 1_000_000);
    tick().await;
    // Suggestions with counts, hostile text as text.
    let suggestions: Vec<String> = all(&container, "#facet-tables .suggestion")
        .iter()
        .map(|b| b.text_content().unwrap())
        .collect();
    assert_eq!(
        suggestions,
        [
            "orders700".to_string(),
            format!("{HOSTILE}5"),
            "users3".to_string()
        ]
    );
    assert!(all(&container, "img").is_empty());
    // The field's list of values is filled while it has focus, not on every answer.
    assert!(all(&container, "#filter-tables-values option").is_empty());
    let field: HtmlInputElement = one(&container, "#filter-tables").unchecked_into();
    field
        .dispatch_event(&web_sys::Event::new("focus").unwrap())
        .unwrap();
    tick().await;
    let options = all(&container, "#filter-tables-values option");
    assert_eq!(options[0].get_attribute("value").as_deref(), Some("orders"));
    assert_eq!(options[0].text_content().unwrap(), "700 events");
    assert_eq!(
        one(&container, "#plane-read .count")
            .text_content()
            .unwrap(),
        "600"
    );

    // Typing a value and pressing Enter selects it, as a chip; the field empties.
    let input: HtmlInputElement = one(&container, "#filter-tables").unchecked_into();
    input.set_value(" users ");
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Enter");
    let enter =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    input.dispatch_event(&enter).unwrap();
    tick().await;
    assert_eq!(session.activity.filter.get_untracked().tables, ["users"]);
    assert_eq!(input.value(), "");
    assert_eq!(all(&container, "#facet-tables .chip").len(), 1);

    // A suggestion adds its value; the chip removes it; the plane toggle presses.
    click(&container, "#facet-tables .suggestion");
    tick().await;
    assert_eq!(
        session.activity.filter.get_untracked().tables,
        ["users", "orders"]
    );
    click(&container, "#facet-tables .chip");
    tick().await;
    assert_eq!(session.activity.filter.get_untracked().tables, ["orders"]);
    click(&container, "#plane-write");
    tick().await;
    assert_eq!(
        session.activity.filter.get_untracked().planes,
        [ActivityPlane::Write]
    );
    assert_eq!(
        one(&container, "#plane-write")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
    click(&container, "#errors-only");
    tick().await;
    assert_eq!(
        session.activity.filter.get_untracked().errors,
        ddb_lens_core::analysis::activity::ErrorFilter::Errors
    );
    click(&container, "#filters-clear");
    tick().await;
    assert_eq!(session.activity.filter.get_untracked(), Filter::default());
}

#[wasm_bindgen_test]
async fn the_list_renders_a_window_of_a_million_rows_and_opens_json_as_text() {
    let session = loaded_session();
    let (container, _guard) = mount(move || {
        provide_context(session);
        view! {
            <EventList />
            <EventDetail />
        }
    });
    session.activity.run_query(|_| {});
    answer(session, 1_000_000);
    tick().await;
    tick().await;
    let list = one(&container, "#event-list");
    assert_eq!(
        list.get_attribute("aria-rowcount").as_deref(),
        Some("1000001")
    );
    let rows = all(&container, ".event-spacer .event-row");
    assert!(rows.len() > 10 && rows.len() < 60, "{} rows", rows.len());
    assert!(rows.iter().all(|r| r.class_list().contains("pending")));

    // Rows for an older query are dropped; the current one's fill the list.
    let id = session.activity.query_id();
    session.apply(Ok(Event::Rows {
        id: id - 1,
        offset: 0,
        total: 5,
        rows: vec![row(0)],
    }));
    tick().await;
    assert!(session.activity.row(0).is_none());
    session.apply(Ok(Event::Rows {
        id,
        offset: 0,
        total: 1_000_000,
        rows: (0..100).map(row).collect(),
    }));
    tick().await;
    let first = one(&container, ".event-row[data-position=\"0\"]");
    assert!(!first.class_list().contains("pending"));
    assert_eq!(support::text(&first, ".c-name"), HOSTILE);
    assert_eq!(support::text(&first, ".c-principal"), HOSTILE);
    assert!(all(&container, "img").is_empty());

    // Opening the row asks for its record; the answer shows as text.
    click(&first, ".row-open");
    tick().await;
    assert!(matches!(
        session.activity.record.get_untracked(),
        RecordPanel::Loading(_)
    ));
    let json = format!("{{\n  \"eventName\": \"{HOSTILE}\"\n}}");
    session.apply(Ok(Event::Record {
        id: session.activity.record_id(),
        result: Ok(json.clone()),
    }));
    tick().await;
    assert_eq!(one(&container, "#event-json").text_content().unwrap(), json);
    assert!(all(&container, "img").is_empty());
    assert!(one(&container, ".event-row[data-position=\"0\"]")
        .class_list()
        .contains("selected"));

    // A failure to read it again is said.
    click(&container, ".event-row[data-position=\"1\"] .row-open");
    tick().await;
    session.apply(Ok(Event::Record {
        id: session.activity.record_id(),
        result: Err("a.json: truncated gzip".to_string()),
    }));
    tick().await;
    assert_eq!(
        one(&container, "#event-json-error").text_content().unwrap(),
        "a.json: truncated gzip"
    );
}
