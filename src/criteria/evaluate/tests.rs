//! Table-driven checks of the evaluation against the shipped profiles:
//! boundaries, stale, missing and conflicting facts, optional criteria.

use chrono::NaiveDate;

use super::*;
use crate::criteria::profile::{ProfileDocument, BUILTIN_PROFILES};
use crate::directory::model::{Metric, Source, SubjectKind};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

fn profile(id: &str) -> Profile {
    ProfileDocument::parse(BUILTIN_PROFILES)
        .unwrap()
        .profiles
        .into_iter()
        .find(|p| p.id == id)
        .unwrap()
}

fn fact(id: &str, metric: Metric, value: FactValue, as_of: &str, attestation: Attestation) -> Fact {
    Fact {
        id: id.into(),
        subject: FactSubject {
            kind: SubjectKind::Centre,
            id: "x".into(),
        },
        metric,
        value,
        as_of: as_of.parse().unwrap(),
        source: Source {
            url: Some("https://example.org/fake".into()),
            citation: None,
            retrieved: None,
            listed_by: vec![],
        },
        attestation,
        note: None,
    }
}

fn n(id: &str, metric: Metric, v: f64, as_of: &str) -> Fact {
    fact(
        id,
        metric,
        FactValue::Number(v),
        as_of,
        Attestation::SelfReported,
    )
}

fn yes(id: &str, metric: Metric, v: bool) -> Fact {
    fact(
        id,
        metric,
        FactValue::Boolean(v),
        "2026-01-01",
        Attestation::SelfReported,
    )
}

/// Facts meeting every required criterion of the guide's centre profile.
fn guide_centre_all_met() -> Vec<Fact> {
    vec![
        n("v", Metric::SarcomaPatientsSeenPerYear, 100.0, "2026-01-01"),
        n("c", Metric::SarcomaClinicsPerMonth, 4.0, "2026-01-01"),
        n("r", Metric::NewSarcomaReferralsPerYear, 52.0, "2026-01-01"),
        yes("p", Metric::SarcomaPathologistReview, true),
        yes("t", Metric::TeleconsultationLocalOncologists, true),
        yes("i", Metric::TeleconsultationInternational, true),
    ]
}

fn run(profile_id: &str, facts: &[Fact]) -> Assessment {
    let p = profile(profile_id);
    let a = evaluate(
        &p,
        FactSubject {
            kind: p.applies_to,
            id: "x".into(),
        },
        facts,
        today(),
    );
    assert_eq!(
        a.outcome,
        outcome_only(&p, facts, today()),
        "the list filter's shortcut agrees"
    );
    a
}

fn status_of(a: &Assessment, criterion: &str) -> CriterionStatus {
    a.criteria
        .iter()
        .find(|r| r.criterion.id == criterion)
        .unwrap()
        .status
}

#[test]
fn thresholds_at_their_boundaries() {
    // (profile, criterion, metric, value, expected)
    let cases = [
        (
            "guide-sarcoma-centre",
            "guide-centre-volume",
            Metric::SarcomaPatientsSeenPerYear,
            99.0,
            CriterionStatus::NotMet,
        ),
        (
            "guide-sarcoma-centre",
            "guide-centre-volume",
            Metric::SarcomaPatientsSeenPerYear,
            100.0,
            CriterionStatus::Met,
        ),
        (
            "guide-sarcoma-oncologist",
            "guide-volume",
            Metric::SarcomaPatientsSeenPerYear,
            99.0,
            CriterionStatus::NotMet,
        ),
        (
            "guide-sarcoma-oncologist",
            "guide-volume",
            Metric::SarcomaPatientsSeenPerYear,
            100.0,
            CriterionStatus::Met,
        ),
        (
            "guide-sarcoma-oncologist",
            "guide-weekly-clinics",
            Metric::SarcomaClinicsPerMonth,
            3.9,
            CriterionStatus::NotMet,
        ),
        (
            "guide-sarcoma-oncologist",
            "guide-weekly-clinics",
            Metric::SarcomaClinicsPerMonth,
            4.0,
            CriterionStatus::Met,
        ),
        (
            "guide-sarcoma-oncologist",
            "guide-referral-stream",
            Metric::NewSarcomaReferralsPerYear,
            51.0,
            CriterionStatus::NotMet,
        ),
        (
            "guide-sarcoma-oncologist",
            "guide-referral-stream",
            Metric::NewSarcomaReferralsPerYear,
            52.0,
            CriterionStatus::Met,
        ),
        (
            "sarcoma-alliance-physician",
            "sa-physician-volume",
            Metric::SarcomaPatientsSeenPerYear,
            20.0,
            CriterionStatus::NotMet,
        ),
        (
            "sarcoma-alliance-physician",
            "sa-physician-volume",
            Metric::SarcomaPatientsSeenPerYear,
            21.0,
            CriterionStatus::Met,
        ),
        (
            "sarcoma-alliance-centre",
            "sa-centre-volume",
            Metric::SarcomaPatientsSeenPerYear,
            99.0,
            CriterionStatus::NotMet,
        ),
        (
            "sarcoma-alliance-centre",
            "sa-centre-volume",
            Metric::SarcomaPatientsSeenPerYear,
            100.0,
            CriterionStatus::Met,
        ),
        (
            "sarcoma-alliance-centre",
            "sa-centre-tumour-board",
            Metric::TumorBoardMeetingsPerMonth,
            0.5,
            CriterionStatus::NotMet,
        ),
        (
            "sarcoma-alliance-centre",
            "sa-centre-tumour-board",
            Metric::TumorBoardMeetingsPerMonth,
            1.0,
            CriterionStatus::Met,
        ),
        (
            "spaen-centre",
            "spaen-volume",
            Metric::SarcomaPatientsSeenPerYear,
            49.0,
            CriterionStatus::NotMet,
        ),
        (
            "spaen-centre",
            "spaen-volume",
            Metric::SarcomaPatientsSeenPerYear,
            50.0,
            CriterionStatus::Met,
        ),
    ];
    for (profile_id, criterion, metric, value, expected) in cases {
        let a = run(profile_id, &[n("f", metric, value, "2026-06-01")]);
        assert_eq!(
            status_of(&a, criterion),
            expected,
            "{profile_id} {criterion} at {value}"
        );
        let required = profile(profile_id)
            .criteria
            .iter()
            .any(|c| c.id == criterion && c.required);
        // An informative criterion not met decides nothing.
        let want = if expected == CriterionStatus::NotMet && required {
            Outcome::DoesNotMeet
        } else {
            Outcome::InsufficientData
        };
        assert_eq!(
            a.outcome, want,
            "{profile_id} {criterion} at {value}: one fact alone never meets"
        );
    }
}

#[test]
fn published_numbers_are_kept_exactly() {
    let threshold = |p: &str, c: &str| profile(p).criteria.into_iter().find(|x| x.id == c).unwrap();
    let sa = threshold("sarcoma-alliance-physician", "sa-physician-volume");
    assert_eq!(
        (sa.comparator, sa.threshold),
        (Comparator::MoreThan, Some(20.0)),
        "more than 20, not at least 21"
    );
    let sa = threshold("sarcoma-alliance-centre", "sa-centre-volume");
    assert_eq!(
        (sa.comparator, sa.threshold),
        (Comparator::AtLeast, Some(100.0))
    );
    let board = threshold("sarcoma-alliance-centre", "sa-centre-tumour-board");
    assert_eq!(
        (board.comparator, board.threshold),
        (Comparator::AtLeast, Some(1.0))
    );
    let spaen = threshold("spaen-centre", "spaen-volume");
    assert_eq!(
        (spaen.comparator, spaen.threshold),
        (Comparator::AtLeast, Some(50.0))
    );
    let weekly = threshold("guide-sarcoma-oncologist", "guide-weekly-clinics");
    assert!(
        weekly.interpretation.unwrap().contains("4"),
        "the interpretation is stated in numbers"
    );
}

#[test]
fn all_required_met_is_meets_and_one_failure_is_does_not_meet() {
    let facts = guide_centre_all_met();
    assert_eq!(run("guide-sarcoma-centre", &facts).outcome, Outcome::Meets);
    let mut failing = facts.clone();
    failing[3] = yes("p", Metric::SarcomaPathologistReview, false);
    assert_eq!(
        run("guide-sarcoma-centre", &failing).outcome,
        Outcome::DoesNotMeet
    );
    let mut missing = facts.clone();
    missing.remove(0);
    let a = run("guide-sarcoma-centre", &missing);
    assert_eq!(
        a.outcome,
        Outcome::InsufficientData,
        "never meets with an unknown"
    );
    assert_eq!(
        status_of(&a, "guide-centre-volume"),
        CriterionStatus::Unknown
    );
    assert!(a.criteria[0].reason.contains("no fact recorded"));
    // Informative criteria, unknown or not met, decide nothing.
    let mut informative = facts;
    informative.remove(5);
    informative[2] = n("r", Metric::NewSarcomaReferralsPerYear, 1.0, "2026-01-01");
    let a = run("guide-sarcoma-centre", &informative);
    assert_eq!(a.outcome, Outcome::Meets);
    assert_eq!(
        status_of(&a, "guide-centre-teleconsultation-abroad"),
        CriterionStatus::Unknown
    );
    assert_eq!(
        status_of(&a, "guide-centre-referral-stream"),
        CriterionStatus::NotMet
    );
}

#[test]
fn stale_facts_count_as_unknown() {
    let mut facts = guide_centre_all_met();
    // 24 months before 2026-11-28 is 2024-11-28: that day is still current.
    facts[0] = n("v", Metric::SarcomaPatientsSeenPerYear, 500.0, "2024-11-28");
    assert_eq!(run("guide-sarcoma-centre", &facts).outcome, Outcome::Meets);
    facts[0] = n("v", Metric::SarcomaPatientsSeenPerYear, 500.0, "2024-11-27");
    let a = run("guide-sarcoma-centre", &facts);
    assert_eq!(a.outcome, Outcome::InsufficientData);
    let r = &a.criteria[0];
    assert_eq!(r.status, CriterionStatus::Unknown);
    assert!(r.fact.is_none());
    assert!(
        r.reason.contains("2024-11-27") && r.reason.contains("24 months"),
        "{}",
        r.reason
    );
    // A stale failure does not fail either: it is unknown.
    facts[0] = n("v", Metric::SarcomaPatientsSeenPerYear, 5.0, "2020-01-01");
    assert_eq!(
        run("guide-sarcoma-centre", &facts).outcome,
        Outcome::InsufficientData
    );
}

#[test]
fn conflicting_facts_prefer_the_newest_curator_confirmed() {
    let mut facts = guide_centre_all_met();
    facts.remove(0);
    let confirmed_old = fact(
        "a",
        Metric::SarcomaPatientsSeenPerYear,
        FactValue::Number(80.0),
        "2025-06-01",
        Attestation::CuratorConfirmed,
    );
    let self_new = fact(
        "b",
        Metric::SarcomaPatientsSeenPerYear,
        FactValue::Number(300.0),
        "2026-06-01",
        Attestation::SelfReported,
    );
    let listed_newer = fact(
        "c",
        Metric::SarcomaPatientsSeenPerYear,
        FactValue::Number(250.0),
        "2026-07-01",
        Attestation::PublishedList,
    );
    facts.extend([confirmed_old.clone(), self_new.clone(), listed_newer]);
    let a = run("guide-sarcoma-centre", &facts);
    assert_eq!(
        a.criteria[0].fact.as_ref().unwrap().id,
        "a",
        "a curator-confirmed fact wins over newer claims"
    );
    assert_eq!(a.outcome, Outcome::DoesNotMeet);
    // Without a confirmed one, the newest counts, whoever attests it.
    facts.retain(|f| f.id != "a");
    let a = run("guide-sarcoma-centre", &facts);
    assert_eq!(a.criteria[0].fact.as_ref().unwrap().id, "c");
    assert_eq!(a.outcome, Outcome::Meets);
    // A stale confirmed fact does not beat a current claim.
    let mut stale_confirmed = confirmed_old;
    stale_confirmed.as_of = "2019-01-01".parse().unwrap();
    facts.push(stale_confirmed);
    assert_eq!(
        run("guide-sarcoma-centre", &facts).criteria[0]
            .fact
            .as_ref()
            .unwrap()
            .id,
        "c"
    );
    // Same date: the greater id wins, whatever the order given.
    let mut tie = vec![
        n("m", Metric::SarcomaPatientsSeenPerYear, 1.0, "2026-01-01"),
        n("z", Metric::SarcomaPatientsSeenPerYear, 2.0, "2026-01-01"),
    ];
    assert_eq!(
        run("spaen-centre", &tie).criteria[4]
            .fact
            .as_ref()
            .unwrap()
            .id,
        "z"
    );
    tie.reverse();
    assert_eq!(
        run("spaen-centre", &tie).criteria[4]
            .fact
            .as_ref()
            .unwrap()
            .id,
        "z"
    );
}

#[test]
fn optional_criteria_are_reported_but_do_not_decide() {
    let base = vec![
        yes("a", Metric::MultidisciplinaryTeamComplete, true),
        yes("b", Metric::MemberOfSarcomaSociety, true),
        yes("c", Metric::PeerReviewedSarcomaPublications, true),
        n("d", Metric::TumorBoardMeetingsPerMonth, 4.0, "2026-01-01"),
        n("e", Metric::SarcomaPatientsSeenPerYear, 150.0, "2026-01-01"),
        yes("f", Metric::MriAvailable, true),
        yes("g", Metric::ClinicalTrialEnrollment, true),
        yes("h", Metric::PsychosocialSupportStaff, true),
    ];
    let a = run("sarcoma-alliance-centre", &base);
    assert_eq!(
        a.outcome,
        Outcome::Meets,
        "the desired support group is unknown, and that is fine"
    );
    assert_eq!(
        status_of(&a, "sa-centre-support-group"),
        CriterionStatus::Unknown
    );
    let mut with_no_group = base;
    with_no_group.push(yes("i", Metric::SarcomaSupportGroup, false));
    let a = run("sarcoma-alliance-centre", &with_no_group);
    assert_eq!(a.outcome, Outcome::Meets);
    assert_eq!(
        status_of(&a, "sa-centre-support-group"),
        CriterionStatus::NotMet
    );
}

#[test]
fn the_shipped_profiles_are_valid() {
    let doc = ProfileDocument::parse(BUILTIN_PROFILES).unwrap();
    let ids: Vec<&str> = doc.profiles.iter().map(|p| p.id.as_str()).collect();
    for id in [
        "guide-sarcoma-oncologist",
        "guide-sarcoma-centre",
        "sarcoma-alliance-centre",
        "sarcoma-alliance-physician",
        "spaen-centre",
    ] {
        assert!(ids.contains(&id), "{id}");
    }
    let mut broken = profile("spaen-centre");
    broken.criteria[0].threshold = Some(3.0);
    assert!(
        !broken.problems().is_empty(),
        "a yes/no criterion with a threshold is refused"
    );
}
