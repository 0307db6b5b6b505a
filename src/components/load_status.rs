//! Where a load stands: the progress bar, its text, the Cancel button and the outcome.

use leptos::prelude::*;

use crate::format;
use crate::session::{Phase, Session};

/// `#load-status`, with `data-state` (idle, loading, done, cancelled, error) and, once a load
/// has finished, `data-elapsed-ms` (of which `data-index-ms` sorting the events for the
/// activity view); once its report is shown, `data-report-build-ms`, the worker's time
/// building it; once the worker and the page have warmed up their code after opening,
/// `data-warm-up-ms` and `data-page-warm-up-ms`, the time each took (the bench reads these).
#[component]
pub fn LoadStatus() -> impl IntoView {
    let session = expect_context::<Session>();
    let phase = session.phase;
    let progress = session.progress;
    let started = move || phase.get() != Phase::Idle;
    let loading = move || phase.get() == Phase::Loading;
    let message = move || {
        match phase.get() {
        Phase::Idle => "No files loaded.".to_string(),
        Phase::Loading => "Loading…".to_string(),
        Phase::Done => {
            let files = session.progress.with(|p| p.files_total);
            let elapsed = session.elapsed_ms.get().map(format::elapsed);
            match elapsed {
                Some(elapsed) => format!(
                    "Loaded {} in {elapsed}.",
                    format::count(files, "file", "files")
                ),
                None => "Loaded.".to_string(),
            }
        }
        Phase::Cancelled => format!(
            "Cancelled: {} not loaded. Files loaded before stay loaded.",
            format::count(session.files_not_loaded.get(), "file", "files")
        ),
        Phase::Error => {
            "Loading stopped. What was loaded is shown but no longer held: the next load starts afresh."
                .to_string()
        }
    }
    };
    view! {
        <section
            id="load-status"
            class="load-status"
            aria-label="Loading status"
            data-state=move || phase.get().as_str()
            data-elapsed-ms=move || session.elapsed_ms.get().map(|ms| format!("{ms:.0}"))
            data-index-ms=move || session.index_ms.get().map(|ms| format!("{ms:.0}"))
            data-warm-up-ms=move || session.warm_up_ms.get().map(|(worker, _)| format!("{worker:.0}"))
            data-page-warm-up-ms=move || session.warm_up_ms.get().map(|(_, page)| format!("{page:.0}"))
            data-report-build-ms=move || {
                session
                    .report
                    .with(|r| r.as_ref().and_then(|r| r.build_ms))
                    .map(|ms| format!("{ms:.0}"))
            }
        >
            <Show when=started>
                <div class="progress-row">
                    <progress
                        id="progress"
                        max="1"
                        value=move || progress.with(format::progress_fraction)
                        aria-labelledby="progress-text"
                    ></progress>
                    <span id="progress-text" class="progress-text">
                        {move || progress.with(format::progress)}
                    </span>
                    <Show when=loading>
                        <button
                            id="cancel-button"
                            type="button"
                            class="button button-secondary"
                            on:click=move |_| session.cancel()
                        >
                            "Cancel"
                        </button>
                    </Show>
                </div>
            </Show>
            <p class="status-message" role="status">
                {message}
            </p>
            <Show when=move || session.error.with(Option::is_some)>
                <p class="problem" role="alert">
                    {move || session.error.get()}
                </p>
            </Show>
        </section>
    }
}
