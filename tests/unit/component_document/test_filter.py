"""The amiforge.imagebuilder.component_lint filter and valid_component_document test, called directly
and from a real playbook run."""
import json
import os
import subprocess
import sys

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.amiforge.imagebuilder.plugins.filter.component_lint import FilterModule
from ansible_collections.amiforge.imagebuilder.plugins.test.valid_component_document import TestModule as ComponentTests
from tests.conftest import COLLECTIONS, ROOT
from tests.unit.component_document.test_api import BAD, GOOD

LINT = FilterModule().filters()["component_lint"]
VALID = ComponentTests().tests()["valid_component_document"]


def test_filter_returns_finding_dicts():
    assert LINT(GOOD, platform="Linux") == []
    findings = LINT(BAD, platform="Linux")
    assert [(f["severity"], f["rule"], f["path"]) for f in findings] == [
        ("error", "chaining", "phases[0].steps[1].inputs.commands[0]")]
    assert [f["rule"] for f in LINT(GOOD, platform="Windows", min_severity="error")] == ["platform", "platform"]
    with pytest.raises(AnsibleFilterError):
        LINT(GOOD, platform="Solaris")
    with pytest.raises(AnsibleFilterError):
        LINT(GOOD, min_severity="fatal")


def test_test_plugin():
    assert VALID(GOOD, platform="Linux") is True
    assert VALID(BAD) is False
    assert VALID(GOOD, platform="Windows") is False


PLAY = """
- hosts: localhost
  gather_facts: false
  vars:
    good: "{{ lookup('ansible.builtin.file', good_file) }}"
    bad: "{{ lookup('ansible.builtin.file', bad_file) | from_yaml }}"
  tasks:
    - ansible.builtin.copy:
        dest: "{{ out_file }}"
        content: "{{ {'good': good | amiforge.imagebuilder.component_lint(platform='Linux'),
                      'bad': bad | amiforge.imagebuilder.component_lint(min_severity='error'),
                      'good_is_valid': good is amiforge.imagebuilder.valid_component_document(platform='Linux'),
                      'bad_is_valid': bad is amiforge.imagebuilder.valid_component_document} | to_json }}"
"""


def test_filter_in_a_playbook(tmp_path):
    (tmp_path / "good.yml").write_text(GOOD)
    (tmp_path / "bad.yml").write_text(BAD)
    (tmp_path / "play.yml").write_text(PLAY)
    out = tmp_path / "out.json"
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_LOCALHOST_WARNING="false",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    command = [os.path.join(ROOT, ".venv", "bin", "ansible-playbook"), "-i", "localhost,", "-c", "local", str(tmp_path / "play.yml"),
               "-e", json.dumps({"good_file": str(tmp_path / "good.yml"), "bad_file": str(tmp_path / "bad.yml"), "out_file": str(out),
                                "ansible_python_interpreter": sys.executable})]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(out.read_text())
    assert report["good"] == [] and report["good_is_valid"] is True and report["bad_is_valid"] is False
    assert [finding["rule"] for finding in report["bad"]] == ["chaining"]
