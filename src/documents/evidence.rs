//! The evidence library: citations a patient can attach, seeded from
//! `seed/evidence.json`. Only entries whose PMID (or, for a guideline,
//! whose details) were verified are cited by default.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Verified {
    /// Whether the PMID and bibliographic details were confirmed.
    pub pmid: bool,
    /// Pages read to confirm them.
    #[serde(default)]
    pub details_source: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Evidence {
    #[schema(example = "bhangu-2004-sarcoma")]
    pub id: String,
    /// article, abstract or guideline.
    pub kind: String,
    pub authors: Vec<String>,
    pub title: String,
    pub journal: Option<String>,
    pub year: Option<u32>,
    pub volume: Option<String>,
    pub issue: Option<String>,
    pub pages: Option<String>,
    pub pmid: Option<String>,
    pub doi: Option<String>,
    pub url: Option<String>,
    /// What the source found, in plain words.
    pub finding: String,
    /// The claims it supports, e.g. `specialist-centre-care`.
    pub supports: Vec<String>,
    pub verified: Verified,
    pub in_patient_guide: bool,
    pub notes: Option<String>,
}

/// An entry with its citation formatted, as the API returns it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EvidenceView {
    #[serde(flatten)]
    pub evidence: Evidence,
    /// Vancouver-style citation used in letters.
    pub citation: String,
    /// Cited in letters by default (verified).
    pub cited_by_default: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceList {
    pub items: Vec<EvidenceView>,
}

const EVIDENCE: &str = include_str!("../../seed/evidence.json");

pub fn library() -> &'static [Evidence] {
    static LIBRARY: OnceLock<Vec<Evidence>> = OnceLock::new();
    LIBRARY.get_or_init(|| serde_json::from_str(EVIDENCE).expect("seed/evidence.json is valid"))
}

/// The id of an entry of the evidence library (schema only: the ids, as
/// an enum, in the OpenAPI document).
pub struct EvidenceId;

impl utoipa::PartialSchema for EvidenceId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("An evidence library entry; see /v1/evidence"))
            .enum_values(Some(library().iter().map(|e| e.id.clone())))
            .into()
    }
}

impl utoipa::ToSchema for EvidenceId {}

pub fn find(id: &str) -> Option<&'static Evidence> {
    library().iter().find(|e| e.id == id)
}

impl Evidence {
    /// Verified entries may be cited without a curator's say-so.
    pub fn citable(&self) -> bool {
        self.verified.pmid
    }

    /// Authors. Title. Journal. Year;Volume(Issue):Pages. PMID: n.
    pub fn citation(&self) -> String {
        let mut authors = self
            .authors
            .iter()
            .take(6)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if self.authors.len() > 6 {
            authors.push_str(", et al");
        }
        let mut out = String::new();
        if !authors.is_empty() {
            out.push_str(&sentence(&authors));
            out.push(' ');
        }
        out.push_str(&sentence(&self.title));
        if let Some(j) = &self.journal {
            out.push(' ');
            out.push_str(&sentence(j));
        }
        if let Some(y) = self.year {
            out.push_str(&format!(" {y}"));
            if let Some(v) = &self.volume {
                out.push_str(&format!(";{v}"));
                if let Some(i) = &self.issue {
                    out.push_str(&format!("({i})"));
                }
            }
            if let Some(p) = &self.pages {
                out.push_str(&format!(":{p}"));
            }
            out.push('.');
        }
        if let Some(pmid) = &self.pmid {
            out.push_str(&format!(" PMID: {pmid}."));
        } else if let Some(url) = &self.url {
            out.push_str(&format!(" Available at: {url}"));
        }
        out
    }

    /// Whether it may be named as support for `claims` in a letter's text:
    /// verified, about one of them, and not counter-evidence.
    pub fn supports_any(&self, claims: &[&str]) -> bool {
        self.citable()
            && !self.supports.iter().any(|s| s == "counter-evidence-nuance")
            && self.supports.iter().any(|s| claims.contains(&s.as_str()))
    }

    pub fn view(&self) -> EvidenceView {
        EvidenceView {
            evidence: self.clone(),
            citation: self.citation(),
            cited_by_default: self.citable(),
        }
    }
}

/// `s` ending in one full stop: "et al." and "centre?" keep their own
/// punctuation instead of gaining a second mark.
fn sentence(s: &str) -> String {
    let s = s.trim();
    if s.ends_with(['.', '?', '!']) {
        s.to_owned()
    } else {
        format!("{s}.")
    }
}

/// Verified entries supporting any of `claims`, in library order.
pub fn default_for(claims: &[&str]) -> Vec<&'static Evidence> {
    library()
        .iter()
        .filter(|e| e.citable() && e.supports.iter().any(|s| claims.contains(&s.as_str())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bhangu_is_cited_with_its_pmid_and_the_abstract_is_not_by_default() {
        let bhangu = find("bhangu-2004-sarcoma").unwrap();
        assert!(bhangu.citable());
        let c = bhangu.citation();
        assert!(c.contains("2004") && c.contains("PMID: 18521386"), "{c}");
        assert!(!find("grimer-ctos-2002-abstract").unwrap().citable());
        let defaults = default_for(&["specialist-centre-care"]);
        assert!(defaults.iter().all(|e| e.verified.pmid));
        assert!(!defaults.iter().any(|e| e.id == "grimer-ctos-2002-abstract"));
    }

    #[test]
    fn citations_never_double_their_punctuation() {
        for e in library() {
            let c = e.citation();
            for twice in ["..", "?.", "!.", ". ."] {
                assert!(!c.contains(twice), "{}: {c}", e.id);
            }
        }
        assert!(find("bhangu-2004-sarcoma")
            .unwrap()
            .citation()
            .contains("a specialist centre? "));
    }
}
