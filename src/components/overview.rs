//! The overview of everything loaded: counts, time span, who and where, and the timeline.

use ddb_lens_core::ingest::thousands;
use ddb_lens_core::Count;
use leptos::prelude::*;

use crate::format;
use crate::session::Analysis;

/// Names shown per list; the rest are counted in a "more" line.
const LIST_LIMIT: usize = 10;

/// `#overview`: the events loaded, their time span, accounts, regions and event sources, and
/// the timeline chart (`#timeline`, an `<svg>`).
#[component]
pub fn OverviewPanel(
    /// The overview and chart of the last finished load.
    #[prop(into)]
    analysis: Signal<Analysis>,
) -> impl IntoView {
    let overview = move || analysis.with(|a| a.overview.clone());
    let has_events = move || analysis.with(|a| a.overview.events > 0);
    view! {
        <section id="overview" class="overview" aria-labelledby="overview-title">
            <h2 id="overview-title">"Overview"</h2>
            <Show
                when=has_events
                fallback=|| view! { <p class="empty">"No CloudTrail events loaded."</p> }
            >
                {move || {
                    let overview = overview();
                    let from = format::time_range(overview.time_first.as_deref(), None);
                    let to = format::time_range(overview.time_last.as_deref(), None);
                    view! {
                        <dl class="facts">
                            <div class="fact">
                                <dt>"Events"</dt>
                                <dd>{thousands(overview.events)}</dd>
                            </div>
                            <div class="fact">
                                <dt>"Duplicates dropped"</dt>
                                <dd>{thousands(overview.duplicates_dropped)}</dd>
                            </div>
                            <div class="fact">
                                <dt>"Time span"</dt>
                                <dd>{overview.span_label.clone()}</dd>
                            </div>
                            <div class="fact">
                                <dt>"First event"</dt>
                                <dd>{from}</dd>
                            </div>
                            <div class="fact">
                                <dt>"Last event"</dt>
                                <dd>{to}</dd>
                            </div>
                        </dl>
                        <figure class="timeline-figure">
                            <div
                                class="timeline"
                                inner_html=move || analysis.with(timeline_markup)
                            ></div>
                            <figcaption>
                                {format!("Events per {}, UTC", overview.bucket_label)}
                            </figcaption>
                        </figure>
                        <div class="count-lists">
                            <CountList title="Accounts" counts=overview.accounts.clone() />
                            <CountList title="Regions" counts=overview.regions.clone() />
                            <CountList
                                title="Event sources"
                                counts=overview.event_sources.clone()
                            />
                        </div>
                    }
                }}
            </Show>
        </section>
    }
}

/// A titled list of names with their event counts, the largest first.
#[component]
fn CountList(
    /// The list's heading.
    title: &'static str,
    /// Names and counts, already sorted.
    counts: Vec<Count>,
) -> impl IntoView {
    let more = counts.len().saturating_sub(LIST_LIMIT);
    let items = counts
        .into_iter()
        .take(LIST_LIMIT)
        .map(|count| {
            let name = if count.name.is_empty() {
                "(not recorded)".to_string()
            } else {
                count.name
            };
            view! {
                <li>
                    <span class="count-name">{name}</span>
                    <span class="count-value">{thousands(count.count)}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="count-list">
            <h3>{title}</h3>
            <ol>{items}</ol>
            {(more > 0).then(|| view! { <p class="more">{format!("and {} more", thousands(more as u64))}</p> })}
        </section>
    }
}

/// The chart's SVG with `id="timeline"` and an accessible name added to its root element.
///
/// The SVG is inserted as markup: it comes from the core's chart code, which draws only numbers
/// and dates, never text from a file.
fn timeline_markup(analysis: &Analysis) -> String {
    let svg = analysis.timeline_svg.trim_start();
    let Some(rest) = svg.strip_prefix("<svg") else {
        return String::new();
    };
    let overview = &analysis.overview;
    let label = format!(
        "Timeline: events per {} from {} to {}",
        overview.bucket_label,
        overview.time_first.as_deref().unwrap_or(""),
        overview.time_last.as_deref().unwrap_or("")
    );
    format!(
        r#"<svg id="timeline" role="img" aria-label="{}"{rest}"#,
        escape_attribute(&label)
    )
}

fn escape_attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
