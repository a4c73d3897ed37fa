"""The API the component/workflow modules and the filter code against, the command-line entry point,
and robustness: no input makes the validator raise."""
import copy
import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from ansible_collections.amiforge.imagebuilder.plugins.module_utils import component_document
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.component_document import Finding, validate_document
from tests.conftest import COLLECTIONS
from tests.unit.component_document.test_corpus_verdicts import VERDICTS

GOOD = """\
name: Hello
schemaVersion: 1.0
parameters:
  - Greeting:
      type: string
      default: hello
phases:
  - name: build
    steps:
      - name: Say
        action: ExecuteBash
        inputs:
          commands:
            - echo '{{ Greeting }}'
      - name: Repeat
        action: ExecuteBash
        inputs:
          commands:
            - echo '{{ build.Say.outputs.stdout }}'
"""
BAD = GOOD.replace("{{ build.Say.outputs.stdout }}", "{{ build.Later.outputs.stdout }}")


def test_finding_fields_and_dict():
    finding = validate_document(BAD, platform="Linux")[0]
    assert isinstance(finding, Finding)
    assert finding.to_dict() == {"severity": "error", "path": "phases[0].steps[1].inputs.commands[0]",
                                 "message": finding.message, "rule": "chaining", "line": 19}
    assert "Later" in finding.message
    assert str(finding).startswith("error: phases[0].steps[1].inputs.commands[0]: ")


def test_good_document_text_and_mapping():
    assert validate_document(GOOD, platform="Linux", kind="component") == []
    assert validate_document(yaml.safe_load(GOOD), platform="Linux") == []
    assert validate_document(GOOD.encode("utf-8"), platform="macOS") == []


def test_platform_and_kind_are_checked():
    with pytest.raises(ValueError):
        validate_document(GOOD, platform="linux")
    with pytest.raises(ValueError):
        validate_document(GOOD, kind="recipe")
    findings = validate_document(GOOD, platform="Windows")
    assert [(f.rule, f.path) for f in findings if f.severity == "error"] == [
        ("platform", "phases[0].steps[0].action"), ("platform", "phases[0].steps[1].action")]


def test_invalid_yaml_is_a_finding_not_an_exception():
    findings = validate_document("phases: [\n", platform="Linux")
    assert [(f.severity, f.rule, f.path) for f in findings] == [("error", "yaml-syntax", "")]
    assert "line" in findings[0].message


def test_lines_point_into_the_text():
    text = GOOD.replace("action: ExecuteBash\n        inputs:\n          commands:\n            - echo '{{ build",
                        "action: ExecuteBash\n        onFailure: Stop\n        inputs:\n          commands:\n            - echo '{{ build")
    findings = validate_document(text.replace("{{ build.Say", "{{ build.Later"), platform="Linux")
    assert [(f.path, f.line) for f in findings] == [("phases[0].steps[1].onFailure", 17), ("phases[0].steps[1].inputs.commands[0]", 20)]
    assert validate_document(yaml.safe_load(text), platform="Linux")[0].line is None
    syntax = validate_document(GOOD + "oops: [\n")
    assert syntax[0].rule == "yaml-syntax" and syntax[0].line == 21


def test_octal_permissions_only_matter_once_parsed():
    text = GOOD.replace("      - name: Repeat", "      - name: Private\n        action: CreateFolder\n        inputs:\n"
                        "          - path: /opt/app\n            permissions: 0750\n      - name: Repeat")
    assert validate_document(text, platform="Linux") == []
    findings = validate_document(yaml.safe_load(text), platform="Linux")
    assert [(f.severity, f.rule, f.path) for f in findings] == [("warning", "octal-permissions", "phases[0].steps[1].inputs[0].permissions")]
    assert "488" in findings[0].message


def test_wrong_kind_is_reported():
    findings = validate_document(GOOD, kind="workflow")
    assert [(f.severity, f.rule) for f in findings] == [("error", "document-kind")]


def _mutations(value):
    """Every way of replacing one node of value by an odd value."""
    odd = (None, 7, True, "text", [], {}, [None], {"x": None})
    if isinstance(value, dict):
        for key in list(value):
            for replacement in odd:
                yield lambda doc, key=key, replacement=replacement: doc.__setitem__(key, replacement)
            for inner in _mutations(value[key]):
                yield lambda doc, key=key, inner=inner: inner(doc[key])
    elif isinstance(value, list):
        for index in range(len(value)):
            for replacement in odd:
                yield lambda doc, index=index, replacement=replacement: doc.__setitem__(index, replacement)
            for inner in _mutations(value[index]):
                yield lambda doc, index=index, inner=inner: inner(doc[index])


@pytest.mark.parametrize("name", ["aws-samples__amazon-ec2-image-builder-samples/CloudFormation__Linux__amazon-linux-2023-attestable-"
                                  "image__base-template.yaml__embedded-1.yml",
                                  "aws__aws-cdk/packages__@aws-cdk__aws-imagebuilder-alpha__test__assets__workflow-data.yaml",
                                  "nhammadi__ec2-image-builder-components/components__elastic-agent-windows-component__component.yml"])
def test_never_raises_on_odd_values(corpus_dir, name):
    with open(os.path.join(corpus_dir, name), encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    count = 0
    for mutate in _mutations(document):
        changed = copy.deepcopy(document)
        mutate(changed)
        for platform in (None, "Windows"):
            findings = validate_document(changed, platform=platform)
            assert all(f.severity in ("error", "warning", "info") and isinstance(f.path, str) for f in findings)
        count += 1
    assert count > 500


def _cli(*args, stdin=None):
    env = dict(os.environ, PYTHONPATH=COLLECTIONS)
    module = "ansible_collections.amiforge.imagebuilder.plugins.module_utils.component_document"
    return subprocess.run([sys.executable, "-m", module] + list(args), input=stdin, capture_output=True, text=True, env=env,
                          check=False, timeout=60)


def test_cli_exit_codes_and_format(tmp_path):
    good, bad = tmp_path / "good.yml", tmp_path / "bad.yml"
    good.write_text(GOOD)
    bad.write_text(BAD)
    result = _cli(str(good), "--platform", "Linux")
    assert (result.returncode, result.stdout) == (0, "")
    result = _cli(str(good), str(bad), "--platform", "Linux")
    assert result.returncode == 1
    assert result.stdout.startswith("%s:19: error: phases[0].steps[1].inputs.commands[0]: " % bad)
    result = _cli("--format", "json", str(bad))
    assert json.loads(result.stdout)[str(bad)][0]["rule"] == "chaining"
    result = _cli("-", stdin="schemaVersion: 1.0\nphases: {}\n")
    assert result.returncode == 1 and "-:2: error: phases: " in result.stdout


def test_cli_on_the_corpus(corpus_dir):
    files = [os.path.join(corpus_dir, entry[0]) for entry in VERDICTS]
    result = _cli("--severity", "error", *files)
    failing = sorted(set(re.match(r"^(.*?)(?::\d+)?: error: ", line).group(1) for line in result.stdout.splitlines()))
    expected = sorted(os.path.join(corpus_dir, entry[0]) for entry in VERDICTS if any(e[0] == "error" for e in entry[2]))
    assert (result.returncode, failing) == (1, expected)


def test_cli_prints_the_schema():
    result = _cli("--schema")
    assert result.returncode == 0
    assert json.loads(result.stdout) == component_document.json_schema()
