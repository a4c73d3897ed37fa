# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline validation of AWSTOE component documents and Image Builder workflow documents.

``validate_document(document, platform=None, kind=None)`` returns a list of ``Finding``
(severity ``error``/``warning``/``info``, a path such as ``phases[0].steps[2].inputs.commands``,
a message, and a short ``rule`` id). Errors are what AWSTOE or Image Builder would reject or
what cannot work at build time; warnings are likely mistakes; infos are hints.

The action tables below are also the source of the JSON Schema (``json_schema()``), so the
schema shipped beside this file and the validator cannot drift apart.

Run as a program to lint files:
``python -m ansible_collections.amiforge.imagebuilder.plugins.module_utils.component_document FILE...``
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import json
import re
import sys

try:
    import yaml
    HAS_YAML = True
except ImportError:  # pragma: no cover - PyYAML ships with ansible-core
    HAS_YAML = False

SEVERITIES = ("error", "warning", "info")
PLATFORMS = ("Linux", "Windows", "macOS")
ALL_PLATFORMS = frozenset(PLATFORMS)
NOT_WINDOWS = frozenset(("Linux", "macOS"))
WINDOWS = frozenset(("Windows",))

# --- AWSTOE action modules -------------------------------------------------------------------------
# shape: "map" (inputs is a mapping), "list" (inputs is a list of mappings), "condition" (Assert).
# inputs: name -> type ("string", "boolean", "integer", "list", "map", "any").
# outputs: names usable in {{ phase.step.outputs.NAME }} (None: not documented, so not checked).
_PATH = {"path": "string"}
_COPY = {"source": "string", "destination": "string", "overwrite": "boolean"}
_OWNER = {"owner": "string", "group": "string", "permissions": "string"}
_ENCODING = {"encoding": "string"}
_MSI = {"path": "string", "reboot": "string", "logOptions": "string", "logFile": "string", "properties": "map",
        "ignoreAuthenticodeSignatureErrors": "boolean", "allowUnsignedInstaller": "boolean"}


def _action(shape, inputs=None, required=(), outputs=(), platforms=ALL_PLATFORMS, inputs_required=True):
    return {"shape": shape, "inputs": dict(inputs or {}), "required": tuple(required),
            "outputs": tuple(outputs) if outputs is not None else None,
            "platforms": platforms, "inputs_required": inputs_required}


ACTIONS = {
    "Assert": _action("condition", outputs=None),
    "ExecuteBash": _action("map", {"commands": "list"}, ("commands",), ("stdout",), NOT_WINDOWS),
    "ExecuteBinary": _action("map", {"path": "string", "arguments": "list"}, ("path",), ("stdout",)),
    "ExecuteDocument": _action("map", {"document": "string", "phases": "string", "parameters": "list"}, ("document",), None),
    "ExecutePowerShell": _action("map", {"commands": "list", "file": "string"}, (), ("stdout",), WINDOWS),
    "S3Download": _action("list", {"source": "string", "destination": "string", "expectedBucketOwner": "string",
                                   "overwrite": "boolean"}, ("source", "destination")),
    "S3Upload": _action("list", {"source": "string", "destination": "string", "recurse": "boolean",
                                 "expectedBucketOwner": "string"}, ("source", "destination")),
    "WebDownload": _action("list", {"source": "string", "destination": "string", "overwrite": "boolean", "checksum": "string",
                                    "algorithm": "string", "ignoreCertificateErrors": "boolean"},
                           ("source", "destination"), ("destination",)),
    "AppendFile": _action("list", dict(_PATH, content="string", **_ENCODING), ("path",)),
    "CopyFile": _action("list", _COPY, ("source", "destination")),
    "CopyFolder": _action("list", _COPY, ("source", "destination")),
    "CreateFile": _action("list", dict(_PATH, content="string", overwrite="boolean", **dict(_ENCODING, **_OWNER)), ("path",)),
    "CreateFolder": _action("list", dict(_PATH, overwrite="boolean", **_OWNER), ("path",)),
    "CreateSymlink": _action("list", {"path": "string", "target": "string", "force": "boolean"}, ("path", "target"),
                             platforms=NOT_WINDOWS),
    "DeleteFile": _action("list", _PATH, ("path",)),
    "DeleteFolder": _action("list", dict(_PATH, force="boolean"), ("path",)),
    "ListFiles": _action("list", dict(_PATH, fileNamePattern="string", recursive="boolean"), ("path",), ("files",)),
    "MoveFile": _action("list", _COPY, ("source", "destination")),
    "MoveFolder": _action("list", _COPY, ("source", "destination")),
    "ReadFile": _action("list", dict(_PATH, printFileContent="boolean", **_ENCODING), ("path",), ("content",)),
    "SetFileEncoding": _action("list", dict(_PATH, **_ENCODING), ("path",)),
    "SetFileOwner": _action("list", {"path": "string", "owner": "string", "group": "string"}, ("path", "owner"),
                            platforms=NOT_WINDOWS),
    "SetFolderOwner": _action("list", {"path": "string", "owner": "string", "group": "string", "recursive": "boolean"},
                              ("path", "owner"), platforms=NOT_WINDOWS),
    "SetFilePermissions": _action("list", {"path": "string", "permissions": "string"}, ("path", "permissions"),
                                  platforms=NOT_WINDOWS),
    "SetFolderPermissions": _action("list", {"path": "string", "permissions": "string", "recursive": "boolean"},
                                    ("path", "permissions"), platforms=NOT_WINDOWS),
    "InstallMSI": _action("map", _MSI, ("path",), ("logFile", "msiExitCode", "stdout"), WINDOWS),
    "UninstallMSI": _action("map", _MSI, ("path",), ("logFile", "msiExitCode", "stdout"), WINDOWS),
    "Reboot": _action("map", {"delaySeconds": "integer"}, inputs_required=False),
    "SetRegistry": _action("list", {"path": "string", "name": "string", "value": "any", "type": "string"},
                           ("path", "name", "value", "type"), platforms=WINDOWS),
    "UpdateOS": _action("map", {"include": "list", "exclude": "list"}, inputs_required=False),
}
ENUMS = {
    ("InstallMSI", "reboot"): ("Allow", "Force", "Skip"),
    ("UninstallMSI", "reboot"): ("Allow", "Force", "Skip"),
    ("SetRegistry", "type"): ("BINARY", "DWORD", "QWORD", "SZ", "EXPAND_SZ", "MULTI_SZ"),
    ("WebDownload", "algorithm"): ("MD5", "SHA1", "SHA256", "SHA512"),
}
OWNER_INPUTS = ("owner", "group", "permissions")
STEP_KEYS = ("name", "action", "inputs", "onFailure", "timeoutSeconds", "maxAttempts", "if", "loop")
COMPONENT_KEYS = ("name", "description", "schemaVersion", "parameters", "constants", "phases")
ON_FAILURE = ("Abort", "Continue", "Ignore")
IMAGE_BUILDER_PHASES = ("build", "validate", "test", "container-host-test")
STAGE = {"build": "build", "validate": "build", "test": "test", "container-host-test": "test"}
VARIABLE_NAME = re.compile(r"^[A-Za-z0-9_-]{3,128}$")
LOOP_DELIMITERS = ".,;:\n\t -_"

# comparison operators of AWSTOE (Assert and `if`); the value is whether a `value` key is required
COMPARISONS = {
    "stringIsEmpty": False, "stringIsWhitespace": False, "stringEquals": True, "stringLessThan": True,
    "stringLessThanEquals": True, "stringGreaterThan": True, "stringGreaterThanEquals": True, "patternMatches": True,
    "numberEquals": True, "numberLessThan": True, "numberLessThanEquals": True, "numberGreaterThan": True,
    "numberGreaterThanEquals": True, "binaryExists": False, "fileExists": False, "folderExists": False,
    "fileMD5Equals": None, "fileSHA1Equals": None, "fileSHA256Equals": None, "fileSHA512Equals": None,
}
LOGICAL = ("and", "or", "not")
CONDITION_EXTRA_KEYS = ("value", "path", "then", "else")

# --- Image Builder workflow documents: the tables live in workflow_document ----------------------------
try:
    from ansible_collections.amiforge.imagebuilder.plugins.module_utils.workflow_document import (  # pylint: disable=wrong-import-position
        ACTION_ALIASES, MAX_STEPS, STEP_NAME, WORKFLOW_ACTIONS, WORKFLOW_COMPARISONS, WORKFLOW_KEYS, WORKFLOW_ON_FAILURE,
        WORKFLOW_OUTPUTS, WORKFLOW_PARAMETER_TYPES, WORKFLOW_STEP_KEYS, required_inputs,
    )
except ImportError:  # this file run as a program outside a collection tree: its sibling, by path
    import importlib.util
    import os
    _SPEC = importlib.util.spec_from_file_location("workflow_document", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                                     "workflow_document.py"))
    _WORKFLOW = importlib.util.module_from_spec(_SPEC)
    _SPEC.loader.exec_module(_WORKFLOW)
    (ACTION_ALIASES, MAX_STEPS, STEP_NAME, WORKFLOW_ACTIONS, WORKFLOW_COMPARISONS, WORKFLOW_KEYS, WORKFLOW_ON_FAILURE, WORKFLOW_OUTPUTS,
     WORKFLOW_PARAMETER_TYPES, WORKFLOW_STEP_KEYS, required_inputs) = (
        _WORKFLOW.ACTION_ALIASES, _WORKFLOW.MAX_STEPS, _WORKFLOW.STEP_NAME, _WORKFLOW.WORKFLOW_ACTIONS, _WORKFLOW.WORKFLOW_COMPARISONS,
        _WORKFLOW.WORKFLOW_KEYS, _WORKFLOW.WORKFLOW_ON_FAILURE, _WORKFLOW.WORKFLOW_OUTPUTS, _WORKFLOW.WORKFLOW_PARAMETER_TYPES,
        _WORKFLOW.WORKFLOW_STEP_KEYS, _WORKFLOW.required_inputs)

EXPRESSION = re.compile(r"\{\{\s*(.*?)\s*\}\}")
CHAIN = re.compile(r"^([A-Za-z0-9_-]+)\.([^.\s\[\]]+)\.(inputs|outputs)(?:\[(\d+)\])?(?:\.([A-Za-z0-9_-]+))?$")
LOOP_REFERENCE = re.compile(r"^([A-Za-z0-9_-]+)\.(index|value)$")
WORKFLOW_REFERENCE = re.compile(r"\$\.(stepOutputs|parameters)\.([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_]+))?")
PLACEHOLDER = re.compile(r"\$\{[A-Za-z][A-Za-z0-9_:.]*\}|@@[A-Za-z0-9_]+@@")


class Finding:
    """One problem found in a document."""

    __slots__ = ("severity", "path", "message", "rule", "line")

    def __init__(self, severity, path, message, rule, line=None):
        self.severity = severity
        self.path = path
        self.message = message
        self.rule = rule
        self.line = line  # 1-based line in the YAML text, when the document was given as text

    def to_dict(self):
        return {"severity": self.severity, "path": self.path, "message": self.message, "rule": self.rule, "line": self.line}

    def __str__(self):
        return "%s: %s: %s" % (self.severity, self.path or "<document>", self.message)

    def __repr__(self):
        return "Finding(%r, %r, %r, %r)" % (self.severity, self.path, self.message, self.rule)


def _join(path, key):
    if isinstance(key, int):
        return "%s[%d]" % (path, key)
    return "%s.%s" % (path, key) if path else str(key)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_scalar(value):
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _suggest(word, choices):
    lowered = dict((choice.lower(), choice) for choice in choices)
    if str(word).lower() in lowered:
        return " (names are case-sensitive: did you mean %r?)" % lowered[str(word).lower()]
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.75)
    return " (did you mean %r?)" % close[0] if close else ""


def _strings(value, path):
    """Every string inside value, with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, _join(path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, _join(path, index))


def _load_yaml(text):
    """yaml.safe_load (libyaml when available) that also returns the keys repeated inside one mapping."""
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # pylint: disable=too-many-ancestors
        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _value in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                    if key_node.value in seen:
                        duplicates.append((key_node.value, key_node.start_mark))
                    seen.add(key_node.value)
            return super(Loader, self).construct_mapping(node, deep)

    duplicates = []
    loader = Loader(text)
    try:
        root = loader.get_single_node()
        return (loader.construct_document(root) if root is not None else None), duplicates, root
    finally:
        loader.dispose()


def _locate(node, path):
    """The 1-based line of the YAML node at a finding's path (keys may contain dots, such as 'instanceId.$')."""
    rest = path
    while rest and node is not None:
        index = re.match(r"^\[(\d+)\]", rest)
        if index:
            if not isinstance(node, yaml.SequenceNode) or int(index.group(1)) >= len(node.value):
                break
            node, rest = node.value[int(index.group(1))], rest[index.end():]
            continue
        rest = rest[1:] if rest.startswith(".") else rest
        if not isinstance(node, yaml.MappingNode):
            break
        found = None
        for key, value in node.value:
            name = getattr(key, "value", None)
            if isinstance(name, str) and rest.startswith(name) and rest[len(name):len(name) + 1] in ("", ".", "["):
                if found is None or len(name) >= len(found[0]):
                    found = (name, value)
        if found is None:
            break
        node, rest = found[1], rest[len(found[0]):]
    return node.start_mark.line + 1 if node is not None else None


def parse_document(text):
    """Parse YAML (or JSON) text. Returns (document, findings, root node): findings are syntax problems."""
    if not HAS_YAML:
        try:
            return json.loads(text), [], None
        except ValueError:
            return None, [Finding("error", "", "PyYAML is required to parse YAML text (only JSON can be read without it)",
                                  "yaml-missing")], None
    try:
        document, duplicates, root = _load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = " at line %d, column %d" % (mark.line + 1, mark.column + 1) if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        message = "invalid YAML%s: %s%s" % (where, "%s, " % context if context else "", problem)
        hints = []
        if "%{" in text or re.search(r"\$\{[^}]*\}", text):
            hints.append("the text has template placeholders (${...} or %{...}): render the template before validating it")
        if "unhashable" in str(problem) or "{{" in text and "flow mapping" in str(exc):
            hints.append("a value that starts with {{ ... }} must be quoted")
        if "\r\n" in text:
            hints.append("the file has Windows (CRLF) line endings")
        if hints:
            message += " (" + "; ".join(hints) + ")"
        return None, [Finding("error", "", message, "yaml-syntax", mark.line + 1 if mark is not None else None)], None
    return document, [Finding("error", "", "duplicate key %r at line %d, column %d: YAML keeps only the last value, so the "
                              "earlier one is silently lost" % (key, mark.line + 1, mark.column + 1), "duplicate-key", mark.line + 1)
                      for key, mark in duplicates], root


def validate_document(document, platform=None, kind=None):
    """Validate a component or workflow document; return a list of Finding.

    document: YAML/JSON text or an already parsed mapping.
    platform: "Linux", "Windows", "macOS" or None (no platform-fit checks beyond mixing).
    kind: "component", "workflow" or None (detect from the top-level keys).
    """
    if platform is not None and platform not in PLATFORMS:
        raise ValueError("platform must be one of %s or None, not %r" % (", ".join(PLATFORMS), platform))
    if kind not in (None, "component", "workflow"):
        raise ValueError("kind must be 'component', 'workflow' or None, not %r" % (kind,))
    if isinstance(document, bytes):
        document = document.decode("utf-8", "replace")
    if isinstance(document, str):
        # an exact str: libyaml's loader refuses str subclasses such as Ansible's tagged strings
        document, syntax, root = parse_document("".join((document,)))
        if document is None and syntax:
            return syntax
    else:
        syntax, root = [], None
    checker = _Checker(platform)
    checker.from_text = root is not None
    checker.findings.extend(syntax)
    checker.run(document, kind)
    unique, seen = [], set()
    for finding in checker.findings:
        key = (finding.severity, finding.path, finding.message)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
            if root is not None and finding.line is None and finding.path:
                finding.line = _locate(root, finding.path)
    return unique


def has_errors(findings):
    return any(finding.severity == "error" for finding in findings)


class _Checker:
    def __init__(self, platform):
        self.platform = platform
        self.findings = []
        self.from_text = False

    def add(self, severity, path, rule, message):
        self.findings.append(Finding(severity, path, message, rule))

    # --- entry ------------------------------------------------------------------------------------
    def run(self, document, kind):
        if not isinstance(document, dict):
            what = "empty" if document is None else "a %s" % type(document).__name__
            self.add("error", "", "document-type", "the document must be a YAML mapping, but it is %s" % what)
            return
        if "mainSteps" in document or "runtimeConfig" in document:
            self.add("error", "", "ssm-document",
                     "this is a Systems Manager (SSM) document (mainSteps/runtimeConfig), not an Image Builder document")
            return
        detected = "component" if "phases" in document else "workflow" if "steps" in document else None
        kind = kind or detected
        if kind is None:
            self.add("error", "", "document-kind", "the document has neither 'phases' (component) nor 'steps' (workflow)")
            return
        if detected and detected != kind:
            self.add("error", "", "document-kind", "this looks like a %s document (top-level '%s'), not a %s"
                     % (detected, "phases" if detected == "component" else "steps", kind))
            return
        self.schema_version(document)
        for key in ("name", "description"):
            if key in document and not isinstance(document[key], str):
                self.add("warning", key, "type", "'%s' should be a string" % key)
        if kind == "component":
            self.component(document)
        else:
            self.workflow(document)
        self.placeholders(document, kind)

    def schema_version(self, document):
        if "schemaVersion" not in document:
            self.add("error", "schemaVersion", "required", "'schemaVersion' is required; use schemaVersion: 1.0")
        elif not (document["schemaVersion"] in (1.0, "1.0") and not isinstance(document["schemaVersion"], bool)
                  and not _is_int(document["schemaVersion"])):
            self.add("error", "schemaVersion", "schema-version",
                     "schemaVersion must be 1.0 (the only version), not %r" % (document["schemaVersion"],))

    def unknown_keys(self, mapping, allowed, path, what):
        for key in mapping:
            if key not in allowed:
                self.add("warning", _join(path, key), "unknown-key",
                         "'%s' is not a %s field%s; it is ignored or rejected" % (key, what, _suggest(key, allowed)))

    def placeholders(self, document, kind):
        """Unrendered CloudFormation/Terraform/CDK placeholders outside shell commands are worth a hint."""
        for path, text in _strings(document, ""):
            if ".commands[" in path or ".file" in path:
                continue
            match = PLACEHOLDER.search(text)
            if match:
                self.add("info", path, "template-placeholder",
                         "%s looks like an unrendered template placeholder (CloudFormation !Sub, Terraform or CDK); "
                         "it is only valid once the template that holds this %s is rendered" % (match.group(0), kind))
                return

    # --- components -------------------------------------------------------------------------------
    def component(self, document):
        self.unknown_keys(document, COMPONENT_KEYS, "", "component document")
        self.variables = {}
        self.used_variables = set()
        self.declarations(document, "parameters", ("type", "default", "description", "allowedValues"), "default")
        self.declarations(document, "constants", ("type", "value"), "value")
        phases = document.get("phases")
        if not isinstance(phases, list) or not phases:
            self.add("error", "phases", "phases", "'phases' must be a non-empty list of phases (build, validate, test)")
            return
        self.phase_index = {}
        self.phase_names = []
        self.steps = []  # per phase: list of (name, step) in order
        for index, phase in enumerate(phases):
            path = _join("phases", index)
            steps = []
            self.steps.append(steps)
            self.phase_names.append(None)
            if not isinstance(phase, dict):
                self.add("error", path, "phase-type", "a phase must be a mapping with 'name' and 'steps'")
                continue
            self.unknown_keys(phase, ("name", "steps"), path, "phase")
            name = phase.get("name")
            self.phase_names[-1:] = [name]
            if not isinstance(name, str) or not name:
                self.add("error", _join(path, "name"), "required", "every phase needs a 'name' (build, validate or test)")
            elif name in self.phase_index:
                self.add("error", _join(path, "name"), "duplicate-phase",
                         "phase name '%s' is already used by phases[%d]; phase names must be unique"
                         % (name, self.phase_index[name]))
            else:
                self.phase_index[name] = index
                if name not in IMAGE_BUILDER_PHASES:
                    self.add("warning", _join(path, "name"), "phase-name",
                             "Image Builder only runs the phases build, validate, test (and container-host-test for "
                             "container recipes); phase '%s' never runs%s" % (name, _suggest(name, IMAGE_BUILDER_PHASES)))
            if not isinstance(phase.get("steps"), list) or not phase.get("steps"):
                self.add("error", _join(path, "steps"), "steps", "a phase needs a non-empty list of 'steps'")
                continue
            seen = {}
            for step_index, step in enumerate(phase["steps"]):
                step_name = step.get("name") if isinstance(step, dict) else None
                if isinstance(step_name, str) and step_name in seen:
                    self.add("error", _join(_join(_join(path, "steps"), step_index), "name"), "duplicate-step",
                             "step name '%s' is already used by steps[%d] of this phase; step names must be unique in a phase"
                             % (step_name, seen[step_name]))
                elif isinstance(step_name, str):
                    seen[step_name] = step_index
                steps.append((step_name, step))
        if not set(self.phase_index) & {"build", "validate", "test"}:
            self.add("error", "phases", "no-runnable-phase", "a component needs at least one of the phases build, validate or test")
        actions = set()
        for phase_index, steps in enumerate(self.steps):
            loop_names = {}
            for step_index, (step_name, step) in enumerate(steps):
                path = "phases[%d].steps[%d]" % (phase_index, step_index)
                self.component_step(step, path, phase_index, step_index, loop_names)
                if isinstance(step, dict) and isinstance(step.get("action"), str):
                    actions.add(step["action"])
        if self.platform is None and "ExecuteBash" in actions and "ExecutePowerShell" in actions:
            self.add("warning", "phases", "platform-mix",
                     "the document uses both ExecuteBash (Linux/macOS) and ExecutePowerShell (Windows); one of them cannot run")
        for name, (path, _kind) in sorted(self.variables.items()):
            if name not in self.used_variables:
                self.add("info", path, "unused-variable", "%s '%s' is declared but never referenced" % (_kind, name))

    def declarations(self, document, section, allowed, value_key):
        if section not in document:
            return
        kind = section[:-1]
        items = document[section]
        if not isinstance(items, list):
            self.add("error", section, "declaration",
                     "'%s' must be a list of single-key mappings, e.g. '- Name: {type: string, %s: ...}'" % (section, value_key))
            return
        for index, item in enumerate(items):
            path = _join(section, index)
            if isinstance(item, dict) and "name" in item and "type" in item and len(item) > 1:
                self.add("error", path, "declaration",
                         "component %ss are written '- %s: {type: string, ...}', not '- name: ...' (that is the workflow form)"
                         % (kind, item.get("name")))
                continue
            if not isinstance(item, dict) or len(item) != 1:
                self.add("error", path, "declaration", "each %s must be a mapping with exactly one key, its name" % kind)
                continue
            name, body = next(iter(item.items()))
            path = _join(path, name)
            if not isinstance(name, str) or not VARIABLE_NAME.match(name):
                self.add("error", path, "variable-name",
                         "%s name %r must be 3-128 characters of letters, digits, '-' or '_'" % (kind, name))
            if name in self.variables:
                self.add("error", path, "duplicate-variable",
                         "'%s' is already declared at %s; parameter and constant names share one namespace"
                         % (name, self.variables[name][0]))
                continue
            self.variables[name] = (path, kind)
            if not isinstance(body, dict):
                self.add("error", path, "declaration", "%s '%s' needs a mapping with 'type: string'%s"
                         % (kind, name, " and 'value'" if kind == "constant" else ""))
                continue
            for key in body:
                if key not in allowed:
                    self.add("warning", _join(path, key), "unknown-key",
                             "'%s' is not a %s field (allowed: %s)" % (key, kind, ", ".join(allowed)))
            if "type" not in body:
                self.add("error", _join(path, "type"), "required", "%s '%s' needs 'type: string'" % (kind, name))
            elif body["type"] != "string":
                self.add("error", _join(path, "type"), "variable-type",
                         "%s type must be 'string' (the only type AWSTOE supports), not %r" % (kind, body["type"]))
            if kind == "constant" and "value" not in body:
                self.add("error", _join(path, "value"), "required", "constant '%s' needs a 'value'" % name)
            elif value_key in body and not isinstance(body[value_key], str) and body[value_key] is not None:
                self.add("info", _join(path, value_key), "variable-value",
                         "the %s of '%s' is a YAML %s; AWSTOE uses it as the string %r, quote it to say so"
                         % (value_key, name, type(body[value_key]).__name__, str(body[value_key])))

    def component_step(self, step, path, phase_index, step_index, loop_names):
        if not isinstance(step, dict):
            self.add("error", path, "step-type", "a step must be a mapping with 'name', 'action' and 'inputs'")
            return
        self.unknown_keys(step, STEP_KEYS, path, "step")
        if not isinstance(step.get("name"), str) or not step.get("name"):
            self.add("error", _join(path, "name"), "required", "every step needs a 'name'")
        action = step.get("action")
        spec = None
        if action is None:
            self.add("error", _join(path, "action"), "required", "every step needs an 'action' (an AWSTOE action module)")
        elif not isinstance(action, str) or action not in ACTIONS:
            if isinstance(action, str) and action in WORKFLOW_ACTIONS:
                hint = "; %s is an Image Builder workflow step action, not an AWSTOE action module" % action
            elif isinstance(action, str) and action.startswith("aws:"):
                hint = "; %s is a Systems Manager document plugin, not an AWSTOE action module" % action
            else:
                hint = _suggest(action, ACTIONS)
            self.add("error", _join(path, "action"), "unknown-action", "unknown action %r%s" % (action, hint))
        else:
            spec = ACTIONS[action]
            if self.platform and self.platform not in spec["platforms"]:
                self.add("error", _join(path, "action"), "platform",
                         "%s does not run on %s (it supports %s)" % (action, self.platform, ", ".join(sorted(spec["platforms"]))))
        if "onFailure" in step and step["onFailure"] not in ON_FAILURE:
            self.add("error", _join(path, "onFailure"), "on-failure",
                     "onFailure must be one of %s, not %r%s" % (", ".join(ON_FAILURE), step["onFailure"],
                                                                _suggest(step["onFailure"], ON_FAILURE)))
        if "maxAttempts" in step and not (_is_int(step["maxAttempts"]) and step["maxAttempts"] >= 1):
            self.add("error", _join(path, "maxAttempts"), "max-attempts",
                     "maxAttempts must be a whole number of at least 1, not %r" % (step["maxAttempts"],))
        if "timeoutSeconds" in step:
            timeout = step["timeoutSeconds"]
            if not (_is_int(timeout) and (timeout == -1 or timeout > 0)):
                self.add("error", _join(path, "timeoutSeconds"), "timeout",
                         "timeoutSeconds must be a positive whole number of seconds, or -1 for no timeout, not %r" % (timeout,))
            elif action == "Reboot":
                self.add("warning", _join(path, "timeoutSeconds"), "timeout", "the Reboot action does not support timeoutSeconds")
        loop_name = None
        if "loop" in step:
            loop_name = self.loop(step["loop"], _join(path, "loop"), loop_names)
        if "if" in step:
            self.condition(step["if"], _join(path, "if"), COMPARISONS, allow_branches=True)
        if spec is not None:
            self.inputs(action, spec, step, path)
        has_loop = "loop" in step
        for section in ("inputs", "loop", "if"):
            if section in step:
                for string_path, text in _strings(step[section], _join(path, section)):
                    for match in EXPRESSION.finditer(text):
                        self.reference(match.group(1), string_path, phase_index, step_index, has_loop, loop_name)

    def loop(self, loop, path, loop_names):
        if not isinstance(loop, dict):
            self.add("error", path, "loop", "'loop' must be a mapping with 'for' or 'forEach' (and an optional 'name')")
            return None
        self.unknown_keys(loop, ("name", "for", "forEach"), path, "loop")
        name = loop.get("name")
        if name is not None:
            if not isinstance(name, str) or not re.match(r"^[A-Za-z0-9_-]+$", name):
                self.add("error", _join(path, "name"), "loop", "a loop name must be letters, digits, '-' or '_', not %r" % (name,))
            elif name in loop_names:
                self.add("error", _join(path, "name"), "duplicate-loop",
                         "loop name '%s' is already used at %s; loop names must be unique in a phase" % (name, loop_names[name]))
            else:
                loop_names[name] = path
        kinds = [key for key in ("for", "forEach") if key in loop]
        if len(kinds) != 1:
            self.add("error", path, "loop", "a loop needs exactly one of 'for' or 'forEach'")
            return name
        if kinds[0] == "for":
            body = loop["for"]
            fpath = _join(path, "for")
            if not isinstance(body, dict):
                self.add("error", fpath, "loop", "'for' must be a mapping with start, end and updateBy")
                return name
            self.unknown_keys(body, ("start", "end", "updateBy"), fpath, "for loop")
            values = {}
            for key in ("start", "end", "updateBy"):
                if key not in body:
                    self.add("error", _join(fpath, key), "required", "a for loop needs '%s'" % key)
                elif not _is_int(body[key]):
                    self.add("error", _join(fpath, key), "loop", "'%s' must be a whole number (no chaining expressions), not %r"
                             % (key, body[key]))
                else:
                    values[key] = body[key]
            if len(values) == 3:
                if values["updateBy"] == 0:
                    self.add("error", _join(fpath, "updateBy"), "loop", "updateBy must not be 0 (the loop would never end)")
                elif (values["end"] - values["start"]) * values["updateBy"] < 0:
                    self.add("error", _join(fpath, "updateBy"), "loop",
                             "updateBy %d moves away from end %d: the loop from %d would never reach it"
                             % (values["updateBy"], values["end"], values["start"]))
        else:
            body = loop["forEach"]
            fpath = _join(path, "forEach")
            if isinstance(body, list):
                if not body:
                    self.add("error", fpath, "loop", "forEach needs at least one value")
                for index, item in enumerate(body):
                    if not _is_scalar(item):
                        self.add("error", _join(fpath, index), "loop",
                                 "forEach values must be strings, not a %s (quote values that contain ': ')" % type(item).__name__)
            elif isinstance(body, dict):
                self.unknown_keys(body, ("list", "delimiter"), fpath, "forEach")
                if not isinstance(body.get("list"), str):
                    self.add("error", _join(fpath, "list"), "loop", "a delimited forEach needs 'list', a string of values")
                delimiter = body.get("delimiter", ",")
                if not (isinstance(delimiter, str) and len(delimiter) == 1 and delimiter in LOOP_DELIMITERS):
                    self.add("error", _join(fpath, "delimiter"), "loop",
                             "delimiter must be one character out of %r, not %r" % (LOOP_DELIMITERS, delimiter))
            else:
                self.add("error", fpath, "loop", "forEach must be a list of strings or a mapping with 'list' and 'delimiter'")
        return name

    def condition(self, expression, path, comparisons, allow_branches=False, workflow=False):
        """A comparison or logical operator expression (AWSTOE `if`/Assert, or a workflow `if`)."""
        if isinstance(expression, list) and allow_branches and not workflow:
            for index, item in enumerate(expression):
                self.condition(item, _join(path, index), comparisons, allow_branches, workflow)
            return
        if not isinstance(expression, dict):
            self.add("error", path, "condition", "a condition must be a mapping with one comparison or logical operator")
            return
        operators = [key for key in expression if key in comparisons or key in LOGICAL]
        extra = CONDITION_EXTRA_KEYS if not workflow else ("value",)
        for key in expression:
            if key not in comparisons and key not in LOGICAL and key not in extra:
                self.add("error", _join(path, key), "condition-operator",
                         "unknown operator %r%s" % (key, _suggest(key, list(comparisons) + list(LOGICAL))))
        if len(operators) != 1:
            if operators or not any(key not in extra for key in expression):
                self.add("error", path, "condition",
                         "a condition needs exactly one operator, found %s" % (", ".join(operators) or "none"))
            return
        operator = operators[0]
        opath = _join(path, operator)
        if operator in ("and", "or"):
            children = expression[operator]
            if not isinstance(children, list) or not children:
                self.add("error", opath, "condition", "'%s' needs a list of conditions" % operator)
                return
            if workflow and len(children) > 10:
                self.add("error", opath, "condition", "'%s' takes at most 10 conditions in a workflow" % operator)
            for index, child in enumerate(children):
                self.condition(child, _join(opath, index), comparisons, False, workflow)
        elif operator == "not":
            child = expression[operator]
            if isinstance(child, list) and len(child) == 1:
                child = child[0]
            self.condition(child, opath, comparisons, False, workflow)
        else:
            needs_value = True if workflow else comparisons[operator]
            if needs_value and "value" not in expression:
                self.add("error", _join(path, "value"), "condition",
                         "%s compares against 'value', which is missing" % operator)
            elif needs_value is False and "value" in expression:
                self.add("warning", _join(path, "value"), "condition", "%s takes no 'value'; it is ignored" % operator)
            if operator.startswith("number") and "value" in expression and isinstance(expression["value"], str) \
                    and "{{" not in expression["value"] and not expression["value"].startswith("$."):
                try:
                    float(expression["value"])
                except ValueError:
                    self.add("warning", _join(path, "value"), "condition",
                             "%s compares numbers, but value %r is not a number" % (operator, expression["value"]))
            if workflow and operator == "booleanEquals" and not isinstance(expression[operator], bool):
                self.add("error", opath, "condition", "booleanEquals needs true or false, not %r" % (expression[operator],))

    def inputs(self, action, spec, step, path):
        ipath = _join(path, "inputs")
        if "inputs" not in step or step["inputs"] is None:
            if spec["inputs_required"]:
                self.add("error", ipath, "missing-inputs", "%s needs 'inputs' (%s)" % (action, self.describe_inputs(spec)))
            return
        inputs = step["inputs"]
        if spec["shape"] == "condition":
            self.condition(inputs, ipath, COMPARISONS)
            return
        if spec["shape"] == "list":
            if isinstance(inputs, dict):
                self.add("error", ipath, "inputs-shape",
                         "%s inputs are a list of mappings: write '- %s: ...' (a dash before the first key)"
                         % (action, (spec["required"] or ("path",))[0]))
                return
            if not isinstance(inputs, list) or not inputs:
                self.add("error", ipath, "inputs-shape", "%s inputs must be a non-empty list of mappings" % action)
                return
            for index, item in enumerate(inputs):
                self.input_mapping(action, spec, item, _join(ipath, index))
        else:
            if isinstance(inputs, list):
                self.add("error", ipath, "inputs-shape", "%s inputs are a mapping, not a list: remove the leading '-'" % action)
                return
            if not isinstance(inputs, dict):
                self.add("error", ipath, "inputs-shape", "%s inputs must be a mapping (%s)" % (action, self.describe_inputs(spec)))
                return
            self.input_mapping(action, spec, inputs, ipath)

    @staticmethod
    def describe_inputs(spec):
        return "required: %s" % ", ".join(spec["required"]) if spec["required"] else "all optional"

    def input_mapping(self, action, spec, item, path):
        if not isinstance(item, dict):
            self.add("error", path, "inputs-shape", "each %s input must be a mapping" % action)
            return
        for key in spec["required"]:
            if key not in item or item[key] is None or item[key] == "":
                self.add("error", _join(path, key), "missing-input", "%s needs '%s'" % (action, key))
        for key, value in item.items():
            kpath = _join(path, key)
            kind = spec["inputs"].get(key)
            if kind is None:
                self.add("warning", kpath, "unknown-input", "'%s' is not an input of %s%s (known: %s)"
                         % (key, action, _suggest(key, spec["inputs"]), ", ".join(sorted(spec["inputs"]))))
                continue
            self.input_value(action, key, kind, value, kpath)
        if action == "ExecutePowerShell" and ("commands" in item) == ("file" in item):
            self.add("error", path, "missing-input", "ExecutePowerShell needs exactly one of 'commands' or 'file'")
        if action == "WebDownload" and ("checksum" in item) != ("algorithm" in item):
            self.add("warning", path, "input-value", "WebDownload verifies a download only when both checksum and algorithm are set")
        if self.platform == "Windows" and action in ("CreateFile", "CreateFolder"):
            for key in OWNER_INPUTS:
                if key in item:
                    self.add("error", _join(path, key), "platform", "%s does not support '%s' on Windows" % (action, key))

    def input_value(self, action, key, kind, value, path):
        if value is None:
            return
        if kind == "list":
            if not isinstance(value, list):
                self.add("error", path, "input-type", "%s '%s' must be a list%s" % (
                    action, key, " of commands: write each command as '- ...' under it" if key == "commands" else ""))
                return
            if key == "commands" and not value:
                self.add("error", path, "input-type", "%s 'commands' is empty" % action)
            for index, entry in enumerate(value):
                if isinstance(entry, (dict, list)):
                    self.add("error", _join(path, index), "input-type",
                             "this %s entry parsed as a YAML %s, not a string: quote it (a ': ' or '- ' inside an unquoted "
                             "line starts a mapping or list)" % (key, "mapping" if isinstance(entry, dict) else "list"))
        elif kind == "string" and not _is_scalar(value):
            self.add("error", path, "input-type", "%s '%s' must be a string, not a %s" % (action, key, type(value).__name__))
        elif key == "permissions" and _is_int(value) and not self.from_text:
            # from text AWSTOE reads the mode as written; a parsed mapping has lost it (YAML 1.1 reads 0755 as 493)
            self.add("warning", path, "octal-permissions",
                     "permissions is the number %d, not a string: an unquoted mode such as 0755 becomes the octal number 493 "
                     "once parsed as YAML, so write the mode as a quoted string ('0755')" % value)
        elif kind == "boolean" and not (isinstance(value, bool) or str(value).lower() in ("true", "false")
                                        or "{{" in str(value)):
            self.add("error", path, "input-type", "%s '%s' must be true or false, not %r" % (action, key, value))
        elif kind == "integer" and not (_is_int(value) and value >= 0):
            self.add("error", path, "input-type", "%s '%s' must be a whole number of at least 0, not %r" % (action, key, value))
        elif kind == "map" and not isinstance(value, dict):
            self.add("error", path, "input-type", "%s '%s' must be a mapping of names to values" % (action, key))
        allowed = ENUMS.get((action, key))
        if allowed and isinstance(value, str) and "{{" not in value and value not in allowed:
            self.add("error", path, "input-value", "%s '%s' must be one of %s, not %r%s"
                     % (action, key, ", ".join(allowed), value, _suggest(value, allowed)))

    def reference(self, expression, path, phase_index, step_index, has_loop, loop_name):
        """Check one {{ ... }} expression found at path inside step phases[phase_index].steps[step_index]."""
        if re.match(r"^[A-Za-z0-9_-]+$", expression):
            if expression in self.variables:
                self.used_variables.add(expression)
            else:
                declared = ", ".join(sorted(self.variables)) or "none"
                self.add("error", path, "undeclared-variable",
                         "{{ %s }} refers to a parameter or constant that is not declared (declared: %s)%s"
                         % (expression, declared, _suggest(expression, self.variables)))
            return
        match = LOOP_REFERENCE.match(expression)
        if match:
            name = match.group(1)
            if not has_loop:
                self.add("warning", path, "loop-reference",
                         "{{ %s }} is only resolved inside a step that has a 'loop'; here it stays as written" % expression)
            elif name != "loop" and name != loop_name:
                self.add("error", path, "loop-reference",
                         "{{ %s }} names loop '%s', but this step's loop is %s" % (
                             expression, name, "named '%s'" % loop_name if loop_name else "unnamed (use {{ loop.%s }})"
                             % match.group(2)))
            return
        match = CHAIN.match(expression)
        if not match:
            return  # not an AWSTOE expression (for example Jinja or Go template text in a script)
        phase, step, section, index, variable = match.groups()
        if phase not in self.phase_index:
            self.add("error", path, "chaining", "{{ %s }} refers to phase '%s', which this document does not have%s"
                     % (expression, phase, _suggest(phase, self.phase_index)))
            return
        target_phase = self.phase_index[phase]
        names = [name for name, _step in self.steps[target_phase]]
        if step not in names:
            self.add("error", path, "chaining", "{{ %s }} refers to step '%s', which phase '%s' does not have%s"
                     % (expression, step, phase, _suggest(step, [name for name in names if isinstance(name, str)])))
            return
        target_index = names.index(step)
        current_name = self.phase_names[phase_index]
        current_stage = STAGE.get(current_name) if isinstance(current_name, str) else None
        outputs = section == "outputs"
        if target_phase > phase_index or (target_phase == phase_index and target_index > step_index):
            self.add("error", path, "chaining-order", "{{ %s }} refers to a step that runs later; a step can only use "
                     "the inputs and outputs of steps before it" % expression)
            return
        if target_phase == phase_index and target_index == step_index and outputs:
            self.add("error", path, "chaining-order", "{{ %s }} refers to the outputs of the step itself" % expression)
            return
        if current_stage and STAGE.get(phase) and STAGE[phase] != current_stage:
            if outputs:
                self.add("error", path, "chaining-stage",
                         "{{ %s }}: the %s phase runs in Image Builder's %s stage, on a different instance and AWSTOE run "
                         "than phase '%s' (%s stage), so those outputs are not available" % (
                             expression, current_name, current_stage, phase, STAGE[phase]))
                return
            self.add("warning", path, "chaining-stage", "{{ %s }} refers to a phase of Image Builder's %s stage from the %s stage"
                     % (expression, STAGE[phase], current_stage))
        target = self.steps[target_phase][target_index][1]
        action = target.get("action") if isinstance(target, dict) else None
        spec = ACTIONS.get(action) if isinstance(action, str) else None
        if spec is None:
            return
        if outputs:
            if variable and spec["outputs"] is not None and variable not in spec["outputs"]:
                self.add("warning", path, "chaining-output", "{{ %s }}: %s has %s" % (
                    expression, action, "outputs %s" % ", ".join(spec["outputs"]) if spec["outputs"] else "no outputs"))
            return
        inputs = target.get("inputs")
        if spec["shape"] == "list" and isinstance(inputs, list):
            if index is None:
                self.add("warning", path, "chaining-input", "{{ %s }}: %s inputs are a list; use inputs[N].name" % (expression, action))
            elif int(index) >= len(inputs):
                self.add("error", path, "chaining-input", "{{ %s }}: step '%s' has only %d input(s)" % (expression, step, len(inputs)))
            elif variable and isinstance(inputs[int(index)], dict) and variable not in inputs[int(index)]:
                self.add("warning", path, "chaining-input", "{{ %s }}: input %s of step '%s' has no '%s'" % (expression, index, step, variable))
        elif isinstance(inputs, dict) and variable and variable not in inputs:
            self.add("warning", path, "chaining-input", "{{ %s }}: the inputs of step '%s' have no '%s'" % (expression, step, variable))

    # --- workflows --------------------------------------------------------------------------------
    def workflow(self, document):
        self.unknown_keys(document, WORKFLOW_KEYS, "", "workflow document")
        parameters = {}
        if "parameters" in document:
            items = document["parameters"]
            if not isinstance(items, list):
                self.add("error", "parameters", "declaration", "'parameters' must be a list of '- name: ..., type: ...' mappings")
                items = []
            for index, item in enumerate(items):
                path = _join("parameters", index)
                if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                    self.add("error", path, "declaration",
                             "a workflow parameter is a mapping with 'name' and 'type' (components write '- Name: {...}')")
                    continue
                self.unknown_keys(item, ("name", "type", "default", "description"), path, "workflow parameter")
                name = item["name"]
                if name in parameters:
                    self.add("error", _join(path, "name"), "duplicate-variable", "parameter '%s' is declared twice" % name)
                parameters[name] = path
                ptype = item.get("type")
                if ptype not in WORKFLOW_PARAMETER_TYPES:
                    self.add("error", _join(path, "type"), "variable-type", "parameter type must be one of %s, not %r"
                             % (", ".join(WORKFLOW_PARAMETER_TYPES), ptype))
                elif "default" in item and not self.matches_type(item["default"], ptype):
                    self.add("error", _join(path, "default"), "variable-value",
                             "the default of '%s' is not a %s" % (name, ptype))
        self.workflow_parameters = parameters
        self.workflow_step_actions = {}
        steps = document.get("steps")
        if not isinstance(steps, list) or not steps:
            self.add("error", "steps", "steps", "'steps' must be a non-empty list of workflow steps")
            return
        if len(steps) > MAX_STEPS:
            self.add("error", "steps", "too-many-steps", "a workflow runs at most %d steps, this one has %d; split it into a build and "
                     "a test workflow, or drop steps" % (MAX_STEPS, len(steps)))
        seen = {}
        for index, step in enumerate(steps):
            path = _join("steps", index)
            if not isinstance(step, dict):
                self.add("error", path, "step-type", "a workflow step must be a mapping with 'name' and 'action'")
                continue
            self.workflow_step(step, path, seen)
            if isinstance(step.get("name"), str):
                self.workflow_step_actions.setdefault(step["name"], step.get("action"))
                if step["name"] in seen:
                    self.add("error", _join(path, "name"), "duplicate-step", "step name '%s' is already used by steps[%d]"
                             % (step["name"], seen[step["name"]]))
                else:
                    seen[step["name"]] = index
        outputs = document.get("outputs")
        if outputs is not None:
            if not isinstance(outputs, list):
                self.add("error", "outputs", "outputs", "'outputs' must be a list of '- name: ..., value: ...' mappings")
                return
            for index, output in enumerate(outputs):
                path = _join("outputs", index)
                if not isinstance(output, dict) or not isinstance(output.get("name"), str) or "value" not in output:
                    self.add("error", path, "outputs", "each output needs 'name' and 'value'")
                    continue
                self.workflow_references(output["value"], _join(path, "value"), seen)

    @staticmethod
    def matches_type(value, ptype):
        if ptype == "string":
            return _is_scalar(value)
        if ptype == "integer":
            return _is_int(value)
        if ptype == "boolean":
            return isinstance(value, bool)
        return isinstance(value, list) and all(_is_scalar(item) for item in value)

    def workflow_step(self, step, path, earlier):
        self.unknown_keys(step, WORKFLOW_STEP_KEYS, path, "workflow step")
        if not isinstance(step.get("name"), str) or not step.get("name"):
            self.add("error", _join(path, "name"), "required", "every workflow step needs a 'name'")
        elif not STEP_NAME.match(step["name"]):
            self.add("error", _join(path, "name"), "step-name", "step name %r must start with a letter and go on with 2 to 100 letters, "
                     "digits, '-' or '_' in all (%s)" % (step["name"], STEP_NAME.pattern))
        action = step.get("action")
        if not isinstance(action, str):
            action = repr(action)
        if action not in WORKFLOW_ACTIONS:
            hint = "; %s is an AWSTOE component action, used in component documents" % action if action in ACTIONS \
                else " (the action is called %r)" % ACTION_ALIASES[action] if action in ACTION_ALIASES \
                else _suggest(action, WORKFLOW_ACTIONS)
            self.add("error", _join(path, "action"), "unknown-action", "unknown workflow step action %r%s" % (action, hint))
        if "onFailure" in step and step["onFailure"] not in WORKFLOW_ON_FAILURE:
            self.add("error", _join(path, "onFailure"), "on-failure", "onFailure of a workflow step must be Abort or Continue, not %r"
                     % (step["onFailure"],))
        if "rollbackEnabled" in step and not isinstance(step["rollbackEnabled"], bool):
            self.add("error", _join(path, "rollbackEnabled"), "type", "rollbackEnabled must be true or false")
        if "timeoutSeconds" in step and not (_is_int(step["timeoutSeconds"]) and step["timeoutSeconds"] > 0):
            self.add("error", _join(path, "timeoutSeconds"), "timeout", "timeoutSeconds must be a positive whole number")
        if "if" in step:
            self.condition(step["if"], _join(path, "if"), WORKFLOW_COMPARISONS, workflow=True)
            self.workflow_references(step["if"], _join(path, "if"), earlier)
        inputs = step.get("inputs")
        ipath = _join(path, "inputs")
        if inputs is not None and not isinstance(inputs, dict):
            self.add("error", ipath, "inputs-shape", "workflow step inputs must be a mapping")
            return
        inputs = inputs or {}
        present = set(key[:-2] if key.endswith(".$") else key for key in inputs)
        for key in required_inputs(action):
            if key not in present:
                self.add("error", _join(ipath, key), "missing-input", "%s needs input '%s' (usually '%s.$: \"$.stepOutputs.<launch step>"
                         ".instanceId\"')" % (action, key, key) if key == "instanceId" else "%s needs input '%s'" % (action, key))
        self.json_paths(inputs, ipath, False)
        self.workflow_references(inputs, ipath, earlier)

    def json_paths(self, value, path, resolved):
        """Keys ending in '.$' take a JSONPath; a JSONPath under a plain key is passed on as literal text."""
        if isinstance(value, dict):
            for key, item in value.items():
                kpath = _join(path, key)
                if isinstance(key, str) and key.endswith(".$"):
                    values = item if isinstance(item, list) else [item]
                    if not values or not all(isinstance(entry, str) and entry.startswith("$.") for entry in values):
                        self.add("error", kpath, "json-path", "'%s' ends in '.$', so its value must be a JSONPath such as "
                                 "\"$.stepOutputs.Step.output\" or \"$.parameters.Name\"" % key)
                self.json_paths(item, kpath, resolved or (isinstance(key, str) and key.endswith(".$")))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.json_paths(item, _join(path, index), resolved)
        elif isinstance(value, str) and not resolved and WORKFLOW_REFERENCE.match(value.strip()):
            self.add("warning", path, "json-path", "this value looks like a JSONPath, but it is passed as literal text: "
                     "end its key with '.$' to have Image Builder resolve it")

    def workflow_references(self, value, path, earlier):
        for string_path, text in _strings(value, path):
            for kind, name, field in WORKFLOW_REFERENCE.findall(text):
                if kind == "parameters" and name not in self.workflow_parameters:
                    self.add("error", string_path, "undeclared-variable", "$.parameters.%s is not a declared workflow parameter%s"
                             % (name, _suggest(name, self.workflow_parameters)))
                elif kind == "stepOutputs" and name not in earlier:
                    self.add("error", string_path, "chaining-order", "$.stepOutputs.%s refers to a step that does not run before "
                             "this point%s" % (name, _suggest(name, earlier)))
                elif kind == "stepOutputs" and field:
                    action = self.workflow_step_actions.get(name)
                    known = WORKFLOW_OUTPUTS.get(action) if isinstance(action, str) else None
                    if known and field not in known:
                        self.add("warning", string_path, "chaining-output", "$.stepOutputs.%s.%s: %s has the outputs %s%s"
                                 % (name, field, action, ", ".join(known), _suggest(field, known)))


# --- JSON Schema (generated from the tables above) --------------------------------------------------
def _input_schema(kind):
    return {"string": {"type": ["string", "number"]}, "boolean": {"type": ["boolean", "string"]},
            "integer": {"type": "integer", "minimum": 0}, "list": {"type": "array"},
            "map": {"type": "object"}, "any": {}}[kind]


def json_schema():
    """A JSON Schema (draft-07) for component documents, built from the validator's tables.

    It covers the structural rules (shapes, required fields, enumerations, action inputs); the
    cross-references (chaining, declared variables, phase order, platform) need the validator.
    """
    step_rules = []
    for action in sorted(ACTIONS):
        spec = ACTIONS[action]
        if spec["shape"] == "condition":
            inputs = {"type": "object", "minProperties": 1}
        else:
            item = {"type": "object" if spec["inputs_required"] else ["object", "null"],
                    "properties": dict((key, _input_schema(kind)) for key, kind in sorted(spec["inputs"].items())),
                    "required": list(spec["required"])}
            if action == "ExecutePowerShell":
                item["oneOf"] = [{"required": ["commands"]}, {"required": ["file"]}]
            inputs = {"type": "array", "minItems": 1, "items": item} if spec["shape"] == "list" else item
        rule = {"if": {"properties": {"action": {"const": action}}, "required": ["action"]},
                "then": {"properties": {"inputs": inputs}}}
        if spec["inputs_required"]:
            rule["then"]["required"] = ["inputs"]
        step_rules.append(rule)
    variable = {"type": "object", "minProperties": 1, "maxProperties": 1,
                "propertyNames": {"pattern": VARIABLE_NAME.pattern},
                "additionalProperties": {"type": "object", "required": ["type"], "properties": {"type": {"const": "string"}}}}
    for_loop = {"type": "object", "required": ["start", "end", "updateBy"],
                "properties": {"start": {"type": "integer"}, "end": {"type": "integer"},
                               "updateBy": {"type": "integer", "not": {"const": 0}}}}
    for_each = {"oneOf": [{"type": "array", "minItems": 1, "items": {"type": ["string", "number"]}},
                          {"type": "object", "required": ["list"],
                           "properties": {"list": {"type": "string"}, "delimiter": {"enum": list(LOOP_DELIMITERS)}}}]}
    loop = {"type": "object", "oneOf": [{"required": ["for"]}, {"required": ["forEach"]}],
            "properties": {"name": {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"}, "for": for_loop, "forEach": for_each}}
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://github.com/amiforge/amiforge.imagebuilder/plugins/module_utils/component_document_schema.json",
        "title": "AWSTOE component document (EC2 Image Builder)",
        "description": "Generated by amiforge.imagebuilder component_document.json_schema(); the validator adds reference checks.",
        "type": "object",
        "required": ["schemaVersion", "phases"],
        "properties": {
            "name": {"type": "string"},
            "description": {"type": "string"},
            "schemaVersion": {"enum": [1.0, "1.0"]},
            "parameters": {"type": "array", "items": variable},
            "constants": {"type": "array", "items": dict(variable, additionalProperties={
                "type": "object", "required": ["type", "value"], "properties": {"type": {"const": "string"}}})},
            "phases": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/phase"}},
        },
        "definitions": {
            "phase": {"type": "object", "required": ["name", "steps"],
                      "properties": {"name": {"type": "string", "minLength": 1},
                                     "steps": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/step"}}}},
            "step": {"type": "object", "required": ["name", "action"], "allOf": step_rules,
                     "properties": {"name": {"type": "string", "minLength": 1}, "action": {"enum": sorted(ACTIONS)},
                                    "onFailure": {"enum": list(ON_FAILURE)}, "maxAttempts": {"type": "integer", "minimum": 1},
                                    "timeoutSeconds": {"anyOf": [{"const": -1}, {"type": "integer", "minimum": 1}]},
                                    "if": {"type": ["object", "array"]}, "loop": {"$ref": "#/definitions/loop"}}},
            "loop": loop,
        },
    }


# --- command line -----------------------------------------------------------------------------------
def main(argv=None, stdout=None):
    """Lint files; print 'file[:line]: severity: location: message'; exit 1 when any error is found."""
    import argparse
    stdout = stdout or sys.stdout
    parser = argparse.ArgumentParser(prog="component-lint", description="Validate EC2 Image Builder component and workflow documents.")
    parser.add_argument("files", nargs="*", metavar="FILE", help="YAML or JSON document ('-' for standard input)")
    parser.add_argument("--platform", choices=PLATFORMS, help="check platform fit (ExecuteBash needs Linux/macOS, ...)")
    parser.add_argument("--kind", choices=("component", "workflow"), help="default: detect from the top-level keys")
    parser.add_argument("--severity", choices=SEVERITIES, default="warning", help="lowest severity to print (default: warning)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--schema", action="store_true", help="print the JSON Schema for component documents and exit")
    options = parser.parse_args(argv)
    if options.schema:
        stdout.write(json.dumps(json_schema(), indent=2, sort_keys=True) + "\n")
        return 0
    if not options.files:
        parser.error("give at least one FILE (or --schema)")
    shown = SEVERITIES[:SEVERITIES.index(options.severity) + 1]
    failed = False
    report = {}
    for name in options.files:
        try:
            if name == "-":
                text = sys.stdin.read()
            else:
                with open(name, "rb") as handle:
                    text = handle.read().decode("utf-8", "replace")
        except (IOError, OSError) as exc:
            findings = [Finding("error", "", "cannot read the file: %s" % exc, "io")]
        else:
            findings = validate_document(text, platform=options.platform, kind=options.kind)
        failed = failed or has_errors(findings)
        findings = [finding for finding in findings if finding.severity in shown]
        report[name] = [finding.to_dict() for finding in findings]
        if options.format == "text":
            for finding in findings:
                where = "%s:%d" % (name, finding.line) if finding.line else name
                stdout.write("%s: %s: %s: %s\n" % (where, finding.severity, finding.path or "<document>", finding.message))
    if options.format == "json":
        stdout.write(json.dumps(report, indent=2, sort_keys=True) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
