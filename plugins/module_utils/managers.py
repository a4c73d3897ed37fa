# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two resource managers.

- ``UpdatableResource``: resources updated in place (infrastructure and distribution
  configurations, image pipelines, lifecycle policies). ``Update*`` replaces the whole object,
  so the manager resends what the resource has for every field the user left unset.
- ``VersionedResource``: immutable, semantically versioned resources (components, image and
  container recipes, workflows): the same content as the version compared with is unchanged,
  other content is the next version.

Both read by Get on an ARN built from the name (never through List*, which lags behind creates),
compare only the fields the module manages (plus the service's documented defaults), validate a
write against the botocore model before making it, make no write in check mode and predict the
ARN a create would give.

Ownership (options ``stack`` and ``adopt``, see ``Resource.claim``): a module given ``stack`` tags what it
creates with ``amiforge:stack: <stack>`` and, before any write or delete, refuses a resource of the same name
whose tag is absent or names another stack, unless ``adopt`` is true.

A module's ``desired`` is a dict of API fields (camelCase) where None means "the user left this
option out": the current value is kept; an empty value ('', [], {}) removes it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.amiforge.imagebuilder.plugins.module_utils.arns import bump_version, parse_arn, semver_of, strip_build, version_key
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.checks import fail_on_problems, request_problems, tag_problems
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.client import KINDS
from ansible_collections.amiforge.imagebuilder.plugins.module_utils.compare import canonical, diff_of, fill_unset

WRITE_EXCLUDED = ("name", "semanticVersion", "clientToken", "tags", "dryRun")
OWNER_TAG = "amiforge:stack"  # the stack (O(stack)) a resource belongs to


def owner_of(resource):
    """The stack ``resource`` belongs to by its ``amiforge:stack`` tag; None when it has none."""
    return ((resource or {}).get("tags") or {}).get(OWNER_TAG) or None


def whose(owner):
    return "another stack: %s" % owner if owner else "no %s tag: created by another tool or by hand" % OWNER_TAG


def ownership_conflict(kind, name, resource, stack):
    """Why ``resource`` (as read; None: there is none) of ``kind`` is not ``stack``'s, in one sentence; None when it is,
    or when there is none."""
    owner = owner_of(resource)
    if resource is None or owner == stack:
        return None
    return "%s %r (%s) belongs to %s, not to stack %r" % (kind.label, resource.get("name") or name, resource.get("arn"), whose(owner), stack)


class Resource:
    """What both managers share: comparison and validation settings."""

    def __init__(self, api, kind, defaults=None, unordered=(), normalize=None, renames=None, ignore=(), retry_while=None):
        self.api = api
        self.module = api.module
        self.kind = KINDS[kind]
        self.defaults = defaults or {}
        self.unordered = unordered
        self.normalize = normalize or (lambda value: value)
        self.renames = renames or {}
        self.ignore = ignore  # fields sent but never compared (a component's changeDescription)
        self.retry_while = retry_while

    def comparable(self, value, fields):
        return self.normalize(canonical(value, [field for field in fields if field not in self.ignore], self.defaults, self.unordered))

    def check(self, operation, request):
        """Fail, naming the options as the user wrote them, unless the botocore model accepts ``request``."""
        fail_on_problems(self.module, request_problems(operation, request, self.renames))

    def check_tags(self, tags):
        """Before any write: the tags as TagResource takes them (a create sends them too)."""
        fail_on_problems(self.module, tag_problems(tags))

    # ----- ownership (options 'stack' and 'adopt')
    def owned_tags(self, tags, purge_tags):
        """``tags`` and ``purge_tags`` with the owner tag of the module's ``stack`` added: with ``tags`` unset, only
        the owner tag is set (the other tags are left as they are)."""
        stack = self.module.params.get("stack")
        if not stack:
            return tags, purge_tags
        if tags is None:
            return {OWNER_TAG: stack}, False
        return dict(tags, **{OWNER_TAG: stack}), purge_tags

    def claim(self, resource, deleting=False):
        """Before any write or delete: fail, changing nothing, when ``resource`` (as read; None: there is none)
        does not belong to the module's ``stack`` (its ``amiforge:stack`` tag is absent or names another stack),
        unless ``adopt`` is true (then warn: the write that follows tags it as the stack's). Without ``stack``,
        every resource is the module's, as before ownership existed."""
        stack = self.module.params.get("stack")
        conflict = ownership_conflict(self.kind, self.module.params.get("name"), resource, stack) if stack else None
        if conflict is None:
            return
        owner = owner_of(resource)
        if self.module.params.get("adopt"):
            self.module.warn("adopt: %s %r (%s) had %s; stack %r %s it (adopt: true)" % (
                self.kind.label, resource.get("name") or self.module.params.get("name"), resource.get("arn"), whose(owner), stack,
                "deletes" if deleting else "takes it over and tags"))
            return
        self.module.fail_json(
            msg="%s; nothing was %s. Set adopt: true to %s it, or give this stack's resource another name." % (
                conflict, "deleted" if deleting else "changed", "delete" if deleting else "take it over for stack %r and converge" % stack),
            changed=False, resource=resource.get("arn"), owner=owner, conflict=conflict)

    def early_check(self, desired):
        """Before any call: what the user gave, against the Create input shape (members the service
        requires may still come from the current resource, so their absence is not a problem yet)."""
        request = dict(fill_unset(desired, None), name=self.module.params["name"])
        fail_on_problems(self.module, [problem for problem in request_problems("Create%s" % self.kind.api, request, self.renames)
                                       if not problem.endswith(" is required")])


class UpdatableResource(Resource):
    """Resources identified by name and updated in place with a whole-object Update*."""

    def find(self, name):
        return self.api.get(self.kind, self.api.arn(self.kind, name))

    def ensure_present(self, name, desired, tags=None, purge_tags=True, before_write=None):
        """``desired``: the managed fields (None: keep the current value), or a function of the
        current resource (None when absent) that returns them. ``before_write`` runs only when a
        create or update is due: checks that cost reads and must fail before anything is written."""
        self.check_tags(tags)
        tags, purge_tags = self.owned_tags(tags, purge_tags)
        current = self.find(name)
        self.claim(current)
        wanted_of = desired
        desired = wanted_of(current) if callable(wanted_of) else wanted_of
        fields = list(desired)
        if current is None:
            request = dict(fill_unset(desired, None), name=name)
            if tags:
                request["tags"] = tags
            self.check("Create%s" % self.kind.api, request)
            if before_write:
                before_write()
            response = self.api.write("Create%s" % self.kind.api, retry_while=self.retry_while, ignore=("ResourceAlreadyExistsException",),
                                      **request)
            if not isinstance(response, Exception):
                if response:
                    created = self.api.get(self.kind, response[self.kind.arn_param], missing_ok=False)
                else:
                    created = dict(request, arn=self.api.arn(self.kind, name), tags=tags or {})
                return True, created, diff_of({}, dict(self.comparable(request, fields), name=name, tags=tags or {}))
            # Another run (the same stack started twice) created it since our Get: converge what it made, as a re-run would.
            current = self.find(name)
            if current is None:
                self.module.fail_json_aws(response, msg="Create%s failed: another run is converging %s %r (it was created and deleted "
                                                        "meanwhile); run again to converge" % (self.kind.api, self.kind.label, name))
            self.claim(current)  # it may be another stack's (a run of another stack with the same names)
            desired = wanted_of(current) if callable(wanted_of) else wanted_of

        operation = "Update%s" % self.kind.api
        kept = self.api.sendable(operation, current, exclude=(self.kind.arn_param, "clientToken"))
        merged = fill_unset(desired, kept)
        have, wanted = self.comparable(current, fields), self.comparable(merged, fields)
        changed = have != wanted
        if changed:
            request = dict((key, value) for key, value in kept.items() if key not in desired)
            request.update(merged)
            request[self.kind.arn_param] = current["arn"]
            self.check(operation, request)
            if before_write:
                before_write()
            self.api.write(operation, retry_while=self.retry_while, **request)
        tags_changed, after_tags = self.api.sync_tags(current["arn"], current.get("tags"), tags, purge_tags)
        changed |= tags_changed
        if changed and not self.module.check_mode:
            result = self.api.get(self.kind, current["arn"], missing_ok=False)
        else:
            result = dict(current, **merged) if changed else dict(current)
            result["tags"] = after_tags
        before = dict(have, name=current.get("name", name), tags=current.get("tags") or {})
        return changed, result, diff_of(before, dict(wanted, name=current.get("name", name), tags=after_tags or {}))

    def ensure_absent(self, name):
        current = self.find(name)
        if current is None:
            return False, {}, diff_of({}, {})
        self.claim(current, deleting=True)
        self.api.delete_or_fail(self.kind, current["arn"])
        return True, {}, diff_of(dict(canonical(current, self.api.operation_fields("Update%s" % self.kind.api)), name=current.get("name", name)), {})


class VersionedResource(Resource):
    """Immutable resources with semantic versions: content changes make a new version."""

    def __init__(self, api, kind, workflow_type=None, **options):
        super(VersionedResource, self).__init__(api, kind, **options)
        self.workflow_type = workflow_type

    def arn(self, name, version, build=None):
        return self.api.arn(self.kind, name, version, build, workflow_type=self.workflow_type)

    def latest(self, name):
        """The latest version of ``name`` we own, by Get on the x.x.x ARN (None when there is none)."""
        return self.api.get(self.kind, self.arn(name, "x.x.x"))

    def ensure_present(self, name, desired, version=None, version_bump="patch", tags=None, purge_tags=True, compare_as=None,
                       before_write=None):
        """``desired``: the Create request's fields without name, semanticVersion, tags and
        clientToken (None: keep what the version compared with has), or a function of that
        version (None when there is none) that returns them; ``compare_as``: what to compare
        instead when the request points at content elsewhere (a component's ``uri``).
        Returns (changed, resource, diff)."""
        self.check_tags(tags)
        tags, purge_tags = self.owned_tags(tags, purge_tags)
        current = self.api.get(self.kind, self.arn(name, version)) if version else self.latest(name)
        # the version to be tagged, else the name's latest version, whose next version this would be
        self.claim(current if current is not None or not self.module.params.get("stack") else self.latest(name))
        if callable(desired):
            desired = desired(current)
        operation = "Create%s" % self.kind.api
        kept = self.api.sendable(operation, current, exclude=WRITE_EXCLUDED) if current else None
        merged = fill_unset(desired, kept)
        fields = list(compare_as if compare_as is not None else desired)
        wanted = self.comparable(fill_unset(compare_as, current) if compare_as is not None else merged, fields)
        before = {}
        if current is not None:
            have = self.comparable(current, fields)
            before = dict(have, name=name, version=semver_of(current), tags=current.get("tags") or {})
            if have == wanted:
                return self._unchanged(current, before, tags, purge_tags)
            if version:
                self.module.fail_json(
                    msg="%s %r version %s already exists with other content, and versions are immutable. Leave 'version' unset "
                        "to create the next version automatically, or set 'version' to a new one." % (self.kind.label, name, version),
                    differences=diff_of(have, wanted))
            new_version = bump_version(semver_of(current), version_bump)
            if new_version is None:
                self.module.fail_json(msg="version: the %s part of %s cannot grow past %d; set 'version' or 'version_bump' to start a "
                                          "new line" % (version_bump, semver_of(current), 2 ** 30 - 1))
        else:
            new_version = version or "1.0.0"
        request = dict(merged, name=name, semanticVersion=new_version)
        if tags:
            request["tags"] = tags
        self.check(operation, request)
        if before_write:
            before_write()
        response = self.api.write(operation, ignore=("ResourceAlreadyExistsException", "ResourceInUseException"), **request)
        if isinstance(response, Exception):
            # Another run created this version a moment ago: the same content is no change to make.
            existing = self.api.get(self.kind, self.arn(name, new_version))
            self.claim(existing)
            if existing is None or self.comparable(existing, fields) != wanted:
                self.module.fail_json_aws(response, msg="%s failed: version %s of %s %r was just created by another run with other "
                                                        "content; run again to converge" % (operation, new_version, self.kind.label, name))
            return self._unchanged(existing, dict(self.comparable(existing, fields), name=name, version=new_version,
                                                  tags=existing.get("tags") or {}), tags, purge_tags)
        if response:
            created = self.api.get(self.kind, response[self.kind.arn_param], missing_ok=False)
        else:
            created = dict(merged, name=name, version=new_version, tags=tags or {},
                           arn=self.arn(name, new_version, 1 if self.kind.builds else None))
        return True, created, diff_of(before, dict(wanted, name=name, version=new_version, tags=tags or {}))

    def _unchanged(self, current, before, tags, purge_tags):
        changed, after_tags = self.api.sync_tags(current["arn"], current.get("tags"), tags, purge_tags)
        return changed, dict(current, tags=after_tags), diff_of(before, dict(before, tags=after_tags or {}))

    # ----- sets of versions: List* (lagging) united with what Get sees

    def versions(self, name, also=()):
        """Version ARNs of ``name`` we own, oldest first: List* united with ``also`` (what Get
        found or a create gave), since List* may not show recent versions yet. List's name filter
        matches the name as it was created, so callers pass the stored name when they have it."""
        arns = set(strip_build(item["arn"]) for item in self.api.list_named(self.kind, name)
                   if (parse_arn(item["arn"]) or {}).get("workflow_type") == self.workflow_type)  # a workflow's type is its own
        arns.update(strip_build(arn) for arn in also if arn)
        return sorted(arns, key=lambda arn: version_key(semver_of(dict(arn=arn))))

    def prune_versions(self, name, keep, newest):
        """Delete versions older than the newest ``keep`` (``newest``: the version just converged);
        those still in use are kept and reported with the service's explanation."""
        deleted, in_use = [], []
        versions = self.versions(newest.get("name") or name, [newest.get("arn")])
        for arn in versions[:max(len(versions) - keep, 0)]:
            outcome = None if self.module.check_mode else self._delete_version(arn)
            if outcome:
                in_use.append(dict(arn=arn, reason=outcome))
            else:
                deleted.append(arn)
        return deleted, in_use

    def _delete_version(self, version_arn):
        """Delete one version, every build of it. None when done, else why it is still in use."""
        if not self.kind.builds:
            return self.api.delete(self.kind, version_arn)
        listing = "List%sBuildVersions" % self.kind.api
        summaries = self.api.list_all(listing, "%sSummaryList" % self.kind.get_key, **{"%sVersionArn" % self.kind.get_key: version_arn})
        builds = [item["arn"] for item in summaries]
        for _attempt in range(100):  # the listing may lag: Get finds what it has not shown yet
            for arn in builds:
                reason = self.api.delete(self.kind, arn)
                if reason:
                    return reason
            found = self.api.get(self.kind, version_arn)
            if found is None:
                return None
            builds = [found["arn"]]
        return None

    def ensure_absent(self, name, version=None):
        """Delete every version of ``name`` (or just ``version``). Versions still in use are left;
        the module then fails saying which and why, after reporting what it deleted."""
        if version:
            found = self.api.get(self.kind, self.arn(name, version))
            self.claim(found, deleting=True)
            targets = [strip_build(found["arn"])] if found else []
        else:
            latest = self.latest(name)
            self.claim(latest, deleting=True)  # adopting a name takes every version of it
            targets = self.versions((latest or {}).get("name") or name, [latest["arn"]] if latest else [])
        deleted, in_use = [], []
        while targets:
            for arn in reversed(targets):
                reason = None if self.module.check_mode else self._delete_version(arn)
                (in_use if reason else deleted).append(dict(arn=arn, reason=reason) if reason else arn)
            targets = []
            if not version and not self.module.check_mode:
                latest = self.latest(name)  # a version List* did not show yet
                handled = set(deleted) | set(item["arn"] for item in in_use)
                if latest and strip_build(latest["arn"]) not in handled:
                    targets = [strip_build(latest["arn"])]
        diff = diff_of(dict(name=name, versions=[semver_of(dict(arn=arn)) for arn in deleted + [item["arn"] for item in in_use]]),
                       dict(name=name, versions=[semver_of(dict(arn=item["arn"])) for item in in_use]) if in_use else {})
        return bool(deleted), deleted, in_use, diff
