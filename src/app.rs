//! The app shell: header, the navigation between views, the current view; and the session
//! every view shares.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::pages::{route_for_hash, Route, ROUTES};
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
    let route = current_route();
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
            <nav class="site-nav" aria-label="Views">
                <ul>
                    {ROUTES
                        .iter()
                        .map(|r| {
                            let path = r.path;
                            view! {
                                <li>
                                    <a
                                        href=format!("#/{path}")
                                        id=format!("nav-{path}")
                                        aria-current=move || {
                                            (route.get().path == path).then_some("page")
                                        }
                                    >
                                        {r.label}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
        </header>
        {move || (route.get().view)()}
    }
}

/// The view the address's hash names, following `hashchange`.
fn current_route() -> Signal<&'static Route> {
    let route = RwSignal::new(route_for_hash(&location_hash()));
    let on_change = Closure::<dyn FnMut()>::new(move || {
        let next = route_for_hash(&location_hash());
        if !std::ptr::eq(route.get_untracked(), next) {
            route.set(next);
            // A new view starts at its top, as a new page would.
            window().scroll_to_with_x_and_y(0.0, 0.0);
        }
    });
    let _ =
        window().add_event_listener_with_callback("hashchange", on_change.as_ref().unchecked_ref());
    // The listener lives as long as the page.
    on_change.forget();
    route.into()
}

fn location_hash() -> String {
    window().location().hash().unwrap_or_default()
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
