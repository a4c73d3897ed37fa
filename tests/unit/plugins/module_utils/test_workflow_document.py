"""Workflow documents: the validator and the JSON Schema shipped beside it agree, on the corpus's public
workflow documents (written by others) and on broken documents, and each error names its path."""
import copy
import json
import os

import jsonschema
import pytest
import yaml

from ansible_collections.amiforge.imagebuilder.plugins.module_utils.workflow_document import (
    MAX_STEPS, errors_of, json_schema, main, parameter_value_problem, parameters_of, validate_workflow,
)
from tests.conftest import ROOT

SCHEMA_FILE = os.path.join(ROOT, "plugins", "module_utils", "workflow_document_schema.json")
# The public workflow documents of the corpus, with their type (from the file: CloudFormation's Type, CDK's test, Terraform's type).
CORPUS_WORKFLOWS = [
    ("aws-samples__amazon-ec2-image-builder-samples/"
     "CloudFormation__Linux__amazon-linux-2023-attestable-image__base-template.yaml__embedded-2.yml", "BUILD"),
    ("aws__aws-cdk/packages__@aws-cdk__aws-imagebuilder-alpha__test__assets__workflow-data.yaml", "BUILD"),
    ("hashicorp__terraform-provider-aws/internal__service__imagebuilder__testdata__Workflow__basic__main_gen.tf__embedded-1.yml", "TEST"),
]

BUILD = {
    "name": "custom-build", "schemaVersion": 1.0,
    "parameters": [{"name": "prefix", "type": "string", "default": "golden"}, {"name": "pause", "type": "boolean"}],
    "steps": [
        {"name": "Launch", "action": "LaunchInstance", "onFailure": "Abort", "inputs": {"waitFor": "ssmAgent"}},
        {"name": "Components", "action": "ExecuteComponents", "inputs": {"instanceId.$": "$.stepOutputs.Launch.instanceId"}},
        {"name": "Metadata", "action": "CollectImageMetadata", "inputs": {"instanceId.$": "$.stepOutputs.Launch.instanceId"}},
        {"name": "Snapshot", "action": "CreateImage", "inputs": {"instanceId.$": "$.stepOutputs.Launch.instanceId"}},
        {"name": "Pause", "action": "WaitForAction", "if": {"booleanEquals": True, "value": "$.parameters.pause"}},
        {"name": "Terminate", "action": "TerminateInstance", "onFailure": "Continue",
         "inputs": {"instanceId.$": "$.stepOutputs.Launch.instanceId"}},
    ],
    "outputs": [{"name": "ImageId", "value": "$.stepOutputs.Snapshot.imageId"}],
}


def broken(change):
    document = copy.deepcopy(BUILD)
    change(document)
    return document


def set_step(index, key, value):
    return lambda document: document["steps"][index].__setitem__(key, value)


# (id, mutation, path of the error, text in its message, the schema rejects it too)
CASES = [
    ("no-schema-version", lambda d: d.pop("schemaVersion"), "schemaVersion", "schemaVersion: 1.0", True),
    ("no-steps", lambda d: d.pop("steps"), "steps", "non-empty list", True),
    ("too-many-steps", lambda d: d["steps"].extend({"name": "Pause%d" % index, "action": "WaitForAction"} for index in range(MAX_STEPS)),
     "steps", "at most 15", True),
    ("unknown-action", set_step(1, "action", "ExecuteComponent"), "steps[1].action", "did you mean 'ExecuteComponents'", True),
    ("doc-anchor-name", set_step(3, "action", "CreateImageFromInstance"), "steps[3].action", "called 'CreateImage'", True),
    ("component-action", set_step(1, "action", "ExecuteBash"), "steps[1].action", "AWSTOE component action", True),
    ("bad-on-failure", set_step(0, "onFailure", "Ignore"), "steps[0].onFailure", "Abort or Continue", True),
    ("bad-step-name", set_step(4, "name", "1st pause"), "steps[4].name", "must start with a letter", True),
    ("timeout-zero", set_step(0, "timeoutSeconds", 0), "steps[0].timeoutSeconds", "positive", True),
    ("missing-instance", set_step(1, "inputs", {}), "steps[1].inputs.instanceId", "needs input 'instanceId'", True),
    ("run-command-document", lambda d: d["steps"].insert(2, {"name": "Run", "action": "RunCommand",
                                                             "inputs": {"instanceId.$": "$.stepOutputs.Launch.instanceId"}}),
     "steps[2].inputs.documentName", "needs input 'documentName'", True),
    ("bad-parameter-type", lambda d: d["parameters"][0].__setitem__("type", "list"), "parameters[0].type", "stringList", True),
    ("default-of-wrong-type", lambda d: d["parameters"][1].__setitem__("default", "yes"), "parameters[1].default", "not a boolean", True),
    ("undeclared-parameter", set_step(4, "if", {"booleanEquals": True, "value": "$.parameters.wait"}), "steps[4].if.value",
     "not a declared workflow parameter", False),
    ("later-step", set_step(1, "inputs", {"instanceId.$": "$.stepOutputs.Terminate.instanceId"}), "steps[1].inputs.instanceId.$",
     "does not run before", False),
    ("json-path-literal", set_step(1, "inputs", {"instanceId.$": "i-123"}), "steps[1].inputs.instanceId.$", "JSONPath", False),
    ("two-operators", set_step(4, "if", {"booleanEquals": True, "stringEquals": "x", "value": "$.parameters.pause"}), "steps[4].if",
     "exactly one operator", False),
]


@pytest.fixture(scope="module")
def schema_validator():
    with open(SCHEMA_FILE) as handle:
        schema = json.load(handle)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_shipped_schema_is_generated_from_the_tables():
    with open(SCHEMA_FILE) as handle:
        assert json.load(handle) == json_schema(), "regenerate it: python -m ...workflow_document --schema > %s" % SCHEMA_FILE


def test_a_valid_build_workflow_has_no_findings(schema_validator):
    assert [str(finding) for finding in validate_workflow(BUILD, "BUILD") if finding.severity != "info"] == []
    assert schema_validator.is_valid(BUILD)
    assert errors_of(validate_workflow(yaml.safe_dump(BUILD), "BUILD")) == []


@pytest.mark.parametrize("case_id,change,path,text,schema", CASES, ids=[case[0] for case in CASES])
def test_broken_documents_fail_at_their_path(schema_validator, case_id, change, path, text, schema):
    document = broken(change)
    errors = errors_of(validate_workflow(document, "BUILD"))
    assert [finding.path for finding in errors] == [path], "%s: %s" % (case_id, [str(finding) for finding in errors])
    assert text in errors[0].message
    if schema:
        assert not schema_validator.is_valid(document), "%s: the schema accepts what the validator rejects" % case_id


def test_from_text_an_error_carries_its_line():
    text = yaml.safe_dump(broken(set_step(0, "onFailure", "Ignore")), sort_keys=False)
    [error] = errors_of(validate_workflow(text, "BUILD"))
    assert text.splitlines()[error.line - 1].strip() == "onFailure: Ignore"


def test_the_workflow_type_decides_which_actions_may_run():
    errors = errors_of(validate_workflow(BUILD, "TEST"))
    assert [finding.path for finding in errors] == ["steps[2].action"]
    assert "CollectImageMetadata is only valid in BUILD workflows" in errors[0].message
    assert errors_of(validate_workflow(BUILD)) == []  # no type: no type rules


def test_invalid_yaml_is_a_finding_not_an_exception():
    [error] = errors_of(validate_workflow("steps: [a, b", "BUILD"))
    assert error.rule == "yaml-syntax"


def test_parameters_a_document_declares():
    assert parameters_of(BUILD) == {"prefix": {"type": "string", "default": "golden"}, "pause": {"type": "boolean"}}
    assert parameters_of(yaml.safe_dump(BUILD)) == parameters_of(BUILD)
    assert parameters_of("not: [valid") == {}
    assert parameter_value_problem({"type": "boolean"}, ["true"]) is None
    assert "not true or false" in parameter_value_problem({"type": "boolean"}, ["yes"])
    assert "exactly one value" in parameter_value_problem({"type": "string"}, ["a", "b"])
    assert parameter_value_problem({"type": "stringList"}, ["a", "b"]) is None
    assert "not an integer" in parameter_value_problem({"type": "integer"}, ["1.5"])


@pytest.mark.parametrize("name,workflow_type", CORPUS_WORKFLOWS, ids=[entry[0].split("/")[0] for entry in CORPUS_WORKFLOWS])
def test_corpus_workflows_are_valid_for_the_validator_and_the_schema(corpus_dir, schema_validator, name, workflow_type):
    with open(os.path.join(corpus_dir, name), encoding="utf-8") as handle:
        text = handle.read()
    assert [str(finding) for finding in errors_of(validate_workflow(text, workflow_type))] == []
    assert [error.message for error in schema_validator.iter_errors(yaml.safe_load(text))] == []


def test_every_corpus_workflow_is_listed(corpus_dir):
    found = []
    for folder, _dirs, names in os.walk(corpus_dir):
        for name in names:
            try:
                with open(os.path.join(folder, name), encoding="utf-8") as handle:
                    document = yaml.safe_load(handle)
            except (yaml.YAMLError, UnicodeDecodeError):
                continue
            if isinstance(document, dict) and "steps" in document and "phases" not in document:
                found.append(os.path.relpath(os.path.join(folder, name), corpus_dir))
    assert sorted(found) == sorted(entry[0] for entry in CORPUS_WORKFLOWS)


def test_command_line(tmp_path, capsys):
    good, bad = tmp_path / "good.yml", tmp_path / "bad.yml"
    good.write_text(yaml.safe_dump(BUILD))
    bad.write_text(yaml.safe_dump(broken(set_step(0, "onFailure", "Ignore")), sort_keys=False))
    assert main([str(good), "--type", "BUILD"]) == 0
    assert main([str(bad)]) == 1
    assert "steps[0].onFailure" in capsys.readouterr().out
    assert main(["--schema"]) == 0
    assert json.loads(capsys.readouterr().out) == json_schema()
