//! The shared table of the analysis views, in Chromium: sorting, filtering, paging, and
//! hostile text staying text.
//!
//! Run: `cargo test -p ddb-lens --target wasm32-unknown-unknown --test data_table`

mod support;

use ddb_lens::components::{Cell, Column, DataTable, TableData};
use leptos::prelude::*;
use support::{all, click, mount, one, tick};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlInputElement, InputEvent, InputEventInit};

wasm_bindgen_test_configure!(run_in_browser);

const HOSTILE: &str = "<img src=x onerror=alert(1)>";

fn data() -> TableData {
    let row = |name: &str, events: u64| vec![Cell::text(name), Cell::count(events)];
    TableData {
        columns: vec![Column::text("Table"), Column::number("Events")],
        rows: vec![
            row("orders", 1_200),
            row("Accounts", 7),
            row(HOSTILE, 30),
            row("payments", 45_000),
        ],
    }
}

fn first_column(container: &web_sys::Element) -> Vec<String> {
    all(container, "#t tbody tr td:first-child")
        .iter()
        .map(|td| td.text_content().unwrap())
        .collect()
}

#[wasm_bindgen_test]
async fn sorts_filters_and_pages() {
    let (container, _guard) = mount(|| {
        view! { <DataTable id="t" caption="Tables".to_string() data=Signal::stored(data()) page_size=3 /> }
    });
    // Given order, three rows shown, and a button for the rest.
    assert_eq!(first_column(&container), ["orders", "Accounts", HOSTILE]);
    assert_eq!(
        one(&container, ".row-count").text_content().unwrap(),
        "4 rows"
    );
    assert_eq!(
        one(&container, ".show-more").text_content().unwrap(),
        "Show the last 1"
    );
    // The hostile name is text: no <img> was made from it.
    assert!(all(&container, "img").is_empty());

    // Numbers sort largest first on the first click, then the other way.
    click(&container, "#t thead th:nth-child(2) button");
    tick().await;
    assert_eq!(first_column(&container), ["payments", "orders", HOSTILE]);
    assert_eq!(
        one(&container, "#t thead th:nth-child(2)")
            .get_attribute("aria-sort")
            .unwrap(),
        "descending"
    );
    click(&container, "#t thead th:nth-child(2) button");
    tick().await;
    assert_eq!(first_column(&container), ["Accounts", HOSTILE, "orders"]);

    // Text sorts case-insensitively.
    click(&container, "#t thead th:nth-child(1) button");
    tick().await;
    assert_eq!(first_column(&container), [HOSTILE, "Accounts", "orders"]);

    click(&container, ".show-more");
    tick().await;
    assert_eq!(first_column(&container).len(), 4);

    // The filter matches any cell, case-insensitively, and says how many match.
    let input: HtmlInputElement = one(&container, "#t-filter").unchecked_into();
    input.set_value("ORD");
    let init = InputEventInit::new();
    init.set_bubbles(true);
    input
        .dispatch_event(&InputEvent::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    tick().await;
    assert_eq!(first_column(&container), ["orders"]);
    assert_eq!(
        one(&container, ".row-count").text_content().unwrap(),
        "1 of 4 rows"
    );
}
