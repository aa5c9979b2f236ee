//! Web pages served by the binary itself, embedded at compile time so
//! `cargo run` is the only step and they work offline: the patient site at
//! `/` and the volunteers' curation console at `/curate/`. The pages are
//! front-ends of the public JSON API like any other; nothing here touches
//! the domain.

pub mod assets;
pub mod console;
pub mod site;
