#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: role_tarball
short_description: Package an Ansible role and the playbook that applies it as a deterministic tarball
version_added: 0.1.0
description:
  - Writes a gzip-compressed tar of the role's folder (under the folder's own name) and, when given, a C(playbook.yml)
    at the top, on the controller. The same content always gives the same bytes, so the same sha256 a component
    document can pin (entries sorted by name, time 0, owner and group 0 without names, modes C(u=rwX,go=rX), gzip
    without name or time).
  - This is how M(amiforge.imagebuilder.role_component) packages a role; it runs in the task's own process on the
    controller (an action plugin), without GNU tar and without the cost of starting a module.
  - Nothing on a managed host is touched; the result is never V(changed), since the file only ever holds this content.
author:
  - amiforge developers (@amiforge)
options:
  role_dir:
    description:
      - The role's folder on the controller. Links inside it are stored as links, not followed.
    type: path
    required: true
  playbook:
    description:
      - The text of C(playbook.yml), stored at the top of the tarball. Left out, the tarball holds the role only.
    type: str
  exclude:
    description:
      - Patterns of paths to leave out, as GNU tar's C(--exclude) reads them; a pattern matches a path or any tail of it
        after a C(/) (V(molecule) leaves out every folder named so, with its content), and C(*) matches C(/) too.
    type: list
    elements: str
    default: []
  dest:
    description:
      - Where to write the tarball on the controller. Left out, a file in Ansible's local temporary folder of the run,
        removed when the run ends.
    type: path
attributes:
  check_mode:
    description: Can run in check mode and return the changed status it predicts without modifying the target.
    support: full
    details: The tarball is written in check mode too, so that the tasks after it can plan an upload.
  diff_mode:
    description: Returns what has changed (or would change in check mode) in diff mode.
    support: none
  action:
    description: Runs as an action plugin on the controller.
    support: full
  platform:
    description: Target OS/families that can be operated against.
    support: N/A
    platforms: posix
notes:
  - Runs on the controller whatever the host of the play is.
"""

EXAMPLES = r"""
- name: Package a role with the playbook that applies it
  amiforge.imagebuilder.role_tarball:
    role_dir: "{{ playbook_dir }}/roles/baseline"
    playbook: |
      - hosts: localhost
        connection: local
        roles: [baseline]
    exclude: [molecule, .git, "*.pyc"]
  register: tarball

- name: Upload it under its sha256
  amazon.aws.s3_object:
    bucket: my-artifacts
    object: "roles/baseline/{{ tarball.sha256 }}.tar.gz"
    src: "{{ tarball.path }}"
    mode: put
    overwrite: different
"""

RETURN = r"""
path:
  description: The tarball on the controller.
  returned: success
  type: str
  sample: /root/.ansible/tmp/ansible-local-1234abcd/role-x1y2z3.tar.gz
sha256:
  description: The sha256 of the tarball's bytes.
  returned: success
  type: str
  sample: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
size:
  description: The tarball's size in bytes.
  returned: success
  type: int
  sample: 20480
entries:
  description: How many files, folders and links it holds (the playbook and the role's folder included).
  returned: success
  type: int
  sample: 12
"""
