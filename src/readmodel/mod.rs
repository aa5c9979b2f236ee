//! The read model: an in-memory copy of the published directory with its
//! search index and precomputed assessments. Every public read answers
//! from it; writes and other nodes' changes reach it through `refresh`.

pub mod delta;
pub mod entries;
pub mod index;
pub mod json;
pub mod memo;
pub mod position;
pub mod refresh;
pub mod search;
pub mod snapshot;
pub mod views;

pub use refresh::ReadModel;
