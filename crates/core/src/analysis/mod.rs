//! Analyses over the model. Each is a pure function of the [`crate::Loader`]'s state.

pub mod inventory;
pub(crate) mod json;
pub mod kms;
pub mod operations;
pub mod overview;
pub(crate) mod symcache;
pub mod tags;
pub mod visibility;
