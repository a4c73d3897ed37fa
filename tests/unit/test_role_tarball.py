"""amiforge.imagebuilder.role_tarball's packaging, checked against GNU tar itself: the same members,
in the same order, with the same modes and owners, for a role with excluded folders, patterns,
executables and links; and the same bytes for the same content wherever and whenever it is packaged."""
import hashlib
import io
import os
import shutil
import subprocess
import tarfile

import pytest

from ansible_collections.amiforge.imagebuilder.plugins.action.role_tarball import build

EXCLUDE = [".git", "molecule", "*.pyc", "__pycache__", "docs/*.tmp"]


def make_role(base):
    role = base / "my_role"
    files = {
        "tasks/main.yml": "- ansible.builtin.debug: {msg: hi}\n",
        "tasks/zz_last.yml": "[]\n",
        "tasks/a b.yml": "[]\n",
        "defaults/main.yml": "x: 1\n",
        "files/run.sh": "#!/bin/sh\n",
        "files/cache.pyc": "junk",
        "files/__pycache__/mod.pyc": "junk",
        "molecule/default/molecule.yml": "driver: {}\n",
        ".git/HEAD": "ref\n",
        "docs/notes.tmp": "scratch\n",
        "docs/notes.md": "kept\n",
        "templates/Upper.j2": "{{ x }}\n",
        "templates/lower.j2": "{{ x }}\n",
    }
    for path, text in files.items():
        (role / path).parent.mkdir(parents=True, exist_ok=True)
        (role / path).write_text(text)
    os.chmod(role / "files" / "run.sh", 0o700)
    os.chmod(role / "defaults" / "main.yml", 0o600)
    os.symlink("main.yml", role / "tasks" / "alias.yml")
    os.symlink("../templates", role / "files" / "templates_link")
    return role


def members(blob):
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as archive:
        return [(m.name, m.type, m.mode, m.uid, m.gid, m.uname, m.gname, m.mtime, m.linkname, m.size) for m in archive.getmembers()]


def gnu_tar(role, playbook_folder, dest):
    command = ["tar", "--create", "--file", str(dest), "--use-compress-program=gzip --no-name --best", "--format=gnu", "--sort=name",
               "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "--mode=u=rwX,go=rX"]
    command += ["--exclude=" + pattern for pattern in EXCLUDE]
    command += ["--directory", str(playbook_folder), "playbook.yml", "--directory", str(role.parent), role.name]
    subprocess.run(command, check=True)
    return dest.read_bytes()


@pytest.mark.skipif(shutil.which("tar") is None or shutil.which("gzip") is None, reason="GNU tar and gzip are needed to compare with")
def test_same_members_as_gnu_tar(tmp_path):
    role = make_role(tmp_path / "roles")
    playbook = "- hosts: localhost\n  roles: [my_role]\n"
    (tmp_path / "playbook.yml").write_text(playbook)
    ours = tmp_path / "ours.tar.gz"
    build(str(role), playbook, EXCLUDE, str(ours))
    theirs = gnu_tar(role, tmp_path, tmp_path / "theirs.tar.gz")
    assert members(ours.read_bytes()) == members(theirs)
    names = [member[0] for member in members(theirs)]
    assert "my_role/docs/notes.md" in names and "my_role/files/run.sh" in names
    assert not [name for name in names if "molecule" in name or ".git" in name or name.endswith((".pyc", ".tmp"))]


def test_same_bytes_for_the_same_content_anywhere(tmp_path):
    one = make_role(tmp_path / "a")
    two = make_role(tmp_path / "b")
    os.utime(two / "tasks" / "main.yml", (1, 1))  # other times and another place: the same bytes
    first, second = tmp_path / "1.tar.gz", tmp_path / "2.tar.gz"
    sha_one = build(str(one), "x", EXCLUDE, str(first))[0]
    sha_two = build(str(two), "x", EXCLUDE, str(second))[0]
    assert sha_one == sha_two == hashlib.sha256(first.read_bytes()).hexdigest()
    (two / "defaults" / "main.yml").write_text("x: 2\n")
    assert build(str(two), "x", EXCLUDE, str(second))[0] != sha_one


def test_without_a_playbook_only_the_role(tmp_path):
    role = make_role(tmp_path)
    sha256, size, count = build(str(role), None, EXCLUDE, str(tmp_path / "r.tar.gz"))
    names = [member[0] for member in members((tmp_path / "r.tar.gz").read_bytes())]
    assert names[0] == "my_role" and "playbook.yml" not in names and count == len(names) and size > 0 and len(sha256) == 64
