"""Malformed documents made from valid corpus documents: each mutation must produce the specific
finding expected (severity, rule, path), and the untouched document must not have it.

CASES rows: (id, base, platform, mutation, (severity, rule, path), message fragment, schema)
- base: a key of BASES (a valid document of the corpus)
- mutation: a function that changes the parsed document in place, or a TEXT(...) edit of the YAML text
- schema: True when the JSON Schema alone must also reject the result (structural problems)
"""
import copy
import os

import pytest
import yaml

from ansible_collections.amiforge.imagebuilder.plugins.module_utils.component_document import validate_document

BASES = {
    # Linux component: parameters, Assert, `if` on chained outputs, CreateFolder and S3Download list inputs
    "linux": "aws-samples__amazon-ec2-image-builder-samples/"
             "CloudFormation__Linux__amazon-linux-2023-attestable-image__base-template.yaml__embedded-1.yml",
    # Windows component: parameters, WebDownload, a forEach loop over chained outputs, a validate phase
    "windows": "nhammadi__ec2-image-builder-components/components__elastic-agent-windows-component__component.yml",
    # Linux component: constants, long chains, CreateFile, build + validate
    "pcluster": "aws__aws-parallelcluster/cli__src__pcluster__resources__imagebuilder__parallelcluster.yaml",
    # Linux component with build, validate and test phases that reuse one step name
    "hello": "aws__aws-cdk/packages__@aws-cdk__aws-imagebuilder-alpha__test__integ.asset.component.ts.snapshot__asset."
             "bc0e810d66f3b8e9e6cfe276de3f128be221671559a8b6e657d1d97ace42bd52.yaml",
    # BUILD workflow
    "workflow": "aws__aws-cdk/packages__@aws-cdk__aws-imagebuilder-alpha__test__assets__workflow-data.yaml",
    # TEST workflow with a boolean parameter
    "testflow": "hashicorp__terraform-provider-aws/internal__service__imagebuilder__testdata__Workflow__basic__main_gen.tf__embedded-1.yml",
}
PLATFORMS = {"linux": "Linux", "windows": "Windows", "pcluster": "Linux", "hello": "Linux"}


class TEXT:
    """A mutation of the YAML text: replace old (must occur) with new, or set the whole text."""

    def __init__(self, old, new=None, whole=None):
        self.old, self.new, self.whole = old, new, whole

    def apply(self, text):
        if self.whole is not None:
            return self.whole
        assert self.old in text, "the base document changed: %r is gone" % self.old
        return text.replace(self.old, self.new, 1)


def step(document, phase, index):
    return document["phases"][phase]["steps"][index]


def commands(document, phase, index):
    return step(document, phase, index)["inputs"]["commands"]


def insert(phase, index, new_step):
    def mutate(document):
        document["phases"][phase]["steps"].insert(index, copy.deepcopy(new_step))
    return mutate


def setter(func):
    """Turn an expression-style lambda (returning anything) into a mutation."""
    return func


def _set(path_func, key, value):
    def mutate(document):
        path_func(document)[key] = value
    return mutate


def _del(path_func, key):
    def mutate(document):
        del path_func(document)[key]
    return mutate


def _steps(phase, index):
    return lambda document: step(document, phase, index)


def _wfstep(index):
    return lambda document: document["steps"][index]


def _root(document):
    return document


def _append_command(phase, index, text):
    def mutate(document):
        commands(document, phase, index).append(text)
    return mutate


P = "phases[%d].steps[%d]"
MSI = {"name": "InstallAgentMsi", "action": "InstallMSI", "inputs": {"path": "C:\\agent.msi", "reboot": "Never"}}
REGISTRY = {"name": "SetKey", "action": "SetRegistry",
            "inputs": [{"path": "HKLM:\\SOFTWARE\\Agent", "name": "Mode", "value": "x", "type": "STRING"}]}
REBOOT = {"name": "RebootNow", "action": "Reboot", "inputs": {"delaySeconds": -5}}
REBOOT_TIMEOUT = {"name": "RebootNow", "action": "Reboot", "timeoutSeconds": 60}
CHMOD = {"name": "Chmod", "action": "SetFilePermissions", "inputs": [{"path": "C:\\agent", "permissions": "0755"}]}
OWNED_FOLDER = {"name": "MakeDir", "action": "CreateFolder", "inputs": [{"path": "C:\\agent", "owner": "Administrator"}]}
PS_STEP = {"name": "PowerShellStep", "action": "ExecutePowerShell", "inputs": {"commands": ["Write-Host hi"]}}
BASH_STEP = {"name": "BashStep", "action": "ExecuteBash", "inputs": {"commands": ["echo hi"]}}
LOOP_STEP = {"name": "LoopStep", "action": "ExecuteBash", "loop": {"name": "files", "forEach": ["a", "b"]},
             "inputs": {"commands": ["echo {{ files.value }}"]}}


def _loop(loop):
    def mutate(document):
        step(document, 0, 0)["loop"] = loop
    return mutate


def _and_of(count):
    def mutate(document):
        document["steps"][2]["if"] = {"and": [{"stringEquals": "AMI", "value": "$.imagebuilder.imageType"}] * count}
    return mutate


CASES = [
    # --- document structure -----------------------------------------------------------------------
    ("missing-schema-version", "hello", _del(_root, "schemaVersion"), ("error", "required", "schemaVersion"), "schemaVersion", True),
    ("schema-version-2", "hello", _set(_root, "schemaVersion", 2.0), ("error", "schema-version", "schemaVersion"), "1.0", True),
    ("schema-version-int", "hello", _set(_root, "schemaVersion", 1), ("error", "schema-version", "schemaVersion"), "1.0", False),
    ("phases-missing", "hello", _del(_root, "phases"), ("error", "document-kind", ""), "neither", True),
    ("phases-empty", "hello", _set(_root, "phases", []), ("error", "phases", "phases"), "non-empty", True),
    ("phase-without-steps", "hello", lambda d: d["phases"][0].pop("steps"), ("error", "steps", "phases[0].steps"), "steps", True),
    ("phase-steps-empty", "hello", lambda d: d["phases"][1].update(steps=[]), ("error", "steps", "phases[1].steps"), "non-empty", True),
    ("duplicate-phase", "windows", lambda d: d["phases"][1].update(name="build"),
     ("error", "duplicate-phase", "phases[1].name"), "unique", False),
    ("phase-name-typo", "hello", lambda d: d["phases"][1].update(name="valdiate"),
     ("warning", "phase-name", "phases[1].name"), "did you mean 'validate'", False),
    ("no-runnable-phase", "hello", lambda d: [phase.update(name=phase["name"] + "-stage") for phase in d["phases"]],
     ("error", "no-runnable-phase", "phases"), "at least one", False),
    ("not-a-mapping", "hello", TEXT(None, whole="- name: build\n  steps: []\n"), ("error", "document-type", ""), "mapping", True),
    ("empty-document", "hello", TEXT(None, whole="# nothing here\n"), ("error", "document-type", ""), "empty", True),
    ("ssm-document", "hello", TEXT(None, whole="schemaVersion: '2.2'\nmainSteps:\n- action: aws:runShellScript\n  name: x\n"),
     ("error", "ssm-document", ""), "Systems Manager", False),
    ("unknown-top-level-key", "hello", _set(_root, "version", "1.0.0"), ("warning", "unknown-key", "version"), "not a component", False),
    # --- steps --------------------------------------------------------------------------------------
    ("duplicate-step", "linux", lambda d: step(d, 0, 5).update(name="CheckRecipeType"),
     ("error", "duplicate-step", P % (0, 5) + ".name"), "steps[1]", False),
    ("step-without-name", "linux", _del(_steps(0, 3), "name"), ("error", "required", P % (0, 3) + ".name"), "name", True),
    ("step-without-action", "linux", _del(_steps(0, 3), "action"), ("error", "required", P % (0, 3) + ".action"), "action", True),
    ("unknown-action", "linux", _set(_steps(0, 3), "action", "ExecuteShell"), ("error", "unknown-action", P % (0, 3) + ".action"),
     "ExecuteShell", True),
    ("action-case", "linux", _set(_steps(0, 3), "action", "executebash"), ("error", "unknown-action", P % (0, 3) + ".action"),
     "case-sensitive", True),
    ("workflow-action-in-component", "linux", _set(_steps(0, 3), "action", "LaunchInstance"),
     ("error", "unknown-action", P % (0, 3) + ".action"), "workflow step action", True),
    ("ssm-action-in-component", "linux", _set(_steps(0, 3), "action", "aws:runShellScript"),
     ("error", "unknown-action", P % (0, 3) + ".action"), "Systems Manager", True),
    ("missing-inputs", "linux", _del(_steps(0, 3), "inputs"), ("error", "missing-inputs", P % (0, 3) + ".inputs"), "commands", True),
    ("null-inputs", "linux", _set(_steps(0, 7), "inputs", None), ("error", "missing-inputs", P % (0, 7) + ".inputs"),
     "S3Download needs", True),
    ("missing-commands", "linux", _set(_steps(0, 3), "inputs", {}), ("error", "missing-input", P % (0, 3) + ".inputs.commands"),
     "commands", True),
    ("commands-string", "linux", lambda d: step(d, 0, 3)["inputs"].update(commands="dnf install -y kiwi"),
     ("error", "input-type", P % (0, 3) + ".inputs.commands"), "list", True),
    ("command-parsed-as-mapping", "pcluster", TEXT("            - |\n              set -v\n              echo ${AWS::Region}",
                                                   "            - echo region: ${AWS::Region}"),
     ("error", "input-type", P % (0, 0) + ".inputs.commands[0]"), "quote it", False),
    ("list-inputs-as-mapping", "linux", lambda d: step(d, 0, 7).update(inputs=step(d, 0, 7)["inputs"][0]),
     ("error", "inputs-shape", P % (0, 7) + ".inputs"), "list of mappings", True),
    ("s3download-missing-destination", "linux", lambda d: step(d, 0, 7)["inputs"][0].pop("destination"),
     ("error", "missing-input", P % (0, 7) + ".inputs[0].destination"), "destination", True),
    ("map-inputs-as-list", "linux", lambda d: step(d, 0, 3).update(inputs=[step(d, 0, 3)["inputs"]]),
     ("error", "inputs-shape", P % (0, 3) + ".inputs"), "remove the leading '-'", True),
    ("input-typo", "windows", lambda d: step(d, 0, 1)["inputs"][0].update(destinaton=step(d, 0, 1)["inputs"][0].pop("destination")),
     ("warning", "unknown-input", P % (0, 1) + ".inputs[0].destinaton"), "did you mean 'destination'", False),
    ("powershell-commands-and-file", "windows", lambda d: step(d, 0, 0)["inputs"].update(file="C:\\x.ps1"),
     ("error", "missing-input", P % (0, 0) + ".inputs"), "exactly one", True),
    ("msi-reboot-value", "windows", insert(0, 3, MSI), ("error", "input-value", P % (0, 3) + ".inputs.reboot"), "Allow", False),
    ("registry-type", "windows", insert(0, 3, REGISTRY), ("error", "input-value", P % (0, 3) + ".inputs[0].type"), "DWORD", False),
    ("webdownload-overwrite-word", "windows", lambda d: step(d, 0, 1)["inputs"][0].update(overwrite="yes please"),
     ("error", "input-type", P % (0, 1) + ".inputs[0].overwrite"), "true or false", False),
    ("reboot-negative-delay", "linux", insert(0, 3, REBOOT), ("error", "input-type", P % (0, 3) + ".inputs.delaySeconds"),
     "at least 0", True),
    ("reboot-timeout", "linux", insert(0, 3, REBOOT_TIMEOUT), ("warning", "timeout", P % (0, 3) + ".timeoutSeconds"), "Reboot", False),
    ("on-failure-unknown", "windows", _set(_steps(0, 3), "onFailure", "Stop"), ("error", "on-failure", P % (0, 3) + ".onFailure"),
     "Abort, Continue, Ignore", True),
    ("on-failure-case", "windows", _set(_steps(0, 3), "onFailure", "abort"), ("error", "on-failure", P % (0, 3) + ".onFailure"),
     "did you mean 'Abort'", True),
    ("max-attempts-zero", "windows", _set(_steps(0, 3), "maxAttempts", 0), ("error", "max-attempts", P % (0, 3) + ".maxAttempts"),
     "at least 1", True),
    ("max-attempts-string", "windows", _set(_steps(0, 3), "maxAttempts", "3"), ("error", "max-attempts", P % (0, 3) + ".maxAttempts"),
     "whole number", True),
    ("timeout-zero", "windows", _set(_steps(0, 3), "timeoutSeconds", 0), ("error", "timeout", P % (0, 3) + ".timeoutSeconds"),
     "-1", True),
    ("timeout-negative", "windows", _set(_steps(0, 3), "timeoutSeconds", -5), ("error", "timeout", P % (0, 3) + ".timeoutSeconds"),
     "-1", True),
    ("unknown-step-key", "windows", _set(_steps(0, 3), "retries", 3), ("warning", "unknown-key", P % (0, 3) + ".retries"),
     "not a step field", False),
    # --- chaining -----------------------------------------------------------------------------------
    ("chain-to-later-step", "linux", _append_command(0, 1, "echo '{{ build.TempDir.outputs.stdout }}'"),
     ("error", "chaining-order", P % (0, 1) + ".inputs.commands[1]"), "runs later", False),
    ("chain-to-missing-step", "pcluster", _append_command(0, 2, "echo '{{ build.CookbookURL.outputs.stdout }}'"),
     ("error", "chaining", P % (0, 2) + ".inputs.commands[1]"), "did you mean 'CookbookUrl'", False),
    ("chain-to-missing-phase", "pcluster", _append_command(0, 2, "echo '{{ deploy.AWSRegion.outputs.stdout }}'"),
     ("error", "chaining", P % (0, 2) + ".inputs.commands[1]"), "phase 'deploy'", False),
    ("chain-to-itself", "pcluster", _append_command(0, 2, "echo '{{ build.CookbookUrl.outputs.stdout }}'"),
     ("error", "chaining-order", P % (0, 2) + ".inputs.commands[1]"), "itself", False),
    ("chain-test-to-build", "hello", _append_command(2, 0, "echo '{{ build.HelloWorldStep.outputs.stdout }}'"),
     ("error", "chaining-stage", P % (2, 0) + ".inputs.commands[1]"), "not available", False),
    ("chain-build-to-validate", "hello", _append_command(0, 0, "echo '{{ validate.HelloWorldStep.outputs.stdout }}'"),
     ("error", "chaining-order", P % (0, 0) + ".inputs.commands[1]"), "runs later", False),
    ("chain-output-of-download", "linux", _append_command(0, 8, "echo '{{ build.DownloadRecipe.outputs.stdout }}'"),
     ("warning", "chaining-output", P % (0, 8) + ".inputs.commands[1]"), "no outputs", False),
    ("chain-input-index", "linux", _append_command(0, 8, "echo '{{ build.DownloadRecipe.inputs[3].source }}'"),
     ("error", "chaining-input", P % (0, 8) + ".inputs.commands[1]"), "only 1 input", False),
    ("chain-in-if-to-later-step", "linux", lambda d: step(d, 0, 4)["if"].update(value="{{ build.SetRecipePath.outputs.stdout }}"),
     ("error", "chaining-order", P % (0, 4) + ".if.value"), "runs later", False),
    # --- parameters and constants ---------------------------------------------------------------------
    ("undeclared-parameter", "linux", lambda d: step(d, 0, 10)["if"].update(value="{{ IncludePcrMeasurement }}"),
     ("error", "undeclared-variable", P % (0, 10) + ".if.value"), "did you mean 'IncludePcrMeasurements'", False),
    ("undeclared-constant", "pcluster", TEXT("bash -s -- -v {{ ChefVersion }}", "bash -s -- -v {{ CincVersion }}"),
     ("error", "undeclared-variable", P % (0, 10) + ".inputs.commands[0]"), "CincVersion", False),
    ("parameter-type", "linux", lambda d: d["parameters"][0]["RecipeSource"].update(type="integer"),
     ("error", "variable-type", "parameters[0].RecipeSource.type"), "'string'", True),
    ("parameter-without-type", "linux", lambda d: d["parameters"][0]["RecipeSource"].pop("type"),
     ("error", "required", "parameters[0].RecipeSource.type"), "type", True),
    ("parameter-name-too-short", "windows", lambda d: d["parameters"].append({"ab": {"type": "string"}}),
     ("error", "variable-name", "parameters[3].ab"), "3-128", True),
    ("parameter-and-constant-clash", "windows", _set(_root, "constants", [{"Source": {"type": "string", "value": "x"}}]),
     ("error", "duplicate-variable", "constants[0].Source"), "one namespace", False),
    ("constant-without-value", "pcluster", lambda d: d["constants"][0]["ChefVersion"].pop("value"),
     ("error", "required", "constants[0].ChefVersion.value"), "value", True),
    ("parameters-mapping", "windows", lambda d: d.update(parameters={"Source": {"type": "string"}}),
     ("error", "declaration", "parameters"), "list", True),
    ("workflow-style-parameter", "windows", lambda d: d["parameters"].append({"name": "Extra", "type": "string"}),
     ("error", "declaration", "parameters[3]"), "workflow form", True),
    # --- loops ----------------------------------------------------------------------------------------
    ("loop-for-and-foreach", "hello", _loop({"for": {"start": 1, "end": 2, "updateBy": 1}, "forEach": ["a"]}),
     ("error", "loop", P % (0, 0) + ".loop"), "exactly one", True),
    ("loop-update-zero", "hello", _loop({"for": {"start": 1, "end": 5, "updateBy": 0}}),
     ("error", "loop", P % (0, 0) + ".loop.for.updateBy"), "never end", True),
    ("loop-infinite", "hello", _loop({"for": {"start": 1, "end": 10, "updateBy": -1}}),
     ("error", "loop", P % (0, 0) + ".loop.for.updateBy"), "never reach", False),
    ("loop-for-chaining", "hello", _loop({"for": {"start": 1, "end": "{{ Count }}", "updateBy": 1}}),
     ("error", "loop", P % (0, 0) + ".loop.for.end"), "whole number", True),
    ("loop-delimiter", "hello", _loop({"forEach": {"list": "a||b", "delimiter": "||"}}),
     ("error", "loop", P % (0, 0) + ".loop.forEach.delimiter"), "one character", True),
    ("loop-foreach-empty", "hello", _loop({"forEach": []}), ("error", "loop", P % (0, 0) + ".loop.forEach"), "at least one", True),
    ("loop-foreach-mapping-item", "hello", _loop({"forEach": [{"a": "b"}]}),
     ("error", "loop", P % (0, 0) + ".loop.forEach[0]"), "quote", True),
    ("loop-name-mismatch", "hello", insert(0, 1, dict(LOOP_STEP, inputs={"commands": ["echo {{ file.value }}"]})),
     ("error", "loop-reference", P % (0, 1) + ".inputs.commands[0]"), "named 'files'", False),
    ("loop-value-outside-loop", "hello", _append_command(0, 0, "echo {{ loop.value }}"),
     ("warning", "loop-reference", P % (0, 0) + ".inputs.commands[1]"), "only resolved inside", False),
    ("duplicate-loop-name", "hello", lambda d: d["phases"][0]["steps"].extend(
        [copy.deepcopy(LOOP_STEP), dict(copy.deepcopy(LOOP_STEP), name="LoopStep2")]),
     ("error", "duplicate-loop", P % (0, 2) + ".loop.name"), "unique", False),
    # --- conditions -----------------------------------------------------------------------------------
    ("if-unknown-operator", "linux", lambda d: step(d, 0, 4)["if"].update(stringEqual=step(d, 0, 4)["if"].pop("stringEquals")),
     ("error", "condition-operator", P % (0, 4) + ".if.stringEqual"), "did you mean 'stringEquals'", False),
    ("if-missing-value", "linux", lambda d: step(d, 0, 4)["if"].pop("value"), ("error", "condition", P % (0, 4) + ".if.value"),
     "missing", False),
    ("if-two-operators", "linux", lambda d: step(d, 0, 4)["if"].update(fileExists="/etc/os-release"),
     ("error", "condition", P % (0, 4) + ".if"), "exactly one", False),
    ("if-and-not-a-list", "linux", lambda d: step(d, 0, 4).update({"if": {"and": {"fileExists": "/x"}}}),
     ("error", "condition", P % (0, 4) + ".if.and"), "list", False),
    ("assert-unknown-operator", "linux", lambda d: step(d, 0, 2)["inputs"].update(patternMatch=step(d, 0, 2)["inputs"].pop("patternMatches")),
     ("error", "condition-operator", P % (0, 2) + ".inputs.patternMatch"), "did you mean 'patternMatches'", False),
    # --- platform fit ---------------------------------------------------------------------------------
    ("powershell-on-linux", "linux", insert(0, 3, PS_STEP), ("error", "platform", P % (0, 3) + ".action"), "Windows", False),
    ("bash-on-windows", "windows", insert(0, 3, BASH_STEP), ("error", "platform", P % (0, 3) + ".action"), "Linux, macOS", False),
    ("permissions-on-windows", "windows", insert(0, 3, CHMOD), ("error", "platform", P % (0, 3) + ".action"), "Windows", False),
    ("folder-owner-on-windows", "windows", insert(0, 3, OWNED_FOLDER), ("error", "platform", P % (0, 3) + ".inputs[0].owner"),
     "owner", False),
    ("msi-on-linux", "linux", insert(0, 3, dict(MSI, inputs={"path": "/tmp/x.msi"})), ("error", "platform", P % (0, 3) + ".action"),
     "Windows", False),
    # --- YAML -----------------------------------------------------------------------------------------
    ("yaml-unclosed-quote", "hello", TEXT("- echo \"Hello World! Test.\"", "- \"echo Hello World! Test."),
     ("error", "yaml-syntax", ""), "invalid YAML at line", False),
    ("yaml-tab-indent", "hello", TEXT("    steps:\n      - name: HelloWorldStep", "    steps:\n\t- name: HelloWorldStep"),
     ("error", "yaml-syntax", ""), "invalid YAML", False),
    ("yaml-unquoted-expression", "windows", TEXT("- source: '{{ Source }}'", "- source: {{ Source }}"),
     ("error", "yaml-syntax", ""), "must be quoted", False),
    ("yaml-bad-indent", "hello", TEXT("        action: ExecuteBash", "       action: ExecuteBash"),
     ("error", "yaml-syntax", ""), "line 9", False),
    ("yaml-duplicate-key", "hello", TEXT("        action: ExecuteBash\n", "        action: ExecuteBash\n        action: ExecuteBinary\n"),
     ("error", "duplicate-key", ""), "duplicate key 'action' at line 10", False),
    ("yaml-duplicate-inputs", "windows", TEXT("        inputs:\n", "        inputs: {}\n        inputs:\n"),
     ("error", "duplicate-key", ""), "duplicate key 'inputs'", False),
    # --- workflows ------------------------------------------------------------------------------------
    ("workflow-unknown-action", "workflow", _set(_wfstep(0), "action", "LaunchInstances"),
     ("error", "unknown-action", "steps[0].action"), "did you mean 'LaunchInstance'", False),
    ("workflow-component-action", "workflow", _set(_wfstep(1), "action", "ExecuteBash"),
     ("error", "unknown-action", "steps[1].action"), "AWSTOE component action", False),
    ("workflow-duplicate-step", "workflow", lambda d: d["steps"][2].update(name="ApplyBuildComponents"),
     ("error", "duplicate-step", "steps[2].name"), "steps[1]", False),
    ("workflow-chain-to-later-step", "workflow", lambda d: d["steps"][1]["inputs"].update(
        {"instanceId.$": "$.stepOutputs.CreateOutputAMI.imageId"}),
     ("error", "chaining-order", "steps[1].inputs.instanceId.$"), "does not run before", False),
    ("workflow-output-to-missing-step", "workflow", lambda d: d["outputs"][0].update(value="$.stepOutputs.CreateAMI.imageId"),
     ("error", "chaining-order", "outputs[0].value"), "did you mean 'CreateOutputAMI'", False),
    ("workflow-undeclared-parameter", "testflow", lambda d: d["steps"][2]["if"].update(value="$.parameters.waitForAction"),
     ("error", "undeclared-variable", "steps[2].if.value"), "did you mean 'waitForActionAtEnd'", False),
    ("workflow-on-failure-ignore", "workflow", _set(_wfstep(6), "onFailure", "Ignore"),
     ("error", "on-failure", "steps[6].onFailure"), "Abort or Continue", False),
    ("workflow-missing-instance-id", "workflow", lambda d: d["steps"][6].update(inputs={}),
     ("error", "missing-input", "steps[6].inputs.instanceId"), "instanceId.$", False),
    ("workflow-json-path-literal", "workflow", lambda d: d["steps"][6].update(inputs={"instanceId.$": "i-0123456789"}),
     ("error", "json-path", "steps[6].inputs.instanceId.$"), "JSONPath", False),
    ("workflow-json-path-without-suffix", "workflow", lambda d: d["steps"][6].update(
        inputs={"instanceId": "$.stepOutputs.LaunchBuildInstance.instanceId"}),
     ("warning", "json-path", "steps[6].inputs.instanceId"), "'.$'", False),
    ("workflow-output-typo", "workflow", lambda d: d["steps"][1]["inputs"].update({"instanceId.$": "$.stepOutputs.LaunchBuildInstance.instanceID"}),
     ("warning", "chaining-output", "steps[1].inputs.instanceId.$"), "did you mean 'instanceId'", False),
    ("workflow-parameter-type", "testflow", lambda d: d["parameters"][0].update(type="bool"),
     ("error", "variable-type", "parameters[0].type"), "boolean", False),
    ("workflow-parameter-default", "testflow", lambda d: d["parameters"][0].update(default="yes"),
     ("error", "variable-value", "parameters[0].default"), "boolean", False),
    ("workflow-boolean-equals-string", "testflow", lambda d: d["steps"][2]["if"].update(booleanEquals="true"),
     ("error", "condition", "steps[2].if.booleanEquals"), "true or false", False),
    ("workflow-component-operator", "testflow", lambda d: d["steps"][2].update({"if": {"fileExists": "/x"}}),
     ("error", "condition-operator", "steps[2].if.fileExists"), "unknown operator", False),
    ("workflow-too-many-branches", "workflow", _and_of(11), ("error", "condition", "steps[2].if.and"), "at most 10", False),
    ("workflow-component-parameter-form", "testflow", lambda d: d.update(parameters=[{"waitForActionAtEnd": {"type": "boolean"}}]),
     ("error", "declaration", "parameters[0]"), "name", False),
]
CASE_IDS = [case[0] for case in CASES]


def load_base(corpus_dir, base):
    with open(os.path.join(corpus_dir, BASES[base]), encoding="utf-8") as handle:
        return handle.read()


def build_case(corpus_dir, base, mutation):
    """The mutated document: text for TEXT mutations, else a parsed mapping."""
    text = load_base(corpus_dir, base)
    if isinstance(mutation, TEXT):
        return mutation.apply(text)
    document = yaml.safe_load(text)
    mutation(document)
    return document


def kind_of(base):
    return "workflow" if base in ("workflow", "testflow") else None


def test_there_are_at_least_sixty_cases():
    assert len(CASES) >= 60
    assert len(set(CASE_IDS)) == len(CASE_IDS)


@pytest.mark.parametrize("case_id,base,mutation,expected,fragment,schema", CASES, ids=CASE_IDS)
def test_malformed_document(corpus_dir, case_id, base, mutation, expected, fragment, schema):
    platform = PLATFORMS.get(base)
    original = validate_document(load_base(corpus_dir, base), platform=platform)
    assert not [finding for finding in original if finding.severity == "error"], "base %s must be valid" % base
    findings = validate_document(build_case(corpus_dir, base, mutation), platform=platform)
    matches = [finding for finding in findings if (finding.severity, finding.rule, finding.path) == expected]
    assert matches, "%s: expected %s, got:\n%s" % (case_id, expected, "\n".join(str(finding) for finding in findings))
    assert any(fragment in finding.message for finding in matches), [finding.message for finding in matches]
    before = [(finding.severity, finding.rule, finding.path) for finding in original]
    assert expected not in before
