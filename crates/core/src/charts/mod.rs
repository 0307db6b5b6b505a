//! Charts drawn with plotters into SVG strings: pure functions of analysis results.

pub mod activity;
pub mod timeline;
