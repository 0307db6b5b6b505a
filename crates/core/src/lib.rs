//! ddb-lens core: export files in, a normalised model and its analyses out.
//!
//! The core knows no browser and no filesystem: callers hand it a file's name and bytes. The web
//! worker, the CLI and the tests all drive the same [`Loader`].
//!
//! ```
//! use ddb_lens_core::{Limits, Loader};
//! let mut loader = Loader::new(Limits::default());
//! let report = loader.ingest(
//!     "one.json",
//!     br#"{"Records":[{"eventVersion":"1.08","eventTime":"2026-01-02T03:04:05Z",
//!         "eventSource":"dynamodb.amazonaws.com","eventName":"DeleteTable","awsRegion":"eu-west-1",
//!         "eventID":"11111111-2222-3333-4444-555555555555","recipientAccountId":"111122223333"}]}"#,
//! );
//! assert_eq!(report.records, 1);
//! assert_eq!(loader.totals().events, 1);
//! ```

pub mod analysis;
pub mod charts;
pub mod compliance;
pub mod ingest;
pub mod model;
pub mod report;
pub mod rules;
pub mod time;

pub use analysis::overview::{overview, Bucket, Count, Overview};
pub use charts::tags::{coverage_bars_svg, coverage_heatmap_svg};
pub use charts::timeline::timeline_svg;
pub use ingest::{FileKind, FileReport, FileStatus, Limits, Loader, Totals};
pub use model::{Event, Model, Sym};
