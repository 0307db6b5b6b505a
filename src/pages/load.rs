//! The load view: bring files in, watch them load, see what each was, and the overview.

use leptos::prelude::*;

use crate::components::{DropZone, FileTable, LoadStatus, OverviewPanel, TotalsLine};
use crate::session::{Phase, Session};

/// The page's main view.
#[component]
pub fn LoadPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let has_rows = move || session.rows.with(|rows| !rows.is_empty());
    let analysis = move || session.analysis.get();
    view! {
        <main id="main" class="page">
            <DropZone />
            <LoadStatus />
            <Show when=move || has_rows() || session.phase.get() != Phase::Idle>
                <section class="files" aria-labelledby="files-title">
                    <div class="section-head">
                        <h2 id="files-title">"Files"</h2>
                        <TotalsLine totals=session.totals />
                    </div>
                    <FileTable rows=session.rows />
                </section>
            </Show>
            {move || analysis().map(|analysis| view! { <OverviewPanel analysis=analysis /> })}
        </main>
    }
}
