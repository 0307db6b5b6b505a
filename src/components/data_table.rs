//! One table component for every analysis view: sortable by any column, filtered by a text box,
//! and shown a page at a time so a table of ten thousand rows does not put ten thousand rows in
//! the DOM.
//!
//! Views turn their part of the report into [`TableData`] (a pure function, tested natively in
//! the core's terms) and hand it here; every cell is rendered as text, so strings from exports
//! are never markup.

use std::cmp::Ordering;

use leptos::either::Either;
use leptos::prelude::*;

/// The "show more" button's text: `rest` rows not shown, `page` shown per click.
pub fn show_more_label(rest: usize, page: usize) -> String {
    if rest <= page {
        format!(
            "Show the last {}",
            ddb_lens_core::ingest::thousands(rest as u64)
        )
    } else {
        format!(
            "Show {page} more ({} not shown)",
            ddb_lens_core::ingest::thousands(rest as u64)
        )
    }
}

/// Texts shorter than this are shown as they are: they fit any column.
const BREAKABLE_FROM_CHARS: usize = 16;

/// `text` with a line-break opportunity (`<wbr>`) after each `-`, `/`, `:`, `_`, `.`, `@` and
/// `,`, so identifiers (ARNs, check ids, table names) wrap between their parts instead of
/// mid-word, and a column of them is only as narrow as their longest part. Text nodes only:
/// strings from exports stay text.
pub fn breakable(text: &str) -> impl IntoView + use<> {
    if text.chars().count() < BREAKABLE_FROM_CHARS {
        return Either::Left(text.to_string());
    }
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if matches!(c, '-' | '/' | ':' | '_' | '.' | '@' | ',') {
            let end = i + c.len_utf8();
            parts.push(text[start..end].to_string());
            start = end;
        }
    }
    if start < text.len() {
        parts.push(text[start..].to_string());
    }
    Either::Right(
        parts
            .into_iter()
            .map(|part| view! { {part}<wbr /> })
            .collect_view(),
    )
}

/// One column: its header and how its cells align.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub label: String,
    /// Right-aligned, and sorted from largest first on the first click.
    pub numeric: bool,
}

impl Column {
    pub fn text(label: impl Into<String>) -> Column {
        Column {
            label: label.into(),
            numeric: false,
        }
    }

    pub fn number(label: impl Into<String>) -> Column {
        Column {
            label: label.into(),
            numeric: true,
        }
    }
}

/// How a cell sorts: numbers by value, text case-insensitively; empty cells last.
#[derive(Debug, Clone, PartialEq)]
pub enum SortKey {
    Number(f64),
    Text(String),
    Empty,
}

/// One cell: the text shown, how it sorts, an optional tooltip and an optional CSS class (a
/// status pill such as `pass`, `fail`, `high`).
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    pub sort: SortKey,
    pub title: Option<String>,
    pub class: Option<&'static str>,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        let text = text.into();
        let sort = if text.is_empty() {
            SortKey::Empty
        } else {
            SortKey::Text(text.to_lowercase())
        };
        Cell {
            text,
            sort,
            title: None,
            class: None,
        }
    }

    /// A count shown with thousands separators.
    pub fn count(n: u64) -> Cell {
        Cell {
            text: ddb_lens_core::ingest::thousands(n),
            sort: SortKey::Number(n as f64),
            title: None,
            class: None,
        }
    }

    /// A number shown as `text` (a percentage, a size) and sorted by `value`.
    pub fn number(value: f64, text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            sort: SortKey::Number(value),
            title: None,
            class: None,
        }
    }

    /// A time in ms since the epoch, shown as UTC ISO 8601 to the second; empty when `None`.
    pub fn time(ms: Option<i64>) -> Cell {
        match ms {
            Some(ms) => Cell {
                text: ddb_lens_core::time::format_iso_ms(ms),
                sort: SortKey::Number(ms as f64),
                title: None,
                class: None,
            },
            None => Cell::text(""),
        }
    }

    pub fn with_title(mut self, title: impl Into<String>) -> Cell {
        self.title = Some(title.into());
        self
    }

    pub fn with_class(mut self, class: &'static str) -> Cell {
        self.class = Some(class);
        self
    }
}

/// A whole table's content.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableData {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

/// Which column sorts the rows, and which way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SortBy {
    pub column: usize,
    pub descending: bool,
}

/// The rows that match `filter` (case-insensitive, any cell), sorted; row indexes into `data`.
/// Ties keep the given order, so the result is the same on every run.
pub fn visible_rows(data: &TableData, filter: &str, sort: Option<SortBy>) -> Vec<usize> {
    let needle = filter.trim().to_lowercase();
    let mut rows: Vec<usize> = (0..data.rows.len())
        .filter(|&i| {
            needle.is_empty()
                || data.rows[i]
                    .iter()
                    .any(|cell| cell.text.to_lowercase().contains(&needle))
        })
        .collect();
    if let Some(SortBy { column, descending }) = sort {
        rows.sort_by(|&a, &b| {
            let key = |row: usize| data.rows[row].get(column).map(|c| &c.sort);
            let order = compare(key(a), key(b));
            // Empty cells stay last whichever way the column sorts.
            let empty = |row: usize| matches!(key(row), None | Some(SortKey::Empty));
            match (empty(a), empty(b)) {
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                _ if descending => order.reverse(),
                _ => order,
            }
        });
    }
    rows
}

fn compare(a: Option<&SortKey>, b: Option<&SortKey>) -> Ordering {
    match (a, b) {
        (Some(SortKey::Number(x)), Some(SortKey::Number(y))) => x.total_cmp(y),
        (Some(SortKey::Text(x)), Some(SortKey::Text(y))) => x.cmp(y),
        (Some(SortKey::Number(_)), Some(SortKey::Text(_))) => Ordering::Less,
        (Some(SortKey::Text(_)), Some(SortKey::Number(_))) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

/// A sortable, filterable table (`table#{id}`), `page_size` rows at a time with a "show more"
/// button. Header buttons sort (numbers largest first on the first click); `aria-sort` says how.
#[component]
pub fn DataTable(
    /// The table element's id; the filter box is `{id}-filter`. Owned, so a view can give
    /// one table per item (`kms-ops-orders`).
    #[prop(into)]
    id: String,
    /// Said to screen readers and shown above the table.
    caption: String,
    /// The content; a new value resets paging but keeps the sort and filter.
    #[prop(into)]
    data: Signal<TableData>,
    /// Rows shown before "show more".
    #[prop(default = 50)]
    page_size: usize,
) -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let sort = RwSignal::new(None::<SortBy>);
    let shown = RwSignal::new(page_size);
    let visible = Memo::new(move |_| data.with(|d| visible_rows(d, &filter.get(), sort.get())));
    let total = move || data.with(|d| d.rows.len());
    let filter_id = format!("{id}-filter");
    let on_sort = move |column: usize, numeric: bool| {
        sort.update(|s| {
            *s = Some(match *s {
                Some(SortBy {
                    column: c,
                    descending,
                }) if c == column => SortBy {
                    column,
                    descending: !descending,
                },
                _ => SortBy {
                    column,
                    descending: numeric,
                },
            })
        });
    };
    view! {
        <div class="data-table">
            <div class="data-table-tools">
                <label for=filter_id.clone()>"Filter"</label>
                <input
                    id=filter_id
                    type="search"
                    placeholder="any text in a row"
                    prop:value=move || filter.get()
                    on:input=move |ev| {
                        filter.set(event_target_value(&ev));
                        shown.set(page_size);
                    }
                />
                <span class="row-count" aria-live="polite">
                    {move || {
                        let matching = visible.with(Vec::len);
                        let total = total();
                        if matching == total && total == 1 {
                            "1 row".to_string()
                        } else if matching == total {
                            format!("{} rows", ddb_lens_core::ingest::thousands(total as u64))
                        } else {
                            format!(
                                "{} of {} rows",
                                ddb_lens_core::ingest::thousands(matching as u64),
                                ddb_lens_core::ingest::thousands(total as u64),
                            )
                        }
                    }}
                </span>
            </div>
            <div class="table-scroll" tabindex="0" role="region" aria-label=caption.clone()>
                <table id=id class="report-table">
                    <caption class="visually-hidden">{caption.clone()}</caption>
                    <thead>
                        <tr>
                            {move || {
                                data.with(|d| {
                                    d.columns
                                        .iter()
                                        .enumerate()
                                        .map(|(i, column)| {
                                            let numeric = column.numeric;
                                            let label = column.label.clone();
                                            let aria_sort = move || match sort.get() {
                                                Some(SortBy { column, descending }) if column == i => {
                                                    if descending { "descending" } else { "ascending" }
                                                }
                                                _ => "none",
                                            };
                                            view! {
                                                <th
                                                    scope="col"
                                                    class:numeric=numeric
                                                    aria-sort=aria_sort
                                                >
                                                    <button
                                                        type="button"
                                                        class="sort"
                                                        on:click=move |_| on_sort(i, numeric)
                                                    >
                                                        {breakable(&label)}
                                                    </button>
                                                </th>
                                            }
                                        })
                                        .collect_view()
                                })
                            }}
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            let limit = shown.get();
                            data.with(|d| {
                                visible.with(|rows| {
                                    rows.iter()
                                        .take(limit)
                                        .map(|&row| {
                                            let cells = d.rows[row]
                                                .iter()
                                                .zip(&d.columns)
                                                .map(|(cell, column)| {
                                                    // Times, counts and sizes stay on one line;
                                                    // text wraps between identifiers' parts.
                                                    let whole = matches!(cell.sort, SortKey::Number(_));
                                                    let text = if whole {
                                                        Either::Left(cell.text.clone())
                                                    } else {
                                                        Either::Right(breakable(&cell.text))
                                                    };
                                                    let title = cell.title.clone();
                                                    let class = cell.class.unwrap_or("");
                                                    view! {
                                                        <td class:numeric=column.numeric class:whole=whole title=title>
                                                            <span class=class>{text}</span>
                                                        </td>
                                                    }
                                                })
                                                .collect_view();
                                            view! { <tr>{cells}</tr> }
                                        })
                                        .collect_view()
                                })
                            })
                        }}
                    </tbody>
                </table>
            </div>
            <Show when=move || { visible.with(Vec::len) > shown.get() }>
                <button
                    type="button"
                    class="button show-more"
                    on:click=move |_| shown.update(|n| *n += page_size)
                >
                    {move || show_more_label(visible.with(Vec::len).saturating_sub(shown.get()), page_size)}
                </button>
            </Show>
        </div>
    }
}
