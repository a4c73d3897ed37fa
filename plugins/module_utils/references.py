# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""References between resources, resolved to ARNs before comparison.

A reference is an ARN (used as given; in check mode it may be one an earlier task only
predicted), a name, or ``name:version``. Names resolve by Get on the ARN the name gives in this
account (``x.x.x`` for the latest version), then, for kinds Amazon publishes, in Amazon's
(``aws`` in the account field): ours first. Amazon-owned components named without a version are
referred to as ``x.x.x``, so builds take their latest; ours are pinned to the exact version, so a
new version of ours is a new recipe version.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.amiforge.imagebuilder.plugins.module_utils.arns import (
    WORKFLOW_TYPES, is_wildcard, name_problem, parse_arn, strip_build, version_problem,
)
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.client import KINDS

# Kinds whose names may be Amazon's as well as ours.
AMAZON_PUBLISHED = ("component", "image", "workflow")


class References:
    def __init__(self, api):
        self.api = api
        self.module = api.module
        self.predicted = []  # (option, arn) of references to what does not exist yet (check mode only)

    def resolve(self, kind_noun, reference, option, held=()):
        """The ARN ``reference`` (an ARN, ``name`` or ``name:version``) stands for. ``held``: ARNs
        the current resource already refers to; a reference equal to one of them costs no call."""
        kind = KINDS[kind_noun]
        if reference.startswith("arn:"):
            parts = parse_arn(reference)
            if not parts or parts["type"] != kind.arn_type or (kind.versioned and (
                    not parts["version"] or version_problem(parts["version"], wildcards=True))):
                self.module.fail_json(msg="%s: %r is not an Image Builder %s ARN (arn:PARTITION:imagebuilder:REGION:ACCOUNT:%s/NAME%s)"
                                      % (option, reference, kind.label, kind.arn_type, "/VERSION" if kind.versioned else ""))
            return strip_build(reference) if kind.versioned and kind_noun != "image" else reference
        name, _sep, version = reference.partition(":")
        return self.pin(kind_noun, name, version or None, option, held)

    def pin(self, kind_noun, name, version, option, held=()):
        """The ARN to refer to ``name`` (``version``: exact, with x wildcards, or None for the latest)."""
        kind = KINDS[kind_noun]
        problem = name_problem(name, option) or (version and version_problem(version, option, wildcards=True))
        if problem:
            self.module.fail_json(msg=problem)
        if not kind.versioned:
            arn = self.api.arn(kind, name)
            if arn in held or self.api.get(kind, arn):
                return arn
            return self._missing(kind, name, None, option)
        wanted = self.api.arn(kind, name, version or "x.x.x")
        if wanted in held:
            return wanted
        own = self.api.get(kind, wanted)
        if own:
            return wanted if is_wildcard(version) else strip_build(own["arn"])
        if kind_noun in AMAZON_PUBLISHED:
            amazon = self.api.amazon_arn(kind, name, version or "x.x.x")
            if amazon in held:
                return amazon
            found = self.api.get(kind, amazon)
            if found:
                return amazon if is_wildcard(version or "x.x.x") else strip_build(found["arn"])
        return self._missing(kind, name, version, option)

    def _missing(self, kind, name, version, option):
        if self.module.check_mode:
            arn = self.api.arn(kind, name, (version if version and not is_wildcard(version) else "1.0.0") if kind.versioned else None)
            self.module.warn("check mode: %s: %s %r does not exist yet; assuming an earlier task creates it as %s" % (option, kind.label, name, arn))
            self.predicted.append((option, arn))
            return arn
        fix = "Create it first (amiforge.imagebuilder.%s) or give its ARN." % kind.noun
        if version:
            self.module.fail_json(msg="%s: %s %r has no version %s in %s. %s" % (option, kind.label, name, version, self.module.region, fix))
        self.module.fail_json(msg="%s: %s %r does not exist in %s. %s" % (option, kind.label, name, self.module.region, fix))

    def require(self, kind_noun, arn, option):
        """The resource ``arn`` refers to, read before a write; a missing one fails naming
        ``option`` (in check mode it may be one an earlier task would create: None)."""
        kind = KINDS[kind_noun]
        found = self.api.get(kind, arn)
        if found is None and not self.module.check_mode:
            self.module.fail_json(msg="%s: %s %s does not exist. Create it first or fix the reference." % (option, kind.label, arn))
        return found

    def workflow(self, reference, option, held=(), guess="build"):
        """(the ARN ``reference`` (an ARN, ``name`` or ``name:version``) stands for, the workflow read, or None
        when it cannot be read: another account's, or in check mode one an earlier task would create). A
        workflow's type is in its ARN, so a name is looked for in each type, ours first, then Amazon's; the
        workflow is read even when ``held`` (the current references) has it, since its document says which
        parameters it takes. In check mode a missing one is predicted as a ``guess`` workflow."""
        kind = KINDS["workflow"]
        if reference.startswith("arn:"):
            arn = self.resolve("workflow", reference, option)
            if not parse_arn(arn)["workflow_type"]:
                self.module.fail_json(msg="%s: %r has no workflow type; a workflow ARN reads arn:PARTITION:imagebuilder:REGION:ACCOUNT:"
                                          "workflow/build|test|distribution/NAME/VERSION" % (option, reference))
            return arn, self.api.get(kind, arn)
        name, _sep, version = reference.partition(":")
        problem = name_problem(name, option) or (version and version_problem(version, option, wildcards=True))
        if problem:
            self.module.fail_json(msg=problem)
        for account in (None, "aws"):
            for workflow_type in WORKFLOW_TYPES:
                wanted = self.api.arn(kind, name, version or "x.x.x", account=account, workflow_type=workflow_type)
                found = self.api.get(kind, wanted)
                if found:
                    # ours are pinned to the exact version (a new version is a change to apply), Amazon's follow x.x.x
                    keep_wildcard = is_wildcard(version) if account is None else is_wildcard(version or "x.x.x")
                    return (wanted if keep_wildcard else strip_build(found["arn"])), found
        if self.module.check_mode:
            arn = self.api.arn(kind, name, version if version and not is_wildcard(version) else "1.0.0", workflow_type=guess)
            self.module.warn("check mode: %s: workflow %r does not exist yet; assuming an earlier task creates it as %s" % (option, name, arn))
            self.predicted.append((option, arn))
            return arn, None
        fix = "Create it first (amiforge.imagebuilder.workflow) or give its ARN."
        if version:
            self.module.fail_json(msg="%s: workflow %r has no version %s in %s. %s" % (option, name, version, self.module.region, fix))
        self.module.fail_json(msg="%s: workflow %r does not exist in %s. %s" % (option, name, self.module.region, fix))
