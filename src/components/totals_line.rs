//! The totals line over everything loaded.

use ddb_lens_core::Totals;
use leptos::prelude::*;

use crate::format;

/// `#totals`: "N files · E events · D duplicates dropped · X files with errors", with the same
/// numbers in `data-*` attributes for tests and tools.
#[component]
pub fn TotalsLine(
    /// The loader's totals.
    #[prop(into)]
    totals: Signal<Totals>,
) -> impl IntoView {
    view! {
        <p
            id="totals"
            class="totals"
            data-files=move || totals.with(|t| t.files.to_string())
            data-events=move || totals.with(|t| t.events.to_string())
            data-duplicates=move || totals.with(|t| t.duplicates_dropped.to_string())
            data-errors=move || totals.with(|t| t.files_with_errors.to_string())
            data-uncompressed-bytes=move || totals.with(|t| t.uncompressed_bytes.to_string())
        >
            {move || totals.with(format::totals)}
        </p>
    }
}
