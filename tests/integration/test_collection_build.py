"""The collection builds into a tarball that ansible-galaxy installs (offline, amazon.aws found
where it is installed) and ansible-doc lists every module from the installed copy."""
import os
import subprocess
import sys
import tarfile

from tests.conftest import ROOT

BIN = os.path.dirname(sys.executable)


def run(*command, **env):
    completed = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT, env=dict(os.environ, **env))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


def test_build_install_and_list(tmp_path):
    run(os.path.join(BIN, "ansible-galaxy"), "collection", "build", ROOT, "--output-path", str(tmp_path / "dist"))
    tarball = tmp_path / "dist" / "amiforge-imagebuilder-0.1.0.tar.gz"
    names = tarfile.open(tarball).getnames()
    assert "plugins/modules/component.py" in names and "meta/runtime.yml" in names
    assert not [name for name in names if name.startswith((".venv/", ".build/", "tests/output/")) or "/.rootfs/" in name]

    run(os.path.join(BIN, "ansible-galaxy"), "collection", "install", str(tarball), "-p", str(tmp_path / "installed"), "--offline", "--force")
    listed = run(os.path.join(BIN, "ansible-doc"), "-l", "amiforge.imagebuilder", ANSIBLE_COLLECTIONS_PATH=str(tmp_path / "installed"))
    modules = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, "plugins", "modules")) if name.endswith(".py"))
    assert sorted(line.split()[0] for line in listed.splitlines() if line.strip()) == ["amiforge.imagebuilder." + name for name in modules]
