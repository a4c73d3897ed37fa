# -*- coding: utf-8 -*-
# Copyright: (c) 2026, amiforge developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The engine of amiforge.imagebuilder.

A module turns its parameters into a *desired* request (camelCase, as the API takes it) and
hands it to one of two managers:

- ``VersionedResource`` for immutable, semantically versioned resources (component, image
  recipe, container recipe, workflow): same content as the latest version means unchanged,
  other content means the next version.
- ``UpdatableResource`` for resources updated in place (infrastructure and distribution
  configurations, image pipelines, lifecycle policies): ``Update*`` replaces the whole object.

Both read the current state, compare after normalising, and write only the difference; they
never write in check mode, return diff before/after in snake_case, and manage tags through
TagResource/UntagResource.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import hashlib
import json
import re
import time
import uuid

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports the missing SDK

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

SEMVER_RE = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
SEMVER_FILTER_RE = re.compile(r"^([0-9]+|x)\.([0-9]+|x)\.([0-9]+|x)$")
NAME_RE = re.compile(r"^[-_A-Za-z-0-9][-_A-Za-z0-9 ]{1,126}[-_A-Za-z-0-9]$")
ARN_RE = re.compile(r"^arn:aws[^:]*:imagebuilder:([^:]+):([0-9]{12}|aws):([a-z-]+)/([^/]+)(?:/([^/]+))?(?:/([0-9]+))?$")

# Maps whose keys belong to the user (tags, a component document): never converted between cases.
USER_KEYED = ("tags", "amiTags", "resourceTags", "imageTags", "ami_tags", "resource_tags", "image_tags", "data")

RETRY = AWSRetry.jittered_backoff(
    retries=10, delay=1, max_delay=30,
    catch_extra_error_codes=["TooManyRequestsException", "ServiceUnavailableException", "ServiceException"],
)


class Kind:
    """How the API names one resource kind: Create<api>, Get<api>, List<api>s, ..."""

    def __init__(self, noun, api, arn_param, list_key, get_key, versioned=False, owner=False, list_is_full=False):
        self.list_is_full = list_is_full  # List* returns whole resources, no Get* needed
        self.noun = noun
        self.api = api
        self.arn_param = arn_param
        self.list_key = list_key
        self.get_key = get_key
        self.versioned = versioned
        self.owner = owner

    @property
    def arn_type(self):
        return self.noun.replace("_", "-")


KINDS = dict((kind.noun, kind) for kind in (
    Kind("component", "Component", "componentBuildVersionArn", "componentVersionList", "component", versioned=True, owner=True),
    Kind("image_recipe", "ImageRecipe", "imageRecipeArn", "imageRecipeSummaryList", "imageRecipe", versioned=True, owner=True),
    Kind("container_recipe", "ContainerRecipe", "containerRecipeArn", "containerRecipeSummaryList", "containerRecipe",
         versioned=True, owner=True),
    Kind("workflow", "Workflow", "workflowBuildVersionArn", "workflowVersionList", "workflow", versioned=True, owner=True),
    Kind("infrastructure_configuration", "InfrastructureConfiguration", "infrastructureConfigurationArn",
         "infrastructureConfigurationSummaryList", "infrastructureConfiguration"),
    Kind("distribution_configuration", "DistributionConfiguration", "distributionConfigurationArn",
         "distributionConfigurationSummaryList", "distributionConfiguration"),
    Kind("image_pipeline", "ImagePipeline", "imagePipelineArn", "imagePipelineList", "imagePipeline", list_is_full=True),
    Kind("lifecycle_policy", "LifecyclePolicy", "lifecyclePolicyArn", "lifecyclePolicySummaryList", "lifecyclePolicy"),
    Kind("image", "Image", "imageBuildVersionArn", "imageVersionList", "image", versioned=True, owner=True),
))


# --------------------------------------------------------------------------- versions

def parse_version(text):
    match = SEMVER_RE.match(text or "")
    if not match:
        return None
    return tuple(int(part) for part in match.groups())


def version_key(version):
    """Sort key for 'x.y.z' strings; anything else sorts first."""
    return parse_version(version) or (-1, -1, -1)


def bump_version(version, part="patch"):
    major, minor, patch = parse_version(version)
    if part == "major":
        return "%d.0.0" % (major + 1)
    if part == "minor":
        return "%d.%d.0" % (major, minor + 1)
    return "%d.%d.%d" % (major, minor, patch + 1)


def parse_arn(arn):
    """Split an Image Builder ARN into its parts, or None when it is not one."""
    match = ARN_RE.match(arn or "")
    if not match:
        return None
    region, account, resource_type, name, version, build = match.groups()
    return dict(region=region, account=account, type=resource_type, name=name, version=version, build=build)


def version_of(arn):
    parts = parse_arn(arn)
    return parts["version"] if parts else None


def semver_of(resource):
    """The x.y.z of a resource or summary, from its ARN (the one field every shape has right)."""
    return version_of(resource.get("arn")) or resource.get("version")


# --------------------------------------------------------------------------- data shapes

def _convert_key(key):
    return re.sub(r"_([a-z0-9])", lambda match: match.group(1).upper(), key)


def to_api(value, _key=None):
    """snake_case option values → the API's camelCase, leaving user-keyed maps (tags) alone
    and dropping options left unset (None)."""
    if isinstance(value, dict):
        if _key in USER_KEYED:
            return dict(value)
        return dict((_convert_key(key), to_api(item, key)) for key, item in value.items() if item is not None)
    if isinstance(value, list):
        return [to_api(item) for item in value]
    return value


def to_snake(value):
    """The API's camelCase → snake_case for results, leaving user-keyed maps alone."""
    if isinstance(value, dict):
        return camel_dict_to_snake_dict(value, ignore_list=list(USER_KEYED))
    return value


def prune(value):
    """Drop what carries no information (None, empty strings, lists and maps), recursively,
    so 'not set' and 'set to nothing' compare equal."""
    if isinstance(value, dict):
        pruned = dict((key, prune(item)) for key, item in value.items())
        return dict((key, item) for key, item in pruned.items() if item not in (None, "", [], {}))
    if isinstance(value, list):
        return [item for item in (prune(item) for item in value) if item not in (None, "", [], {})]
    return value


def merge_defaults(value, defaults):
    """Fill what the service would fill in, so a value left out and the service's default
    compare equal (a default is a dict mirroring the request's structure)."""
    if not isinstance(defaults, dict) or not isinstance(value, dict):
        return value if value is not None else copy.deepcopy(defaults)
    merged = dict(value)
    for key, default in defaults.items():
        merged[key] = merge_defaults(value.get(key), default)
    return merged


def sort_unordered(value, unordered):
    """Sort the scalar lists whose order the service does not keep (security groups, ...)."""
    if isinstance(value, dict):
        return dict((key, sorted(item, key=str) if key in unordered and isinstance(item, list)
                     and all(not isinstance(entry, (dict, list)) for entry in item)
                     else sort_unordered(item, unordered)) for key, item in value.items())
    if isinstance(value, list):
        return [sort_unordered(item, unordered) for item in value]
    return value


def canonical(value, fields=None, defaults=None, unordered=()):
    """The comparable form of a request or of a resource read back: only ``fields``, service
    defaults filled in, empties dropped, unordered lists sorted."""
    if fields is not None:
        value = dict((key, item) for key, item in (value or {}).items() if key in fields)
    if defaults:
        value = merge_defaults(value, dict((key, item) for key, item in defaults.items() if fields is None or key in fields))
    return sort_unordered(prune(value), unordered)


def client_token(request, salt):
    """A clientToken derived from the request. ``salt`` is fixed for one module run, so the
    retries of that run carry the same token (never a duplicate) while a later run that
    creates the same content again (after a delete) is not mistaken for a retry."""
    digest = hashlib.sha256(json.dumps([request, salt], sort_keys=True, default=str).encode("utf-8")).digest()
    return str(uuid.UUID(bytes=digest[:16]))


# --------------------------------------------------------------------------- the client

class ImageBuilder:
    """Image Builder calls with retries, pagination and error reporting, for one module run."""

    def __init__(self, module):
        self.module = module
        self.client = module.client("imagebuilder", retry_decorator=RETRY)
        self.salt = uuid.uuid4().hex
        self.assumed = []  # check mode: references to resources an earlier task would create
        self.account = None

    def call(self, operation, ignore=(), **params):
        """Call ``operation`` (the API's name, e.g. 'GetComponent'). Error codes in ``ignore``
        return None; any other error fails the module, naming the operation."""
        method = getattr(self.client, botocore.xform_name(operation))
        try:
            return method(aws_retry=True, **params)
        except is_boto3_error_code(list(ignore) or ["-"]):
            return None
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:  # pylint: disable=duplicate-except
            self.module.fail_json_aws(error, msg="%s failed" % operation)

    def write(self, operation, **params):
        """A call that changes something. In check mode it is not made; where the operation has
        ``dryRun``, the service is asked to validate the request instead (nothing is stored)."""
        members = self.client.meta.service_model.operation_model(operation).input_shape.members
        if "clientToken" in members:
            params["clientToken"] = client_token(params, self.salt)
        if self.module.check_mode:
            if "dryRun" in members and not self.assumed:  # the service would not know what is only assumed
                self.dry_run(operation, **params)
            return None
        return self.call(operation, **params)

    def dry_run(self, operation, **params):
        """Have the service validate a create: DryRunOperationException means it would succeed."""
        method = getattr(self.client, botocore.xform_name(operation))
        try:
            method(aws_retry=True, dryRun=True, **params)
        except is_boto3_error_code("DryRunOperationException"):
            return
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:  # pylint: disable=duplicate-except
            self.module.fail_json_aws(error, msg="%s would fail (checked with dryRun in check mode)" % operation)

    def list_all(self, operation, key, **params):
        """Every item of a List* operation, all pages."""
        items = []
        while True:
            response = self.call(operation, **params)
            items.extend(response.get(key, []))
            if not response.get("nextToken"):
                return items
            params["nextToken"] = response["nextToken"]

    def list_named(self, kind, names, owner="Self"):
        """Summaries of resources of ``kind`` with any of ``names`` (all versions of each)."""
        params = {}
        if kind.owner:
            params["owner"] = owner
        if kind.noun in ("component", "image"):
            params["byName"] = True
        wanted = sorted(set(names))
        items = []
        for start in range(0, len(wanted), 10):  # the API takes 10 values a filter
            params["filters"] = [dict(name="name", values=wanted[start:start + 10])]
            items.extend(self.list_all("List%ss" % kind.api, kind.list_key, **params))
        return [item for item in items if item.get("name") in names]

    def get(self, kind, arn, ignore=()):
        response = self.call("Get%s" % kind.api, ignore=ignore, **{kind.arn_param: arn})
        return response[kind.get_key] if response else None

    def operation_fields(self, operation, exclude=()):
        shape = self.client.meta.service_model.operation_model(operation).input_shape
        return [name for name in shape.members if name not in exclude]

    def sync_tags(self, arn, current, wanted, purge):
        """Bring the tags of ``arn`` from ``current`` to ``wanted`` (None: leave them).
        Returns (changed, the tags afterwards)."""
        if wanted is None:
            return False, current
        to_set, to_unset = compare_aws_tags(current or {}, wanted, purge)
        if to_unset:
            self.write("UntagResource", resourceArn=arn, tagKeys=to_unset)
        if to_set:
            self.write("TagResource", resourceArn=arn, tags=to_set)
        after = dict((key, value) for key, value in (current or {}).items() if key not in to_unset)
        after.update(to_set)
        return bool(to_set or to_unset), after

    def delete(self, kind, arn):
        """Delete ``arn`` (not in check mode). Returns None when it is gone, or the service's
        explanation when something still uses it (ResourceDependencyException)."""
        if self.module.check_mode:
            return None
        method = getattr(self.client, botocore.xform_name("Delete%s" % kind.api))
        try:
            method(aws_retry=True, **{kind.arn_param: arn})
        except is_boto3_error_code("ResourceDependencyException") as error:
            return error.response["Error"].get("Message") or "in use"
        except is_boto3_error_code("ResourceNotFoundException"):  # pylint: disable=duplicate-except
            return None
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:  # pylint: disable=duplicate-except
            self.module.fail_json_aws(error, msg="Delete%s failed" % kind.api)
        return None

    def delete_or_fail(self, kind, arn):
        """Delete ``arn``; a resource still in use fails the module with the service's explanation."""
        in_use = self.delete(kind, arn)
        if in_use:
            self.module.fail_json(msg="Cannot delete %s %s: it is still in use (%s). Remove or update what uses it first."
                                  % (kind.noun.replace("_", " "), arn, in_use))


def result_of(resource):
    """A resource read back, as modules return it: snake_case, ``arn`` kept."""
    return to_snake(resource or {})


def diff_of(before, after):
    return dict(before=to_snake(before or {}), after=to_snake(after or {}))


# --------------------------------------------------------------------------- managers

class UpdatableResource:
    """Resources identified by name and updated in place with a whole-object Update*."""

    def __init__(self, api, kind, defaults=None, unordered=(), normalize=None):
        self.api = api
        self.kind = KINDS[kind]
        self.defaults = defaults or {}
        self.unordered = unordered
        self.normalize = normalize or (lambda value: value)

    def comparable(self, value):
        return self.normalize(canonical(value, self.content_fields(), self.defaults, self.unordered))

    def find(self, name):
        summaries = self.api.list_named(self.kind, [name])
        if not summaries:
            return None
        if self.kind.list_is_full:
            return summaries[0]
        return self.api.get(self.kind, summaries[0]["arn"])

    def content_fields(self):
        return self.api.operation_fields("Update%s" % self.kind.api, exclude=(self.kind.arn_param, "clientToken"))

    def ensure_present(self, name, desired, tags=None, purge_tags=True, before_write=None):
        """``desired``: the Create request without name, tags and clientToken, or a function of
        the current resource (None when absent) that returns it. ``before_write`` runs only when
        a create or update is due: checks that cost API reads (does the instance profile
        exist?) and must fail before anything is written."""
        current = self.find(name)
        if callable(desired):
            desired = desired(current)
        wanted = self.comparable(desired)
        if current is None:
            if before_write:
                before_write()
            request = dict(desired, name=name)
            if tags:
                request["tags"] = tags
            response = self.api.write("Create%s" % self.kind.api, **request)
            created = self.api.get(self.kind, response[self.kind.arn_param]) if response else dict(wanted, name=name, tags=tags or {})
            return True, created, diff_of({}, dict(wanted, name=name, tags=tags or {}))
        have = self.comparable(current)
        changed = False
        if have != wanted:
            if before_write:
                before_write()
            self.api.write("Update%s" % self.kind.api, **dict(desired, **{self.kind.arn_param: current["arn"]}))
            changed = True
        tags_changed, after_tags = self.api.sync_tags(current["arn"], current.get("tags"), tags, purge_tags)
        changed |= tags_changed
        if changed and not self.api.module.check_mode:
            result = self.api.get(self.kind, current["arn"])
        else:
            result = dict(current, **wanted) if changed else current
            result["tags"] = after_tags
        return changed, result, diff_of(dict(have, name=name, tags=current.get("tags") or {}), dict(wanted, name=name, tags=after_tags or {}))

    def ensure_absent(self, name):
        current = self.find(name)
        if current is None:
            return False, {}, diff_of({}, {})
        self.api.delete_or_fail(self.kind, current["arn"])
        return True, {}, diff_of(dict(canonical(current, self.content_fields()), name=name), {})


class VersionedResource:
    """Immutable resources with semantic versions: content changes make a new version."""

    def __init__(self, api, kind, compare_fields, normalize=None, defaults=None, unordered=()):
        self.api = api
        self.kind = KINDS[kind]
        self.compare_fields = compare_fields
        self.normalize = normalize or (lambda value: value)
        self.defaults = defaults or {}
        self.unordered = unordered

    def versions(self, name):
        """Summaries of every version of ``name`` we own, oldest first."""
        summaries = self.api.list_named(self.kind, [name])
        return sorted(summaries, key=lambda item: version_key(semver_of(item)))

    def comparable(self, value):
        return self.normalize(canonical(value, self.compare_fields, self.defaults, self.unordered))

    def ensure_present(self, name, desired, version=None, version_bump="patch", tags=None, purge_tags=True, compare_as=None,
                       before_write=None):
        """``desired``: the Create request without name, semanticVersion, tags and clientToken;
        or a function of the version it is compared with (None when there is none) that returns
        it; ``compare_as``: what to compare instead when the request points at content elsewhere
        (a component's ``uri``). Returns (changed, resource, diff, versions)."""
        versions = self.versions(name)
        by_version = dict((semver_of(item), item) for item in versions)
        target = None
        if version:
            if version in by_version:
                target = by_version[version]
        elif versions:
            target = versions[-1]
        current = self.api.get(self.kind, target["arn"]) if target is not None else None
        if callable(desired):
            desired = desired(current)
        wanted = self.comparable(desired if compare_as is None else compare_as)
        if current is not None:
            have = self.comparable(current)
            if have == wanted:
                changed, after_tags = self.api.sync_tags(current["arn"], current.get("tags"), tags, purge_tags)
                before = dict(have, name=name, version=semver_of(current), tags=current.get("tags") or {})
                result = dict(current, tags=after_tags)
                return changed, result, diff_of(before, dict(before, tags=after_tags or {})), versions
            if version:
                self.api.module.fail_json(
                    msg="%s %r version %s already exists with other content, and versions are immutable. "
                        "Leave 'version' unset to create the next version automatically, or set 'version' to a new one "
                        "(latest is %s)." % (self.kind.noun.replace("_", " "), name, version, semver_of(versions[-1])),
                    differences=diff_of(have, wanted))
            new_version = bump_version(semver_of(current), version_bump)
            before = dict(have, name=name, version=semver_of(current), tags=current.get("tags") or {})
        else:
            new_version = version or "1.0.0"
            before = {}
        if before_write:
            before_write()
        request = dict(desired, name=name, semanticVersion=new_version)
        if tags:
            request["tags"] = tags
        response = self.api.write("Create%s" % self.kind.api, **request)
        if response:
            created = self.api.get(self.kind, response[self.kind.arn_param])
        else:
            created = dict(desired, name=name, version=new_version, tags=tags or {})
        after = dict(wanted, name=name, version=new_version, tags=tags or {})
        return True, created, diff_of(before, after), versions + [dict(arn=created.get("arn"), version=new_version, new=True)]

    def prune_versions(self, versions, keep):
        """Delete versions older than the newest ``keep``; those still in use are kept and reported."""
        deleted, in_use = [], []
        ordered = sorted(versions, key=lambda item: version_key(semver_of(item)))
        for summary in ordered[:max(len(ordered) - keep, 0)]:
            if self.api.module.check_mode:
                deleted.append(summary["arn"])
                continue
            outcome = self._delete_version(summary["arn"])
            (deleted if outcome else in_use).append(summary["arn"])
        return deleted, in_use

    def _delete_version(self, arn):
        """Delete one version (every build of it). False when something still uses it."""
        return not any(self.api.delete(self.kind, build_arn) for build_arn in self._build_arns(arn))

    def _build_arns(self, version_arn):
        if self.kind.noun == "component":
            return [item["arn"] for item in self.api.list_all("ListComponentBuildVersions", "componentSummaryList", componentVersionArn=version_arn)]
        if self.kind.noun == "workflow":
            return [item["arn"] for item in self.api.list_all("ListWorkflowBuildVersions", "workflowSummaryList", workflowVersionArn=version_arn)]
        return [version_arn]

    def ensure_absent(self, name, version=None):
        """Delete every version of ``name`` (or just ``version``). A version in use fails the
        module with the names of the versions deleted so far, so a re-run converges."""
        versions = self.versions(name)
        if version:
            versions = [item for item in versions if semver_of(item) == version]
        if not versions:
            return False, [], diff_of({}, {})
        deleted = []
        for summary in reversed(versions):
            if self.api.module.check_mode:
                deleted.append(summary["arn"])
            elif self._delete_version(summary["arn"]):
                deleted.append(summary["arn"])
            else:
                self.api.module.fail_json(
                    msg="Cannot delete %s %s: it is still in use (a recipe, pipeline or image refers to it). "
                        "Remove or update what uses it first." % (self.kind.noun.replace("_", " "), summary["arn"]),
                    deleted=deleted)
        before = dict(name=name, versions=[semver_of(item) for item in versions])
        return True, deleted, diff_of(before, {})


# --------------------------------------------------------------------------- references

class References:
    """Resolve names to ARNs: the latest version we own, else an Amazon-owned one.

    ``pin`` resolves many names with one List call per owner, and takes Amazon-owned ARNs the
    current resource already holds without asking again, so a no-op converge stays cheap."""

    def __init__(self, api):
        self.api = api

    def pin(self, kind_noun, requests, current_arns=()):
        """``requests``: (name, version or None, option) triples. Returns one ARN per request."""
        kind = KINDS[kind_noun]
        for name, version, option in requests:
            if version and not (SEMVER_RE.match(version) or SEMVER_FILTER_RE.match(version)):
                self.api.module.fail_json(msg="%s: version %r is not a semantic version (x.y.z, x wildcards allowed)" % (option, version))
        names = [name for name, _version, _option in requests]
        found = {"Self": self._by_name(kind, names, "Self")}
        held = dict((parse_arn(arn)["name"], arn) for arn in current_arns if parse_arn(arn) and parse_arn(arn)["account"] == "aws")
        amazon_needed = [name for name, version, _option in requests
                         if name not in found["Self"] and held.get(name, "").rsplit("/", 1)[-1] != (version or "x.x.x")]
        found["Amazon"] = self._by_name(kind, amazon_needed, "Amazon") if kind.owner and amazon_needed else {}
        arns = []
        for name, version, option in requests:
            if name in found["Self"]:
                arns.append(self._choose(kind, name, version, found["Self"][name], option))
            elif name in found["Amazon"]:
                arns.append(self._choose(kind, name, version or "x.x.x", found["Amazon"][name], option))
            elif name in held:
                arns.append(held[name])
            elif self.api.module.check_mode:
                arns.append(self.assume(kind, name, version, option))
            else:
                self.api.module.fail_json(msg="%s: %s %r does not exist. Create it first (amiforge.imagebuilder.%s) or give its ARN."
                                          % (option, kind_noun.replace("_", " "), name, kind_noun))
        return arns

    def assume(self, kind, name, version, option):
        """In check mode a reference may be to something an earlier task would create: predict
        its ARN (first version) and say so, instead of failing the whole dry run."""
        self.api.module.warn("check mode: %s: %s %r does not exist yet; assuming an earlier task creates it"
                             % (option, kind.noun.replace("_", " "), name))
        self.api.assumed.append(name)
        if self.api.account is None:
            identity = self.api.module.client("sts", retry_decorator=RETRY).get_caller_identity(aws_retry=True)
            self.api.account = identity["Account"]
        arn = "arn:aws:imagebuilder:%s:%s:%s/%s" % (self.api.module.region, self.api.account, kind.arn_type, name.lower().replace(" ", "-"))
        return arn + "/" + (version or "1.0.0") if kind.versioned else arn

    def _by_name(self, kind, names, owner):
        if not names:
            return {}
        grouped = {}
        for summary in (self.api.list_named(kind, names, owner=owner) if kind.owner else self.api.list_named(kind, names)):
            grouped.setdefault(summary["name"], []).append(summary)
        for summaries in grouped.values():
            summaries.sort(key=lambda item: version_key(semver_of(item)))
        return grouped

    def _choose(self, kind, name, version, summaries, option):
        """The ARN to pin among ``summaries`` (oldest first): a wildcard version is kept as a
        wildcard ARN (the service resolves it at build time), an exact one must exist, none
        means the latest."""
        if version and "x" in version:
            parts = parse_arn(summaries[-1]["arn"])
            return "arn:aws:imagebuilder:%s:%s:%s/%s/%s" % (parts["region"], parts["account"], parts["type"], parts["name"], version)
        if version:
            match = [item for item in summaries if semver_of(item) == version]
            if not match:
                self.api.module.fail_json(msg="%s: %s %r has no version %s (versions: %s)" % (
                    option, kind.noun.replace("_", " "), name, version, ", ".join(semver_of(item) for item in summaries)))
            return _strip_build(match[0]["arn"])
        return _strip_build(summaries[-1]["arn"])

    def resolve(self, kind_noun, reference, option, current_arn=None):
        """``reference``: an ARN, ``name`` or ``name:version``. ``current_arn`` (what the resource
        holds now) is taken as it is when it is the same unversioned resource, saving a call."""
        kind = KINDS[kind_noun]
        if reference.startswith("arn:"):
            if not parse_arn(reference) or parse_arn(reference)["type"] != kind.arn_type:
                self.api.module.fail_json(msg="%s: %r is not an Image Builder %s ARN" % (option, reference, kind_noun.replace("_", " ")))
            return reference
        name, _sep, version = reference.partition(":")
        held = parse_arn(current_arn) if current_arn else None
        if held and not kind.versioned and held["name"] == name.lower().replace(" ", "-"):
            return current_arn
        return self.pin(kind_noun, [(name, version or None, option)])[0]


def _strip_build(arn):
    parts = parse_arn(arn)
    if parts and parts["build"]:
        return arn.rsplit("/", 1)[0]
    return arn


# --------------------------------------------------------------------------- info and results

def describe(api, kind_noun, name=None, arn=None, owner="Self", filters=None, all_versions=False):
    """What the _info modules return: full resources for an ARN or a name (the latest version,
    or all of them), summaries (all pages) for a filtered list."""
    kind = KINDS[kind_noun]
    if arn:
        found = api.get(kind, arn, ignore=("ResourceNotFoundException",))
        return [found] if found else []
    if name:
        summaries = sorted(api.list_named(kind, [name], owner=owner),
                           key=lambda item: version_key(semver_of(item)))
        if kind.versioned and not all_versions:
            summaries = summaries[-1:]
        return [api.get(kind, summary["arn"]) for summary in summaries]
    params = dict(filters=[dict(name=key, values=value if isinstance(value, list) else [str(value)])
                           for key, value in (filters or {}).items()])
    if kind.owner:
        params["owner"] = owner
    return api.list_all("List%ss" % kind.api, kind.list_key, **params)


def exit_resource(module, noun, changed, resource, diff, **extra):
    """Finish a module run: the resource in snake_case under ``noun``, its ``arn``, the diff."""
    result = dict(changed=changed, arn=(resource or {}).get("arn"), **extra)
    result[noun] = result_of(resource)
    if module._diff:
        result["diff"] = diff
    module.exit_json(**result)


# --------------------------------------------------------------------------- checks before writing

def require(module, service, operation, option, missing_codes, what, **params):
    """Fail naming ``option`` unless ``operation`` on ``service`` finds ``what``."""
    client = module.client(service, retry_decorator=RETRY)
    try:
        return getattr(client, botocore.xform_name(operation))(aws_retry=True, **params)
    except is_boto3_error_code(missing_codes):
        module.fail_json(msg="%s: %s does not exist in %s. Create it first or fix the name." % (option, what, module.region))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:  # pylint: disable=duplicate-except
        module.fail_json_aws(error, msg="%s: cannot check %s" % (option, what))


def check_parent_image_form(module, parent_image, option="parent_image"):
    """Fail, without any call, unless ``parent_image`` is an AMI id, an ssm: parameter or an image ARN."""
    if parent_image.startswith(("ami-", "ssm:")) or (parse_arn(parent_image) or {}).get("type") == "image":
        return
    module.fail_json(msg="%s: %r is neither an AMI id (ami-...), an Image Builder image ARN nor an SSM parameter (ssm:/name)"
                     % (option, parent_image))


def require_parent_image(module, parent_image, option="parent_image"):
    """An AMI id must exist in EC2, an ssm: parameter in SSM; an Image Builder ARN is checked by the service."""
    check_parent_image_form(module, parent_image, option)
    if parent_image.startswith("ami-"):
        found = require(module, "ec2", "DescribeImages", option, ["InvalidAMIID.NotFound", "InvalidAMIID.Malformed"],
                        "AMI %s" % parent_image, ImageIds=[parent_image])
        if not found.get("Images"):
            module.fail_json(msg="%s: AMI %s does not exist in %s." % (option, parent_image, module.region))
    elif parent_image.startswith("ssm:"):
        require(module, "ssm", "GetParameter", option, ["ParameterNotFound"], "SSM parameter %s" % parent_image[4:],
                Name=parent_image[4:])


def info_argument_spec(kind_noun):
    """The options every _info module takes."""
    spec = dict(name=dict(type="str"), arn=dict(type="str"), filters=dict(type="dict"))
    if KINDS[kind_noun].owner:
        spec["owner"] = dict(type="str", choices=["Self", "Shared", "Amazon", "ThirdParty", "AWSMarketplace"], default="Self")
    if KINDS[kind_noun].versioned:
        spec["all_versions"] = dict(type="bool", default=False)
    return spec


def run_info(module, kind_noun, result_key):
    """The whole of an _info module: describe, then exit with the list under ``result_key``."""
    params = module.params
    items = describe(ImageBuilder(module), kind_noun, name=params.get("name"), arn=params.get("arn"),
                     owner=params.get("owner") or "Self", filters=params.get("filters"), all_versions=params.get("all_versions"))
    module.exit_json(changed=False, **{result_key: [result_of(item) for item in items]})


# --------------------------------------------------------------------------- what resource modules share

def resource_argument_spec(**options):
    """A resource module's options: ``name``, its own, then ``tags``, ``purge_tags`` and ``state``."""
    spec = dict(name=dict(type="str", required=True))
    spec.update(options)
    spec.update(tags=dict(type="dict"), purge_tags=dict(type="bool", default=True),
                state=dict(type="str", choices=["present", "absent"], default="present"))
    return spec


def versioned_argument_spec(**options):
    """A versioned resource module's options (see the ``versioned`` doc fragment)."""
    return resource_argument_spec(version=dict(type="str"), version_bump=dict(type="str", choices=["patch", "minor", "major"], default="patch"),
                                  keep_versions=dict(type="int"), **options)


IMAGE_TESTS_SPEC = dict(type="dict", options=dict(enabled=dict(type="bool", default=True), timeout_minutes=dict(type="int", default=720)))


def image_tests_configuration(module):
    """The ``image_tests`` option (see the ``image_tests`` doc fragment) as the API takes it."""
    tests = module.params["image_tests"] or dict(enabled=True, timeout_minutes=720)
    if not 60 <= tests["timeout_minutes"] <= 1440:
        module.fail_json(msg="image_tests.timeout_minutes: %d is out of range; use 60 to 1440" % tests["timeout_minutes"])
    return dict(imageTestsEnabled=tests["enabled"], timeoutMinutes=tests["timeout_minutes"])


def check_versioned_options(module):
    """Fail, before any call, on a version that is not x.y.z or a keep_versions below 1."""
    if module.params["version"] and not parse_version(module.params["version"]):
        module.fail_json(msg="version: %r is not a semantic version; use major.minor.patch, e.g. 1.0.0" % module.params["version"])
    if module.params["keep_versions"] is not None and module.params["keep_versions"] < 1:
        module.fail_json(msg="keep_versions: must be at least 1 (the version just converged is always kept)")


def converge_versioned(module, manager, noun, desired, **options):
    """The whole converge of a versioned module: delete for ``state=absent``; else ensure the
    ``desired`` content (see VersionedResource.ensure_present, ``options`` go there too), prune
    with ``keep_versions``, and exit."""
    params = module.params
    if params["state"] == "absent":
        changed, deleted, diff = manager.ensure_absent(params["name"], params["version"])
        exit_resource(module, noun, changed, {}, diff, deleted_versions=deleted, kept_in_use=[])
    changed, resource, diff, versions = manager.ensure_present(
        params["name"], desired, version=params["version"], version_bump=params["version_bump"],
        tags=params["tags"], purge_tags=params["purge_tags"], **options)
    deleted, in_use = [], []
    if params["keep_versions"]:
        deleted, in_use = manager.prune_versions(versions, params["keep_versions"])
        changed = changed or bool(deleted)
    exit_resource(module, noun, changed, resource, diff, version=semver_of(resource), deleted_versions=deleted, kept_in_use=in_use)


def converge_updatable(module, manager, noun, desired, **options):
    """The whole converge of an updatable module: delete for ``state=absent``, else ensure
    ``desired`` (see UpdatableResource.ensure_present), and exit."""
    params = module.params
    if params["state"] == "absent":
        changed, resource, diff = manager.ensure_absent(params["name"])
    else:
        changed, resource, diff = manager.ensure_present(params["name"], desired, tags=params["tags"], purge_tags=params["purge_tags"], **options)
    exit_resource(module, noun, changed, resource, diff)


# --------------------------------------------------------------------------- builds

BUILDING = ("PENDING", "CREATING", "BUILDING", "TESTING", "DISTRIBUTING", "INTEGRATING")


def wait_for_image(api, arn, timeout):
    """Poll an image build until it ends (AVAILABLE, FAILED, CANCELLED, ...) or ``timeout``
    seconds pass; returns the image as last read. The delay grows from 1 s to 30 s, so a build
    in the emulator ends in seconds and one in AWS costs a read every half minute."""
    deadline = time.monotonic() + timeout
    delay = 1.0
    while True:
        image = api.get(KINDS["image"], arn)
        if image["state"]["status"] not in BUILDING or time.monotonic() + delay > deadline:
            return image
        time.sleep(delay)
        delay = min(delay * 1.5, 30.0)
