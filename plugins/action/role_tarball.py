# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""amiforge.imagebuilder.role_tarball: a role and the playbook that applies it, as one deterministic
tarball, built on the controller in the action's own process.

Packaging this way instead of with tempfile, template, command (tar) and stat tasks spares four
module executions per role (each costs a Python start on the controller), and does not need GNU tar.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fnmatch
import gzip
import hashlib
import io
import os
import tarfile
import tempfile

from ansible import constants as C
from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

ARGUMENT_SPEC = dict(
    role_dir=dict(type="path", required=True),
    playbook=dict(type="str"),
    exclude=dict(type="list", elements="str", default=[]),
    dest=dict(type="path"),
)


def excluded(relative, patterns):
    """GNU tar's default for --exclude: a pattern matches the whole path or any tail of it that
    starts after a '/', and its wildcards match '/' too. An excluded folder is left out whole."""
    parts = relative.split("/")
    tails = ["/".join(parts[index:]) for index in range(len(parts))]
    return any(fnmatch.fnmatchcase(tail, pattern) for pattern in patterns for tail in tails)


def normalised(info):
    """Owner and group 0 without names, time 0, modes u=rwX,go=rX: the same content, the same bytes."""
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mtime = 0
    executable = info.isdir() or info.issym() or info.mode & 0o111
    info.mode = 0o755 if executable else 0o644
    return info


def entries(role_dir, patterns):
    """(path on disk, name in the tarball) for the role's folder and everything in it that is not
    excluded, sorted by name within each folder (as tar --sort=name)."""
    base = os.path.basename(role_dir.rstrip("/"))
    found = [(role_dir, base)]
    for folder, subfolders, files in os.walk(role_dir):
        relative = os.path.relpath(folder, role_dir)
        prefix = base if relative == "." else base + "/" + relative.replace(os.sep, "/")
        kept = [name for name in subfolders + files if not excluded(prefix + "/" + name, patterns)]
        # tar stores a link to a folder as a link and does not follow it
        subfolders[:] = [name for name in subfolders if name in kept and not os.path.islink(os.path.join(folder, name))]
        found.extend((os.path.join(folder, name), prefix + "/" + name) for name in kept)
    # os.walk visits a folder's entries before the folders below it; tar lists each folder's
    # content right after the folder: order by the path's components.
    return sorted(found, key=lambda item: item[1].split("/"))


def build(role_dir, playbook, patterns, dest):
    """Write the tarball to ``dest``; return its sha256, size and the number of entries."""
    raw = io.BytesIO()
    count = 0
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as archive:
        if playbook is not None:
            data = playbook.encode("utf-8")
            info = normalised(tarfile.TarInfo("playbook.yml"))
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            count += 1
        for path, name in entries(role_dir, patterns):
            info = normalised(archive.gettarinfo(path, arcname=name))
            if info.isfile():
                with open(path, "rb") as handle:
                    archive.addfile(info, handle)
            elif info.isdir() or info.issym():
                archive.addfile(info)
            else:
                continue  # sockets, fifos, devices: nothing a role ships
            count += 1
    compressed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=compressed, mtime=0) as packed:
        packed.write(raw.getvalue())
    blob = compressed.getvalue()
    with open(dest, "wb") as handle:
        handle.write(blob)
    return hashlib.sha256(blob).hexdigest(), len(blob), count


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        role_dir = args["role_dir"]
        if not os.path.isdir(role_dir):
            raise AnsibleActionFail("role_dir: %s is not a folder; give the role's folder" % role_dir)
        dest = args["dest"]
        if dest is None:
            # Ansible's local temp folder of this run: removed when the run ends.
            handle, dest = tempfile.mkstemp(prefix="role-", suffix=".tar.gz", dir=C.DEFAULT_LOCAL_TMP)
            os.close(handle)
        elif not os.path.isdir(os.path.dirname(dest) or "."):
            raise AnsibleActionFail("dest: the folder of %s does not exist" % dest)
        try:
            sha256, size, count = build(role_dir, args["playbook"], args["exclude"], dest)
        except (OSError, tarfile.TarError) as error:
            raise AnsibleActionFail("role_dir: could not package %s: %s" % (role_dir, error))
        # Writing a local file that only ever holds this content changes nothing worth reporting,
        # in check mode too (what follows needs the file to plan the upload).
        result.update(changed=False, path=dest, sha256=sha256, size=size, entries=count)
        return result
