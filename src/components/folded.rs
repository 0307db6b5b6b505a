//! A `<details>` whose body is built the first time it is opened. Views that fold a part per
//! table (KMS usage, configuration items, verdicts) list hundreds of them: built eagerly, a
//! million events' KMS view took 2.8 s to show, almost all of it in folds nobody had opened.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// `<details class=class data-table=data_table>` with `summary` always shown and `children`
/// rendered on the first `toggle` to open (and kept after, so closing and reopening is free).
#[component]
pub fn Folded<S>(
    /// The `<details>`'s class.
    class: &'static str,
    /// Its `data-table` attribute: which table the fold is about.
    data_table: String,
    /// The `<summary>`'s content.
    summary: S,
    /// The body, built when first opened.
    children: ChildrenFn,
) -> impl IntoView
where
    S: IntoView + 'static,
{
    let opened = RwSignal::new(false);
    let on_toggle = move |ev: leptos::ev::Event| {
        let open = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
            .is_some_and(|d| d.open());
        if open && !opened.get_untracked() {
            opened.set(true);
        }
    };
    view! {
        <details class=class data-table=data_table on:toggle=on_toggle>
            <summary>{summary}</summary>
            <Show when=move || opened.get()>{children()}</Show>
        </details>
    }
}
