//! The filtered event list, virtualised: rows have a fixed height, only those in view (and a
//! margin) are in the DOM, and they are fetched from the worker a block at a time as the list
//! scrolls to them. A million events scroll like a hundred.
//!
//! Browsers cap an element's height (Chromium near 33.5 million pixels, Firefox near 17.9), so
//! past [`MAX_SCROLL_PX`] the scroll range is scaled: the scroll position maps to a row
//! proportionally, and the rows in view are placed at the scroll position.

use ddb_lens_core::analysis::activity::ActivityRow;
use ddb_lens_core::ingest::thousands;
use leptos::html;
use leptos::prelude::*;

use crate::activity::RecordPanel;
use crate::session::Session;

/// Height of a row in CSS pixels (`.event-row` in main.css says the same).
pub const ROW_HEIGHT_PX: f64 = 30.0;
/// Height of the scrolling body (`.event-list-body` in main.css says the same).
pub const VIEWPORT_PX: f64 = 480.0;
/// Rows kept in the DOM above and below the view, so a short scroll shows rows at once.
pub const MARGIN_ROWS: u64 = 12;
/// The tallest scroll range used; beyond it positions are scaled.
pub const MAX_SCROLL_PX: f64 = 8_000_000.0;

/// What a scroll position shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    /// Height of the scrolled content.
    pub content_px: f64,
    /// Rows in the DOM: `first..end`.
    pub first: u64,
    pub end: u64,
    /// Top of row `r` in the content: `r * ROW_HEIGHT_PX - shift_px`.
    pub shift_px: f64,
}

impl Window {
    pub fn top_px(&self, row: u64) -> f64 {
        row as f64 * ROW_HEIGHT_PX - self.shift_px
    }
}

/// The rows to render for `total` rows scrolled to `scroll_top`.
pub fn window(total: u64, scroll_top: f64) -> Window {
    let real_px = total as f64 * ROW_HEIGHT_PX;
    let content_px = real_px.min(MAX_SCROLL_PX);
    let scroll_top = scroll_top.clamp(0.0, (content_px - VIEWPORT_PX).max(0.0));
    // Where in the full list the view starts: equal to scroll_top unless scaled.
    let real_top = if real_px <= MAX_SCROLL_PX {
        scroll_top
    } else {
        scroll_top * (real_px - VIEWPORT_PX) / (MAX_SCROLL_PX - VIEWPORT_PX)
    };
    let first_visible = (real_top / ROW_HEIGHT_PX).floor() as u64;
    let visible = (VIEWPORT_PX / ROW_HEIGHT_PX).ceil() as u64 + 1;
    Window {
        content_px,
        first: first_visible.saturating_sub(MARGIN_ROWS).min(total),
        end: (first_visible + visible + MARGIN_ROWS).min(total),
        shift_px: real_top - scroll_top,
    }
}

/// `#event-list` (`role="grid"`, `aria-rowcount`): the events the filters keep, in time order,
/// with `#event-count`. A row's button (or a click on the row) opens its JSON.
#[component]
pub fn EventList() -> impl IntoView {
    let session = expect_context::<Session>();
    let activity = session.activity;
    let send = move |command: &crate::protocol::Command| session.send(command);
    let body = NodeRef::<html::Div>::new();
    let scroll_top = RwSignal::new(0.0f64);
    let total = move || activity.total.get().unwrap_or(0);
    let view_window = Memo::new(move |_| window(total(), scroll_top.get()));

    // A new filter starts at the top of its list.
    Effect::new(move |_| {
        activity.filter.track();
        if let Some(body) = body.get_untracked() {
            body.set_scroll_top(0);
        }
        scroll_top.set(0.0);
    });
    // Fetch the blocks the window needs (once known how many rows there are).
    Effect::new(move |_| {
        let Some(total) = activity.total.get() else {
            return;
        };
        let w = view_window.get();
        if total > 0 && w.end > w.first {
            activity.want_rows(w.first, w.end - 1, send);
        }
    });

    let positions = move || {
        let w = view_window.get();
        (w.first..w.end).collect::<Vec<u64>>()
    };
    let selected = move || {
        activity
            .record
            .with(|panel| panel.row().map(|row| (row.file, row.record_index)))
    };
    let count_text = move || match activity.total.get() {
        None => "Counting…".to_string(),
        Some(1) => "1 event".to_string(),
        Some(n) => format!("{} events", thousands(n)),
    };
    view! {
        <section class="event-list-section" aria-labelledby="event-list-title">
            <div class="section-head">
                <h3 id="event-list-title">"Events"</h3>
                <span
                    id="event-count"
                    data-count=move || activity.total.get().map(|n| n.to_string())
                >
                    {count_text}
                </span>
            </div>
            <div
                id="event-list"
                class="event-list"
                role="grid"
                aria-labelledby="event-list-title"
                aria-rowcount=move || (total() + 1).to_string()
            >
                <div role="rowgroup" class="event-list-header">
                    <div role="row" class="event-row event-head" aria-rowindex="1">
                        <span role="columnheader" class="c-time">"Time (UTC)"</span>
                        <span role="columnheader" class="c-name">"Event"</span>
                        <span role="columnheader" class="c-plane">"Plane"</span>
                        <span role="columnheader" class="c-tables">"Table"</span>
                        <span role="columnheader" class="c-principal">"Principal"</span>
                        <span role="columnheader" class="c-ip">"Source IP"</span>
                        <span role="columnheader" class="c-error">"Error"</span>
                    </div>
                </div>
                <div
                    class="event-list-body"
                    role="rowgroup"
                    node_ref=body
                    on:scroll=move |_| {
                        if let Some(body) = body.get_untracked() {
                            scroll_top.set(f64::from(body.scroll_top()));
                        }
                    }
                >
                    <div
                        class="event-spacer"
                        role="none"
                        style:height=move || format!("{}px", view_window.get().content_px)
                    >
                        <For each=positions key=|position| *position let:position>
                            <EventRow
                                position=position
                                top_px=Signal::derive(move || view_window.get().top_px(position))
                                selected=Signal::derive(move || {
                                    let row = activity.row(position);
                                    row.is_some_and(|row| selected() == Some((row.file, row.record_index)))
                                })
                            />
                        </For>
                    </div>
                </div>
                <Show when=move || activity.total.get() == Some(0)>
                    <p class="empty event-list-empty">"No events match the filters."</p>
                </Show>
            </div>
        </section>
    }
}

/// One row of the list: the fetched event, or a placeholder until its block arrives.
#[component]
fn EventRow(
    /// Position in the filtered list.
    position: u64,
    /// Top of the row in the scrolled content.
    #[prop(into)]
    top_px: Signal<f64>,
    /// Whether its JSON is open.
    #[prop(into)]
    selected: Signal<bool>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let activity = session.activity;
    let send = move |command: &crate::protocol::Command| session.send(command);
    let row = Memo::new(move |_| activity.row(position));
    let open = move || {
        if let Some(row) = row.get_untracked() {
            activity.open_record(row, send);
        }
    };
    view! {
        <div
            role="row"
            class="event-row"
            class:pending=move || row.with(Option::is_none)
            class:selected=move || selected.get()
            class:failed=move || row.with(|r| r.as_ref().is_some_and(|r| !r.error_code.is_empty()))
            aria-rowindex=(position + 2).to_string()
            aria-selected=move || if selected.get() { "true" } else { "false" }
            data-position=position.to_string()
            style:top=move || format!("{}px", top_px.get())
            on:click=move |_| open()
        >
            {move || match row.get() {
                Some(row) => row_cells(row).into_any(),
                None => view! {
                    <span role="gridcell" class="c-time">"…"</span>
                    <span role="gridcell" class="c-name"></span>
                    <span role="gridcell" class="c-plane"></span>
                    <span role="gridcell" class="c-tables"></span>
                    <span role="gridcell" class="c-principal"></span>
                    <span role="gridcell" class="c-ip"></span>
                    <span role="gridcell" class="c-error"></span>
                }
                .into_any(),
            }}
        </div>
    }
}

fn row_cells(row: ActivityRow) -> impl IntoView {
    // "2026-03-01T10:00:00Z" → "2026-03-01 10:00:00".
    let time = row.time.trim_end_matches('Z').replacen('T', " ", 1);
    let tables = row.tables.join(", ");
    let plane_class = format!("plane-pill plane-{}", row.plane.key());
    view! {
        <span role="gridcell" class="c-time">
            <button type="button" class="row-open">
                {time}
                <span class="visually-hidden">{format!(": show the JSON of {}", row.event_name)}</span>
            </button>
        </span>
        <span role="gridcell" class="c-name" title=row.event_source.clone()>{row.event_name.clone()}</span>
        <span role="gridcell" class="c-plane"><span class=plane_class>{row.plane.label()}</span></span>
        <span role="gridcell" class="c-tables" title=tables.clone()>{tables.clone()}</span>
        <span role="gridcell" class="c-principal" title=row.principal.clone()>{short_principal(&row.principal).to_string()}</span>
        <span role="gridcell" class="c-ip" title=row.source_ip.clone()>{row.source_ip.clone()}</span>
        <span role="gridcell" class="c-error" title=row.error_code.clone()>{row.error_code.clone()}</span>
    }
}

/// An ARN's resource part, without `assumed-role/` (`DataAdmin/alice`, `user/bob`, `root`): in
/// a narrow column the names at the end say more than the `arn:aws:sts::123…` every principal
/// starts with. The full ARN is the cell's tooltip.
pub fn short_principal(principal: &str) -> &str {
    if !principal.starts_with("arn:") {
        return principal;
    }
    match principal.splitn(6, ':').nth(5) {
        Some(resource) if !resource.is_empty() => resource
            .strip_prefix("assumed-role/")
            .filter(|rest| !rest.is_empty())
            .unwrap_or(resource),
        _ => principal,
    }
}

/// `#event-detail`: the chosen event's full JSON (`pre#event-json`, as text), read again from
/// its file by the worker.
#[component]
pub fn EventDetail() -> impl IntoView {
    let session = expect_context::<Session>();
    let activity = session.activity;
    view! {
        <section id="event-detail" class="event-detail" aria-labelledby="event-detail-title" aria-live="polite">
            <div class="section-head">
                <h3 id="event-detail-title">"Event"</h3>
                <Show when=move || activity.record.with(|p| *p != RecordPanel::Closed)>
                    <button
                        id="event-detail-close"
                        type="button"
                        class="button button-quiet"
                        on:click=move |_| activity.close_record()
                    >
                        "Close"
                    </button>
                </Show>
            </div>
            {move || {
                let panel = activity.record.get();
                let meta = panel.row().cloned().map(|row| {
                    view! {
                        <dl class="event-meta">
                            <div>
                                <dt>"Event"</dt>
                                <dd>{format!("{} ({})", row.event_name, row.event_source)}</dd>
                            </div>
                            <div>
                                <dt>"Time"</dt>
                                <dd>{row.time.clone()}</dd>
                            </div>
                            <div>
                                <dt>"User agent"</dt>
                                <dd>{row.user_agent.clone()}</dd>
                            </div>
                            <div>
                                <dt>"From"</dt>
                                <dd>{format!("{}, record {}", row.file_name, thousands(u64::from(row.record_index) + 1))}</dd>
                            </div>
                        </dl>
                    }
                });
                let body = match panel {
                    RecordPanel::Closed => {
                        view! {
                            <p class="empty">
                                "Choose an event in the list to see its full record, read again from its file."
                            </p>
                        }
                            .into_any()
                    }
                    RecordPanel::Loading(_) => view! { <p class="empty">"Reading the record…"</p> }.into_any(),
                    RecordPanel::Loaded(_, json) => {
                        view! {
                            <pre id="event-json" class="event-json" tabindex="0">{json}</pre>
                        }
                            .into_any()
                    }
                    RecordPanel::Failed(_, error) => {
                        view! { <p id="event-json-error" class="error-text" role="alert">{error}</p> }.into_any()
                    }
                };
                view! {
                    {meta}
                    {body}
                }
            }}
        </section>
    }
}
