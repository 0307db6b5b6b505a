//! Analyses over the model. Each is a pure function of the [`crate::Loader`]'s state.

pub mod compliance;
pub mod config_history;
pub mod inventory;
pub mod operations;
pub mod overview;
pub mod streams;
pub mod table_state;
pub mod tags;
