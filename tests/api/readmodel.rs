//! The incremental read model equals a fresh full load: random sequences of
//! approved changes (create, update, archive and revert of centres,
//! clinicians with affiliations, and facts; single approvals and bulk
//! ones) move the approving node and a second node (which follows the
//! change feed) by deltas; a third node started afterwards loads
//! everything. Every public read the three can answer must be the same.

use std::collections::BTreeSet;
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::both_backends;
use crate::curation::{proposal, propose, stored};
use crate::helpers::{eventually, Backend, Data, TestApp};
use sarcoma_directory::curation::model::Role;

/// A small, fixed-seed generator: each run replays the same sequences.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, list: &'a [T]) -> &'a T {
        &list[self.below(list.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Fake places: (city, subdivision, country, lat, lon).
const PLACES: &[(&str, Option<&str>, &str, f64, f64)] = &[
    ("Houston", Some("US-TX"), "US", 29.76, -95.36),
    ("Austin", Some("US-TX"), "US", 30.27, -97.74),
    ("Boston", Some("US-MA"), "US", 42.36, -71.06),
    ("Köln", Some("DE-NW"), "DE", 50.94, 6.96),
    ("London", None, "GB", 51.51, -0.13),
    ("Lyon", Some("FR-ARA"), "FR", 45.76, 4.84),
];
const WORDS: &[&str] = &[
    "Alder", "Birch", "Cedar", "Élan", "Aster", "Zinnia", "Maple",
];
const METRICS: &[(&str, bool)] = &[
    ("sarcoma_patients_seen_per_year", false),
    ("new_sarcoma_referrals_per_year", false),
    ("sarcoma_clinics_per_month", false),
    ("sarcoma_pathologist_review", true),
    ("teleconsultation_international", true),
    ("teleconsultation_local_oncologists", true),
];

struct Run<'a> {
    app: &'a TestApp,
    curator: String,
    reviewer: String,
    rng: Rng,
    centres: Vec<String>,
    clinicians: Vec<String>,
    facts: Vec<String>,
    made: usize,
    /// Proposals waiting for a bulk approval: (id, ETag).
    batch: Vec<(i64, String)>,
    /// Entities with a proposal in the batch (one change each per batch).
    busy: BTreeSet<String>,
}

impl Run<'_> {
    async fn stored(&self, kind: &str, id: &str) -> (Value, String) {
        stored(self.app, &self.curator, kind, id).await
    }

    /// Proposes; then approves at once, or (sometimes) later in a batch.
    async fn submit(&mut self, body: Value, if_match: Option<&str>) {
        let id = body["id"].as_str().unwrap().to_owned();
        let p = propose(self.app, &self.curator, if_match, &body).await;
        assert!(p.status < 500, "{}", p.text);
        if p.status != 201 {
            // A change the rules refuse (e.g. a reference to an archived
            // centre) is not applied; the read model must not move.
            return;
        }
        let pid = p.json()["id"].as_i64().unwrap();
        let etag = p.header("etag").unwrap().to_owned();
        if self.rng.chance(40) {
            self.batch.push((pid, etag));
            self.busy.insert(id);
            if self.batch.len() >= 4 {
                self.flush().await;
            }
        } else {
            let res = self
                .app
                .send(
                    Method::POST,
                    &format!("/v1/curation/proposals/{pid}/approve"),
                    Some(&self.reviewer),
                    Some(&etag),
                    None,
                )
                .await;
            assert_eq!(res.status, 200, "{}", res.text);
        }
    }

    async fn flush(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let proposals: Vec<Value> = self
            .batch
            .drain(..)
            .map(|(id, etag)| json!({"id": id, "etag": etag}))
            .collect();
        self.busy.clear();
        let res = self
            .app
            .post_json(
                "/v1/curation/proposals/approve",
                Some(&self.reviewer),
                &json!({"mode": "each", "proposals": proposals}),
            )
            .await;
        let body = res.expect(200);
        for r in body["results"].as_array().unwrap() {
            // An earlier change of the batch can make a later one invalid
            // (a fact about a centre archived first): refused, not applied.
            assert!(
                [200, 409, 422].contains(&r["status"].as_u64().unwrap()),
                "{r}"
            );
        }
    }

    fn fresh_id(&mut self, prefix: &str) -> String {
        self.made += 1;
        format!("{prefix}-{}", self.made)
    }

    fn name(&mut self, what: &str) -> String {
        let w = self.rng.pick(WORDS).to_owned();
        format!("{w} Fictional {what} {}", self.rng.below(1000))
    }

    fn free<'b>(&self, ids: &'b [String]) -> Vec<&'b String> {
        ids.iter().filter(|i| !self.busy.contains(*i)).collect()
    }

    async fn change_centre(&mut self) {
        let free: Vec<String> = self.free(&self.centres).into_iter().cloned().collect();
        let (template, _) = self.stored("centre", "fake-houston").await;
        let create = free.is_empty() || self.rng.chance(25);
        if create {
            let id = self.fresh_id("fake-prop-centre");
            let mut c = template;
            c["id"] = json!(id);
            c["name"] = json!(self.name("Sarcoma Unit"));
            c["status"] = json!(if self.rng.chance(20) {
                "draft"
            } else {
                "published"
            });
            self.place(&mut c);
            self.centres.push(id.clone());
            self.submit(proposal("centre", "create", &id, Some(c)), None)
                .await;
            return;
        }
        let id = self.rng.pick(&free).clone();
        let (mut c, etag) = self.stored("centre", &id).await;
        match self.rng.below(6) {
            0 => {
                let body = proposal("centre", "archive", &id, None);
                self.submit(body, Some(&etag)).await;
                return;
            }
            1 => {
                let (_, current) = self.stored("centre", &id).await;
                let revision: i64 = current
                    .trim_matches(|ch| ch == '"' || ch == 'r')
                    .parse()
                    .unwrap();
                if revision > 1 {
                    let mut body = proposal("centre", "revert", &id, None);
                    body["to_revision"] = json!(self.rng.below(revision as usize - 1) + 1);
                    self.submit(body, Some(&etag)).await;
                }
                return;
            }
            2 => c["name"] = json!(self.name("Sarcoma Unit")),
            3 => self.place(&mut c),
            4 => {
                let all = ["soft_tissue", "bone", "paediatric", "gist"];
                let n = self.rng.below(3);
                let picked: Vec<&str> = (0..n)
                    .map(|_| *self.rng.pick(&all))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                c["programmes"] = json!(picked);
            }
            _ => {
                c["status"] = json!(if c["status"] == "published" {
                    "draft"
                } else {
                    "published"
                })
            }
        }
        self.submit(proposal("centre", "update", &id, Some(c)), Some(&etag))
            .await;
    }

    fn place(&mut self, c: &mut Value) {
        let (city, sub, country, lat, lon) = *self.rng.pick(PLACES);
        c["address"]["city"] = json!(city);
        c["address"]["subdivision"] = json!(sub);
        c["address"]["country"] = json!(country);
        if self.rng.chance(20) {
            c["coordinates"] = Value::Null;
        } else {
            let jitter = self.rng.below(100) as f64 / 1000.0;
            c["coordinates"] = json!({"lat": lat + jitter, "lon": lon - jitter, "precision": "city", "source": "test fixture: fake"});
        }
    }

    async fn change_clinician(&mut self) {
        let free: Vec<String> = self.free(&self.clinicians).into_iter().cloned().collect();
        let (template, _) = self.stored("clinician", "fake-dr-alpha").await;
        if free.is_empty() || self.rng.chance(30) {
            let id = self.fresh_id("fake-prop-dr");
            let mut c = template;
            c["id"] = json!(id);
            c["name"] = json!(format!("Dr {}", self.name("Testperson")));
            c["affiliations"] = self.affiliations(&c["affiliations"][0]);
            self.clinicians.push(id.clone());
            self.submit(proposal("clinician", "create", &id, Some(c)), None)
                .await;
            return;
        }
        let id = self.rng.pick(&free).clone();
        let (mut c, etag) = self.stored("clinician", &id).await;
        match self.rng.below(5) {
            0 => {
                self.submit(proposal("clinician", "archive", &id, None), Some(&etag))
                    .await;
                return;
            }
            1 => c["name"] = json!(format!("Dr {}", self.name("Testperson"))),
            2 => {
                c["discipline"] = json!(if c["discipline"] == "surgery" {
                    "medical_oncology"
                } else {
                    "surgery"
                })
            }
            _ => {
                let template = template["affiliations"][0].clone();
                c["affiliations"] = self.affiliations(&template);
            }
        }
        self.submit(proposal("clinician", "update", &id, Some(c)), Some(&etag))
            .await;
    }

    fn affiliations(&mut self, template: &Value) -> Value {
        let n = 1 + self.rng.below(2);
        let ids: BTreeSet<String> = (0..n)
            .map(|_| self.rng.pick(&self.centres).clone())
            .collect();
        Value::Array(
            ids.into_iter()
                .map(|centre| {
                    let mut a = template.clone();
                    a["centre_id"] = json!(centre);
                    a["role"] = json!(if self.rng.chance(50) {
                        "lead"
                    } else {
                        "member"
                    });
                    a
                })
                .collect(),
        )
    }

    async fn change_fact(&mut self) {
        let free: Vec<String> = self.free(&self.facts).into_iter().cloned().collect();
        if free.is_empty() || self.rng.chance(50) {
            let id = self.fresh_id("fake-prop-fact");
            let (kind, subject) = if self.rng.chance(60) {
                ("centre", self.rng.pick(&self.centres).clone())
            } else {
                ("clinician", self.rng.pick(&self.clinicians).clone())
            };
            let fact = self.fact(&id, kind, &subject);
            self.facts.push(id.clone());
            self.submit(proposal("fact", "create", &id, Some(fact)), None)
                .await;
            return;
        }
        let id = self.rng.pick(&free).clone();
        let (f, etag) = self.stored("fact", &id).await;
        if self.rng.chance(30) {
            self.submit(proposal("fact", "archive", &id, None), Some(&etag))
                .await;
            self.facts.retain(|x| *x != id);
            return;
        }
        let kind = f["subject"]["kind"].as_str().unwrap().to_owned();
        let subject = f["subject"]["id"].as_str().unwrap().to_owned();
        let fact = self.fact(&id, &kind, &subject);
        self.submit(proposal("fact", "update", &id, Some(fact)), Some(&etag))
            .await;
    }

    fn fact(&mut self, id: &str, kind: &str, subject: &str) -> Value {
        let (metric, boolean) = *self.rng.pick(METRICS);
        let value = if boolean {
            json!(self.rng.chance(70))
        } else {
            json!(self.rng.below(400))
        };
        let as_of = chrono::Utc::now().date_naive() - chrono::Days::new(self.rng.below(900) as u64);
        json!({
            "id": id,
            "subject": {"kind": kind, "id": subject},
            "metric": metric,
            "value": value,
            "as_of": as_of.to_string(),
            "source": {"url": "https://example.org/fictional-test-source", "citation": null, "retrieved": "2026-11-01", "listed_by": []},
            "attestation": "self_reported",
            "note": "fake",
        })
    }
}

/// Every public read the comparison looks at, as (what, answer) pairs.
async fn reads(
    app: &TestApp,
    regions: &Value,
    centres: &[String],
    profiles: &[(String, String)],
) -> Vec<(String, String)> {
    let mut paths = vec![
        "/v1/regions".to_owned(),
        "/v1/export/centres.ndjson".to_owned(),
        "/v1/export/clinicians.ndjson".to_owned(),
        "/v1/centres?limit=100".to_owned(),
        "/v1/clinicians?limit=100".to_owned(),
        "/v1/centres?programme=bone&limit=100".to_owned(),
        "/v1/centres?service=tumour_board&limit=100".to_owned(),
        "/v1/centres?city=houston&limit=100".to_owned(),
        "/v1/clinicians?discipline=surgery&limit=100".to_owned(),
        "/v1/centres?near=45.0,0.0&radius_km=20000&limit=100".to_owned(),
        "/v1/clinicians?near=40.0,-80.0&radius_km=20000&limit=100".to_owned(),
        "/v1/centres?limit=3".to_owned(),
        "/fhir/Organization?_count=100".to_owned(),
        "/fhir/Practitioner?_count=100".to_owned(),
    ];
    for w in WORDS.iter().chain(&["fic", "sarc", "dr", "te"]) {
        let w: String = w.chars().take(3).collect();
        paths.push(format!("/v1/centres?q={}&limit=100", urlencode(&w)));
        paths.push(format!("/v1/clinicians?q={}&limit=100", urlencode(&w)));
    }
    for country in regions["items"].as_array().unwrap() {
        let code = country["country"].as_str().unwrap();
        paths.push(format!("/v1/centres?country={code}&limit=100"));
        paths.push(format!("/v1/clinicians?country={code}&limit=100"));
        for sub in country["subdivisions"].as_array().unwrap() {
            let sub = sub["code"].as_str().unwrap();
            paths.push(format!("/v1/centres?region={sub}&limit=100"));
            paths.push(format!("/v1/clinicians?region={sub}&limit=100"));
        }
    }
    for id in centres {
        paths.push(format!("/v1/centres/{id}"));
        paths.push(format!("/v1/clinicians?centre={id}&limit=100"));
    }
    for (profile, applies_to) in profiles {
        let list = if applies_to == "centre" {
            "centres"
        } else {
            "clinicians"
        };
        paths.push(format!("/v1/{list}?meets={profile}&limit=100"));
        paths.push(format!("/v1/{list}?assessment={profile}&limit=100"));
    }
    let mut out = Vec::new();
    for path in paths {
        let res = app.get(&path).await;
        out.push((path, format!("{} {}", res.status, res.text)));
    }
    out
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn data_version(app: &TestApp) -> i64 {
    app.get_ok("/readyz").await["data_version"]
        .as_i64()
        .unwrap()
}

async fn incremental_read_model_equals_a_full_load(b: Backend) {
    for seed in [0x5eed_0001_u64, 0x5eed_0002] {
        let app = TestApp::spawn(b, Data::Fixtures).await;
        let follower = app.spawn_peer_process().await;
        let mut run = Run {
            app: &app,
            curator: app.account("Fake Curator", Role::Curator),
            reviewer: app.account("Fake Reviewer", Role::Reviewer),
            rng: Rng(seed),
            centres: app.ids("/v1/centres?limit=100").await,
            clinicians: app.ids("/v1/clinicians?limit=100").await,
            facts: vec!["fake-fact-houston-volume".to_owned()],
            made: 0,
            batch: Vec::new(),
            busy: BTreeSet::new(),
        };
        run.centres
            .extend(["fake-draft".to_owned(), "fake-archived".to_owned()]);
        for _ in 0..45 {
            match run.rng.below(3) {
                0 => run.change_centre().await,
                1 => run.change_clinician().await,
                _ => run.change_fact().await,
            }
        }
        run.flush().await;
        let centres = run.centres.clone();

        let version = data_version(&app).await;
        assert!(version > 25, "the writes moved the directory ({version})");
        eventually(
            "the follower catches up",
            Duration::from_secs(10),
            || async {
                match data_version(&follower).await {
                    v if v == version => Ok(()),
                    v => Err(format!("at data version {v}, not {version}")),
                }
            },
        )
        .await;
        let fresh = app.spawn_peer_process().await;
        assert_eq!(data_version(&fresh).await, version);
        let regions = fresh.get_ok("/v1/regions").await;
        let profiles: Vec<(String, String)> = fresh.get_ok("/v1/criteria").await["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["id"].as_str().unwrap().to_owned(),
                    p["applies_to"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let want = reads(&fresh, &regions, &centres, &profiles).await;
        assert!(
            want.iter()
                .any(|(p, a)| p.contains("clinicians?centre=") && a.contains("fake-prop-dr")),
            "the sequence affiliated new clinicians"
        );
        for (node, name) in [
            (&app, "the approving node"),
            (&follower, "the node following the feed"),
        ] {
            let got = reads(node, &regions, &centres, &profiles).await;
            for ((path, want), (_, got)) in want.iter().zip(&got) {
                assert_eq!(
                    got, want,
                    "seed {seed:#x}: {name} differs from a full load on {path}"
                );
            }
        }
    }
}

both_backends!(incremental_read_model_equals_a_full_load);
