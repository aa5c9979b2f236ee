#!/usr/bin/env python3
"""Validates GeoJSON FeatureCollections (RFC 7946) with two validators from
PyPI: the geojson-pydantic models (structure and types of every member) and
the geojson package's is_valid (geometry rules), plus the RFC's coordinate
ranges (longitude first). Reads a JSON array of FeatureCollections from the
file named on the command line; exits 1 naming the first invalid one. Needs
geojson and geojson-pydantic (tests/requirements.txt)."""
import json
import sys

import geojson
from geojson_pydantic import FeatureCollection


def main(path):
    docs = json.load(open(path, encoding="utf-8"))
    features = 0
    for n, doc in enumerate(docs):
        try:
            FeatureCollection.model_validate(doc)
        except Exception as e:  # noqa: BLE001 - report whatever the validator says
            print(f"INVALID document {n} (geojson-pydantic): {e}")
            return 1
        obj = geojson.loads(json.dumps(doc))
        if not isinstance(obj, geojson.FeatureCollection) or not obj.is_valid:
            print(f"INVALID document {n} (geojson): {obj.errors()}")
            return 1
        for f in doc["features"]:
            lon, lat = f["geometry"]["coordinates"]
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                print(f"INVALID document {n}: {f['id']} at {lon},{lat} is out of range")
                return 1
            features += 1
    print(f"valid: {len(docs)} collections, {features} features")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
