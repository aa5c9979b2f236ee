//! Seed documents: the curated starter directory in `seed/centres.json`
//! (and, in tests, plainly fake fixtures in the same shape).
//!
//! A document is validated whole when parsed; `curation::seed` loads it.

use std::collections::HashSet;

use chrono::{NaiveDate, Utc};
use serde::Deserialize;

use crate::directory::model::*;
use crate::directory::rules::{centre_problems, check_slug, clinician_problems, fact_problems};
use crate::directory::text::fold;

/// The starter directory shipped with the service.
pub const BUILTIN_SEED: &str = include_str!("../../seed/centres.json");

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedDocument {
    #[serde(default)]
    pub centres: Vec<Centre>,
    #[serde(default)]
    pub clinicians: Vec<Clinician>,
    #[serde(default)]
    pub facts: Vec<Fact>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub centres: usize,
    pub clinicians: usize,
    pub facts: usize,
}

impl SeedDocument {
    pub fn parse(text: &str) -> Result<Self, String> {
        let doc: Self =
            serde_json::from_str(text).map_err(|e| format!("seed is not valid: {e}"))?;
        let problems = doc.problems(Utc::now().date_naive());
        if problems.is_empty() {
            Ok(doc)
        } else {
            Err(format!("seed is not valid:\n- {}", problems.join("\n- ")))
        }
    }

    /// Everything wrong with the document; empty when it may be loaded.
    pub fn problems(&self, today: NaiveDate) -> Vec<String> {
        let mut out = Vec::new();
        let mut ids = HashSet::new();
        let mut names = HashSet::new();
        for c in &self.centres {
            let at = format!("centre {}", c.id);
            check_slug(&at, &c.id, &mut ids, &mut out);
            if !names.insert((fold(&c.name), c.address.country.clone())) {
                out.push(format!(
                    "{at}: another centre in {} has the same name",
                    c.address.country
                ));
            }
            prefixed(&at, centre_problems(c, today), &mut out);
        }
        let centre_ids: HashSet<&str> = self.centres.iter().map(|c| c.id.as_str()).collect();
        for c in &self.clinicians {
            let at = format!("clinician {}", c.id);
            check_slug(&at, &c.id, &mut ids, &mut out);
            prefixed(&at, clinician_problems(c, today), &mut out);
            for a in &c.affiliations {
                if !centre_ids.contains(a.centre_id.as_str()) {
                    out.push(format!(
                        "{at}: affiliation to unknown centre {}",
                        a.centre_id
                    ));
                }
            }
        }
        let clinician_ids: HashSet<&str> = self.clinicians.iter().map(|c| c.id.as_str()).collect();
        for f in &self.facts {
            let at = format!("fact {}", f.id);
            check_slug(&at, &f.id, &mut ids, &mut out);
            let known = match f.subject.kind {
                SubjectKind::Centre => centre_ids.contains(f.subject.id.as_str()),
                SubjectKind::Clinician => clinician_ids.contains(f.subject.id.as_str()),
            };
            if !known {
                out.push(format!(
                    "{at}: unknown {} {}",
                    f.subject.kind.code(),
                    f.subject.id
                ));
            }
            prefixed(&at, fact_problems(f, today), &mut out);
        }
        out
    }
}

fn prefixed(at: &str, problems: Vec<String>, out: &mut Vec<String>) {
    out.extend(problems.into_iter().map(|p| format!("{at}: {p}")));
}
