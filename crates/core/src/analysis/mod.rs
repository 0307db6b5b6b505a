//! Analyses over the model. Each is a pure function of the [`crate::Loader`]'s state.

pub mod activity;
pub mod compliance;
pub mod config_history;
pub mod inventory;
pub(crate) mod json;
pub mod kms;
pub mod operations;
pub mod overview;
pub mod streams;
pub(crate) mod symcache;
pub mod table_state;
pub mod tags;
pub mod visibility;
