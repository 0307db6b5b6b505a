//! The app shell: header, the load view, footer; and the session every view shares.

use leptos::prelude::*;

use crate::pages::LoadPage;
use crate::session::Session;

/// The whole app. Starts the ingest worker and, for a `?sample` or `#sample` address, loads the
/// built-in sample.
#[component]
pub fn App() -> impl IntoView {
    let session = Session::new();
    session.connect();
    // Every view reads the session's signals and the controls send its commands: one
    // context instead of threading the same handle through each component.
    provide_context(session);
    if sample_requested() {
        session.load_sample();
    }
    view! {
        <header class="site-header">
            <div class="site-header-inner">
                <h1>"ddb-lens"</h1>
                <p class="tagline">
                    "A DynamoDB security report from your AWS exports: CloudTrail logs, "
                    "AWS Config files and DynamoDB describe-table outputs."
                </p>
                <p class="privacy">
                    <strong>"Nothing leaves this machine."</strong>
                    " Files are read and analysed in this browser tab, offline."
                </p>
            </div>
        </header>
        <LoadPage />
    }
}

/// Whether the address asks for the sample: `?sample` (any value) or `#sample`.
fn sample_requested() -> bool {
    let location = window().location();
    let search = location.search().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    hash == "#sample"
        || search
            .trim_start_matches('?')
            .split('&')
            .any(|pair| pair.split('=').next() == Some("sample"))
}
