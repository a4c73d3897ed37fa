# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Names, versions and ARNs as Image Builder forms them (docs/aws-behaviour.md says where each
rule comes from).

- Names: 3-128 characters of letters, digits, ``-``, ``_`` and spaces; the ARN carries a
  normalised form (lower case, spaces and underscores turned into ``-``), so names that differ
  only in those are the same resource.
- Versions: ``major.minor.patch``, each node 0 to 2^30-1, leading zeros allowed (``2021.01.01``);
  ``x`` wildcards in trailing positions only (``1.x.x``, never ``x.2.x``).
- ARNs: ``arn:PARTITION:imagebuilder:REGION:ACCOUNT:TYPE/NAME[/VERSION[/BUILD]]``, with the
  workflow type before the name for workflows; ACCOUNT is 12 digits, ``aws`` (Amazon-owned),
  ``aws-marketplace`` or ``third-party``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

NAME_RE = re.compile(r"^[-_A-Za-z0-9][-_A-Za-z0-9 ]{1,126}[-_A-Za-z0-9]$")
VERSION_RE = re.compile(r"^([0-9]+)\.([0-9]+)\.([0-9]+)$")
WILDCARD_VERSION_RE = re.compile(r"^(?:[0-9]+\.[0-9]+\.[0-9]+|[0-9]+\.[0-9]+\.x|[0-9]+\.x\.x|x\.x\.x)$")
MAX_VERSION_NODE = 2 ** 30 - 1
ARN_RE = re.compile(r"^arn:(aws[a-z-]*):imagebuilder:([a-z0-9-]+):([0-9]{12}|aws(?:-[a-z-]+)?|third-party):([a-z-]+)/(.+)$")
WORKFLOW_TYPES = ("build", "test", "distribution")
AMAZON = "aws"  # the account field of Amazon-owned resources, in every partition


def normalize_name(name):
    """The name as the ARN carries it: lower case, spaces and underscores turned into '-'."""
    return re.sub(r"[ _]", "-", name.lower())


def name_problem(name, option="name"):
    """None, or why ``name`` is not a name Image Builder accepts."""
    if NAME_RE.match(name or ""):
        return None
    return ("%s: %r is not a valid Image Builder name; use 3 to 128 letters, digits, '-', '_' or spaces, "
            "starting and ending with a letter, digit, '-' or '_'" % (option, name))


# --------------------------------------------------------------------------- versions

def parse_version(text):
    """``(major, minor, patch)`` as integers, or None unless ``text`` is an exact version AWS accepts."""
    match = VERSION_RE.match(text or "")
    if not match:
        return None
    nodes = tuple(int(part) for part in match.groups())
    return nodes if max(nodes) <= MAX_VERSION_NODE else None


def version_problem(text, option="version", wildcards=False):
    """None, or why ``text`` is not a version (``wildcards``: x allowed in trailing positions)."""
    if parse_version(text):
        return None
    if wildcards and WILDCARD_VERSION_RE.match(text or "") and all(
            node == "x" or int(node) <= MAX_VERSION_NODE for node in text.split(".")):
        return None
    fix = "major.minor.patch, e.g. 1.0.0 or 2021.01.01"
    if wildcards:
        fix += ", with x only in trailing positions (1.x.x, 1.2.x)"
    return "%s: %r is not a semantic version; use %s, each number at most %d" % (option, text, fix, MAX_VERSION_NODE)


def version_key(version):
    """Sort key for versions, numeric node by node; anything else sorts first."""
    return parse_version(version) or (-1, -1, -1)


def bump_version(version, part="patch"):
    """The next version: the node ``part`` grows by one, the nodes after it return to zero; each
    node keeps its width (``2021.01.09`` → ``2021.01.10``). None when a node would pass 2^30-1."""
    nodes = version.split(".")
    index = ("major", "minor", "patch").index(part)
    bumped = nodes[:index] + [str(int(nodes[index]) + 1).zfill(len(nodes[index]))] + ["0".zfill(len(node)) for node in nodes[index + 1:]]
    return ".".join(bumped) if parse_version(".".join(bumped)) else None


# --------------------------------------------------------------------------- ARNs

def parse_arn(arn):
    """The parts of an Image Builder ARN (partition, region, account, type, workflow_type, name,
    version, build), or None when ``arn`` is not one."""
    match = ARN_RE.match(arn or "")
    if not match:
        return None
    partition, region, account, resource_type, rest = match.groups()
    path = rest.split("/")
    workflow_type = path.pop(0) if resource_type == "workflow" and len(path) > 1 and path[0] in WORKFLOW_TYPES else None
    if not path or len(path) > 3 or not path[0]:
        return None
    path += [None] * (3 - len(path))
    return dict(partition=partition, region=region, account=account, type=resource_type, workflow_type=workflow_type,
                name=path[0], version=path[1], build=path[2])


def build_arn(partition, region, account, resource_type, name, version=None, build=None, workflow_type=None):
    """The ARN Image Builder gives a resource (the name normalised as AWS does)."""
    path = [resource_type + "/" + workflow_type if workflow_type else resource_type, normalize_name(name)]
    path += [str(part) for part in (version, build) if part is not None]
    return "arn:%s:imagebuilder:%s:%s:%s" % (partition, region, account, "/".join(path))


def version_of(arn):
    return (parse_arn(arn) or {}).get("version")


def semver_of(resource):
    """The x.y.z of a resource or summary, from its ARN (the one field every shape has right)."""
    return version_of(resource.get("arn")) or (resource.get("version") or "").split("/")[0] or None


def strip_build(arn):
    """The version ARN of a build version ARN (other ARNs unchanged)."""
    parts = parse_arn(arn)
    if parts and parts["build"]:
        return arn.rsplit("/", 1)[0]
    return arn


def is_wildcard(version):
    return "x" in (version or "").split(".")


def role_arn(partition, account, role):
    """An IAM role given by name (``path/name`` too) or ARN, as its ARN in ``account`` (model RoleNameOrArn: "The name or
    Amazon Resource Name (ARN) ..."): one form to send and compare."""
    if not role or role.startswith("arn:"):
        return role
    return "arn:%s:iam::%s:role/%s" % (partition, account, role.lstrip("/"))
