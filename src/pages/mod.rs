//! One module per view of the app.

pub mod load;
pub mod tags;

pub use load::LoadPage;
