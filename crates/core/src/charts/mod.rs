//! Charts drawn with plotters into SVG strings: pure functions of analysis results.

pub mod activity;
pub mod compliance;
pub mod config_changes;
pub mod tags;
pub mod timeline;
