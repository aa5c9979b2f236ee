//! The rules a listing must satisfy, on its own: ids, names, addresses,
//! positions, sources, verification and fact values. The seed document and
//! curation proposals check the same rules, so nothing either stores can
//! break them.

use std::collections::HashSet;

use chrono::NaiveDate;

use crate::directory::model::*;

/// What is wrong with one centre on its own (its id, name, address,
/// position, sources and verification); references are checked by the
/// caller, which knows what else exists.
pub fn centre_problems(c: &Centre, today: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    if !is_slug(&c.id) {
        out.push("id must be lowercase letters, digits and single hyphens".into());
    }
    if c.name.trim().is_empty() {
        out.push("name is empty".into());
    }
    check_address("address", &c.address, &mut out);
    if let Some(p) = &c.coordinates {
        let in_range = (-90.0..=90.0).contains(&p.lat) && (-180.0..=180.0).contains(&p.lon);
        if !in_range {
            out.push("coordinates out of range".into());
        }
        if p.source.trim().is_empty() {
            out.push("coordinates have no source".into());
        }
    }
    for (field, url) in [
        ("website", c.website.as_deref()),
        ("referral.web_form", c.referral.web_form.as_deref()),
    ] {
        if url.is_some_and(|u| !is_web_url(u)) {
            out.push(format!(
                "{field} must be an http(s) address with a host name"
            ));
        }
    }
    check_sources("sources", &c.sources, today, &mut out);
    check_verification("verification", &c.verification, today, &mut out);
    out
}

/// What is wrong with one clinician on its own, affiliations included
/// (but not whether their centres exist).
pub fn clinician_problems(c: &Clinician, today: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    if !is_slug(&c.id) {
        out.push("id must be lowercase letters, digits and single hyphens".into());
    }
    if c.name.trim().is_empty() {
        out.push("name is empty".into());
    }
    check_sources("sources", &c.sources, today, &mut out);
    check_verification("verification", &c.verification, today, &mut out);
    let mut seen = HashSet::new();
    for a in &c.affiliations {
        if !seen.insert(&a.centre_id) {
            out.push(format!("two affiliations to {}", a.centre_id));
        }
        check_sources(
            &format!("affiliation to {}", a.centre_id),
            &a.sources,
            today,
            &mut out,
        );
    }
    out
}

/// What is wrong with one fact on its own (not whether its subject exists).
pub fn fact_problems(f: &Fact, today: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    if !is_slug(&f.id) {
        out.push("id must be lowercase letters, digits and single hyphens".into());
    }
    if let Err(e) = check_fact_value(f.metric, f.value) {
        out.push(e);
    }
    if f.as_of > today {
        out.push(format!("as_of {} is in the future", f.as_of));
    }
    check_sources("source", std::slice::from_ref(&f.source), today, &mut out);
    out
}

/// Whether a value fits its metric: counts are whole and not negative,
/// rates not negative, yes/no metrics take true or false.
pub fn check_fact_value(metric: Metric, value: FactValue) -> Result<(), String> {
    match (metric.kind(), value) {
        (MetricKind::Count, FactValue::Number(n)) if n >= 0.0 && n.fract() == 0.0 => Ok(()),
        (MetricKind::Rate, FactValue::Number(n)) if n >= 0.0 && n.is_finite() => Ok(()),
        (MetricKind::Boolean, FactValue::Boolean(_)) => Ok(()),
        (MetricKind::Count, _) => Err(format!(
            "{} takes a whole number of 0 or more",
            metric.code()
        )),
        (MetricKind::Rate, _) => Err(format!("{} takes a number of 0 or more", metric.code())),
        (MetricKind::Boolean, _) => Err(format!("{} takes true or false", metric.code())),
    }
}

pub fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 80
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

pub fn check_slug<'a>(at: &str, id: &'a str, ids: &mut HashSet<&'a str>, out: &mut Vec<String>) {
    if !ids.insert(id) {
        out.push(format!("{at}: duplicate id"));
    }
}

/// ISO 3166-1 alpha-2 country and, when given, an ISO 3166-2 subdivision of it.
pub fn check_address(at: &str, a: &Address, out: &mut Vec<String>) {
    if rust_iso3166::from_alpha2(&a.country).is_none() || a.country.len() != 2 {
        out.push(format!(
            "{at}: country {:?} is not an ISO 3166-1 alpha-2 code",
            a.country
        ));
    }
    if let Some(sub) = &a.subdivision {
        let of_country = sub
            .strip_prefix(&a.country)
            .is_some_and(|r| r.starts_with('-'));
        if !of_country || rust_iso3166::iso3166_2::from_code(sub).is_none() {
            out.push(format!(
                "{at}: subdivision {sub:?} is not an ISO 3166-2 code of {}",
                a.country
            ));
        }
    }
}

fn check_sources(at: &str, sources: &[Source], today: NaiveDate, out: &mut Vec<String>) {
    if sources.is_empty() {
        out.push(format!("{at}: no source"));
    }
    for s in sources {
        if s.retrieved.is_some_and(|d| d > today) {
            out.push(format!("{at}: retrieved is in the future"));
        }
        if !s.is_usable() {
            out.push(format!(
                "{at}: a source needs an http(s) URL with a host name, or a citation"
            ));
        }
    }
}

fn check_verification(at: &str, v: &Verification, today: NaiveDate, out: &mut Vec<String>) {
    if let Some(d) = v.last_verified {
        if d > today {
            out.push(format!("{at}: last_verified is in the future"));
        }
        if v.method.is_none() {
            out.push(format!("{at}: a verification needs its method"));
        }
    }
    if v.status == VerificationStatus::Verified && v.last_verified.is_none() {
        out.push(format!("{at}: verified without a date"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_urls_need_http_and_a_host() {
        for good in [
            "https://www.sarkome.de/zentren",
            "http://example.org:8080/a?b#c",
            "https://192.0.2.1/x",
            "https://[2001:db8::1]:443/",
        ] {
            assert!(is_web_url(good), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "https://...",
            "https://",
            "https://localhost",
            "https://user@example.org/",
            "ftp://example.org/",
            "https://exa mple.org/",
            "https://-bad-.org/",
            "https://example.org:99999/",
        ] {
            assert!(!is_web_url(bad), "{bad}");
        }
    }
}
