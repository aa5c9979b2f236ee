//! Criteria profiles and assessments over HTTP, and the list filter
//! agreeing with the per-listing assessment for every listing.

use chrono::{Days, Utc};
use sarcoma_directory::directory::model::{
    Attestation, Fact, FactSubject, FactValue, Metric, Source, SubjectKind,
};
use sarcoma_directory::directory::seed::SeedDocument;
use serde_json::Value;

use crate::both_backends;
use crate::helpers::{fixtures, ids, some_items, Backend, Data, TestApp};

const CENTRE_PROFILES: [&str; 3] = [
    "guide-sarcoma-centre",
    "sarcoma-alliance-centre",
    "spaen-centre",
];
const CLINICIAN_PROFILES: [&str; 2] = ["guide-sarcoma-oncologist", "sarcoma-alliance-physician"];

fn fact(
    kind: SubjectKind,
    subject: &str,
    metric: Metric,
    value: FactValue,
    days_ago: u64,
    attestation: Attestation,
) -> Fact {
    Fact {
        id: format!(
            "fake-{subject}-{}-{days_ago}",
            metric.code().replace('_', "-")
        ),
        subject: FactSubject {
            kind,
            id: subject.into(),
        },
        metric,
        value,
        as_of: Utc::now()
            .date_naive()
            .checked_sub_days(Days::new(days_ago))
            .unwrap(),
        source: Source {
            url: Some("https://example.org/fictional-evidence".into()),
            citation: None,
            retrieved: Some(Utc::now().date_naive()),
            listed_by: vec![],
        },
        attestation,
        note: Some("plainly fake test fact".into()),
    }
}

/// The guide's centre criteria, all met, 30 days ago, self-reported.
fn guide_centre_met(centre: &str) -> Vec<Fact> {
    let c = |m, v| {
        fact(
            SubjectKind::Centre,
            centre,
            m,
            v,
            30,
            Attestation::SelfReported,
        )
    };
    vec![
        c(Metric::SarcomaPatientsSeenPerYear, FactValue::Number(240.0)),
        c(Metric::SarcomaClinicsPerMonth, FactValue::Number(8.0)),
        c(Metric::NewSarcomaReferralsPerYear, FactValue::Number(120.0)),
        c(Metric::SarcomaPathologistReview, FactValue::Boolean(true)),
        c(
            Metric::TeleconsultationLocalOncologists,
            FactValue::Boolean(true),
        ),
        c(
            Metric::TeleconsultationInternational,
            FactValue::Boolean(true),
        ),
    ]
}

/// Fixtures plus facts: Houston meets the guide's centre profile, Dallas
/// fails on volume (99), Köln has one stale fact, London's curator-
/// confirmed 100 beats a newer self-reported 50; Alpha meets the Sarcoma
/// Alliance physician criteria (21 a year), Bravo does not (20 a year).
fn directory() -> SeedDocument {
    let mut doc = fixtures();
    // Houston's informative criteria are not met; they never decide.
    let mut houston = guide_centre_met("fake-houston");
    houston[2].value = FactValue::Number(10.0);
    houston[5].value = FactValue::Boolean(false);
    doc.facts.extend(houston);
    let mut dallas = guide_centre_met("fake-dallas");
    dallas[0].value = FactValue::Number(99.0);
    doc.facts.extend(dallas);
    let mut koln = guide_centre_met("fake-koln");
    koln[1] = fact(
        SubjectKind::Centre,
        "fake-koln",
        Metric::SarcomaClinicsPerMonth,
        FactValue::Number(8.0),
        3 * 365,
        Attestation::SelfReported,
    );
    doc.facts.extend(koln);
    let mut london = guide_centre_met("fake-london");
    london[0] = fact(
        SubjectKind::Centre,
        "fake-london",
        Metric::SarcomaPatientsSeenPerYear,
        FactValue::Number(100.0),
        60,
        Attestation::CuratorConfirmed,
    );
    london.push(fact(
        SubjectKind::Centre,
        "fake-london",
        Metric::SarcomaPatientsSeenPerYear,
        FactValue::Number(50.0),
        10,
        Attestation::SelfReported,
    ));
    doc.facts.extend(london);
    for (who, volume) in [("fake-dr-alpha", 21.0), ("fake-dr-bravo", 20.0)] {
        let c = |m, v| {
            fact(
                SubjectKind::Clinician,
                who,
                m,
                v,
                90,
                Attestation::CuratorConfirmed,
            )
        };
        doc.facts.extend([
            c(
                Metric::SarcomaPatientsSeenPerYear,
                FactValue::Number(volume),
            ),
            c(Metric::MemberOfSarcomaSociety, FactValue::Boolean(true)),
            c(Metric::SarcomaResearchInvolvement, FactValue::Boolean(true)),
            c(
                Metric::AccessToMultidisciplinaryExperts,
                FactValue::Boolean(true),
            ),
        ]);
    }
    doc
}

async fn assessment(app: &TestApp, kind: &str, id: &str, profile: &str) -> Value {
    let list = app
        .get_ok(&format!("/v1/{kind}/{id}/assessments?profile={profile}"))
        .await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    items[0].clone()
}

fn criterion<'a>(a: &'a Value, id: &str) -> &'a Value {
    a["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["criterion"]["id"] == id)
        .unwrap()
}

async fn profiles_are_published_with_their_numbers(b: Backend) {
    let app = TestApp::spawn(b, Data::Empty).await;
    let list = app.get_ok("/v1/criteria").await;
    let got: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    for id in CENTRE_PROFILES.iter().chain(&CLINICIAN_PROFILES) {
        assert!(got.contains(id), "{id} listed");
    }
    let guide = app.get_ok("/v1/criteria/guide-sarcoma-oncologist").await;
    assert_eq!(guide["applies_to"], "clinician");
    let volume = &guide["criteria"][0];
    assert_eq!(
        (volume["comparator"].as_str(), volume["threshold"].as_f64()),
        (Some(">="), Some(100.0))
    );
    assert!(guide["criteria"][1]["interpretation"]
        .as_str()
        .unwrap()
        .contains("4 sarcoma clinic sessions a month"));
    // Numbers and requirements the guide does not state are the project's
    // reading: informative, never required, the reading shown.
    for (profile, ids) in [
        (
            "guide-sarcoma-oncologist",
            [
                "guide-referral-stream",
                "guide-teleconsultation",
                "guide-teleconsultation-abroad",
            ],
        ),
        (
            "guide-sarcoma-centre",
            [
                "guide-centre-referral-stream",
                "guide-centre-teleconsultation",
                "guide-centre-teleconsultation-abroad",
            ],
        ),
    ] {
        let p = app.get_ok(&format!("/v1/criteria/{profile}")).await;
        for c in p["criteria"].as_array().unwrap() {
            let informative = ids.contains(&c["id"].as_str().unwrap());
            assert_eq!(c["informative"], informative, "{profile} {}", c["id"]);
            if informative {
                assert_eq!(c["required"], false, "{}", c["id"]);
                assert!(c["interpretation"]
                    .as_str()
                    .unwrap()
                    .contains("never decides"));
            }
        }
        assert_eq!(
            p["source"]["retrieved"],
            serde_json::Value::Null,
            "unknown, stated"
        );
    }
    let stream = &guide["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "guide-referral-stream")
        .unwrap()["interpretation"];
    assert!(stream
        .as_str()
        .unwrap()
        .contains("52 new sarcoma referrals a year"));
    let sa = app.get_ok("/v1/criteria/sarcoma-alliance-physician").await;
    let volume = sa["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["metric"] == "sarcoma_patients_seen_per_year")
        .unwrap();
    assert_eq!(
        (volume["comparator"].as_str(), volume["threshold"].as_f64()),
        (Some(">"), Some(20.0))
    );
    app.get("/v1/criteria/no-such-profile")
        .await
        .assert_problem(404, None);
}

async fn centre_assessments_explain_each_criterion(b: Backend) {
    let app = TestApp::spawn(b, Data::Document(Box::new(directory()))).await;
    let houston = assessment(&app, "centres", "fake-houston", "guide-sarcoma-centre").await;
    assert_eq!(
        houston["outcome"], "meets",
        "informative criteria not met do not decide"
    );
    for id in [
        "guide-centre-referral-stream",
        "guide-centre-teleconsultation-abroad",
    ] {
        let c = criterion(&houston, id);
        assert_eq!(c["status"], "not_met", "{id}: evaluated and shown");
        assert_eq!(c["criterion"]["informative"], true, "{id}");
        assert_eq!(c["criterion"]["required"], false, "{id}");
    }
    let volume = criterion(&houston, "guide-centre-volume");
    assert_eq!(volume["status"], "met");
    assert_eq!(volume["fact"]["value"], 240.0);
    assert_eq!(volume["fact"]["attestation"], "self_reported");
    assert_eq!(
        volume["fact"]["source"]["url"],
        "https://example.org/fictional-evidence"
    );

    let dallas = assessment(&app, "centres", "fake-dallas", "guide-sarcoma-centre").await;
    assert_eq!(dallas["outcome"], "does_not_meet");
    assert_eq!(
        criterion(&dallas, "guide-centre-volume")["status"],
        "not_met"
    );

    let koln = assessment(&app, "centres", "fake-koln", "guide-sarcoma-centre").await;
    assert_eq!(
        koln["outcome"], "insufficient_data",
        "a stale fact is unknown, never met"
    );
    let clinics = criterion(&koln, "guide-centre-weekly-clinics");
    assert_eq!(clinics["status"], "unknown");
    assert!(clinics["reason"]
        .as_str()
        .unwrap()
        .contains("older than the 24 months"));

    let london = assessment(&app, "centres", "fake-london", "guide-sarcoma-centre").await;
    assert_eq!(london["outcome"], "meets");
    assert_eq!(
        criterion(&london, "guide-centre-volume")["fact"]["attestation"],
        "curator_confirmed"
    );

    let paris = assessment(&app, "centres", "fake-paris", "spaen-centre").await;
    assert_eq!(paris["outcome"], "insufficient_data", "no facts at all");
    let paris_criteria = paris["criteria"].as_array().unwrap();
    assert!(!paris_criteria.is_empty(), "{paris}");
    assert!(paris_criteria
        .iter()
        .all(|c| c["status"] == "unknown" && c["fact"].is_null()));

    let all = app.get_ok("/v1/centres/fake-houston/assessments").await;
    let profiles: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["profile"].as_str().unwrap())
        .collect();
    assert_eq!(profiles.len(), CENTRE_PROFILES.len());
    for p in CENTRE_PROFILES {
        assert!(profiles.contains(&p));
    }
}

async fn clinician_assessments(b: Backend) {
    let app = TestApp::spawn(b, Data::Document(Box::new(directory()))).await;
    let alpha = assessment(
        &app,
        "clinicians",
        "fake-dr-alpha",
        "sarcoma-alliance-physician",
    )
    .await;
    assert_eq!(alpha["outcome"], "meets", "21 is more than 20");
    let bravo = assessment(
        &app,
        "clinicians",
        "fake-dr-bravo",
        "sarcoma-alliance-physician",
    )
    .await;
    assert_eq!(bravo["outcome"], "does_not_meet", "20 is not more than 20");
    let guide = assessment(
        &app,
        "clinicians",
        "fake-dr-alpha",
        "guide-sarcoma-oncologist",
    )
    .await;
    assert_eq!(
        guide["outcome"], "does_not_meet",
        "21 a year is short of the guide's 100"
    );
    assert_eq!(criterion(&guide, "guide-volume")["status"], "not_met");
    assert_eq!(
        criterion(&guide, "guide-weekly-clinics")["status"],
        "unknown"
    );
}

async fn profile_errors(b: Backend) {
    let app = TestApp::spawn(b, Data::Fixtures).await;
    app.get("/v1/centres/fake-houston/assessments?profile=nope")
        .await
        .assert_problem(404, None);
    app.get("/v1/centres/fake-houston/assessments?profile=guide-sarcoma-oncologist")
        .await
        .assert_problem(400, Some("profile"));
    app.get("/v1/clinicians/fake-dr-alpha/assessments?profile=spaen-centre")
        .await
        .assert_problem(400, Some("profile"));
    app.get("/v1/centres/fake-draft/assessments")
        .await
        .assert_problem(404, None);
    app.get("/v1/centres/fake-houston/assessments?x=1")
        .await
        .assert_problem(400, Some("x"));
    app.get("/v1/centres?meets=nope")
        .await
        .assert_problem(400, Some("meets"));
    app.get("/v1/centres?meets=guide-sarcoma-oncologist")
        .await
        .assert_problem(400, Some("meets"));
    app.get("/v1/clinicians?assessment=spaen-centre")
        .await
        .assert_problem(400, Some("assessment"));
}

/// For every listing and every profile, the list filter and the badge say
/// what the listing's own assessment says.
async fn list_filter_agrees_with_each_assessment(b: Backend) {
    let app = TestApp::spawn(b, Data::Document(Box::new(directory()))).await;
    for (kind, profiles) in [
        ("centres", &CENTRE_PROFILES[..]),
        ("clinicians", &CLINICIAN_PROFILES[..]),
    ] {
        for profile in profiles {
            let meeting = ids(&app
                .get_ok(&format!("/v1/{kind}?meets={profile}&limit=100"))
                .await);
            let page = app
                .get_ok(&format!("/v1/{kind}?assessment={profile}&limit=100"))
                .await;
            // Every profile applies to some listing here: never vacuous.
            for item in some_items(&page) {
                let id = item["id"].as_str().unwrap();
                let own = assessment(&app, kind, id, profile).await;
                assert_eq!(
                    item["assessment"]["outcome"], own["outcome"],
                    "{kind} {id} {profile}: badge"
                );
                assert_eq!(item["assessment"]["profile"], *profile);
                assert_eq!(
                    meeting.contains(&id.to_owned()),
                    own["outcome"] == "meets",
                    "{kind} {id} {profile}: filter"
                );
            }
        }
    }
    assert_eq!(
        app.ids("/v1/centres?meets=guide-sarcoma-centre").await,
        ["fake-london", "fake-houston"]
    );
    assert_eq!(
        app.ids("/v1/centres?meets=guide-sarcoma-centre&country=US")
            .await,
        ["fake-houston"]
    );
    assert_eq!(
        app.ids("/v1/clinicians?meets=sarcoma-alliance-physician")
            .await,
        ["fake-dr-alpha"]
    );
    assert!(app.ids("/v1/centres?meets=spaen-centre").await.is_empty());
}

both_backends!(
    an_earlier_releases_profiles_are_upgraded_at_start,
    profiles_are_published_with_their_numbers,
    centre_assessments_explain_each_criterion,
    clinician_assessments,
    profile_errors,
    list_filter_agrees_with_each_assessment,
);

/// A database holding the profiles an earlier release stored (an older
/// version, before informative criteria existed) starts, and the next start
/// replaces them with the shipped ones: every node then reads the corrected
/// criteria.
async fn an_earlier_releases_profiles_are_upgraded_at_start(b: Backend) {
    use diesel::RunQueryDsl;
    let app = TestApp::spawn(b, Data::Fixtures).await;
    let shipped = app.get_ok("/v1/criteria/guide-sarcoma-oncologist").await;
    let mut old = shipped.clone();
    old["version"] = serde_json::json!("2000-01-01");
    for c in old["criteria"].as_array_mut().unwrap() {
        let c = c.as_object_mut().unwrap();
        if c.remove("informative") == Some(serde_json::json!(true)) {
            c.insert("required".into(), serde_json::json!(true));
        }
    }
    let mut conn = app.db.get().unwrap();
    diesel::sql_query(format!(
        "UPDATE criteria_profiles SET version = '2000-01-01', document = '{}' WHERE id = 'guide-sarcoma-oncologist'",
        old.to_string().replace('\'', "''")
    ))
    .execute(&mut *conn)
    .unwrap();
    drop(conn);
    let node = app.spawn_peer_process().await;
    let now = node.get_ok("/v1/criteria/guide-sarcoma-oncologist").await;
    assert_eq!(now["version"], shipped["version"]);
    assert_eq!(now, shipped, "the shipped profile replaced the stored one");
}
