//! Views. Each takes what it shows as signals; those that act (load, cancel, clear) reach the
//! [`crate::session::Session`] through context.

pub mod activity_filters;
pub mod activity_summaries;
pub mod activity_timeline;
pub mod data_table;
pub mod drop_zone;
pub mod event_list;
pub mod file_table;
pub mod folded;
pub mod load_status;
pub mod no_report;
pub mod overview;
pub mod totals_line;

pub use activity_filters::ActivityFilters;
pub use activity_summaries::ActivitySummaries;
pub use activity_timeline::ActivityTimeline;
pub use data_table::{Cell, Column, DataTable, SortBy, SortKey, TableData};
pub use drop_zone::DropZone;
pub use event_list::{EventDetail, EventList};
pub use file_table::FileTable;
pub use folded::Folded;
pub use load_status::LoadStatus;
pub use no_report::NoReport;
pub use overview::OverviewPanel;
pub use totals_line::TotalsLine;
