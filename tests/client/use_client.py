#!/usr/bin/env python3
"""Uses a client generated from openapi/openapi.json by openapi-python-client
to list centres near a point and fetch one, printing what it got as JSON.

    python3 tests/client/use_client.py GENERATED_DIR BASE_URL
"""
import json
import sys

sys.path.insert(0, sys.argv[1])

from sarcoma_client import Client  # noqa: E402
from sarcoma_client.api.directory import get_centre, list_centres  # noqa: E402
from sarcoma_client.api.fhir import search  # noqa: E402,F401  (the FHIR part generated too)


def main(base_url):
    client = Client(base_url=base_url, raise_on_unexpected_status=True)
    page = list_centres.sync(client=client, near="29.76328,-95.36327", radius_km=400.0, limit=5)
    items = [{"id": c.id, "name": c.name, "distance_km": c.distance_km} for c in page.items]
    centre = get_centre.sync(client=client, id=items[0]["id"])
    bad = list_centres.sync_detailed(client=client, limit=0)
    print(json.dumps({
        "items": items,
        "first": {"id": centre.id, "city": centre.address.city, "clinicians": [c.id for c in centre.clinicians]},
        "bad_status": int(bad.status_code),
    }))


if __name__ == "__main__":
    main(sys.argv[2])
