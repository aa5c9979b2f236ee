//! Seed documents: the starter directory in `seed/centres.json`, compiled
//! from public sources (and, in tests, plainly fake fixtures in the same
//! shape).
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

/// What one load did: the counts of listings and facts added, how many
/// of the document's were already stored (whatever their status: a listing
/// a curator archived stays archived and counts here), and the ones skipped,
/// each with its reason.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub centres: usize,
    pub clinicians: usize,
    pub facts: usize,
    pub present: usize,
    pub skipped: Vec<String>,
}

impl SeedReport {
    /// Listings and facts added.
    pub fn added(&self) -> usize {
        self.centres + self.clinicians + self.facts
    }
}

/// SHA-256 (hex) of the built-in seed's text: stored when the database
/// loads it, so a new version's start-up knows whether to load it again.
pub fn builtin_seed_hash() -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(BUILTIN_SEED.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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
