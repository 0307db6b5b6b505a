//! What an analysis view says while it has no report: the load is running, the worker is
//! building the report of a finished load, or nothing has been loaded or opened. Without the
//! middle case a view showed "0 tables" for the moment between the load ending and its report
//! arriving, which reads as "your exports hold no tables".

use leptos::prelude::*;

use crate::session::{Phase, Session};

/// Why the session has no report yet, in the words `.no-report` shows.
pub fn no_report_text(phase: Phase) -> &'static str {
    match phase {
        Phase::Loading => "Loading exports: the report is built when the load ends.",
        // Every finished or cancelled load is followed by its report (see the worker's after_load).
        Phase::Done | Phase::Cancelled => "Building the report of the loaded exports\u{2026}",
        Phase::Idle | Phase::Error => {
            "No report yet: load exports on the Overview, or open a saved report."
        }
    }
}

/// `.no-report`: shown by a view in place of what it would draw from the report.
#[component]
pub fn NoReport() -> impl IntoView {
    let session = expect_context::<Session>();
    let phase = session.phase;
    view! {
        <p class="empty no-report" role="status">
            {move || no_report_text(phase.get())}
        </p>
    }
}
