#!/usr/bin/env python3
"""Validates /hsds/ answers against the Open Referral HSDS 3.0 JSON Schemas
(tests/fixtures/hsds-3.0, draft 2020-12) with formats checked (uuid, uri,
email, date-time). Reads a JSON array of [kind, document] from the file named
on the command line, kind being a schema name ("service", "organization",
...) for a single object, or "page:<schema>" for a list: the protocol's Page
envelope (all its members required) whose `contents` items each validate
against <schema>. Exits 1 naming the first invalid document. Needs jsonschema,
rfc3339-validator and rfc3986-validator (tests/requirements.txt)."""
import gzip
import json
import pathlib
import sys

from jsonschema import Draft202012Validator

HERE = pathlib.Path(__file__).parent / "fixtures" / "hsds-3.0"


def load(name):
    with gzip.open(HERE / f"{name}.json.gz", "rt", encoding="utf-8") as f:
        return json.load(f)


def validator(schema):
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def page_schema():
    page = load("openapi")["components"]["schemas"]["Page"]
    page = dict(page, required=list(page["properties"]), properties=dict(page["properties"]))
    page["properties"]["contents"] = {"type": "array"}
    page["required"].append("contents")
    return page


def main(path):
    docs = json.load(open(path, encoding="utf-8"))
    validators = {}
    checked = 0

    def check(name, doc, where):
        nonlocal checked
        if name not in validators:
            validators[name] = validator(page_schema() if name == "Page" else load(name))
        errors = sorted(validators[name].iter_errors(doc), key=lambda e: list(e.path))
        if errors:
            e = errors[0]
            print(f"INVALID {where} against {name}: {e.message} at {list(e.absolute_path)}")
            sys.exit(1)
        checked += 1

    for n, (kind, doc) in enumerate(docs):
        if kind.startswith("page:"):
            check("Page", doc, f"document {n}")
            if doc["size"] != len(doc["contents"]):
                print(f"INVALID document {n}: size {doc['size']} but {len(doc['contents'])} items")
                return 1
            for i, item in enumerate(doc["contents"]):
                check(kind[5:], item, f"document {n} item {i}")
        else:
            check(kind, doc, f"document {n}")
    print(f"valid: {len(docs)} documents, {checked} objects")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
