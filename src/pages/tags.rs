//! The tag view (practice 6): the policy editor, coverage per key, by account and region, the
//! tables-by-keys heatmap, value drift and the history of required tags.
//!
//! Coverage is computed in the core against the policy; editing the policy here sends it to the
//! worker, which rebuilds the report, so what the page shows is what an export would hold.

use ddb_lens_core::analysis::tags::{
    Cell as TagCell, GroupCoverage, RequiredKey, Share, TagCoverage, TagHistoryEntry, TagPolicy,
};
use ddb_lens_core::charts::tags::{coverage_bars_svg, coverage_heatmap_svg};
use leptos::prelude::*;

use crate::components::{Cell, Column, DataTable, TableData};

/// Width of the tag charts in CSS pixels (scaled to fit).
const CHART_WIDTH_PX: u32 = 900;
/// Rows of the heatmap before "and N more tables".
const HEATMAP_ROWS: usize = 60;

/// Per required key: tables with it, with an allowed value, near misses, missing.
pub fn key_table(coverage: &TagCoverage) -> TableData {
    TableData {
        columns: vec![
            Column::text("Key"),
            Column::number("Has the key"),
            Column::number("Allowed value"),
            Column::number("Near miss"),
            Column::number("Missing"),
        ],
        rows: coverage
            .keys
            .iter()
            .map(|k| {
                let share = |s: &Share| Cell::number(s.percent(), s.label());
                vec![
                    Cell::text(k.key.clone()),
                    share(&k.with_key),
                    share(&k.with_allowed_value),
                    share(&k.near_miss),
                    share(&k.missing),
                ]
            })
            .collect(),
    }
}

/// Compliance per account or per region: tables, fully compliant, and per key the share with
/// an allowed value.
pub fn group_table(label: &str, groups: &[GroupCoverage], policy: &TagPolicy) -> TableData {
    let mut columns = vec![
        Column::text(label),
        Column::number("Tables"),
        Column::number("Compliant"),
    ];
    columns.extend(
        policy
            .keys
            .iter()
            .map(|k| Column::number(format!("{} allowed", k.key))),
    );
    TableData {
        columns,
        rows: groups
            .iter()
            .map(|g| {
                let mut row = vec![
                    Cell::text(g.group.clone()),
                    Cell::count(g.tables),
                    Cell::number(g.compliant.percent(), g.compliant.label()),
                ];
                row.extend(g.keys.iter().map(|k| {
                    Cell::number(k.with_allowed_value.percent(), k.with_allowed_value.label())
                }));
                row
            })
            .collect(),
    }
}

/// The tables-by-keys matrix as a table: every table, each key's value or state.
pub fn matrix_table(coverage: &TagCoverage) -> TableData {
    let mut columns = vec![
        Column::text("Table"),
        Column::text("Account"),
        Column::text("Region"),
        Column::text("Compliant"),
    ];
    columns.extend(
        coverage
            .policy
            .keys
            .iter()
            .map(|k| Column::text(k.key.clone())),
    );
    TableData {
        columns,
        rows: coverage
            .rows
            .iter()
            .map(|r| {
                let mut row = vec![
                    Cell::text(r.name.clone()).with_title(r.arn.clone()),
                    Cell::text(r.account.clone()),
                    Cell::text(r.region.clone()),
                    if r.compliant {
                        Cell::text("yes").with_class("pill-pass")
                    } else {
                        Cell::text("no").with_class("pill-fail")
                    },
                ];
                row.extend(r.cells.iter().map(|cell| {
                    match cell {
                        TagCell::AllowedValue { value } => {
                            Cell::text(shown_value(value)).with_class("pill-pass")
                        }
                        TagCell::OtherValue { value } => Cell::text(shown_value(value))
                            .with_class("pill-fail")
                            .with_title("value not allowed by the policy"),
                        TagCell::NearMiss { found_key, value } => {
                            Cell::text(format!("{found_key:?} = {}", shown_value(value)))
                                .with_class("pill-insufficient")
                                .with_title("near miss: the key differs in case or spaces")
                        }
                        TagCell::Missing => Cell::text("missing").with_class("pill-na"),
                    }
                }));
                row
            })
            .collect(),
    }
}

/// Values of each required key grouped by near-duplicates, so drift shows.
pub fn values_table(coverage: &TagCoverage) -> TableData {
    let mut rows = Vec::new();
    for key in &coverage.values {
        for group in &key.groups {
            let variants = group
                .variants
                .iter()
                .map(|v| {
                    format!(
                        "{:?} ×{}{}",
                        v.value,
                        v.tables,
                        if v.allowed { "" } else { " (not allowed)" }
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            rows.push(vec![
                Cell::text(key.key.clone()),
                Cell::text(if group.normalised.is_empty() {
                    "(empty)".to_string()
                } else {
                    group.normalised.clone()
                }),
                Cell::count(group.tables),
                Cell::count(group.variants.len() as u64),
                Cell::text(variants),
            ]);
        }
    }
    TableData {
        columns: vec![
            Column::text("Key"),
            Column::text("Value group"),
            Column::number("Tables"),
            Column::number("Spellings"),
            Column::text("Spellings as written"),
        ],
        rows,
    }
}

/// When required tags were gained, lost or changed, and by whom.
pub fn history_table(history: &[TagHistoryEntry]) -> TableData {
    TableData {
        columns: vec![
            Column::text("Time (UTC)"),
            Column::text("Table"),
            Column::text("Key"),
            Column::text("Change"),
            Column::text("By"),
            Column::text("What happened"),
        ],
        rows: history
            .iter()
            .map(|h| {
                vec![
                    Cell::time(Some(h.time_ms)),
                    Cell::text(h.table.clone()),
                    Cell::text(h.key.clone()),
                    Cell::text(format!("{:?}", h.kind).to_lowercase()),
                    Cell::text(h.actor.clone()),
                    Cell::text(h.sentence.clone()),
                ]
            })
            .collect(),
    }
}

/// A value as shown in a cell: quoted when surrounding spaces would otherwise hide.
fn shown_value(value: &str) -> String {
    if value.is_empty() {
        "(empty)".to_string()
    } else if value.trim() != value {
        format!("{value:?}")
    } else {
        value.to_string()
    }
}

/// The policy editor (`#tag-policy`): required keys, their allowed values and case rule; add,
/// remove, reset to the default, and import an AWS Organizations tag policy.
#[component]
pub fn TagPolicyEditor(
    /// The policy in force.
    #[prop(into)]
    policy: Signal<TagPolicy>,
    /// Called with a new, valid policy.
    on_change: Callback<TagPolicy>,
) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let notes = RwSignal::new(Vec::<String>::new());
    let new_key = RwSignal::new(String::new());
    let apply = move |next: TagPolicy| match next.validate() {
        Ok(()) => {
            problem.set(None);
            on_change.run(next);
        }
        Err(err) => problem.set(Some(err.to_string())),
    };
    let edit_key = move |index: usize, edit: Box<dyn Fn(&mut RequiredKey)>| {
        let mut next = policy.get_untracked();
        if let Some(key) = next.keys.get_mut(index) {
            edit(key);
            apply(next);
        }
    };
    let add_key = move || {
        let name = new_key.get_untracked();
        if name.trim().is_empty() {
            return;
        }
        let mut next = policy.get_untracked();
        next.keys.push(RequiredKey::new(&name));
        new_key.set(String::new());
        apply(next);
    };
    let import = move |text: String| match TagPolicy::from_organizations_policy(&text) {
        Ok((imported, import_notes)) => {
            notes.set(import_notes);
            apply(imported);
        }
        Err(err) => problem.set(Some(format!("Could not import the tag policy: {err}"))),
    };
    view! {
        <section id="tag-policy" class="panel" aria-labelledby="tag-policy-title">
            <h2 id="tag-policy-title">"Tag policy"</h2>
            <p class="hint">
                "Required tag keys and the values they may take. Kept in this browser and written into every report."
            </p>
            <table class="report-table policy-table">
                <thead>
                    <tr>
                        <th scope="col">"Key"</th>
                        <th scope="col">"Allowed values (comma-separated; empty: any; * wildcard)"</th>
                        <th scope="col">"Case-sensitive"</th>
                        <th scope="col"><span class="visually-hidden">"Remove"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        policy
                            .get()
                            .keys
                            .into_iter()
                            .enumerate()
                            .map(|(i, key)| {
                                let label = key.key.clone();
                                view! {
                                    <tr class="policy-key" data-key=key.key.clone()>
                                        <td>
                                            <input
                                                class="policy-key-name"
                                                aria-label="Key name"
                                                prop:value=key.key.clone()
                                                on:change=move |ev| {
                                                    let value = event_target_value(&ev);
                                                    edit_key(i, Box::new(move |k| k.key = value.clone()));
                                                }
                                            />
                                        </td>
                                        <td>
                                            <input
                                                class="policy-key-values"
                                                aria-label=format!("Allowed values of {label}")
                                                prop:value=key.allowed_values.join(", ")
                                                on:change=move |ev| {
                                                    let values: Vec<String> = event_target_value(&ev)
                                                        .split(',')
                                                        .map(|v| v.trim().to_string())
                                                        .filter(|v| !v.is_empty())
                                                        .collect();
                                                    edit_key(
                                                        i,
                                                        Box::new(move |k| k.allowed_values = values.clone()),
                                                    );
                                                }
                                            />
                                        </td>
                                        <td>
                                            <input
                                                type="checkbox"
                                                class="policy-key-case"
                                                aria-label=format!("{} is case-sensitive", key.key)
                                                prop:checked=key.case_sensitive
                                                on:change=move |ev| {
                                                    let checked = event_target_checked(&ev);
                                                    edit_key(i, Box::new(move |k| k.case_sensitive = checked));
                                                }
                                            />
                                        </td>
                                        <td>
                                            <button
                                                type="button"
                                                class="button button-quiet policy-key-remove"
                                                aria-label=format!("Remove {}", key.key)
                                                on:click=move |_| {
                                                    let mut next = policy.get_untracked();
                                                    if i < next.keys.len() {
                                                        next.keys.remove(i);
                                                        apply(next);
                                                    }
                                                }
                                            >
                                                "Remove"
                                            </button>
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
            <div class="policy-actions">
                <label for="policy-new-key">"Add a key"</label>
                <input
                    id="policy-new-key"
                    prop:value=move || new_key.get()
                    on:input=move |ev| new_key.set(event_target_value(&ev))
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" {
                            add_key();
                        }
                    }
                />
                <button type="button" class="button" id="policy-add" on:click=move |_| add_key()>
                    "Add"
                </button>
                <button
                    type="button"
                    class="button"
                    id="policy-reset"
                    on:click=move |_| {
                        notes.set(Vec::new());
                        apply(TagPolicy::default());
                    }
                >
                    "Reset to Security, Confidentiality, Environment"
                </button>
                <label class="button" for="policy-import">
                    "Import an AWS Organizations tag policy…"
                </label>
                <input
                    id="policy-import"
                    class="visually-hidden"
                    type="file"
                    accept=".json,application/json"
                    on:change=move |ev| {
                        let input: web_sys::HtmlInputElement = event_target(&ev);
                        if let Some(file) = input.files().and_then(|files| files.get(0)) {
                            let file = gloo_file::File::from(file);
                            leptos::task::spawn_local(async move {
                                match gloo_file::futures::read_as_text(&file).await {
                                    Ok(text) => import(text),
                                    Err(err) => problem.set(Some(format!("Could not read the file: {err}"))),
                                }
                            });
                        }
                        input.set_value("");
                    }
                />
            </div>
            {move || problem.get().map(|p| view! { <p class="policy-problem" role="alert">{p}</p> })}
            <Show when=move || !notes.with(Vec::is_empty)>
                <ul class="policy-notes">
                    {move || notes.get().into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}
                </ul>
            </Show>
        </section>
    }
}

/// Coverage, heatmap, value drift and history for one computed coverage.
#[component]
pub fn TagCoverageView(
    /// Coverage against the policy in force.
    #[prop(into)]
    coverage: Signal<TagCoverage>,
    /// Changes to required tags, oldest first.
    #[prop(into)]
    history: Signal<Vec<TagHistoryEntry>>,
) -> impl IntoView {
    let bars = move || coverage.with(|c| coverage_bars_svg(c, CHART_WIDTH_PX));
    let heatmap = move || coverage.with(|c| coverage_heatmap_svg(c, CHART_WIDTH_PX, HEATMAP_ROWS));
    let summary = move || {
        coverage.with(|c| {
            format!(
                "{} tables seen; {} carry every required key with an allowed value; {} have no tags at all.",
                ddb_lens_core::ingest::thousands(c.tables),
                c.compliant.label(),
                c.untagged.label(),
            )
        })
    };
    view! {
        <section id="tag-coverage" class="panel" aria-labelledby="tag-coverage-title">
            <h2 id="tag-coverage-title">"Tag coverage"</h2>
            <p id="tag-summary">{summary}</p>
            <Show
                when=move || coverage.with(|c| c.tables > 0)
                fallback=|| {
                    view! {
                        <p class="empty">
                            "No tables loaded. Tags come from describe-table and list-tags-of-resource outputs, "
                            "resourcegroupstaggingapi get-resources, AWS Config items and TagResource events."
                        </p>
                    }
                }
            >
                // Charts are drawn by the core, which escapes every string it draws.
                <figure class="chart">
                    <div id="tag-bars" inner_html=bars></div>
                    <figcaption>"Share of tables with each required key, and with an allowed value"</figcaption>
                </figure>
                <h3>"By key"</h3>
                <DataTable id="tag-keys" caption="Coverage per required key".to_string() data=Signal::derive(move || coverage.with(key_table)) />
                <h3>"Tables by keys"</h3>
                <figure class="chart">
                    <div id="tag-heatmap" inner_html=heatmap></div>
                    <figcaption>"Each table against each required key, least compliant first"</figcaption>
                </figure>
                <DataTable id="tag-matrix" caption="Tables by required keys".to_string() data=Signal::derive(move || coverage.with(matrix_table)) />
                <h3>"By account"</h3>
                <DataTable
                    id="tag-accounts"
                    caption="Coverage by account".to_string()
                    data=Signal::derive(move || coverage.with(|c| group_table("Account", &c.by_account, &c.policy)))
                />
                <h3>"By region"</h3>
                <DataTable
                    id="tag-regions"
                    caption="Coverage by region".to_string()
                    data=Signal::derive(move || coverage.with(|c| group_table("Region", &c.by_region, &c.policy)))
                />
                <h3>"Values and drift"</h3>
                <p class="hint">
                    "Values are grouped after trimming, lower-casing, joining separators and common environment synonyms (prod, production, prd)."
                </p>
                <DataTable id="tag-values" caption="Values of each required key, grouped".to_string() data=Signal::derive(move || coverage.with(values_table)) />
            </Show>
            <h3>"History of required tags"</h3>
            <DataTable id="tag-history" caption="Changes to required tags".to_string() data=Signal::derive(move || history.with(|h| history_table(h))) />
        </section>
    }
}

/// `#tags-view`: the policy editor over the report's tag section.
#[component]
pub fn TagsPage() -> impl IntoView {
    let session = expect_context::<crate::session::Session>();
    let section = move || session.report.get().map(|s| s.report.tags.clone());
    let coverage = Signal::derive(move || {
        section().map(|t| t.coverage).unwrap_or_else(|| {
            ddb_lens_core::analysis::tags::coverage(&[], &session.tag_policy.get())
        })
    });
    let history = Signal::derive(move || section().map(|t| t.history).unwrap_or_default());
    view! {
        <main id="tags-view" class="page">
            <TagPolicyEditor
                policy=session.tag_policy
                on_change=Callback::new(move |policy| session.set_tag_policy(policy))
            />
            {move || section().filter(|t| t.tables_without_tag_data > 0).map(|t| view! {
                <p class="hint">
                    {format!(
                        "{} more tables are known from other exports, but no loaded export gives their tags: they are left out of the shares below.",
                        ddb_lens_core::ingest::thousands(t.tables_without_tag_data)
                    )}
                </p>
            })}
            <Show
                when=move || session.report.with(Option::is_some)
                fallback=|| view! { <crate::components::NoReport /> }
            >
                <TagCoverageView coverage=coverage history=history />
            </Show>
        </main>
    }
}
