//! Analyses over the model. Each is a pure function of the [`crate::Loader`]'s state.

pub mod activity;
pub mod operations;
pub mod overview;
