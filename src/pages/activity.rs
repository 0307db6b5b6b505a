//! The activity view: the stacked timeline, the filters, the filtered event list with the
//! chosen event's JSON, and the per-table and per-principal summaries. Every figure comes from
//! the worker; this view only asks and shows.

use ddb_lens_core::ingest::thousands;
use leptos::prelude::*;

use crate::components::{
    ActivityFilters, ActivitySummaries, ActivityTimeline, EventDetail, EventList,
};
use crate::format;
use crate::session::{Phase, Session};

/// `#activity`: shown at `#/activity`.
#[component]
pub fn ActivityPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let activity = session.activity;
    let send = move |command: &crate::protocol::Command| session.send(command);
    let has_events = move || session.totals.with(|t| t.events > 0);
    // Ask for what is stale now, and after each load while shown.
    activity.shown.set_value(true);
    if has_events() && session.phase.get_untracked() != Phase::Loading {
        activity.refresh(send);
    }
    on_cleanup(move || activity.shown.set_value(false));

    let count = move || {
        let total = session.totals.with(|t| t.events);
        match activity.result.get() {
            None => "Counting…".to_string(),
            Some(result) if result.summary.events == total => {
                format!("All {} events", thousands(total))
            }
            Some(result) => format!(
                "{} of {} events",
                thousands(result.summary.events),
                thousands(total)
            ),
        }
    };
    let query_ms = move || {
        activity
            .result
            .with(|r| r.as_ref().map(|r| format!("{:.1}", r.elapsed_ms)))
    };
    view! {
        <main id="main" class="page activity-page">
            <section id="activity" aria-labelledby="activity-title">
                <div class="section-head">
                    <h2 id="activity-title">"DynamoDB activity"</h2>
                    <p
                        id="activity-count"
                        aria-live="polite"
                        data-count=move || activity.result.with(|r| r.as_ref().map(|r| r.summary.events.to_string()))
                        data-total=move || session.totals.with(|t| t.events.to_string())
                        data-query-ms=query_ms
                    >
                        {count}
                        {move || {
                            activity
                                .result
                                .with(|r| {
                                    r.as_ref()
                                        .map(|r| {
                                            view! {
                                                <span class="query-time">
                                                    {format!(" · counted in {}", format::elapsed(r.elapsed_ms))}
                                                </span>
                                            }
                                        })
                                })
                        }}
                    </p>
                </div>
                <Show
                    when=has_events
                    fallback=move || {
                        view! {
                            <p class="empty">
                                {move || {
                                    if session.phase.get() == Phase::Loading {
                                        "Loading…"
                                    } else {
                                        "No CloudTrail events loaded yet. "
                                    }
                                }}
                                <a href="#/overview">"Load files or try the sample"</a>
                                "."
                            </p>
                        }
                    }
                >
                    <ActivityTimeline />
                </Show>
            </section>
            <Show when=has_events>
                <ActivityFilters />
                <section class="activity-events" aria-label="Events and the chosen event">
                    <EventList />
                    <EventDetail />
                </section>
                <ActivitySummaries />
            </Show>
        </main>
    }
}
