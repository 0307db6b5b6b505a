//! Analyses over the model. Each is a pure function of the [`crate::Loader`]'s state.

pub(crate) mod json;
pub mod kms;
pub mod operations;
pub mod overview;
pub(crate) mod symcache;
pub mod visibility;

use serde::{Deserialize, Serialize};

use crate::model::Event;

/// Where an event's record is, to read its full JSON again from its source file on demand:
/// [`crate::Model::files`]`[file]`, record number `record_index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EventRef {
    pub file: u32,
    pub record_index: u32,
}

impl EventRef {
    pub fn of(event: &Event) -> EventRef {
        EventRef {
            file: event.file,
            record_index: event.record_index,
        }
    }
}
