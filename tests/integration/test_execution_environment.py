"""meta/execution-environment.yml is a definition ansible-builder 3 accepts: ``ansible-builder create`` writes the
build context offline, and the context holds our Python and system requirements and every collection the
playbooks call (docs/awx.md)."""
import glob
import os
import re
import subprocess
import sys

import pytest
import yaml

from tests.conftest import ROOT

DEFINITION = os.path.join(ROOT, "meta", "execution-environment.yml")
BUILDER = os.path.join(os.path.dirname(sys.executable), "ansible-builder")
# Any attempt to reach the network through a proxy-aware client fails at once.
OFFLINE = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "http_proxy": "http://127.0.0.1:9",
           "https_proxy": "http://127.0.0.1:9", "NO_PROXY": "", "no_proxy": "", "PIP_NO_INDEX": "1"}


def requirement_lines(path):
    with open(path, encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip() and not line.lstrip().startswith("#")]


def offline_command(command):
    """``command`` without a network namespace's interfaces (``unshare -rn``) where the kernel allows it."""
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True, check=False) if _has("unshare") else None
    return (["unshare", "-rn"] + command) if probe is not None and probe.returncode == 0 else command


def _has(program):
    return any(os.access(os.path.join(folder, program), os.X_OK) for folder in os.environ.get("PATH", "").split(os.pathsep))


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ee") / "context"
    command = offline_command([BUILDER, "create", "-f", DEFINITION, "--context", str(folder),
                               "--output-filename", "Containerfile", "-v", "3"])
    completed = subprocess.run(command, cwd=str(folder.parent), env=dict(os.environ, **OFFLINE),
                               capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "Complete!" in completed.stdout
    return folder


def test_the_definition_is_version_3_with_a_base_image_and_pinned_ansible():
    with open(DEFINITION, encoding="utf-8") as handle:
        definition = yaml.safe_load(handle)
    assert definition["version"] == 3
    assert definition["images"]["base_image"]["name"]
    dependencies = definition["dependencies"]
    assert dependencies["ansible_core"]["package_pip"].startswith("ansible-core==")
    assert dependencies["ansible_runner"]["package_pip"] == "ansible-runner==2.4.3"


def test_create_writes_a_containerfile_that_builds_from_the_base_image(context):
    containerfile = (context / "Containerfile").read_text()
    assert 'ARG EE_BASE_IMAGE="quay.io/centos/centos:stream10"' in containerfile
    assert "ansible-core==2.19.14 ansible-runner==2.4.3" in containerfile
    assert "ansible-galaxy collection install" in containerfile and "install-from-bindep" in containerfile


def test_the_context_holds_our_python_and_system_requirements(context):
    assert requirement_lines(context / "_build" / "requirements.txt") == requirement_lines(os.path.join(ROOT, "requirements.txt"))
    assert requirement_lines(context / "_build" / "bindep.txt") == requirement_lines(os.path.join(ROOT, "bindep.txt"))
    python = requirement_lines(context / "_build" / "requirements.txt")
    assert {re.split(r"[<>=!~ ]", line)[0] for line in python} >= {"boto3", "botocore", "PyYAML"}


def used_collections():
    """The collections the playbooks and the stack role call (module FQCNs), but ansible.builtin and ours."""
    files = glob.glob(os.path.join(ROOT, "playbooks", "*.yml")) + glob.glob(os.path.join(ROOT, "roles", "stack", "**", "*.yml"), recursive=True)
    found = set()
    for path in files:
        with open(path, encoding="utf-8") as handle:
            found |= set(re.findall(r"^\s*-?\s*([a-z_]+\.[a-z_]+)\.[a-z_0-9]+:", handle.read(), re.MULTILINE))
    return found - {"ansible.builtin", "amiforge.imagebuilder"}


def test_the_context_installs_every_collection_the_playbooks_call_and_this_one(context):
    with open(context / "_build" / "requirements.yml", encoding="utf-8") as handle:
        collections = yaml.safe_load(handle)["collections"]
    names = {entry["name"] for entry in collections}
    assert "amazon.aws" in names
    assert any(name.endswith("amiforge.imagebuilder.git") for name in names), names
    assert used_collections() <= names, "the playbooks call collections the EE lacks: %s" % (used_collections() - names)
