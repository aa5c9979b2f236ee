//! Criteria profiles (published criteria sets, kept as versioned data) and
//! the criterion-by-criterion evaluation of centres and clinicians against
//! them, from dated, sourced facts.
//!
//! "Meets" means a published threshold is met on the evidence recorded;
//! it is not a guarantee of quality. An unknown is never read as met.

pub mod evaluate;
pub mod profile;
pub mod store;
