//! The directory of sarcoma centres and clinicians: the model, its
//! storage rows, the rules a listing must satisfy, and the seed document.
//! Nothing here knows about HTTP or the in-memory read model.

pub mod geo;
pub mod model;
pub mod rows;
pub mod rules;
pub mod seed;
pub mod text;
