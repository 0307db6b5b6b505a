//! One module per view of the app.

pub mod load;

pub use load::LoadPage;
