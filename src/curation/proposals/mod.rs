//! Proposals: every change to the directory is proposed with a reason and
//! sources, and applies only when a reviewer other than its author
//! approves it. `rows` stores them, `rules` checks them, `review` proposes
//! and decides; the endpoints are in `handlers::curation::proposals`.

pub mod review;
pub mod rows;
pub mod rules;
