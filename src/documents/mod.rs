//! Letters and checklists patients can print, edit and send: second-opinion
//! requests, referral requests, insurer appeals, pathology records requests
//! and questions for the consultation, in Markdown, HTML, PDF, DOCX and
//! plain text, in English, German, French, Spanish and Italian (the insurer
//! letter in English only), citing the evidence library.
//!
//! Privacy: nothing a patient sends here is stored or logged. Requests are
//! rendered in memory and answered with `Cache-Control: no-store`; errors
//! name fields, never echo values into the log.

pub mod evidence;
pub mod format;
pub mod i18n;
pub mod lang;
pub mod model;
pub mod render;
pub mod schema;
pub mod templates;
