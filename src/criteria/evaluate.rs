//! Evaluates one centre or clinician against one profile.
//!
//! Which fact counts, per metric: facts dated more than the profile's
//! `max_fact_age_months` before the evaluation date are ignored (stale).
//! Of the rest, the newest curator-confirmed fact counts; if there is none,
//! the newest fact of any attestation. Ties on date go to the fact with the
//! greater id, so the choice never depends on storage order.
//!
//! Outcome: `meets` only when every required criterion is met;
//! `does_not_meet` when any required criterion is not met; otherwise
//! `insufficient_data`. Optional criteria are reported and never decide.

use chrono::{Months, NaiveDate};
use serde::Serialize;
use utoipa::ToSchema;

use crate::criteria::profile::{Comparator, Criterion, Profile};
use crate::directory::model::{Attestation, Fact, FactSubject, FactValue};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every required criterion is met by a current, sourced fact. A
    /// published threshold met on the evidence recorded: not a guarantee
    /// of quality.
    Meets,
    /// At least one required criterion is not met by the current evidence.
    DoesNotMeet,
    /// No required criterion fails, but at least one has no current fact.
    InsufficientData,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Meets => "meets",
            Outcome::DoesNotMeet => "does_not_meet",
            Outcome::InsufficientData => "insufficient_data",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CriterionStatus {
    Met,
    NotMet,
    /// No fact, or only facts older than the profile allows.
    Unknown,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CriterionResult {
    pub criterion: Criterion,
    pub status: CriterionStatus,
    /// The fact the status rests on; null when unknown.
    pub fact: Option<Fact>,
    /// In words: what was compared, or why it is unknown.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Assessment {
    pub profile: String,
    pub profile_version: String,
    pub profile_name: String,
    pub subject: FactSubject,
    /// Facts are judged current or stale relative to this date.
    pub evaluated_on: NaiveDate,
    pub outcome: Outcome,
    pub criteria: Vec<CriterionResult>,
}

/// The fact that counts for `criterion`, or why there is none.
pub enum Selection<'a> {
    Current(&'a Fact),
    Stale(&'a Fact),
    Missing,
}

pub fn select<'a>(
    facts: &'a [Fact],
    criterion: &Criterion,
    today: NaiveDate,
    max_age_months: u32,
) -> Selection<'a> {
    let oldest_allowed = today
        .checked_sub_months(Months::new(max_age_months))
        .unwrap_or(NaiveDate::MIN);
    let newest = |it: &mut dyn Iterator<Item = &'a Fact>| {
        it.max_by(|a, b| a.as_of.cmp(&b.as_of).then_with(|| a.id.cmp(&b.id)))
    };
    let of_metric = || facts.iter().filter(|f| f.metric == criterion.metric);
    let current = || of_metric().filter(|f| f.as_of >= oldest_allowed);
    if let Some(f) =
        newest(&mut current().filter(|f| f.attestation == Attestation::CuratorConfirmed))
    {
        return Selection::Current(f);
    }
    if let Some(f) = newest(&mut current()) {
        return Selection::Current(f);
    }
    match newest(&mut of_metric()) {
        Some(f) => Selection::Stale(f),
        None => Selection::Missing,
    }
}

fn compare(criterion: &Criterion, value: FactValue) -> Option<bool> {
    match (criterion.comparator, value, criterion.threshold) {
        (Comparator::IsTrue, FactValue::Boolean(b), _) => Some(b),
        (Comparator::AtLeast, FactValue::Number(n), Some(t)) => Some(n >= t),
        (Comparator::MoreThan, FactValue::Number(n), Some(t)) => Some(n > t),
        _ => None,
    }
}

fn describe(criterion: &Criterion, fact: &Fact, met: bool) -> String {
    let value = match fact.value {
        FactValue::Boolean(true) => "yes".to_owned(),
        FactValue::Boolean(false) => "no".to_owned(),
        FactValue::Number(n) => format!("{n}"),
    };
    let rule = match (criterion.comparator, criterion.threshold) {
        (Comparator::AtLeast, Some(t)) => format!("at least {t}"),
        (Comparator::MoreThan, Some(t)) => format!("more than {t}"),
        _ => "yes".to_owned(),
    };
    format!(
        "{} = {value} as of {} ({}); needs {rule}: {}",
        fact.metric.code(),
        fact.as_of,
        fact.attestation.code().replace('_', " "),
        if met { "met" } else { "not met" }
    )
}

/// Evaluates `facts` (all facts of one subject) against `profile`.
pub fn evaluate(
    profile: &Profile,
    subject: FactSubject,
    facts: &[Fact],
    today: NaiveDate,
) -> Assessment {
    let criteria: Vec<CriterionResult> = profile
        .criteria
        .iter()
        .map(|criterion| {
            let (status, fact, reason) = match select(facts, criterion, today, profile.max_fact_age_months) {
                Selection::Missing => (CriterionStatus::Unknown, None, format!("no fact recorded for {}", criterion.metric.code())),
                Selection::Stale(f) => (
                    CriterionStatus::Unknown,
                    None,
                    format!(
                        "the newest fact for {} is from {}, older than the {} months this profile accepts",
                        criterion.metric.code(),
                        f.as_of,
                        profile.max_fact_age_months
                    ),
                ),
                Selection::Current(f) => match compare(criterion, f.value) {
                    Some(met) => (
                        if met { CriterionStatus::Met } else { CriterionStatus::NotMet },
                        Some(f.clone()),
                        describe(criterion, f, met),
                    ),
                    None => (CriterionStatus::Unknown, Some(f.clone()), "the recorded value does not fit this criterion".to_owned()),
                },
            };
            CriterionResult {
                criterion: criterion.clone(),
                status,
                fact,
                reason,
            }
        })
        .collect();
    Assessment {
        outcome: outcome(&criteria),
        profile: profile.id.clone(),
        profile_version: profile.version.clone(),
        profile_name: profile.name.clone(),
        subject,
        evaluated_on: today,
        criteria,
    }
}

/// Just the outcome, without building the explanation (for list filters).
pub fn outcome_only(profile: &Profile, facts: &[Fact], today: NaiveDate) -> Outcome {
    let mut unknown = false;
    for criterion in profile.criteria.iter().filter(|c| c.required) {
        match select(facts, criterion, today, profile.max_fact_age_months) {
            Selection::Current(f) => match compare(criterion, f.value) {
                Some(true) => {}
                Some(false) => return Outcome::DoesNotMeet,
                None => unknown = true,
            },
            _ => unknown = true,
        }
    }
    if unknown {
        Outcome::InsufficientData
    } else {
        Outcome::Meets
    }
}

fn outcome(results: &[CriterionResult]) -> Outcome {
    let required = || results.iter().filter(|r| r.criterion.required);
    if required().any(|r| r.status == CriterionStatus::NotMet) {
        Outcome::DoesNotMeet
    } else if required().all(|r| r.status == CriterionStatus::Met) {
        Outcome::Meets
    } else {
        Outcome::InsufficientData
    }
}

#[cfg(test)]
mod tests;
