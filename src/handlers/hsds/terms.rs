//! HSDS identifiers and the directory's own taxonomy.
//!
//! HSDS wants UUIDs; listings have slugs. Each HSDS object gets a UUID
//! (version 8, "custom") made from SHA-256 of `hsds:{kind}:{key}`, so the
//! same listing always has the same ids on every node and after restarts,
//! and nothing needs storing.
//!
//! Programmes, services, verification status and sources become HSDS
//! attributes whose terms belong to one taxonomy of the directory's own
//! (HSDS has no vocabulary for them).

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::directory::model::{Programme, ServiceKind, VerificationStatus};

/// The UUID of HSDS object `kind` for `key` (a slug or a composite key).
pub fn id(kind: &str, key: &str) -> String {
    let digest = Sha256::digest(format!("hsds:{kind}:{key}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x80; // version 8
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 9562 variant
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

pub const TAXONOMY: &str = "sarcoma-centre-directory";

/// One term of the directory's taxonomy: its code and what it means.
pub struct Term {
    pub code: String,
    pub name: String,
    pub description: String,
}

impl Term {
    pub fn id(&self) -> String {
        id("taxonomy_term", &self.code)
    }

    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id(),
            "code": self.code,
            "name": self.name,
            "description": self.description,
            "taxonomy": TAXONOMY,
            "taxonomy_id": id("taxonomy", TAXONOMY),
        })
    }
}

fn words(code: &str) -> String {
    code.replace('_', " ")
}

pub fn programme(p: Programme) -> Term {
    Term {
        code: format!("programme:{}", p.code()),
        name: format!("Programme: {}", words(p.code())),
        description: format!(
            "The centre runs a {} sarcoma programme (the directory's programme code `{}`).",
            words(p.code()),
            p.code()
        ),
    }
}

pub fn service(s: ServiceKind) -> Term {
    Term {
        code: format!("service:{}", s.code()),
        name: format!("Service: {}", words(s.code())),
        description: format!(
            "The centre offers {} (the directory's service code `{}`).",
            words(s.code()),
            s.code()
        ),
    }
}

pub fn verification(v: VerificationStatus) -> Term {
    let meaning = match v {
        VerificationStatus::Unverified => {
            "compiled from public sources and not yet confirmed with the institution"
        }
        VerificationStatus::Verified => "confirmed with the institution by a reviewer",
        VerificationStatus::NeedsReview => "confirmed once, but due for another check",
    };
    Term {
        code: format!("verification:{}", v.code()),
        name: format!("Verification: {}", words(v.code())),
        description: format!("The listing is {meaning}."),
    }
}

pub fn source() -> Term {
    Term {
        code: "source".into(),
        name: "Source".into(),
        description: "A public source the listing rests on (a web address or a citation).".into(),
    }
}

pub fn coordinate_source() -> Term {
    Term {
        code: "coordinate_source".into(),
        name: "Coordinate source".into(),
        description:
            "Where the location's latitude and longitude come from, and how precise they are."
                .into(),
    }
}

pub fn directory_id() -> Term {
    Term {
        code: "directory_id".into(),
        name: "Directory id".into(),
        description:
            "The listing's id in the directory's own API (/v1/centres/{id}, /v1/clinicians/{id})."
                .into(),
    }
}

/// Every term, to resolve a `taxonomy_term_id` parameter.
pub fn all() -> Vec<Term> {
    let mut all: Vec<Term> = Programme::ALL.iter().map(|p| programme(*p)).collect();
    all.extend(ServiceKind::ALL.iter().map(|s| service(*s)));
    all.extend(VerificationStatus::ALL.iter().map(|v| verification(*v)));
    all.extend([source(), coordinate_source(), directory_id()]);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_version_8_uuids() {
        let a = id("organization", "fake-houston");
        assert_eq!(a, id("organization", "fake-houston"));
        assert_ne!(a, id("service", "fake-houston"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "8");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }
}
