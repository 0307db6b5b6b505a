//! Views. Each takes what it shows as signals; those that act (load, cancel, clear) reach the
//! [`crate::session::Session`] through context.

pub mod data_table;
pub mod drop_zone;
pub mod file_table;
pub mod load_status;
pub mod overview;
pub mod totals_line;

pub use data_table::{Cell, Column, DataTable, SortBy, SortKey, TableData};
pub use drop_zone::DropZone;
pub use file_table::FileTable;
pub use load_status::LoadStatus;
pub use overview::OverviewPanel;
pub use totals_line::TotalsLine;
