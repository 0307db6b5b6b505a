//! The activity filters: a field per dimension fed by the facets (each value with its count),
//! the planes as toggle buttons, and errors or not.
//!
//! A dimension's counts come from the worker with every other dimension's selection applied,
//! so they say how many events choosing that value would show.

use ddb_lens_core::analysis::activity::{ActivityPlane, ErrorFilter, Facet, Facets, Filter};
use ddb_lens_core::ingest::thousands;
use ddb_lens_core::Count;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use crate::session::Session;

/// Values offered as one-click buttons under a field.
const SUGGESTIONS: usize = 4;

/// A filter dimension chosen by value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Tables,
    Principals,
    EventNames,
    SourceIps,
    ErrorCodes,
}

impl Dimension {
    pub const ALL: [Dimension; 5] = [
        Dimension::Tables,
        Dimension::EventNames,
        Dimension::Principals,
        Dimension::SourceIps,
        Dimension::ErrorCodes,
    ];

    /// Names the field: `#filter-{key}`.
    pub fn key(self) -> &'static str {
        match self {
            Dimension::Tables => "tables",
            Dimension::Principals => "principals",
            Dimension::EventNames => "event-names",
            Dimension::SourceIps => "source-ips",
            Dimension::ErrorCodes => "error-codes",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Dimension::Tables => "Table",
            Dimension::Principals => "Principal",
            Dimension::EventNames => "Event name",
            Dimension::SourceIps => "Source IP",
            Dimension::ErrorCodes => "Error code",
        }
    }

    fn placeholder(self) -> &'static str {
        match self {
            Dimension::Tables => "any table",
            Dimension::Principals => "anyone",
            Dimension::EventNames => "any event",
            Dimension::SourceIps => "any address",
            Dimension::ErrorCodes => "any error code",
        }
    }

    pub fn selected(self, filter: &Filter) -> &Vec<String> {
        match self {
            Dimension::Tables => &filter.tables,
            Dimension::Principals => &filter.principals,
            Dimension::EventNames => &filter.event_names,
            Dimension::SourceIps => &filter.source_ips,
            Dimension::ErrorCodes => &filter.error_codes,
        }
    }

    pub fn selected_mut(self, filter: &mut Filter) -> &mut Vec<String> {
        match self {
            Dimension::Tables => &mut filter.tables,
            Dimension::Principals => &mut filter.principals,
            Dimension::EventNames => &mut filter.event_names,
            Dimension::SourceIps => &mut filter.source_ips,
            Dimension::ErrorCodes => &mut filter.error_codes,
        }
    }

    fn facet(self, facets: &Facets) -> &Facet {
        match self {
            Dimension::Tables => &facets.tables,
            Dimension::Principals => &facets.principals,
            Dimension::EventNames => &facets.event_names,
            Dimension::SourceIps => &facets.source_ips,
            Dimension::ErrorCodes => &facets.error_codes,
        }
    }
}

/// How a value reads: an empty one was not recorded in the events.
pub fn value_label(value: &str) -> String {
    if value.is_empty() {
        "(not recorded)".to_string()
    } else {
        value.to_string()
    }
}

/// `#activity-filters`: every dimension's field, the plane toggles, the errors choice and a
/// button that clears them all.
#[component]
pub fn ActivityFilters() -> impl IntoView {
    let session = expect_context::<Session>();
    let activity = session.activity;
    let send = move |command: &crate::protocol::Command| session.send(command);
    let any_filter = move || activity.filter.with(|f| *f != Filter::default());
    view! {
        <section id="activity-filters" class="activity-filters" aria-labelledby="filters-title">
            <div class="section-head">
                <h3 id="filters-title">"Filters"</h3>
                <button
                    id="filters-clear"
                    type="button"
                    class="button button-quiet"
                    disabled=move || !any_filter()
                    on:click=move |_| activity.update_filter(send, |f| *f = Filter::default())
                >
                    "Clear all filters"
                </button>
            </div>
            <div class="filter-grid">
                {Dimension::ALL
                    .into_iter()
                    .map(|dimension| view! { <FacetField dimension=dimension /> })
                    .collect_view()}
                <PlaneToggles />
                <ErrorsChoice />
            </div>
        </section>
    }
}

/// One dimension: a text field with the facet's values as suggestions (`datalist`), the
/// selected values as removable chips, and the most frequent values as buttons.
#[component]
fn FacetField(
    /// Which dimension this field filters.
    dimension: Dimension,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let activity = session.activity;
    let send = move |command: &crate::protocol::Command| session.send(command);
    let key = dimension.key();
    let input_id = format!("filter-{key}");
    let list_id = format!("filter-{key}-values");
    let facet = move || {
        activity
            .result
            .with(|r| {
                r.as_ref()
                    .map(|r| dimension.facet(&r.summary.facets).clone())
            })
            .unwrap_or_default()
    };
    let selected = move || activity.filter.with(|f| dimension.selected(f).clone());
    let add = move |value: String| {
        if activity
            .filter
            .with_untracked(|f| dimension.selected(f).contains(&value))
        {
            return;
        }
        activity.update_filter(send, |f| dimension.selected_mut(f).push(value));
    };
    let remove = move |value: String| {
        activity.update_filter(send, |f| dimension.selected_mut(f).retain(|v| *v != value));
    };
    let commit = move |input: web_sys::HtmlInputElement| {
        let value = input.value().trim().to_string();
        input.set_value("");
        if !value.is_empty() {
            add(value);
        }
    };
    // The datalist is filled only while the field has focus: it holds up to 200 values with
    // their counts, and rebuilding four of them on every answer was a third of the page's work
    // per filter change on 1M events.
    let typing = RwSignal::new(false);
    let count_of = move |value: &str| {
        facet()
            .values
            .iter()
            .find(|c| c.name == value)
            .map_or(0, |c| c.count)
    };
    view! {
        <div class="facet-field" id=format!("facet-{key}")>
            <label for=input_id.clone()>{dimension.label()}</label>
            <input
                id=input_id
                type="text"
                list=list_id.clone()
                autocomplete="off"
                spellcheck="false"
                placeholder=dimension.placeholder()
                on:focus=move |_| typing.set(true)
                on:blur=move |_| typing.set(false)
                on:change=move |ev| commit(event_target::<web_sys::HtmlInputElement>(&ev))
                on:keydown=move |ev: KeyboardEvent| {
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        commit(event_target::<web_sys::HtmlInputElement>(&ev));
                    }
                }
            />
            <datalist id=list_id>
                {move || {
                    if !typing.get() {
                        return None;
                    }
                    Some(facet()
                        .values
                        .into_iter()
                        .filter(|c| !c.name.is_empty())
                        .map(|Count { name, count }| {
                            view! { <option value=name>{format!("{} events", thousands(count))}</option> }
                        })
                        .collect_view())
                }}
            </datalist>
            <ul class="chips" aria-label=format!("Selected {}", dimension.label().to_lowercase())>
                {move || {
                    selected()
                        .into_iter()
                        .map(|value| {
                            let label = value_label(&value);
                            let count = count_of(&value);
                            let aria = format!("Remove {} {label}", dimension.label().to_lowercase());
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="chip"
                                        aria-label=aria
                                        on:click=move |_| remove(value.clone())
                                    >
                                        <span class="chip-value">{label}</span>
                                        <span class="count">{thousands(count)}</span>
                                        <span aria-hidden="true">"×"</span>
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <ul class="suggestions">
                {move || {
                    let chosen = selected();
                    let facet = facet();
                    let more = facet.distinct.saturating_sub(SUGGESTIONS as u64);
                    let buttons = facet
                        .values
                        .into_iter()
                        .filter(|c| !chosen.contains(&c.name))
                        .take(SUGGESTIONS)
                        .map(|Count { name, count }| {
                            let label = value_label(&name);
                            let title = label.clone();
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="suggestion"
                                        title=title
                                        on:click=move |_| add(name.clone())
                                    >
                                        <span class="suggestion-value">{label}</span>
                                        <span class="count">{thousands(count)}</span>
                                    </button>
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        {buttons}
                        {(more > 0).then(|| view! {
                            <li class="more">{format!("{} more in the list", thousands(more))}</li>
                        })}
                    }
                }}
            </ul>
        </div>
    }
}

/// `#plane-filter`: a toggle button per plane. None pressed shows every plane; pressed ones
/// show only themselves.
#[component]
fn PlaneToggles() -> impl IntoView {
    let session = expect_context::<Session>();
    let activity = session.activity;
    let send = move |command: &crate::protocol::Command| session.send(command);
    let count = move |plane: ActivityPlane| {
        activity.result.with(|r| {
            r.as_ref()
                .and_then(|r| {
                    r.summary
                        .facets
                        .planes
                        .values
                        .iter()
                        .find(|c| c.name == plane.key())
                        .map(|c| c.count)
                })
                .unwrap_or(0)
        })
    };
    view! {
        <fieldset id="plane-filter" class="toggle-set">
            <legend>"Plane"</legend>
            <div class="toggles">
                {ActivityPlane::ALL
                    .into_iter()
                    .map(|plane| {
                        let pressed = move || activity.filter.with(|f| f.planes.contains(&plane));
                        view! {
                            <button
                                type="button"
                                id=format!("plane-{}", plane.key())
                                class=format!("toggle plane-{}", plane.key())
                                aria-pressed=move || if pressed() { "true" } else { "false" }
                                on:click=move |_| {
                                    activity
                                        .update_filter(
                                            send,
                                            |f| {
                                                if f.planes.contains(&plane) {
                                                    f.planes.retain(|p| *p != plane);
                                                } else {
                                                    f.planes.push(plane);
                                                    f.planes.sort();
                                                }
                                            },
                                        )
                                }
                            >
                                <span class="swatch" aria-hidden="true"></span>
                                {capitalised(plane.label())}
                                <span class="count">{move || thousands(count(plane))}</span>
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
        </fieldset>
    }
}

/// `#errors-filter`: every event, only failed calls, or only successful ones.
#[component]
fn ErrorsChoice() -> impl IntoView {
    let session = expect_context::<Session>();
    let activity = session.activity;
    let send = move |command: &crate::protocol::Command| session.send(command);
    let count = move |key: &'static str| {
        activity.result.with(|r| {
            r.as_ref()
                .and_then(|r| {
                    r.summary
                        .facets
                        .errors
                        .values
                        .iter()
                        .find(|c| c.name == key)
                        .map(|c| c.count)
                })
                .unwrap_or(0)
        })
    };
    let choices = [
        (ErrorFilter::All, "errors-all", "Every event", None),
        (
            ErrorFilter::Errors,
            "errors-only",
            "Failed calls",
            Some("error"),
        ),
        (
            ErrorFilter::NoErrors,
            "errors-none",
            "Successful calls",
            Some("no_error"),
        ),
    ];
    view! {
        <fieldset id="errors-filter" class="toggle-set">
            <legend>"Errors"</legend>
            <div class="radios">
                {choices
                    .into_iter()
                    .map(|(choice, id, label, facet_key)| {
                        view! {
                            <label class="radio" for=id>
                                <input
                                    type="radio"
                                    id=id
                                    name="errors-filter"
                                    prop:checked=move || activity.filter.with(|f| f.errors == choice)
                                    on:change=move |_| activity.update_filter(send, |f| f.errors = choice)
                                />
                                {label}
                                {facet_key
                                    .map(|key| view! { <span class="count">{move || thousands(count(key))}</span> })}
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
        </fieldset>
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
