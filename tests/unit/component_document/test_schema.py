"""The JSON Schema shipped in plugins/module_utils is the one the validator generates, and the two
agree: every corpus component without validator errors passes the schema, and every malformed case
marked structural is rejected by the schema as well as by the validator."""
import json
import os

import jsonschema
import pytest
import yaml

from ansible_collections.amiforge.imagebuilder.plugins.module_utils.component_document import json_schema, validate_document
from tests.conftest import ROOT
from tests.unit.component_document.test_corpus_verdicts import VERDICTS
from tests.unit.component_document.test_malformed import CASES, CASE_IDS, build_case, kind_of

SCHEMA_FILE = os.path.join(ROOT, "plugins", "module_utils", "component_document_schema.json")


@pytest.fixture(scope="module")
def schema_validator():
    with open(SCHEMA_FILE) as handle:
        schema = json.load(handle)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_shipped_schema_is_generated_from_the_validator():
    with open(SCHEMA_FILE) as handle:
        shipped = json.load(handle)
    assert shipped == json_schema(), "regenerate it: python -m ...component_document --schema > %s" % SCHEMA_FILE


def test_corpus_components_without_errors_pass_the_schema(corpus_dir, schema_validator):
    checked = 0
    for name, platform, expected, _reason in VERDICTS:
        with open(os.path.join(corpus_dir, name), encoding="utf-8") as handle:
            text = handle.read()
        if any(entry[0] == "error" for entry in expected):
            continue
        document = yaml.safe_load(text)
        if "phases" not in document:
            continue
        errors = [error.message for error in schema_validator.iter_errors(document)]
        assert errors == [], name
        checked += 1
    assert checked > 40


STRUCTURAL = [case for case in CASES if case[5] and kind_of(case[1]) is None]


@pytest.mark.parametrize("case", STRUCTURAL, ids=[case[0] for case in STRUCTURAL])
def test_structural_mistakes_fail_the_schema_too(corpus_dir, schema_validator, case):
    case_id, base, mutation, expected, _fragment, _schema = case
    document = build_case(corpus_dir, base, mutation)
    if isinstance(document, str):
        document = yaml.safe_load(document)
    assert [finding for finding in validate_document(document) if finding.severity == "error"], case_id
    assert not schema_validator.is_valid(document), "%s: the schema accepts what the validator rejects (%s)" % (case_id, expected)


def test_enough_structural_cases():
    assert len(STRUCTURAL) >= 25, CASE_IDS


def test_schema_is_never_stricter_than_the_validator(corpus_dir, schema_validator):
    """Mutated components that the validator passes (warnings only) pass the schema too."""
    checked = 0
    for case_id, base, mutation, _expected, _fragment, _schema in CASES:
        if kind_of(base) is not None:
            continue
        document = build_case(corpus_dir, base, mutation)
        if isinstance(document, str):
            try:
                document = yaml.safe_load(document)
            except yaml.YAMLError:
                continue
        if not isinstance(document, dict) or [f for f in validate_document(document) if f.severity == "error"]:
            continue
        assert schema_validator.is_valid(document), case_id
        checked += 1
    assert checked >= 5
