"""Every module's EXAMPLES can be pasted: they parse, they use only documented options (and
suboptions), and a component document in them passes the validator."""
import json
import os
import subprocess
import sys

import pytest
import yaml

from ansible_collections.amiforge.imagebuilder.plugins.module_utils.component_document import validate_document
from tests.conftest import COLLECTIONS, ROOT

MODULES = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, "plugins", "modules")) if name.endswith(".py"))


@pytest.fixture(scope="module")
def docs():
    """What ansible-doc renders for every module, fragments merged."""
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-doc"), "--json"] + ["amiforge.imagebuilder." + name for name in MODULES]
    completed = subprocess.run(command, capture_output=True, text=True, check=False,
                               env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS))
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def unknown_options(given, documented, path=""):
    problems = []
    for key, value in given.items():
        if key not in documented:
            problems.append(path + key)
        elif isinstance(value, dict) and documented[key].get("suboptions"):
            problems += unknown_options(value, documented[key]["suboptions"], path + key + ".")
        elif isinstance(value, list) and documented[key].get("suboptions"):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    problems += unknown_options(item, documented[key]["suboptions"], "%s%s[%d]." % (path, key, index))
    return problems


@pytest.mark.parametrize("module", MODULES)
def test_examples_use_documented_options(docs, module):
    entry = docs["amiforge.imagebuilder." + module]
    examples = yaml.safe_load(entry["examples"])
    assert examples, "%s has no EXAMPLES" % module
    options = entry["doc"]["options"]
    used = [task for task in examples if "amiforge.imagebuilder." + module in task]
    assert used, "the EXAMPLES of %s never call it" % module
    for task in used:
        arguments = task["amiforge.imagebuilder." + module] or {}
        assert unknown_options(arguments, options) == [], "%s: %s" % (module, task.get("name"))
        if module == "component" and isinstance(arguments.get("data"), dict):
            errors = [finding for finding in validate_document(arguments["data"], platform="Linux", kind="component") if finding.severity == "error"]
            assert errors == [], errors
