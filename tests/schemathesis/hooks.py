"""Schemathesis hooks for tests/schemathesis/run.sh: which "schema-valid
request rejected" (positive data) failures are not failures.

1. Opaque position tokens (`cursor` on every list, `since` on the change
   feed) are only valid as the server issued them; any other string is a
   400 naming the parameter. The document cannot state more than "a
   string" (it says "`next_cursor` of the previous page"), and generated
   values are never issued ones. The integration tests follow real cursors.
2. Rules between parameters, which OpenAPI cannot state and the
   parameters' descriptions do: `radius_km` only with `near`; the audit
   log's `entity_id` only with `kind`; a listing's facts and reports by
   `subject_kind` with `subject_id` and `kind` with `entity_id`, each pair
   together.
3. A header or query value that does not match its own parameter's
   `pattern` was not schema-valid, whatever the generator labelled it.

Each is recognised from the problem+json answer: a 400 whose `errors`
name only such parameters.

And one "schema-violating request accepted" (negative data) that is not a
failure: the search words `q` must hold a letter or digit, after folding
accents and transliterating (`Köln`, `東京`); the document states the part a
pattern can state, an ASCII letter or digit, so a generated `q` without
one but with a letter or digit of another script is rightly accepted (the
same for HSDS's `search`).
"""

import json
import re

import schemathesis
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.openapi.checks import RejectedPositiveData

OPAQUE = {"cursor", "since"}
CROSS_PARAMETER = {
    ("radius_km", "only applies together with near"),
    ("entity_id", "give kind too"),
    ("subject_kind", "required with subject_id"),
    ("subject_id", "required with subject_kind"),
    ("kind", "required with entity_id"),
    ("entity_id", "required with kind"),
}


def _sent(case, name):
    for values in (case.headers or {}, case.query or {}):
        for key, value in values.items():
            if key.lower() == name.lower():
                return value
    return None


def _violates_own_pattern(case, name):
    for parameter in case.operation.definition.raw.get("parameters", []):
        if parameter.get("name", "").lower() != name.lower():
            continue
        pattern = (parameter.get("schema") or {}).get("pattern")
        value = _sent(case, name)
        return pattern is not None and isinstance(value, str) and re.search(pattern, value) is None
    return False


def _transliterated_search(failure, case):
    for name in ("q", "search"):
        q = (case.query or {}).get(name)
        # Schemathesis words this two ways ("violates `pattern`", or
        # "Value not matching the '...' pattern"); both are the pattern.
        if (
            f"parameter `{name}` in query" in failure.message
            and "pattern" in failure.message
            and isinstance(q, str)
            and any(c.isalnum() and not c.isascii() for c in q)
        ):
            return True
    return False


@schemathesis.hook
def filter_failure(context, failure, case, response):
    if isinstance(failure, AcceptedNegativeData) and response.status_code == 200:
        return not _transliterated_search(failure, case)
    if not isinstance(failure, RejectedPositiveData) or response.status_code != 400:
        return True
    try:
        errors = [(e["field"], e["message"]) for e in json.loads(response.content)["errors"]]
    except (ValueError, KeyError, TypeError):
        return True
    explained = [
        field in OPAQUE or (field, message) in CROSS_PARAMETER or _violates_own_pattern(case, field)
        for field, message in errors
    ]
    return not (errors and all(explained))
