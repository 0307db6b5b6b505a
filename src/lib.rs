//! ddb-lens in the browser: the Leptos page and the web worker that runs the core.
//!
//! The page never parses an export itself. It hands the dropped `File`s to a dedicated worker
//! ([`ingest_worker`]), which owns the core's [`ddb_lens_core::Loader`], reads each file, and
//! posts back one [`ddb_lens_core::FileReport`] per file, progress, and the overview when done.
//! Bytes never travel back to the page. The messages both sides exchange are in [`protocol`].
//!
//! ```text
//! page (app, pages, components) --Command--> worker (ingest_worker) --Event--> page
//! ```
//!
//! Two binaries share this library: `ddb-lens` (`src/main.rs`, mounts [`app::App`]) and `worker`
//! (`src/worker.rs`, calls [`ingest_worker::start`]). Each links only what it uses.

pub mod activity;
pub mod app;
pub mod components;
pub mod dropped;
pub mod format;
pub mod ingest_worker;
pub mod pages;
pub mod parse_pool;
pub mod protocol;
pub mod session;
pub mod worker_client;
