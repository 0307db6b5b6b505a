//! Where files come in: drag and drop (files and folders), the file and folder pickers, the
//! sample, and Clear.

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::{DragEvent, HtmlInputElement};

use crate::dropped;
use crate::format;
use crate::session::Session;

/// `#drop-zone` with `#file-input`, `#folder-input`, `#sample-button` and `#clear-button`.
#[component]
pub fn DropZone() -> impl IntoView {
    let session = expect_context::<Session>();
    let busy = move || session.is_loading();
    let nothing_loaded =
        move || session.rows.with(Vec::is_empty) && session.totals.with(|t| t.files == 0);
    // dragenter/dragleave also fire when the pointer crosses the zone's children: count them.
    let drag_depth = RwSignal::new(0i32);

    let on_picked = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let files = dropped::from_input(&input);
        // Reset, so that picking the same files again fires `change` again.
        input.set_value("");
        session.load_files(files);
    };
    let on_drop = move |ev: DragEvent| {
        ev.prevent_default();
        drag_depth.set(0);
        if session.phase.get_untracked() == crate::session::Phase::Loading {
            return;
        }
        let Some(data) = ev.data_transfer() else {
            return;
        };
        let items = dropped::dropped_items(&data);
        spawn_local(async move {
            let (files, problems) = dropped::collect_files(items).await;
            if !problems.is_empty() {
                session.report_problem(format!(
                    "{} could not be read: {}",
                    format::count(problems.len() as u64, "dropped item", "dropped items"),
                    problems.join("; ")
                ));
            }
            session.load_files(files);
        });
    };

    let dragging = move || drag_depth.get() > 0;
    let on_drag_enter = move |ev: DragEvent| {
        ev.prevent_default();
        drag_depth.update(|depth| *depth += 1);
    };
    let on_drag_over = move |ev: DragEvent| {
        // Without this the browser opens the dropped file instead of handing it to the page.
        ev.prevent_default();
        if let Some(data) = ev.data_transfer() {
            data.set_drop_effect("copy");
        }
    };

    view! {
        <section
            id="drop-zone"
            class="drop-zone"
            class:dragging=dragging
            aria-labelledby="drop-zone-title"
            on:dragenter=on_drag_enter
            on:dragover=on_drag_over
            on:dragleave=move |_| drag_depth.update(|depth| *depth = (*depth - 1).max(0))
            on:drop=on_drop
        >
            <h2 id="drop-zone-title">"Load AWS exports"</h2>
            <p class="hint">
                "Drop files or whole folders here: CloudTrail logs (.json, .json.gz), AWS Config "
                "snapshots and history, DynamoDB describe-table outputs."
            </p>
            <div class="actions">
                <input
                    type="file"
                    id="file-input"
                    class="visually-hidden"
                    multiple
                    disabled=busy
                    on:change=on_picked
                />
                <label for="file-input" class="button button-primary">"Choose files"</label>
                <input
                    type="file"
                    id="folder-input"
                    class="visually-hidden"
                    prop:webkitdirectory=true
                    disabled=busy
                    on:change=on_picked
                />
                <label for="folder-input" class="button">"Choose a folder"</label>
                <button
                    id="sample-button"
                    type="button"
                    class="button"
                    disabled=busy
                    on:click=move |_| session.load_sample()
                >
                    "Try the sample"
                </button>
                <button
                    id="clear-button"
                    type="button"
                    class="button button-quiet"
                    disabled=move || busy() || nothing_loaded()
                    on:click=move |_| session.clear()
                >
                    "Clear"
                </button>
            </div>
        </section>
    }
}
