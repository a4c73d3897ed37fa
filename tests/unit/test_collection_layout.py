"""The collection's metadata agrees with its plugins: every AWS module is in the `aws` action
group (so module_defaults for group/amiforge.imagebuilder.aws reaches it), galaxy.yml
names the collection and its dependency."""
import os

import yaml

from tests.conftest import ROOT


def _load(path):
    with open(os.path.join(ROOT, path)) as handle:
        return yaml.safe_load(handle)


# Modules that make no AWS call: module_defaults for the group (region, credentials) must not reach them.
NOT_AWS = {"role_tarball"}


def _modules():
    folder = os.path.join(ROOT, "plugins", "modules")
    return sorted(name[:-3] for name in os.listdir(folder) if name.endswith(".py") and not name.startswith("_") and name[:-3] not in NOT_AWS)


def test_galaxy_identity_and_dependency():
    galaxy = _load("galaxy.yml")
    assert (galaxy["namespace"], galaxy["name"]) == ("amiforge", "imagebuilder")
    assert galaxy["dependencies"]["amazon.aws"] == ">=10.0.0"
    for ignored in (".venv", ".build", "tests/output"):
        assert ignored in galaxy["build_ignore"], "the tarball would carry %s" % ignored


def test_action_group_extends_amazon_aws_and_lists_every_module():
    runtime = _load("meta/runtime.yml")
    group = runtime["action_groups"]["aws"]
    metadata = [entry for entry in group if isinstance(entry, dict)]
    assert metadata == [{"metadata": {"extend_group": ["amazon.aws.aws"]}}]
    listed = sorted(entry for entry in group if isinstance(entry, str))
    assert listed == _modules(), "meta/runtime.yml action group 'aws' must list exactly the AWS modules in plugins/modules"


def test_sanity_ignore_files_are_empty():
    folder = os.path.join(ROOT, "tests", "sanity")
    for name in os.listdir(folder):
        if name.startswith("ignore-"):
            assert os.path.getsize(os.path.join(folder, name)) == 0, "fix the code instead of ignoring %s" % name
