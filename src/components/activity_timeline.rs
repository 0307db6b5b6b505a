//! The activity timeline: the core's stacked chart of the filtered events, zoomed by dragging
//! over it or by two time inputs, and reset to the whole span.

use ddb_lens_core::charts::activity::time_at;
use ddb_lens_core::time::{format_iso_ms, parse_iso_ms};
use leptos::html;
use leptos::prelude::*;
use web_sys::PointerEvent;

use crate::activity::QueryResult;
use crate::ingest_worker::ACTIVITY_WIDTH_PX;
use crate::session::Session;

/// A drag shorter than this (in screen pixels) is a click, not a zoom.
const MIN_DRAG_PX: f64 = 4.0;

/// `#activity-timeline-figure`: the chart (`svg#activity-timeline`), a drag-to-zoom layer over
/// it, the From and To inputs (`#activity-from`, `#activity-to`, UTC) and `#activity-reset`.
#[component]
pub fn ActivityTimeline() -> impl IntoView {
    let session = expect_context::<Session>();
    let activity = session.activity;
    let send = move |command: &crate::protocol::Command| session.send(command);
    let layer = NodeRef::<html::Div>::new();
    // Where a drag started and where it is now, in client pixels.
    let drag = RwSignal::new(None::<(f64, f64)>);

    let zoom_to = move |from_ms: Option<i64>, to_ms: Option<i64>| {
        activity.update_filter(send, |filter| {
            filter.from_ms = from_ms;
            filter.to_ms = to_ms;
        });
    };
    // Client x → the chart's own pixels → a time, with the layout the chart was drawn with.
    let time_of = move |client_x: f64| -> Option<i64> {
        let layer = layer.get_untracked()?;
        let rect = layer.get_bounding_client_rect();
        if rect.width() <= 0.0 {
            return None;
        }
        let chart_x = (client_x - rect.left()) * f64::from(ACTIVITY_WIDTH_PX) / rect.width();
        activity.result.with_untracked(|r| {
            r.as_ref()
                .and_then(|r| time_at(&r.summary, ACTIVITY_WIDTH_PX, chart_x))
        })
    };
    let on_down = move |ev: PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        if let Some(layer) = layer.get_untracked() {
            let _ = layer.set_pointer_capture(ev.pointer_id());
        }
        let x = f64::from(ev.client_x());
        drag.set(Some((x, x)));
    };
    let on_move = move |ev: PointerEvent| {
        if let Some((start, _)) = drag.get_untracked() {
            drag.set(Some((start, f64::from(ev.client_x()))));
        }
    };
    let on_up = move |ev: PointerEvent| {
        let Some((start, _)) = drag.get_untracked() else {
            return;
        };
        drag.set(None);
        let end = f64::from(ev.client_x());
        if (end - start).abs() < MIN_DRAG_PX {
            return;
        }
        if let (Some(a), Some(b)) = (time_of(start.min(end)), time_of(start.max(end))) {
            if b > a {
                zoom_to(Some(a), Some(b));
            }
        }
    };
    // The selection being dragged, as a share of the layer's width.
    let selection = move || {
        let (start, now) = drag.get()?;
        let rect = layer.get()?.get_bounding_client_rect();
        if rect.width() <= 0.0 {
            return None;
        }
        let left = ((start.min(now) - rect.left()) / rect.width()).clamp(0.0, 1.0);
        let right = ((start.max(now) - rect.left()) / rect.width()).clamp(0.0, 1.0);
        Some((left * 100.0, (right - left) * 100.0))
    };

    let from_value = move || {
        activity
            .filter
            .with(|f| f.from_ms.map(input_time).unwrap_or_default())
    };
    let to_value = move || {
        activity
            .filter
            .with(|f| f.to_ms.map(input_time).unwrap_or_default())
    };
    let bounds = move |pick: fn(&QueryResult) -> Option<i64>| {
        move || {
            activity.result.with(|r| {
                r.as_ref()
                    .and_then(pick)
                    .map(input_time)
                    .unwrap_or_default()
            })
        }
    };
    let zoomed = move || {
        activity
            .filter
            .with(|f| f.from_ms.is_some() || f.to_ms.is_some())
    };
    let caption = move || {
        activity.result.with(|r| match r {
            Some(r) if !r.summary.buckets.is_empty() => format!(
                "Events per {}, UTC, stacked by plane; failed calls in red. Drag across the chart to zoom.",
                r.summary.bucket_label
            ),
            _ => "No events match the filters.".to_string(),
        })
    };

    view! {
        <figure id="activity-timeline-figure" class="activity-timeline">
            <div
                class="chart-layer"
                node_ref=layer
                on:pointerdown=on_down
                on:pointermove=on_move
                on:pointerup=on_up
                on:pointercancel=move |_| drag.set(None)
            >
                <div
                    class="chart"
                    inner_html=move || activity.result.with(|r| r.as_ref().map(chart_markup).unwrap_or_default())
                ></div>
                {move || {
                    selection()
                        .map(|(left, width)| {
                            view! {
                                <div
                                    class="drag-selection"
                                    style:left=format!("{left:.3}%")
                                    style:width=format!("{width:.3}%")
                                ></div>
                            }
                        })
                }}
            </div>
            <figcaption>{caption}</figcaption>
            <div class="time-range">
                <label for="activity-from">"From (UTC)"</label>
                <input
                    id="activity-from"
                    type="datetime-local"
                    step="1"
                    prop:value=from_value
                    min=bounds(|r| r.summary.data_first_ms)
                    max=bounds(|r| r.summary.data_last_ms)
                    on:change=move |ev| {
                        let value = parse_input_time(&event_target_value(&ev));
                        let to = activity.filter.with_untracked(|f| f.to_ms);
                        zoom_to(value, to);
                    }
                />
                <label for="activity-to">"To (UTC)"</label>
                <input
                    id="activity-to"
                    type="datetime-local"
                    step="1"
                    prop:value=to_value
                    min=bounds(|r| r.summary.data_first_ms)
                    max=bounds(|r| r.summary.data_last_ms)
                    on:change=move |ev| {
                        let value = parse_input_time(&event_target_value(&ev));
                        let from = activity.filter.with_untracked(|f| f.from_ms);
                        zoom_to(from, value);
                    }
                />
                <button
                    id="activity-reset"
                    type="button"
                    class="button"
                    disabled=move || !zoomed()
                    on:click=move |_| zoom_to(None, None)
                >
                    "Whole time span"
                </button>
            </div>
        </figure>
    }
}

/// The chart's SVG with `id="activity-timeline"` on its root element.
///
/// Inserted as markup: the core draws it from numbers, dates and fixed labels only, never from
/// text in a file.
fn chart_markup(result: &QueryResult) -> String {
    let svg = result.timeline_svg.trim_start();
    match svg.strip_prefix("<svg") {
        Some(rest) => format!(r#"<svg id="activity-timeline"{rest}"#),
        None => String::new(),
    }
}

/// A time as a `datetime-local` input writes it, in UTC: `2026-03-01T10:00:00`.
pub fn input_time(ms: i64) -> String {
    let iso = format_iso_ms(ms.div_euclid(1000) * 1000);
    iso.trim_end_matches('Z').to_string()
}

/// A `datetime-local` value read as UTC (seconds optional); `None` when empty or unreadable.
pub fn parse_input_time(value: &str) -> Option<i64> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let with_seconds = if value.len() == 16 {
        format!("{value}:00")
    } else {
        value.to_string()
    };
    parse_iso_ms(&format!("{with_seconds}Z"))
}
