//! The directory of sarcoma centres and clinicians: model, storage rows,
//! seed loading, the in-memory read model and the public read endpoints.

pub mod geo;
pub mod index;
pub mod model;
pub mod routes;
pub mod rows;
pub mod seed;
pub mod snapshot;
pub mod text;
pub mod views;
