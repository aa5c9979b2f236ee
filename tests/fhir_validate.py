#!/usr/bin/env python3
"""Validates FHIR resources with the fhir.resources models (R4B, which
matches R4 for the resources the directory serves). Reads a JSON array of
resources from the file named on the command line; exits 1 on the first
invalid one. Needs fhir.resources (tests/requirements.txt; .ci/test installs it)."""
import importlib
import json
import sys

MODULES = {
    "Bundle": "bundle", "CapabilityStatement": "capabilitystatement", "Organization": "organization",
    "Location": "location", "HealthcareService": "healthcareservice", "Practitioner": "practitioner",
    "PractitionerRole": "practitionerrole", "OperationOutcome": "operationoutcome",
}


def main(path):
    resources = json.load(open(path, encoding="utf-8"))
    for r in resources:
        kind = r["resourceType"]
        module = importlib.import_module(f"fhir.resources.R4B.{MODULES[kind]}")
        model = getattr(module, kind)
        try:
            model.model_validate(r)
        except Exception as e:  # noqa: BLE001 - report whatever the validator says
            print(f"INVALID {kind}/{r.get('id')}: {e}")
            return 1
    print(f"valid: {len(resources)} resources")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
