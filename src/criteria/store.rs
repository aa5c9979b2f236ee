//! Criteria profiles in the database: the shipped ones are inserted when
//! missing, and replace a stored copy of an older shipped version (the
//! profiles are the service's own reading of published criteria; a new
//! release that corrects one must reach every database it runs on).

use chrono::Utc;
use diesel::prelude::*;

use crate::criteria::profile::{Profile, ProfileDocument, BUILTIN_PROFILES};
use crate::store::schema::criteria_profiles;
use crate::store::{bump_data_version, DbConnection, StoreError};

/// Inserts shipped profiles the database lacks and replaces stored ones
/// whose version differs from the shipped one; returns how many changed.
pub fn ensure_builtin(conn: &mut DbConnection) -> Result<usize, StoreError> {
    let doc = ProfileDocument::parse(BUILTIN_PROFILES).map_err(StoreError::Corrupt)?;
    let now = Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    conn.transaction(|conn| {
        let have: Vec<(String, String)> = criteria_profiles::table
            .select((criteria_profiles::id, criteria_profiles::version))
            .load(conn)?;
        let mut changed = 0;
        for p in &doc.profiles {
            let document = serde_json::to_string(p).expect("profile serialises");
            match have.iter().find(|(id, _)| *id == p.id) {
                // Never back to an older release's reading.
                Some((_, version)) if version.as_str() >= p.version.as_str() => continue,
                Some(_) => {
                    diesel::update(criteria_profiles::table.find(&p.id))
                        .set((
                            criteria_profiles::version.eq(&p.version),
                            criteria_profiles::document.eq(&document),
                            criteria_profiles::updated_at.eq(&now),
                        ))
                        .execute(conn)?;
                }
                None => {
                    diesel::insert_into(criteria_profiles::table)
                        .values((
                            criteria_profiles::id.eq(&p.id),
                            criteria_profiles::version.eq(&p.version),
                            criteria_profiles::document.eq(&document),
                            criteria_profiles::updated_at.eq(&now),
                        ))
                        .execute(conn)?;
                }
            }
            changed += 1;
        }
        if changed > 0 {
            // No feed row says what a profile change touched: every node
            // loads the directory again (see readmodel/delta.rs).
            bump_data_version(conn)?;
        }
        Ok(changed)
    })
}

/// Every stored profile, by id.
pub fn load_all(conn: &mut DbConnection) -> Result<Vec<Profile>, StoreError> {
    let docs: Vec<String> = criteria_profiles::table
        .order(criteria_profiles::id)
        .select(criteria_profiles::document)
        .load(conn)?;
    docs.iter()
        .map(|d| {
            let p: Profile = serde_json::from_str(d)
                .map_err(|e| StoreError::Corrupt(format!("criteria profile: {e}")))?;
            match p.problems().as_slice() {
                [] => Ok(p),
                problems => Err(StoreError::Corrupt(problems.join("; "))),
            }
        })
        .collect()
}
