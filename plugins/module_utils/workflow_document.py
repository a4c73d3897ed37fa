# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline validation of Image Builder workflow documents, and their JSON Schema.

The tables below say what AWS documents for workflow documents (EC2 Image Builder User Guide,
"Create a YAML workflow document", image-workflow-create-document.html, and "Supported step
actions for your workflow document", wfdoc-step-actions.html; the step name and action patterns
from the API reference, WorkflowStepMetadata):

- top level: ``name``, ``description``, ``schemaVersion`` (required, 1.0), ``parameters``,
  ``steps`` (required, at most 15, run in order), ``outputs``;
- a parameter: ``name`` and ``type`` (string, integer, boolean, stringList), optional ``default``
  (without one the value is required at run time) and ``description``;
- a step: ``name`` and ``action`` (``^[A-Za-z][A-Za-z0-9-_]{1,99}$``), ``description``,
  ``onFailure`` (Abort or Continue), ``rollbackEnabled``, ``timeoutSeconds``, ``if``, ``inputs``;
  an input whose key ends in ``.$`` takes a JSONPath (``$.stepOutputs.STEP.OUTPUT``,
  ``$.parameters.NAME``, ``$.imagebuilder.*``);
- each step action's required inputs and its outputs; CollectImageMetadata is documented as
  valid for build workflows only.

``component_document`` runs the checks (``validate_document(..., kind="workflow")``: structure,
step actions and their required inputs, JSONPath references to earlier steps and declared
parameters, conditions), taking its tables from here; this module adds the checks that need the
workflow's type, reads the parameters a document declares, and generates the JSON Schema shipped
beside it (``workflow_document_schema.json``), so the schema and the validator cannot drift apart.

Run as a program to lint workflow files or print the schema:
``python -m ansible_collections.amiforge.imagebuilder.plugins.module_utils.workflow_document [--type BUILD] FILE...``
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
import sys

WORKFLOW_TYPES = ("BUILD", "TEST", "DISTRIBUTION")
MAX_STEPS = 15
STEP_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-_]{1,99}$")

# action -> (inputs it requires, the outputs it documents (None: not checked), workflow types it is valid in (None: any))
WORKFLOW_ACTIONS = {
    "ApplyImageConfigurations": (("region",), None, None),
    "BootstrapInstanceForContainer": (("instanceId",), ("runCommandId", "status", "output"), None),
    "CollectImageMetadata": (("instanceId",), None, ("BUILD",)),
    "CollectImageScanFindings": ((), None, None),
    "CreateImage": (("instanceId",), ("imageId",), None),
    "DistributeImage": ((), None, None),
    "ExecuteComponents": (("instanceId",), ("runCommandId", "status", "output"), None),
    "ExecuteStateMachine": ((), None, None),
    "LaunchInstance": ((), ("instanceId",), None),
    "ModifyImageAttributes": ((), None, None),
    "RegisterImage": ((), None, None),
    "RunCommand": (("documentName", "instanceId"), ("runCommandId", "status", "output"), None),
    "RunSysPrep": (("instanceId",), None, None),
    "SanitizeInstance": (("instanceId",), None, None),
    "TerminateInstance": (("instanceId",), None, None),
    "WaitForAction": ((), ("action", "reason"), None),
    "WaitForSSMAgent": (("instanceId",), None, None),
}
# Names people write for an action, from the documentation's section anchors, and what the action is called.
ACTION_ALIASES = {"CreateImageFromInstance": "CreateImage", "WaitForSsmAgent": "WaitForSSMAgent"}
WORKFLOW_KEYS = ("name", "description", "schemaVersion", "parameters", "steps", "outputs")
WORKFLOW_STEP_KEYS = ("name", "description", "action", "onFailure", "rollbackEnabled", "timeoutSeconds", "if", "inputs")
WORKFLOW_ON_FAILURE = ("Abort", "Continue")
WORKFLOW_PARAMETER_TYPES = ("string", "integer", "boolean", "stringList")
WORKFLOW_OUTPUTS = dict((action, spec[1]) for action, spec in WORKFLOW_ACTIONS.items() if spec[1])
WORKFLOW_COMPARISONS = ("booleanEquals", "numberEquals", "numberGreaterThan", "numberGreaterThanEquals", "numberLessThan",
                        "numberLessThanEquals", "stringEquals")


def required_inputs(action):
    return WORKFLOW_ACTIONS.get(action, ((), None, None))[0]


def _load(document):
    if isinstance(document, bytes):
        document = document.decode("utf-8", "replace")
    if isinstance(document, str):
        import yaml
        try:
            return yaml.safe_load("".join((document,)))
        except yaml.YAMLError:
            return None
    return document


def validate_workflow(document, workflow_type=None):
    """Every finding about a workflow document (YAML/JSON text or a parsed mapping), as
    ``component_document.Finding``; ``workflow_type`` (BUILD, TEST, DISTRIBUTION) adds the checks
    of which step actions that type of workflow may run."""
    from ansible_collections.amiforge.imagebuilder.plugins.module_utils.component_document import Finding, validate_document

    findings = validate_document(document, kind="workflow")
    parsed = _load(document)
    if workflow_type and isinstance(parsed, dict) and isinstance(parsed.get("steps"), list):
        for index, step in enumerate(parsed["steps"]):
            action = step.get("action") if isinstance(step, dict) else None
            types = WORKFLOW_ACTIONS.get(action, (None, None, None))[2] if isinstance(action, str) else None
            if types and workflow_type not in types:
                findings.append(Finding("error", "steps[%d].action" % index, "%s is only valid in %s workflows, and this is a %s workflow; "
                                        "move the step to a %s workflow or remove it" % (action, " or ".join(types), workflow_type,
                                                                                         types[0]), "workflow-type"))
    return findings


def errors_of(findings):
    return [finding for finding in findings if finding.severity == "error"]


def parameters_of(document):
    """The parameters a workflow document declares: {name: {"type": ..., "default": ... (when given)}}
    (an unreadable document declares none)."""
    parsed = _load(document)
    found = {}
    if isinstance(parsed, dict) and isinstance(parsed.get("parameters"), list):
        for item in parsed["parameters"]:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                found[item["name"]] = dict((key, item[key]) for key in ("type", "default") if key in item)
    return found


def parameter_value_problem(declared, values):
    """None, or why ``values`` (the list of strings a WorkflowParameter carries) does not fit the
    declared parameter (its ``type``)."""
    ptype = declared.get("type", "string")
    if ptype != "stringList" and len(values) != 1:
        return "a %s parameter takes exactly one value, got %d" % (ptype, len(values))
    if ptype == "integer" and not re.match(r"^-?[0-9]+$", str(values[0])):
        return "%r is not an integer" % (values[0],)
    if ptype == "boolean" and str(values[0]).lower() not in ("true", "false"):
        return "%r is not true or false" % (values[0],)
    return None


# --- JSON Schema (generated from the tables above) --------------------------------------------------
def json_schema():
    """A JSON Schema (draft-07) for workflow documents, built from the tables above.

    It covers the structure (fields, types, enumerations, the step limit, each action's required
    inputs, given as KEY or as KEY.$ with a JSONPath); references between steps and to declared
    parameters, and the workflow type's rules, need the validator."""
    step_rules = []
    for action in sorted(WORKFLOW_ACTIONS):
        required = required_inputs(action)
        if not required:
            continue
        inputs = {"type": "object", "allOf": [{"anyOf": [{"required": [key]}, {"required": [key + ".$"]}]} for key in required]}
        step_rules.append({"if": {"properties": {"action": {"const": action}}, "required": ["action"]},
                           "then": {"required": ["inputs"], "properties": {"inputs": inputs}}})
    parameter_types = {"string": {"type": ["string", "number"]}, "integer": {"type": "integer"}, "boolean": {"type": "boolean"},
                       "stringList": {"type": "array", "items": {"type": ["string", "number"]}}}
    parameter_rules = [{"if": {"properties": {"type": {"const": name}}, "required": ["type"]},
                        "then": {"properties": {"default": schema}}} for name, schema in sorted(parameter_types.items())]
    condition = {"type": "object", "minProperties": 1}
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://github.com/amiforge/amiforge.imagebuilder/plugins/module_utils/workflow_document_schema.json",
        "title": "EC2 Image Builder workflow document",
        "description": "Generated by amiforge.imagebuilder workflow_document.json_schema(); the validator adds reference and "
                       "workflow type checks.",
        "type": "object",
        "required": ["schemaVersion", "steps"],
        "properties": {
            "name": {"type": "string"},
            "description": {"type": "string"},
            "schemaVersion": {"enum": [1.0, "1.0"]},
            "parameters": {"type": "array", "items": {"$ref": "#/definitions/parameter"}},
            "steps": {"type": "array", "minItems": 1, "maxItems": MAX_STEPS, "items": {"$ref": "#/definitions/step"}},
            "outputs": {"type": "array", "items": {"type": "object", "required": ["name", "value"],
                                                   "properties": {"name": {"type": "string"}, "value": {"type": "string"}}}},
        },
        "definitions": {
            "parameter": {"type": "object", "required": ["name", "type"], "allOf": parameter_rules,
                          "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 128},
                                         "type": {"enum": list(WORKFLOW_PARAMETER_TYPES)},
                                         "default": {}, "description": {"type": "string"}}},
            "step": {"type": "object", "required": ["name", "action"], "allOf": step_rules,
                     "properties": {"name": {"type": "string", "pattern": STEP_NAME.pattern},
                                    "description": {"type": "string"},
                                    "action": {"enum": sorted(WORKFLOW_ACTIONS)},
                                    "onFailure": {"enum": list(WORKFLOW_ON_FAILURE)},
                                    "rollbackEnabled": {"type": "boolean"},
                                    "timeoutSeconds": {"type": "integer", "minimum": 1},
                                    "if": condition,
                                    "inputs": {"type": "object"}}},
        },
    }


# --- command line -----------------------------------------------------------------------------------
def main(argv=None, stdout=None):
    """Lint workflow files ('file[:line]: severity: location: message'; exit 1 on any error) or print the schema."""
    import argparse
    stdout = stdout or sys.stdout
    parser = argparse.ArgumentParser(prog="workflow-lint", description="Validate EC2 Image Builder workflow documents.")
    parser.add_argument("files", nargs="*", metavar="FILE", help="YAML or JSON workflow document")
    parser.add_argument("--type", choices=WORKFLOW_TYPES, help="the workflow's type: checks which step actions it may run")
    parser.add_argument("--schema", action="store_true", help="print the JSON Schema for workflow documents and exit")
    options = parser.parse_args(argv)
    if options.schema:
        stdout.write(json.dumps(json_schema(), indent=2, sort_keys=True) + "\n")
        return 0
    if not options.files:
        parser.error("give at least one FILE (or --schema)")
    failed = False
    for name in options.files:
        with open(name, "rb") as handle:
            findings = validate_workflow(handle.read(), options.type)
        failed = failed or bool(errors_of(findings))
        for finding in findings:
            where = "%s:%d" % (name, finding.line) if finding.line else name
            stdout.write("%s: %s: %s: %s\n" % (where, finding.severity, finding.path or "<document>", finding.message))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
