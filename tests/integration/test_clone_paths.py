"""make works from a clone in any folder, spaces in its path included, and leaves nothing outside the
clone but caches.

The working tree (what git would commit: tracked and new files, not the ignored ones) is copied into a
folder whose path holds spaces, with this run's virtualenv linked in as its .venv (so nothing is
installed and no network is needed), and real targets run there with a HOME of their own: `make unit`
(the Makefile's paths, the collection link, pytest, and ansible-playbook started from the spaced
folder), `make build` (ansible-galaxy on the spaced path) and, marked slow, `make demo` (tools/demo with
the emulator). Afterwards that HOME holds nothing but caches (~/.cache): no ~/.ansible, so no copy of
the collection in ~/.ansible/collections to shadow the checkout, and no Ansible temp folders.
A static check also reads every bash script in tools/ for an unquoted expansion of the clone's path.
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from tests.conftest import ROOT

VENV = os.path.realpath(sys.prefix)
# What make exports or a calling make/pytest leaves in the environment; the clone's make sets its own.
INHERITED = ("ANSIBLE_COLLECTIONS_PATH", "ANSIBLE_ROLES_PATH", "ANSIBLE_HOME", "ANSIBLE_REMOTE_TEMP", "ANSIBLE_LOCAL_TEMP",
             "ANSIBLE_CONFIG", "AMIFORGE_ROOT", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "VIRTUAL_ENV")


def working_tree_files():
    listed = subprocess.run(["git", "-C", ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, check=True).stdout.decode()
    # .venv can be a link (a shared virtualenv), which the ignore pattern .venv/ does not cover
    return [name for name in listed.split("\0") if name and name != ".venv" and os.path.lexists(os.path.join(ROOT, name))]


def copy_working_tree(destination):
    for name in working_tree_files():
        source, target = os.path.join(ROOT, name), os.path.join(destination, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.islink(source):
            os.symlink(os.readlink(source), target)
        else:
            shutil.copy2(source, target)


def requirements_hash(folder):
    digest = hashlib.sha256()
    for name in ("requirements-dev.txt", "requirements.txt"):
        with open(os.path.join(folder, name), "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def spaced_clone(tmp_path_factory):
    """The working tree copied to '<tmp>/some folder0/amiforge imagebuilder', this run's venv as its .venv."""
    stamp = os.path.join(VENV, ".installed")
    recorded = open(stamp).read().strip() if os.path.exists(stamp) else ""
    if recorded != requirements_hash(ROOT):
        pytest.skip("%s was not set up from this clone's requirements (run make setup first): the copy would "
                    "install into it" % VENV)
    clone = tmp_path_factory.mktemp("some folder") / "amiforge imagebuilder"
    copy_working_tree(str(clone))
    os.symlink(VENV, str(clone / ".venv"))
    return clone


def make(clone, home, *targets, timeout=300):
    """``make TARGETS`` in the clone with ``home`` as HOME; returns the completed process."""
    env = {key: value for key, value in os.environ.items() if key not in INHERITED and not key.startswith(("PYTEST_", "XDG_"))}
    env.update(HOME=str(home), PIP_NO_INDEX="1")  # pip must find nothing to install; if it tries, it fails here
    home.mkdir(exist_ok=True)
    return subprocess.run(["make", "--no-print-directory"] + list(targets), cwd=str(clone), env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def outside_caches(home):
    """What a run left in HOME besides caches."""
    return sorted(name for name in os.listdir(home) if name != ".cache")


def test_unit_and_build_in_a_folder_with_spaces(spaced_clone, tmp_path):
    home = tmp_path / "home dir"
    completed = make(spaced_clone, home, "unit", "PYTEST_ARGS=-q")
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-3000:]
    assert re.search(r"\d+ passed", completed.stdout), completed.stdout[-2000:]

    link = spaced_clone / ".build" / "collections" / "ansible_collections" / "amiforge" / "imagebuilder"
    assert os.readlink(str(link)) == "../../../..", "a relative link holds wherever the clone is"
    assert os.path.samefile(str(link), str(spaced_clone))

    completed = make(spaced_clone, home, "build")
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert [name for name in os.listdir(str(spaced_clone / ".build" / "dist")) if name.endswith(".tar.gz")]

    assert outside_caches(home) == [], "make unit/build wrote outside the clone: %s" % outside_caches(home)
    assert not (home / ".ansible").exists()


@pytest.mark.slow
def test_demo_in_a_folder_with_spaces(spaced_clone, tmp_path):
    """make demo, as a newcomer runs it, from the spaced clone (no root needed, no Debian package used)."""
    home = tmp_path / "home dir"
    completed = make(spaced_clone, home, "demo", timeout=900)
    assert completed.returncode == 0, completed.stdout[-8000:] + completed.stderr[-3000:]
    assert outside_caches(home) == [], "make demo wrote outside the clone: %s" % outside_caches(home)


def test_molecule_scenarios_install_no_copy_of_the_collection():
    """molecule's prerun would install the collection into ANSIBLE_HOME/collections, where the copy shadows the checkout."""
    scenarios = [os.path.join(folder, "molecule.yml") for folder in sorted(
        os.path.join(ROOT, "roles", role, "molecule", name)
        for role in os.listdir(os.path.join(ROOT, "roles")) if os.path.isdir(os.path.join(ROOT, "roles", role, "molecule"))
        for name in os.listdir(os.path.join(ROOT, "roles", role, "molecule")))
        if os.path.exists(os.path.join(folder, "molecule.yml"))]
    assert scenarios
    for path in scenarios:
        with open(path) as handle:
            config = yaml.safe_load(handle)
        assert config.get("prerun") is False, "%s: set prerun: false" % path


# An expansion of the clone's path (or of a folder derived from it) that the shell would split at a space.
PATH_VARIABLES = r"(?:root|ROOT|AMIFORGE_ROOT|here|clone|repo|PWD|HOME|0)"
EXPANSION = re.compile(r"\$(?:%s(?![A-Za-z_0-9])|\{%s[}:#%%/])" % (PATH_VARIABLES, PATH_VARIABLES))
ASSIGNMENT = re.compile(r"(?:^|[\s;(])(?:export\s+|local\s+|readonly\s+|declare\s+(?:-\S+\s+)*)?[A-Za-z_][A-Za-z_0-9]*=\S*$")


def unquoted_path_expansions(text):
    """(line number, line) of each expansion of a path variable that is not inside double quotes, in bash
    source. Command substitutions are scanned as the commands they are; heredoc bodies, comments,
    assignments (no word splitting there), [[ ]] and case words are skipped."""
    found = []
    heredoc = None
    for number, line in enumerate(text.splitlines(), 1):
        if heredoc:
            if line.strip() == heredoc:
                heredoc = None
            continue
        opened = re.search(r"<<-?\s*['\"]?([A-Za-z_]+)['\"]?", line)
        levels = [{"quote": None, "parens": 0, "start": 0}]  # one per command substitution being read
        index = 0
        while index < len(line):
            char, level = line[index], levels[-1]
            if level["quote"] == "'":
                if char == "'":
                    level["quote"] = None
            elif char == "\\":
                index += 1
            elif char == "$" and line.startswith("$(", index):
                levels.append({"quote": None, "parens": 0, "start": index + 2})
                index += 1
            elif char == '"':
                level["quote"] = None if level["quote"] == '"' else '"'
            elif level["quote"] is None:
                if char == "#" and (index == level["start"] or line[index - 1] in " \t;"):
                    break
                if char == "'":
                    level["quote"] = "'"
                elif char == "(":
                    level["parens"] += 1
                elif char == ")":
                    if level["parens"]:
                        level["parens"] -= 1
                    elif len(levels) > 1:
                        levels.pop()
                elif char == "$" and EXPANSION.match(line, index):
                    command = line[level["start"]:index]
                    command = command[max(command.rfind(";"), command.rfind("&&"), command.rfind("||")) + 1:]
                    if not ASSIGNMENT.search(command) and "[[" not in command and not re.search(r"\bcase\s*$", command):
                        found.append((number, line.strip()))
                        break
            index += 1
        if opened:
            heredoc = opened.group(1)
    return found


def test_unquoted_path_expansions_are_found():
    assert unquoted_path_expansions('cd $root\nls "$root"/x\nx=$root/y\nexport A=$root/b\n[[ -d $root ]]\n') == [(1, "cd $root")]
    assert unquoted_path_expansions('python - $root <<PY\nprint($root)\nPY\nrm -f "$(dirname "$0")/x"\n') == [(1, "python - $root <<PY")]
    assert unquoted_path_expansions('. "$(dirname "$0")/env.sh"\nx="$(cd "$root" && pwd)"\ny=$(ls $root)\n') == [(3, "y=$(ls $root)")]
    assert unquoted_path_expansions("echo '$root' \"$root\" # $root\nfor f in \"$root\"/a/*; do :; done\n") == []


@pytest.mark.parametrize("script", sorted(
    name for name in os.listdir(os.path.join(ROOT, "tools"))
    if open(os.path.join(ROOT, "tools", name), errors="replace").readline().startswith("#!/usr/bin/env bash")
    or name.endswith(".sh")))
def test_tools_quote_the_clone_path(script):
    """tools/demo (and every bash tool) must quote the clone's path wherever it can be split: the clone may be in 'some folder'."""
    with open(os.path.join(ROOT, "tools", script)) as handle:
        found = unquoted_path_expansions(handle.read())
    assert not found, "tools/%s expands a path unquoted: %s" % (script, found)
    checked = subprocess.run(["bash", "-n", os.path.join(ROOT, "tools", script)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
