//! Criteria profiles in the database: the shipped ones are inserted when
//! missing (never over a stored one, which a curator may have changed).

use chrono::Utc;
use diesel::prelude::*;

use crate::criteria::profile::{Profile, ProfileDocument, BUILTIN_PROFILES};
use crate::store::schema::criteria_profiles;
use crate::store::{bump_data_version, DbConnection, StoreError};

/// Inserts shipped profiles the database lacks; returns how many.
pub fn ensure_builtin(conn: &mut DbConnection) -> Result<usize, StoreError> {
    let doc = ProfileDocument::parse(BUILTIN_PROFILES).map_err(StoreError::Corrupt)?;
    let now = Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    conn.transaction(|conn| {
        let have: Vec<String> = criteria_profiles::table
            .select(criteria_profiles::id)
            .load(conn)?;
        let mut added = 0;
        for p in doc.profiles.iter().filter(|p| !have.contains(&p.id)) {
            diesel::insert_into(criteria_profiles::table)
                .values((
                    criteria_profiles::id.eq(&p.id),
                    criteria_profiles::version.eq(&p.version),
                    criteria_profiles::document
                        .eq(serde_json::to_string(p).expect("profile serialises")),
                    criteria_profiles::updated_at.eq(&now),
                ))
                .execute(conn)?;
            added += 1;
        }
        if added > 0 {
            bump_data_version(conn)?;
        }
        Ok(added)
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
