//! Curators' search of stored listings of any status (draft, published,
//! archived), which the public read model does not hold: by words of the
//! name, id, institution and place, and a listing's facts by subject.
//!
//! The directory is small (hundreds of listings), so the words are matched
//! in Rust over a narrow selection, folded the way public search folds
//! them (`directory::text`), rather than with `LIKE`, whose case rules
//! differ between SQLite and PostgreSQL.

use diesel::prelude::*;

use crate::curation::entities::{self, Stored};
use crate::curation::model::EntityKind;
use crate::directory::model::{ListingStatus, SubjectKind};
use crate::directory::text;
use crate::store::schema::{centres, clinicians, facts};
use crate::store::{DbConnection, StoreError};

/// What to look for; every word of `q` must occur (folded) somewhere.
pub struct ListingQuery {
    pub q: Option<String>,
    pub status: Option<ListingStatus>,
    /// Facts only: the centre or clinician they describe.
    pub subject: Option<(SubjectKind, String)>,
}

/// Up to `limit + 1` stored entities of `kind` matching `query`, ordered
/// by id, with ids after `after` (the extra one tells a next page exists).
pub fn page(
    conn: &mut DbConnection,
    kind: EntityKind,
    query: &ListingQuery,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<Stored>, StoreError> {
    let candidates = candidates(conn, kind, query)?;
    let words: Vec<String> = query
        .q
        .as_deref()
        .map_or_else(Vec::new, |q| text::tokens(q).collect());
    let mut ids: Vec<String> = candidates
        .into_iter()
        .filter(|(id, _)| after.is_none_or(|a| id.as_str() > a))
        .filter(|(_, haystack)| {
            let folded = text::fold(haystack);
            words.iter().all(|w| folded.contains(w.as_str()))
        })
        .map(|(id, _)| id)
        .collect();
    ids.sort();
    ids.truncate(limit + 1);
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        // Listed a moment ago; only a concurrent hard delete (facts) could
        // make one vanish, and then it is simply not shown.
        if let Some(stored) = entities::load(conn, kind, &id)? {
            out.push(stored);
        }
    }
    Ok(out)
}

/// Each candidate's id and the text its words are matched in.
fn candidates(
    conn: &mut DbConnection,
    kind: EntityKind,
    query: &ListingQuery,
) -> Result<Vec<(String, String)>, StoreError> {
    let status = query.status.map(|s| s.code().to_owned());
    Ok(match kind {
        EntityKind::Centre => {
            let mut q = centres::table
                .select((
                    centres::id,
                    centres::name,
                    centres::institution,
                    centres::city,
                    centres::country,
                ))
                .into_boxed();
            if let Some(s) = status {
                q = q.filter(centres::status.eq(s));
            }
            q.load::<(String, String, Option<String>, Option<String>, String)>(conn)?
                .into_iter()
                .map(|(id, name, inst, city, country)| {
                    let hay = [
                        id.as_str(),
                        &name,
                        inst.as_deref().unwrap_or(""),
                        city.as_deref().unwrap_or(""),
                        &country,
                    ]
                    .join(" ");
                    (id, hay)
                })
                .collect()
        }
        EntityKind::Clinician => {
            let mut q = clinicians::table
                .select((clinicians::id, clinicians::name, clinicians::discipline))
                .into_boxed();
            if let Some(s) = status {
                q = q.filter(clinicians::status.eq(s));
            }
            q.load::<(String, String, String)>(conn)?
                .into_iter()
                .map(|(id, name, discipline)| {
                    let hay = format!("{id} {name} {discipline}");
                    (id, hay)
                })
                .collect()
        }
        EntityKind::Fact => {
            let mut q = facts::table
                .select((facts::id, facts::metric, facts::subject_id))
                .into_boxed();
            if let Some((kind, id)) = &query.subject {
                q = q
                    .filter(facts::subject_kind.eq(kind.code()))
                    .filter(facts::subject_id.eq(id.clone()));
            }
            q.load::<(String, String, String)>(conn)?
                .into_iter()
                .map(|(id, metric, subject)| {
                    let hay = format!("{id} {metric} {subject}");
                    (id, hay)
                })
                .collect()
        }
    })
}
