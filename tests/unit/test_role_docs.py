"""Each role's README carries exactly the variables section generated from its
meta/argument_specs.yml (tests/molecule/role_docs.py writes it; --check compares)."""
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

ROLES = sorted(name for name in os.listdir(os.path.join(ROOT, "roles")) if os.path.isfile(os.path.join(ROOT, "roles", name, "meta", "argument_specs.yml")))


@pytest.mark.parametrize("role", ROLES)
def test_readme_matches_argument_specs(role):
    completed = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "molecule", "role_docs.py"), "--check", role],
                               capture_output=True, text=True, check=False, cwd=ROOT)
    assert completed.returncode == 0, "roles/%s/README.md is stale; run python tests/molecule/role_docs.py %s\n%s" % (
        role, role, completed.stdout + completed.stderr)


def test_every_role_has_an_argument_spec():
    assert set(ROLES) == set(os.listdir(os.path.join(ROOT, "roles")))
