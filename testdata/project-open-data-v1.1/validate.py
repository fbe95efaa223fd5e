"""Validates a data.json against the Project Open Data v1.1 schemas in a folder, offline.

The schemas `$ref` each other by file name and carry `id`s at project-open-data.cio.gov, so
each is registered under that id (and its file name) instead of being fetched.
Usage: python validate.py SCHEMA_DIR DATA_JSON   (exit 0 when valid, 1 with the errors)
"""
import json
import pathlib
import sys

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

folder = pathlib.Path(sys.argv[1])
resources = []
for path in folder.glob("*.json"):
    schema = json.loads(path.read_text())
    resource = Resource.from_contents(schema, default_specification=DRAFT4)
    base = "https://project-open-data.cio.gov/v1.1/schema/"
    resources.append((schema.get("id", "").rstrip("#"), resource))
    resources.append((base + path.name, resource))
registry = Registry().with_resources(resources)
catalog = json.loads((folder / "catalog.json").read_text())
validator = jsonschema.Draft4Validator(catalog, registry=registry)
errors = list(validator.iter_errors(json.loads(pathlib.Path(sys.argv[2]).read_text())))
for error in errors:
    print("/".join(str(p) for p in error.absolute_path), ":", error.message)
print("VALID" if not errors else f"INVALID ({len(errors)} errors)")
sys.exit(1 if errors else 0)
