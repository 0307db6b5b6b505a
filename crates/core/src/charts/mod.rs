//! Charts drawn with plotters into SVG strings: pure functions of analysis results.

pub mod tags;
pub mod timeline;
