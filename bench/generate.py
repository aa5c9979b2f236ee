#!/usr/bin/env python3
"""Writes a synthetic, plainly fake directory for benchmarks (never seed data).

    python3 bench/generate.py --centres 10000 --clinicians 50000 > bench/data/directory-10000.json

Every name starts with "Synthetic", every source is example.org. Half the
centres are in the US, spread over the states; the rest over a few other
countries. About a third carry facts meeting the guide's centre profile.
"""
import argparse
import datetime
import json
import random
import sys

US_STATES = ["AL", "AZ", "CA", "CO", "FL", "GA", "IL", "IN", "MA", "MD", "MI", "MN", "MO", "NC", "NJ",
             "NY", "OH", "OR", "PA", "TN", "TX", "UT", "VA", "WA", "WI"]
OTHER = [("DE", 51.0, 10.0, 3.0), ("GB", 53.0, -1.5, 2.5), ("FR", 46.5, 2.5, 3.0), ("CA", 45.5, -75.0, 4.0),
         ("AU", -33.0, 147.0, 5.0), ("IT", 43.0, 12.0, 3.0), ("ES", 40.0, -3.7, 3.0), ("JP", 36.0, 138.0, 3.0)]
PROGRAMMES = ["soft_tissue", "bone", "gynaecological", "retroperitoneal", "paediatric", "gist"]
SERVICES = ["tumour_board", "sarcoma_pathology_review", "clinical_trials", "proton_therapy", "tissue_banking"]
DISCIPLINES = ["medical_oncology", "surgical_oncology", "orthopaedic_oncology", "radiation_oncology", "pathology"]
WORDS = ["Northfield", "Riverside", "Lakeview", "Hillcrest", "Oakwood", "Fairview", "Brookside", "Westgate",
         "Eastmoor", "Southbank", "Kingsway", "Harbour", "Meadow", "Stonebridge", "Ashford", "Elmhurst"]
SOURCE = [{"url": "https://example.org/synthetic-benchmark-data", "citation": None, "listed_by": []}]
VERIFICATION = {"status": "unverified", "last_verified": None, "method": None, "next_review_due": None}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--centres", type=int, default=10000)
    ap.add_argument("--clinicians", type=int, default=50000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    as_of = (datetime.date.today() - datetime.timedelta(days=60)).isoformat()
    centres, clinicians, facts = [], [], []
    for i in range(args.centres):
        cid = f"synthetic-centre-{i:06d}"
        if i % 2 == 0:
            country, sub = "US", "US-" + US_STATES[(i // 2) % len(US_STATES)]
            lat, lon = rnd.uniform(26.0, 48.5), rnd.uniform(-123.0, -70.0)
        else:
            country, lat0, lon0, spread = OTHER[(i // 2) % len(OTHER)]
            sub = None
            lat, lon = lat0 + rnd.uniform(-spread, spread), lon0 + rnd.uniform(-spread, spread)
        name = f"Synthetic {rnd.choice(WORDS)} Sarcoma Centre {i:06d}"
        centres.append({
            "id": cid, "name": name, "institution": f"Synthetic {rnd.choice(WORDS)} Hospital",
            "address": {"street": None, "postal_code": None, "city": f"{rnd.choice(WORDS)}ville",
                        "subdivision": sub, "country": country},
            "coordinates": {"lat": round(lat, 5), "lon": round(lon, 5), "precision": "city",
                            "source": "synthetic benchmark data"},
            "website": f"https://example.org/{cid}", "phone": None,
            "referral": {"phone": None, "email": None, "web_form": None},
            "programmes": rnd.sample(PROGRAMMES, 2),
            "services": [{"kind": s, "detail": None, "source": None} for s in rnd.sample(SERVICES, 2)],
            "languages": ["en"], "status": "published", "verification": VERIFICATION,
            "sources": SOURCE, "notes": "Synthetic benchmark listing; not a real centre.",
        })
        if i % 3 == 0:
            for metric, value in [("sarcoma_patients_seen_per_year", 150), ("sarcoma_clinics_per_month", 8),
                                  ("new_sarcoma_referrals_per_year", 90), ("sarcoma_pathologist_review", True),
                                  ("teleconsultation_local_oncologists", True),
                                  ("teleconsultation_international", True)]:
                facts.append({"id": f"synthetic-fact-{i:06d}-{metric.replace('_', '-')}",
                              "subject": {"kind": "centre", "id": cid}, "metric": metric, "value": value,
                              "as_of": as_of, "source": SOURCE[0], "attestation": "self_reported", "note": None})
    for j in range(args.clinicians):
        affs = rnd.sample(range(args.centres), 2 if j % 4 == 0 else 1)
        clinicians.append({
            "id": f"synthetic-clinician-{j:06d}", "name": f"Synthetic Clinician {rnd.choice(WORDS)} {j:06d}",
            "discipline": DISCIPLINES[j % len(DISCIPLINES)], "subtypes": ["leiomyosarcoma"], "languages": ["en"],
            "takes_phone_consultations": None, "status": "published", "verification": VERIFICATION,
            "sources": SOURCE, "notes": "Synthetic benchmark listing; not a real person.",
            "affiliations": [{"centre_id": f"synthetic-centre-{a:06d}", "role": "member", "sources": SOURCE} for a in affs],
        })
    json.dump({"centres": centres, "clinicians": clinicians, "facts": facts}, sys.stdout)


if __name__ == "__main__":
    main()
