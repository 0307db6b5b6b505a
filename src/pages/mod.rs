//! One module per view of the app, and the list of views the navigation shows.
//!
//! Views are chosen by the address's hash: `#/overview` (the default) or `#/<path>` of a
//! [`Route`]. Adding a view is one line in [`ROUTES`].

pub mod activity;
pub mod compliance;
pub mod config;
pub mod findings;
pub mod kms;
pub mod load;
pub mod posture;
pub mod report;
pub mod streams;
pub mod tables;
pub mod tags;

pub use activity::ActivityPage;
pub use compliance::CompliancePage;
pub use config::ConfigPage;
pub use findings::FindingsPage;
pub use kms::KmsPage;
pub use load::LoadPage;
pub use report::ReportPage;
pub use streams::StreamsPage;
pub use tables::TablesPage;
pub use tags::TagsPage;

use leptos::prelude::*;

/// A view the navigation links to: `#/{path}`.
pub struct Route {
    pub path: &'static str,
    /// The navigation link's text.
    pub label: &'static str,
    pub view: fn() -> AnyView,
}

/// Every view, in navigation order; the first is the default.
pub const ROUTES: &[Route] = &[
    Route {
        path: "overview",
        label: "Overview",
        view: || view! { <LoadPage /> }.into_any(),
    },
    Route {
        path: "activity",
        label: "Activity",
        view: || view! { <ActivityPage /> }.into_any(),
    },
    Route {
        path: "findings",
        label: "Findings",
        view: || view! { <FindingsPage /> }.into_any(),
    },
    Route {
        path: "kms",
        label: "KMS",
        view: || view! { <KmsPage /> }.into_any(),
    },
    Route {
        path: "streams",
        label: "Streams",
        view: || view! { <StreamsPage /> }.into_any(),
    },
    Route {
        path: "config",
        label: "Config history",
        view: || view! { <ConfigPage /> }.into_any(),
    },
    Route {
        path: "compliance",
        label: "Compliance",
        view: || view! { <CompliancePage /> }.into_any(),
    },
    Route {
        path: "tables",
        label: "Tables",
        view: || view! { <TablesPage /> }.into_any(),
    },
    Route {
        path: "tags",
        label: "Tags",
        view: || view! { <TagsPage /> }.into_any(),
    },
    Route {
        path: "report",
        label: "Report",
        view: || view! { <ReportPage /> }.into_any(),
    },
];

/// The route a location hash names (`"#/activity"`); the default for anything else, including
/// `#sample`, which asks for the sample on the default view.
pub fn route_for_hash(hash: &str) -> &'static Route {
    let path = hash.trim_start_matches('#').trim_start_matches('/');
    let path = path.split(['?', '/']).next().unwrap_or_default();
    ROUTES
        .iter()
        .find(|route| route.path == path)
        .unwrap_or(&ROUTES[0])
}
